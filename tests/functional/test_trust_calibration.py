"""Calibration on a generated corpus: after `peerscope derive` (integrity checks, then trust),
the records behind the planted retractions, tortured-phrase papers and preprint bursts land in
the lowest bands, and so do the members of the planted citation ring (caught by the graph
check's cross-topic ring rule), while the corpus as a whole does not; the report says so beside
the corpus baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerscope.cli import cli
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.synth.truth import planted_cases

PLANTED_KINDS = {"retracted", "tortured_phrases", "preprint_burst", "citation_ring"}
# every planted record of these kinds lands in the lowest bands
DETECTED_KINDS = PLANTED_KINDS - {"citation_ring"}
# of the ring, most members: one with three works whose ties to the group run through a
# co-author cannot be told from the ring's readers (7 of 8 here; 9 of 9 at 20,000 works)
RING_SHARE_CAUGHT = 0.75


def ring_work_bylines(store: Store, corpus: Path) -> set[int]:
    """Every record on the byline of a planted ring's works (the planted members and their co-authors)."""
    ours: dict[str, list[int]] = {}
    for work_id, source_ids in store_resolution.source_ids_of_works(store, "openalex").items():
        for sid in source_ids:
            ours.setdefault(sid, []).append(work_id)
    works = {w for case in planted_cases(corpus) if case.kind == "citation_ring" for sid in case.works for w in ours.get(sid, ())}
    return {a for (w, _pos), a in store_resolution.byline_authors(store).items() if w in works and a is not None}


def ring_flagged(store: Store) -> set[int]:
    with store.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.entity_id FROM flag_subjects s JOIN integrity_flags f ON f.id = s.flag_id "
            "WHERE f.kind = 'citation_ring' AND s.entity_kind = 'author' AND s.role = 'subject'").all()
    return {int(r[0]) for r in rows}


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("calibration") / "corpus"
    run("bench", "generate", "--works", "3000", "--seed", "5", "--out", str(out), "--json")
    return out


def test_planted_cases_land_in_the_lowest_bands(store: Store, corpus: Path) -> None:
    url = store.describe()
    run("ingest", "openalex", "--from-file", str(corpus / "works"), "--database-url", url, "--json")
    derived = run("derive", "--database-url", url, "--json")
    assert derived["trust"]["recomputed"] == derived["trust"]["authors"] > 0
    assert {"retracted", "tortured_phrases"} <= set(derived["integrity"]["flags"])

    report = run("trust", "report", "--database-url", url, "--truth", str(corpus), "--json")
    planted = report["planted"]
    assert set(planted["lowest_bands"]) == {"New", "Emerging"}
    assert set(planted["by_kind"]) == PLANTED_KINDS
    for kind, k in planted["by_kind"].items():
        assert k["authors"] > 0 and k["unscored"] == 0, kind
        assert sum(k["bands"].values()) == k["authors"]
    for kind in DETECTED_KINDS:
        assert planted["by_kind"][kind]["share_in_lowest_bands"] == 1.0, (kind, planted["outside_lowest_bands"])
    assert planted["by_kind"]["citation_ring"]["share_in_lowest_bands"] >= RING_SHARE_CAUGHT, planted["outside_lowest_bands"]
    assert {o["kind"] for o in planted["outside_lowest_bands"]} <= PLANTED_KINDS - DETECTED_KINDS
    # and the ring rule flags nobody who is not on the byline of a planted ring work
    ring_bylines = ring_work_bylines(store, corpus)
    flagged = ring_flagged(store)
    assert flagged and flagged <= ring_bylines, sorted(flagged - ring_bylines)
    # the baseline: the corpus as a whole is not all in the lowest bands, so landing there means something
    corpus_share = planted["corpus"]["share_in_lowest_bands"]
    assert corpus_share < 1.0 and planted["corpus"]["authors"] == report["authors"]
    assert planted["planted"]["mean_score"] < planted["corpus"]["mean_score"]

    again = run("derive", "--database-url", url, "--json")  # nothing changed: nothing rewritten
    assert again["trust"]["recomputed"] == 0 and again["integrity"]["rewritten"] == 0


def test_truth_that_is_not_a_corpus_is_refused(store: Store, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["trust", "report", "--database-url", store.describe(), "--truth", str(tmp_path), "--json"])
    assert result.exit_code != 0
    assert str(tmp_path) in result.output and "not a generated corpus" in result.output
