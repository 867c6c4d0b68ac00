"""``peerscope eval works`` on a generated corpus, through the command line, and its bad input."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from peerscope.cli import cli
from peerscope.synth.generator import generate_corpus

WORKS = 2000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("works-corpus") / "corpus"
    generate_corpus(out, works=WORKS, seed=3, end_date=date(2026, 6, 30))
    return out


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["eval", "works", *args])
    return result.exit_code, result.stdout, result.stderr


def test_matcher_meets_the_targets_and_beats_the_baseline(corpus: Path) -> None:
    code, out, err = invoke("--corpus", str(corpus), "--json")
    assert code == 0, err
    report = orjson.loads(out)
    truth_lines = (corpus / "truth" / "preprint_pairs.jsonl").read_text().splitlines()
    assert report["works"] == WORKS and report["true_pairs"] == len(truth_lines) > 50
    assert report["pairs"]["precision"] >= 0.99 and report["pairs"]["recall"] >= 0.95
    base = report["baseline"]
    assert base["pairs"]["recall"] < report["pairs"]["recall"] and base["pairs"]["f1"] < report["pairs"]["f1"]
    # blocking: far fewer comparisons than all pairs, a bounded number per work
    assert 0 < report["compared_pairs"] <= 20 * WORKS
    assert report["works_per_s"] > 0 and report["mode"] == "corpus"
    assert set(report) >= {"pairs", "true_pairs", "predicted_pairs", "compared_pairs", "works", "works_per_s", "baseline"}


def test_human_output_names_the_figures(corpus: Path) -> None:
    code, out, _ = invoke("--corpus", str(corpus))
    assert code == 0
    assert "precision" in out and "baseline" in out and f"{WORKS} records" in out


def test_missing_corpus_folder(tmp_path: Path) -> None:
    code, out, err = invoke("--corpus", str(tmp_path / "nowhere"), "--json")
    assert code == 3
    assert orjson.loads(out)["error"] == "invalid_input"
    assert f"{tmp_path / 'nowhere'}: no such corpus folder" in err


def test_corpus_without_ground_truth(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(corpus / "works", copy / "works")
    code, _, err = invoke("--corpus", str(copy))
    assert code == 3
    assert f"{copy / 'truth' / 'preprint_pairs.jsonl'}: no ground truth file" in err


def test_corrupt_gzip_names_the_file(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(corpus / "truth", copy / "truth")
    (copy / "works").mkdir()
    whole = (corpus / "works" / "part-00000.jsonl.gz").read_bytes()
    broken = copy / "works" / "part-00000.jsonl.gz"
    broken.write_bytes(whole[: len(whole) // 2])
    code, _, err = invoke("--corpus", str(copy))
    assert code == 3
    assert str(broken) in err and "cannot read" in err


def test_truth_naming_a_work_the_corpus_lacks(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(corpus / "works", copy / "works")
    (copy / "truth").mkdir()
    (copy / "truth" / "preprint_pairs.jsonl").write_text('{"preprint": "W1", "published": "W2"}\n')
    code, _, err = invoke("--corpus", str(copy))
    assert code == 3 and "W1" in err and "does not hold" in err


def test_malformed_truth_line(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    (copy / "works").mkdir(parents=True)
    with gzip.open(copy / "works" / "part.jsonl.gz", "wb") as fh:
        fh.write(b"")
    (copy / "truth").mkdir()
    (copy / "truth" / "preprint_pairs.jsonl").write_text('{"preprint": "W1"}\n')
    code, _, err = invoke("--corpus", str(copy))
    assert code == 3 and "preprint_pairs.jsonl:1" in err


def test_exactly_one_labelled_set(corpus: Path) -> None:
    assert invoke()[0] == 3
    code, _, err = invoke("--corpus", str(corpus), "--recorded", str(corpus))
    assert code == 3 and "exactly one" in err
