"""Works without a shared identifier folded into one (a preprint and its published version),
on SQLite and PostgreSQL: measured against the generator's truth, with versions, redirects and
the reason kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from peerscope.pipeline import ingest_openalex
from peerscope.resolution import resolve_works
from peerscope.serve.ids import lookup, public_id
from peerscope.store import queries
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.store.models import Location, WorkRecordRow
from peerscope.synth.generator import generate_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("works-corpus")
    generate_corpus(root, works=800, seed=5, end_date=date(2026, 6, 30))
    return root


def test_preprints_join_their_published_versions(store: Store, corpus: Path) -> None:
    ingest_openalex(store, sorted((corpus / "works").glob("*.jsonl.gz")))
    truth = [orjson.loads(line) for line in (corpus / "truth" / "preprint_pairs.jsonl").read_bytes().splitlines()]
    assert len(truth) > 20
    before = {lookup(store, "work", t["preprint"]).number for t in truth}
    report = resolve_works(store)
    # recall: every true pair now answers with one work
    joined = [t for t in truth if lookup(store, "work", t["preprint"]).number == lookup(store, "work", t["published"]).number]
    assert len(joined) / len(truth) >= 0.95
    # precision: the records of every folded work are a true pair
    true_pairs = {frozenset(u.rsplit("/", 1)[-1] for u in (t["preprint"], t["published"])) for t in truth}
    rec = WorkRecordRow.__table__
    with store.connect() as conn:
        records: dict[int, set[str]] = {}
        for work_id, source_id in conn.execute(select(rec.c.work_id, rec.c.source_id)):
            records.setdefault(work_id, set()).add(source_id)
    folded_works = [frozenset(ids) for ids in records.values() if len(ids) > 1]
    assert len(folded_works) == report.folded
    wrong = [ids for ids in folded_works if ids not in true_pairs]
    assert len(wrong) <= max(1, len(folded_works) // 100), wrong
    # a joined work keeps both versions, the published one primary, and says why
    t = joined[0]
    survivor = lookup(store, "work", t["published"]).number
    loc = Location.__table__
    with store.connect() as conn:
        versions = conn.execute(select(loc.c.version, loc.c.is_primary).where(loc.c.work_id == survivor).order_by(loc.c.is_primary.desc())).all()
    assert versions[0] == ("publishedVersion", True) and ("submittedVersion", False) in versions
    (summary,) = queries.work_summaries(store, [survivor])
    preprint = [v for v in summary.other_versions if v.version == "submittedVersion"]
    assert preprint and preprint[0].venue and preprint[0].venue != (summary.venue.name if summary.venue else None)
    reasons = store_resolution.work_matches_of(store, survivor)
    assert reasons and reasons[0]["rule"] in ("title_authors", "title_only") and reasons[0]["evidence"]
    # the folded work's own id answers with the survivor (a 301 on the pages and the API)
    folded = reasons[0]["folded_id"]
    assert lookup(store, "work", public_id("work", folded)).moved
    assert folded in before or survivor in before
    # a second run finds nothing more to fold
    assert resolve_works(store).folded == 0
