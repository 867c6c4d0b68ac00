"""The store's set-based profile counts agree with the plain Python statement of the rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from peerscope.derive.profile_counts import CODE_VERSION, CollaborationRule, compute_author, refresh_profile_counts
from peerscope.pipeline import ingest_openalex
from peerscope.store.db import Store
from peerscope.store.derived import all_author_ids, author_work_facts
from peerscope.synth.generator import generate_corpus

from .conftest import SAMPLE


def stored(store: Store) -> tuple[dict, dict, dict]:
    with store.connect() as conn:
        stats = {
            r[0]: tuple(r[1:])
            for r in conn.execute(text("SELECT author_id, works_count, topics_count, close_collaborators_count, first_year, last_year, last_institution_id FROM author_stats"))
        }
        topics = {(r[0], r[1]): (r[2], round(r[3], 4)) for r in conn.execute(text("SELECT author_id, topic_id, works_count, score FROM author_topics"))}
        collabs = {(r[0], r[1]): (r[2], r[3], r[4], bool(r[5])) for r in conn.execute(text("SELECT author_id, coauthor_id, joint_works, first_year, last_year, is_close FROM collaborators"))}
    return stats, topics, collabs


def reference(store: Store, rule: CollaborationRule) -> tuple[dict, dict, dict]:
    stats, topics, collabs = {}, {}, {}
    for author_id, facts in author_work_facts(store, all_author_ids(store)):
        d = compute_author(author_id, facts, rule)
        stats[author_id] = (d.works_count, d.topics_count, d.close_collaborators_count, d.first_year, d.last_year, d.last_institution_id)
        topics.update({(author_id, t): (n, round(sc, 4)) for t, n, sc in d.topics})
        collabs.update({(author_id, co): (n, fy, ly, close) for co, n, fy, ly, close in d.collaborators})
    return stats, topics, collabs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "c"
    generate_corpus(out, works=800, seed=5, end_date=date(2026, 6, 30))
    return out


def test_sql_counts_equal_reference_rules(store: Store, corpus: Path) -> None:
    ingest_openalex(store, [SAMPLE, corpus / "works"])
    got, want = stored(store), reference(store, CollaborationRule())
    for name, g, w in zip(("author_stats", "author_topics", "collaborators"), got, want):
        assert g == w, f"{name} differs from the reference rules"
    assert len(got[0]) > 100 and any(v[2] for v in got[0].values())


def test_unchanged_inputs_are_skipped_and_rule_change_recomputes(store: Store) -> None:
    ingest_openalex(store, [SAMPLE])
    again = refresh_profile_counts(store)
    assert (again.authors_recomputed, again.authors_unchanged) == (0, 4)
    stricter = refresh_profile_counts(store, rule=CollaborationRule(min_joint_works=3))
    assert stricter.authors_recomputed == 4
    with store.connect() as conn:
        versions = {r[0] for r in conn.execute(text("SELECT code_version FROM author_stats"))}
        closes = conn.execute(text("SELECT sum(close_collaborators_count) FROM author_stats")).scalar_one()
    assert versions == {CODE_VERSION}
    assert closes == 2  # only Ada and Bob (3 joint works) stay close


def _queued(store: Store) -> dict[str, int]:
    with store.connect() as conn:
        return dict(conn.execute(text("SELECT entity_kind, count(*) FROM derive_pending GROUP BY entity_kind")).all())


def test_a_run_stopped_before_deriving_leaves_its_works_queued_and_the_next_run_derives_them(
    store: Store, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writes and the derive queue commit together; the derive stage comes after. A run that
    dies between them (here: the derive stage fails) leaves every written author and work queued,
    and the next run of the same stream, though it has nothing left to read, derives them."""
    from peerscope import pipeline

    def dies(*_args, **_kwargs):
        raise RuntimeError("stopped before deriving")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "refresh_profile_counts", dies)
        with pytest.raises(RuntimeError, match="stopped before deriving"):
            ingest_openalex(store, [corpus / "works"], batch_size=300, resume=True)
    with store.connect() as conn:
        works = conn.execute(text("SELECT count(*) FROM works")).scalar_one()
        authors = conn.execute(text("SELECT count(DISTINCT author_id) FROM authorships WHERE author_id IS NOT NULL")).scalar_one()
        assert conn.execute(text("SELECT count(*) FROM author_stats")).scalar_one() == 0
    assert _queued(store) == {"author": authors, "work": works}

    again = ingest_openalex(store, [corpus / "works"], batch_size=300, resume=True)
    assert again.resumed_from == "finished" and again.records == 0
    assert again.authors_recomputed == authors
    assert _queued(store) == {}
    got, want = stored(store), reference(store, CollaborationRule())
    assert got == want
    with store.connect() as conn:
        if store.is_sqlite:
            assert conn.execute(text("SELECT count(*) FROM works_fts")).scalar_one() == works


def test_derive_command_path_empties_the_queue(store: Store) -> None:
    from peerscope.pipeline import derive_pending

    ingest_openalex(store, [SAMPLE])
    assert _queued(store) == {}
    with store.begin(write=True) as conn:
        conn.execute(text("INSERT INTO derive_pending (entity_kind, entity_id) SELECT 'work', id FROM works"))
    report = derive_pending(store, everything=True)
    assert report.profiles.authors_considered >= 1
    assert report.titles_indexed >= 1 or not store.is_sqlite  # PostgreSQL's index follows the table itself
    assert _queued(store) == {}
