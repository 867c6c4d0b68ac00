"""Gaming must not pay: each case is built in the store, then the score must not rise (or must
fall) and the reason must appear among the inputs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import text

from peerscope.derive.trust.run import derive_trust
from peerscope.pipeline import ingest_openalex
from peerscope.store import trust as store_trust
from peerscope.store.db import Store


def record(wid: int, authors: list[int], year: int = 2018, date: str | None = None, wtype: str = "article", refs: tuple[int, ...] = (), abstract: bool = True) -> dict:
    return {
        "id": f"https://openalex.org/W{wid}", "title": f"A study of case {wid} in graph measurement", "display_name": f"A study of case {wid}",
        "publication_year": year, "publication_date": date or f"{year}-0{1 + wid % 9}-15", "type": wtype,
        "ids": {"openalex": f"https://openalex.org/W{wid}"},
        "authorships": [{"author_position": "first" if i == 0 else "middle", "author": {"id": f"https://openalex.org/A{a}", "display_name": f"Person {a} Example", "orcid": None},
                         "institutions": [], "raw_author_name": f"Person {a} Example", "raw_affiliation_strings": []} for i, a in enumerate(authors)],
        "referenced_works": [f"https://openalex.org/W{r}" for r in refs],
        "abstract_inverted_index": {"We": [0], "measure": [1], "graphs": [2]} if abstract else None,
    }


def ingest(store: Store, tmp_path: Path, records: list[dict], name: str) -> None:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    ingest_openalex(store, [path])


def author_of(store: Store, openalex: str) -> int:
    with store.connect() as conn:
        return conn.execute(text("SELECT entity_id FROM external_ids WHERE entity_kind = 'author' AND scheme = 'openalex' AND value = :v"), {"v": openalex}).scalar_one()


def snapshot(store: Store, aid: int):  # type: ignore[no-untyped-def]
    derive_trust(store)
    snap = store_trust.current_snapshot(store, aid)
    assert snap is not None
    return snap


def inputs_of(snap) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {i["name"]: i["value"] for c in snap.components for i in c["inputs"]}


def base_record(store: Store, tmp_path: Path, author: int = 1, first_work: int = 100) -> int:
    ingest(store, tmp_path, [record(first_work + i, [author], 2010 + i) for i in range(6)], f"base{author}")
    return author_of(store, f"A{author}")


def test_a_citation_ring_among_ten_records_does_not_raise_their_scores(store: Store, tmp_path: Path) -> None:
    ring = list(range(1, 11))
    ingest(store, tmp_path, [record(100 * a + k, [a], 2012 + k) for a in ring for k in range(3)], "ring-works")
    ids = {a: author_of(store, f"A{a}") for a in ring}
    derive_trust(store)
    before = {a: store_trust.current_snapshot(store, ids[a]).score for a in ring}
    # every record now cites every other record's works, from new works of its own
    ingest(store, tmp_path, [record(100 * a + 50, [a], 2016, refs=tuple(100 * b + k for b in ring if b != a for k in range(3))) for a in ring], "ring-cites")
    derive_trust(store)
    for a in ring:
        snap = store_trust.current_snapshot(store, ids[a])
        assert snap.score <= before[a] + 0  # the new work itself may count; the ring's citations may not
        assert inputs_of(snap).get("citing works: reciprocal", 0) == 27  # 9 citing works, 3 cited works each
        assert any("citation ring" in name for name in inputs_of(snap))


def test_a_burst_of_thin_preprints_lowers_the_score(store: Store, tmp_path: Path) -> None:
    aid = base_record(store, tmp_path)
    before = snapshot(store, aid)
    ingest(store, tmp_path, [record(500 + i, [1], 2024, date=f"2024-03-{1 + i:02d}", wtype="preprint", abstract=False) for i in range(20)], "burst")
    after = snapshot(store, aid)
    assert after.score < before.score
    names = inputs_of(after)
    assert names["thin preprints without an abstract (not counted)"] == 20
    assert any(n.startswith("preprint burst: 20 preprints in 2024-03") for n in names)


def test_citations_from_works_deleted_upstream_do_not_count(store: Store, tmp_path: Path) -> None:
    aid = base_record(store, tmp_path)
    ingest(store, tmp_path, [record(700 + i, [50 + i], 2019, refs=(100, 101)) for i in range(8)], "citers")
    cited = snapshot(store, aid)
    with store.begin(write=True) as conn:  # no source describes the citing works any more
        conn.execute(text("DELETE FROM work_records WHERE work_id IN (SELECT entity_id FROM external_ids WHERE entity_kind = 'work' AND scheme = 'openalex' AND value LIKE 'W7%')"))
    after = snapshot(store, aid)
    assert after.score < cited.score
    assert inputs_of(after)["citing works: deleted"] == 16
    assert inputs_of(after)["field- and age-normalised citations"] == 0


def test_a_mass_of_self_asserted_identifiers_does_not_raise_the_score(store: Store, tmp_path: Path) -> None:
    aid = base_record(store, tmp_path)
    before = snapshot(store, aid)
    now = datetime(2026, 1, 1)
    with store.begin(write=True) as conn:
        conn.execute(text("INSERT INTO raw_records (id, source, source_id, payload_hash, payload, retrieved_at, ingested_at) VALUES (900000, 'orcid', '0000-0001-0000-0001', 'x', :p, :t, :t)"), {"p": b"{}", "t": now})
        for i in range(200):
            conn.execute(text("INSERT INTO external_ids (entity_kind, scheme, value, entity_id, raw_record_id) VALUES ('author', :s, :v, :a, 900000)"), {"s": f"self{i % 5}", "v": f"id-{i}", "a": aid})
            conn.execute(text("INSERT INTO author_work_refs (author_id, scheme, value, asserted_by, title, publication_year, type, raw_record_id) VALUES (:a, 'doi', :v, '', NULL, NULL, NULL, 900000)"), {"a": aid, "v": f"10.1/self.{i}"})
    after = snapshot(store, aid)
    assert after.score <= before.score
    assert after.verification_level == before.verification_level == "L0"
    assert inputs_of(after)["self-asserted identifiers (not counted)"] == 400


def test_a_record_merged_from_two_people_loses_consistency(store: Store, tmp_path: Path) -> None:
    aid = base_record(store, tmp_path, author=1)
    other = base_record(store, tmp_path, author=2, first_work=200)
    before = snapshot(store, aid)
    now = datetime(2026, 1, 1)
    with store.begin(write=True) as conn:  # a resolution run folds the second person into the first
        conn.execute(text("INSERT INTO resolution_runs (id, stage, resolver_version, started_at, finished_at, summary) VALUES (7, 'authors', 'test', :t, :t, '{}')"), {"t": now})
        conn.execute(text("INSERT INTO retired_authors (run_id, author_id, survivor_id, snapshot) VALUES (7, :o, :a, '{}')"), {"o": other, "a": aid})
        conn.execute(text("UPDATE authorships SET author_id = :a WHERE author_id = :o"), {"a": aid, "o": other})
        conn.execute(text("INSERT INTO author_links (work_id, position, author_id, rule, score, evidence, run_id) SELECT work_id, position, :a, 'evidence', 0.55, '[]', 7 FROM authorships WHERE author_id = :a"), {"a": aid})
    after = snapshot(store, aid)
    consistency = {c["name"]: c["points"] for c in after.components}["record consistency"]
    assert consistency < {c["name"]: c["points"] for c in before.components}["record consistency"]
    assert inputs_of(after)["records merged into this one"] == 1
    assert after.changes and any(ch["component"] == "record consistency" for ch in after.changes)


def test_a_rerun_with_unchanged_inputs_writes_nothing(store: Store, tmp_path: Path) -> None:
    base_record(store, tmp_path)
    first = derive_trust(store)
    again = derive_trust(store)
    assert first.recomputed >= 1 and again.recomputed == 0 and again.unchanged == first.authors
