"""The thin pipeline through a real store, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from peerscope.errors import InputError
from peerscope.pipeline import ingest_openalex
from peerscope.store import queries
from peerscope.store.db import Store

from .conftest import SAMPLE

ADA_ORCID = "0000-0002-1825-0097"


def quarantine_rows(store: Store) -> list:
    with store.connect() as conn:
        return list(conn.execute(text("SELECT source, location, reason, payload FROM quarantine ORDER BY id")))


def table_counts(store: Store) -> dict[str, int]:
    names = ["raw_records", "works", "authors", "authorships", "authorship_affiliations", "external_ids", "locations", "work_topics", "citations", "author_stats", "collaborators"]
    with store.connect() as conn:
        return {n: conn.execute(text(f"SELECT count(*) FROM {n}")).scalar_one() for n in names}


def ada_id(store: Store) -> int:
    found = queries.find_by_external_id(store, "author", "orcid", ADA_ORCID)
    assert found is not None
    return found


def test_ingest_builds_graph_resolved_by_identifiers(seeded_store: Store) -> None:
    c = table_counts(seeded_store)
    assert c["works"] == 6
    # Ada (A100 and A199 joined by her ORCID), Bob, Cai, and Nemo (no id: keyed by byline slot)
    assert c["authors"] == 4
    assert c["authorships"] == 12
    ada = ada_id(seeded_store)
    assert queries.find_by_external_id(seeded_store, "author", "openalex", "A100") == ada
    assert queries.find_by_external_id(seeded_store, "author", "openalex", "A199") == ada
    profile = queries.get_author(seeded_store, ada)
    assert profile is not None and profile.stats is not None
    assert profile.stats.works_count == 4
    assert profile.stats.close_collaborators_count == 2  # Bob (3 joint works), Cai (2)
    assert {c.author.name for c in profile.collaborators if c.is_close} == {"Bob Müller", "Cai Wen"}
    assert profile.affiliation is not None and profile.affiliation.display_name == "University of Northfield"  # on her latest work
    assert "A. Lovelace" in profile.name_variants


def test_citations_link_to_works_in_the_graph(seeded_store: Store) -> None:
    w1001 = queries.find_by_external_id(seeded_store, "work", "openalex", "W1001")
    detail = queries.get_work(seeded_store, w1001)
    assert detail is not None
    assert detail.cited_by_in_graph == 3
    w1003 = queries.get_work(seeded_store, queries.find_by_external_id(seeded_store, "work", "doi", "10.1234/jog.2025.3"))
    assert w1003 is not None
    assert w1003.references_count == 2  # W1001 and W9999 (not in the graph)
    assert [r.id for r in w1003.references] == [w1001]


def test_reingest_changes_nothing(seeded_store: Store) -> None:
    before = table_counts(seeded_store)
    report = ingest_openalex(seeded_store, [SAMPLE])
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 6)
    assert table_counts(seeded_store) == before


def test_changed_payload_updates_in_place(seeded_store: Store, tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    record = orjson.loads(lines[1])
    record["title"] = "Trust signals for researcher records, revised"
    record["authorships"] = record["authorships"][:1]
    changed = tmp_path / "changed.jsonl"
    changed.write_bytes(orjson.dumps(record) + b"\n")
    before = table_counts(seeded_store)
    report = ingest_openalex(seeded_store, [changed])
    assert (report.inserted, report.updated) == (0, 1)
    after = table_counts(seeded_store)
    assert after["works"] == before["works"]
    assert after["raw_records"] == before["raw_records"] + 1  # the old payload is kept
    assert after["authorships"] == before["authorships"] - 1
    wid = queries.find_by_external_id(seeded_store, "work", "openalex", "W1002")
    detail = queries.get_work(seeded_store, wid)
    assert detail is not None and detail.summary.title.endswith("revised")
    # Bob lost a joint work with Ada: his derived counts were recomputed
    bob = queries.find_by_external_id(seeded_store, "author", "openalex", "A200")
    assert queries.get_author(seeded_store, bob).stats.works_count == 3


def test_duplicate_lines_in_one_file_make_one_work(store: Store, tmp_path: Path) -> None:
    line = SAMPLE.read_bytes().splitlines()[0]
    dup = tmp_path / "dup.jsonl"
    dup.write_bytes(line + b"\n" + line + b"\n")
    report = ingest_openalex(store, [dup])
    assert report.inserted == 1 and report.unchanged == 1
    assert table_counts(store)["works"] == 1


def test_bad_line_is_quarantined_and_the_run_goes_on(store: Store, tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(lines[0] + b"\n" + lines[1] + b"\n{not json\n" + lines[2] + b"\n")
    report = ingest_openalex(store, [bad], batch_size=1)
    assert (report.inserted, report.quarantined) == (3, 1)
    assert report.errors[0].startswith("bad.jsonl:3: not valid JSON")
    rows = quarantine_rows(store)
    assert [(r.source, r.location, bytes(r.payload)) for r in rows] == [("openalex", "bad.jsonl:3", b"{not json")]
    # the same input again: nothing new, the quarantine entry is not repeated
    again = ingest_openalex(store, [bad], batch_size=1)
    assert (again.inserted, again.unchanged, again.quarantined) == (0, 3, 1)
    assert len(quarantine_rows(store)) == 1


def test_strict_stops_at_the_first_bad_line_after_whole_batches(store: Store, tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(lines[0] + b"\n" + lines[1] + b"\n{not json\n" + lines[2] + b"\n")
    with pytest.raises(InputError, match=r"bad.jsonl:3: not valid JSON"):
        ingest_openalex(store, [bad], batch_size=1, strict=True)
    c = table_counts(store)
    assert c["works"] == 2  # the two whole batches before the bad line
    assert c["authorships"] == 5  # no half-written work
    # resume after fixing the file: nothing duplicated
    bad.write_bytes(b"\n".join(lines) + b"\n")
    report = ingest_openalex(store, [bad], batch_size=1)
    assert (report.inserted, report.unchanged) == (4, 2)
    assert table_counts(store)["works"] == 6


def test_record_without_id_is_quarantined(store: Store, tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    bad = tmp_path / "noid.jsonl"
    bad.write_bytes(b'{"title": "orphan"}\n' + lines[0] + b"\n")
    with pytest.raises(InputError, match=r"noid.jsonl:1: missing or malformed OpenAlex id"):
        ingest_openalex(store, [bad], strict=True)
    assert table_counts(store)["works"] == 0
    report = ingest_openalex(store, [bad])
    assert report.quarantined == 1 and report.inserted == 1
    assert "missing or malformed OpenAlex id" in quarantine_rows(store)[0].reason


def test_missing_path_is_an_input_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        ingest_openalex(store, [tmp_path / "nope.jsonl"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no .json"):
        ingest_openalex(store, [empty])


def test_gzip_and_api_list_documents(store: Store, tmp_path: Path) -> None:
    import gzip

    lines = SAMPLE.read_bytes().splitlines()
    gz = tmp_path / "part.jsonl.gz"
    gz.write_bytes(gzip.compress(b"\n".join(lines[:3]) + b"\n"))
    listing = tmp_path / "list.json"
    listing.write_bytes(orjson.dumps({"meta": {"count": 3}, "results": [orjson.loads(x) for x in lines[3:]]}))
    report = ingest_openalex(store, [tmp_path])
    assert report.inserted == 6


def test_title_search(seeded_store: Store) -> None:
    from peerscope.index.titles import DatabaseTitleIndex

    index = DatabaseTitleIndex(seeded_store)
    ids, total = index.search("trust signals", 10)
    assert total == 1
    assert queries.work_summaries(seeded_store, ids)[0].title == "Trust signals for researcher records"
    assert index.search('"; DROP TABLE works; --', 10) == ([], 0)
    ids, total = index.search("graph", 10)
    assert total == 1  # prefix match on the last word: "Graph explorers …"


def test_migrations_match_models(store: Store) -> None:
    assert store.drift() == []
    assert store.is_current()


def test_reference_to_a_work_arriving_later_is_linked_when_it_arrives(store: Store, tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines()
    citing, cited = tmp_path / "a_citing.jsonl", tmp_path / "b_cited.jsonl"
    citing.write_bytes(lines[1] + b"\n")  # W1002 cites W1001
    cited.write_bytes(lines[0] + b"\n")
    ingest_openalex(store, [citing])
    w1002 = queries.find_by_external_id(store, "work", "openalex", "W1002")
    assert queries.get_work(store, w1002).references == ()
    ingest_openalex(store, [cited])
    w1001 = queries.find_by_external_id(store, "work", "openalex", "W1001")
    assert [r.id for r in queries.get_work(store, w1002).references] == [w1001]
    assert queries.get_work(store, w1001).cited_by_in_graph == 1


def test_every_id_and_fact_row_names_its_payload(seeded_store: Store) -> None:
    with seeded_store.connect() as conn:
        for table in ["external_ids", "works", "authorships", "locations", "work_topics", "citations"]:
            missing = conn.execute(text(f"SELECT count(*) FROM {table} WHERE raw_record_id IS NULL")).scalar_one()
            assert missing == 0, f"{table} rows without provenance"
        venue_raw = conn.execute(
            text("SELECT r.source_id FROM external_ids x JOIN raw_records r ON r.id = x.raw_record_id WHERE x.entity_kind = 'source' AND x.value = 'S10'")
        ).scalar_one()
        assert venue_raw == "W1001"  # the first payload that named the venue
