"""Work matching on real records: the recorded responses in ../shared/data, labelled by their
shared identifiers, matched with those identifiers hidden."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from peerscope.cli import cli

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]


@pytest.fixture(scope="module")
def report() -> dict:
    result = CliRunner().invoke(cli, ["eval", "works", "--recorded", str(DATA), "--json"])
    assert result.exit_code == 0, result.stderr
    return orjson.loads(result.stdout)


def test_labelled_set_is_built_from_the_recorded_files(report: dict) -> None:
    assert report["mode"] == "recorded"
    # arXiv (Atom, OAI-PMH), Crossref, Semantic Scholar and OpenAlex works, and the first
    # versions of the arXiv papers with more than one
    assert report["works"] > 1500 and report["true_pairs"] > 1000
    assert report["ids_hidden"] > 1000
    subsets = report["subsets"]
    # no arXiv record in the recorded data shares its DOI with a publisher's record there
    assert subsets["doi_linked_arxiv_to_publisher"] == {"true_pairs": 0, "found": 0, "recall": None}
    assert subsets["first_to_current_version"]["true_pairs"] > 500
    assert subsets["first_to_current_version_title_changed"]["true_pairs"] > 100


def test_matching_is_precise_and_beats_the_baseline(report: dict) -> None:
    pairs, base = report["pairs"], report["baseline"]["pairs"]
    assert pairs["precision"] >= 0.99
    assert pairs["recall"] >= 0.85
    assert pairs["recall"] > base["recall"] + 0.15 and pairs["f1"] > base["f1"]
    assert report["subsets"]["first_to_current_version"]["recall"] >= 0.8
    # a reworded title is found only when the authors carry it: about four in ten
    assert report["subsets"]["first_to_current_version_title_changed"]["recall"] >= 0.35


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "works", "--recorded", str(tmp_path / "absent")])
    assert result.exit_code == 3 and str(tmp_path / "absent") in result.stderr
