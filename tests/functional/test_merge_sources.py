"""One paper seen by five sources becomes one work, its fields chosen by the documented policy,
every source's record kept with its provenance, and disagreements recorded as conflicts."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from peerscope.pipeline import file_stream, ingest_openalex, ingest_stream
from peerscope.sources import arxiv, crossref, hf, semanticscholar
from peerscope.store import queries
from peerscope.store.db import Store

MERGE = Path(__file__).resolve().parents[1] / "fixtures" / "merge"
READERS = {
    "arxiv": (arxiv.read, "arxiv.json"),
    "crossref": (crossref.read, "crossref.json"),
    "s2": (semanticscholar.read, "s2.json"),
    "hf": (hf.read, "daily_papers_2021-01-04.json"),
}
ALL = ("openalex", "crossref", "arxiv", "s2", "hf")
DOI = "10.5555/graphs.2022.17"


def ingest(store: Store, source: str):
    if source == "openalex":
        return ingest_openalex(store, [MERGE / "openalex.jsonl"])
    read, name = READERS[source]
    return ingest_stream(store, file_stream(source, [MERGE / name], read))


def q(store: Store, sql: str, **params) -> list:
    with store.connect() as conn:
        return list(conn.execute(text(sql), params))


def the_work(store: Store) -> int:
    wid = queries.find_by_external_id(store, "work", "doi", DOI)
    assert wid is not None
    return wid


def _cell(v: object) -> object:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit():
        return v[:10]  # SQLite hands dates back as text
    return v


def _rows(rows: list) -> list[tuple]:
    out = [tuple(_cell(v) for v in r) for r in rows]
    return sorted(out, key=lambda t: tuple("" if v is None else str(v) for v in t))


def snapshot(store: Store) -> dict:
    """The canonical work as a reader sees it, without surrogate ids or timestamps."""
    wid = the_work(store)
    work = q(store, "SELECT title, abstract, type, publication_year, publication_date, is_oa, oa_url, cited_by_count, categories, journal_ref, field_sources FROM works WHERE id = :w", w=wid)[0]
    ships = q(
        store,
        "SELECT a.position, a.raw_author_name, a.orcid, a.claim_account, a.claim_status, au.orcid "
        "FROM authorships a JOIN authors au ON au.id = a.author_id WHERE a.work_id = :w ORDER BY a.position",
        w=wid,
    )
    locations = q(store, "SELECT s.display_name, l.is_primary, l.landing_page_url FROM locations l LEFT JOIN sources s ON s.id = l.source_id WHERE l.work_id = :w ORDER BY l.is_primary DESC, s.display_name", w=wid)
    refs = q(store, "SELECT cited_scheme, cited_value FROM citations WHERE citing_work_id = :w ORDER BY cited_value", w=wid)
    conflicts = q(store, "SELECT field, chosen_source, values_json FROM work_conflicts WHERE work_id = :w ORDER BY field", w=wid)
    signals = q(store, "SELECT source, kind, observed_on, value, actor FROM work_signals WHERE work_id = :w ORDER BY kind", w=wid)
    records = q(store, "SELECT source, source_id FROM work_records WHERE work_id = :w ORDER BY source", w=wid)
    return {
        "work": tuple(_cell(v) for v in work),
        "authorships": _rows(ships),
        "locations": [tuple(_cell(v) for v in r) for r in locations],
        "references": _rows(refs),
        "conflicts": _rows(conflicts),
        "signals": _rows(signals),
        "records": _rows(records),
    }


@pytest.fixture
def merged(store: Store) -> Store:
    for source in ALL:
        ingest(store, source)
    return store


def test_five_sources_make_one_work(merged: Store) -> None:
    assert q(merged, "SELECT count(*) FROM works")[0][0] == 1
    s = snapshot(merged)
    assert s["records"] == [("arxiv", "2101.00042"), ("crossref", DOI), ("hf", "2101.00042"), ("openalex", "W4200000042"), ("s2", "a" * 40)]
    wid = the_work(merged)
    for scheme, value in [("arxiv", "2101.00042"), ("openalex", "W4200000042"), ("s2", "a" * 40), ("corpusid", "4242")]:
        assert queries.find_by_external_id(merged, "work", scheme, value) == wid, scheme


def test_fields_follow_the_policy(merged: Store) -> None:
    title, abstract, type_, year, pub_date, is_oa, oa_url, cited, categories, journal_ref, field_sources = snapshot(merged)["work"]
    assert title == "Attention Pooling for Sparse Graphs"  # the publisher's title
    # the publisher deposited no abstract: arXiv's (the authors' own text) beats OpenAlex's word bag
    assert abstract == "We pool node features with attention and show that sparse graphs keep their structure."
    assert (type_, year, pub_date) == ("article", 2022, "2022-06-15")  # publisher over preprint
    assert is_oa and oa_url == "https://arxiv.org/pdf/2101.00042"
    assert cited == 5  # OpenAlex's count
    assert orjson.loads(categories)[:2] == ["cs.LG", "cs.SI"]
    assert journal_ref == "J. Sparse Graphs 4 (2022) 17-29"
    sources = orjson.loads(field_sources)
    assert sources["title"] == "crossref" and sources["abstract"] == "arxiv" and sources["publication_date"] == "crossref"
    assert sources["venue"] == "crossref" and sources["authorships"] == "openalex" and sources["references"] == "openalex"
    assert sources["journal_ref"] == "arxiv" and sources["cited_by_count"] == "openalex"


def test_provenance_of_rows_points_at_the_source_that_gave_them(merged: Store) -> None:
    wid = the_work(merged)
    row_source = lambda table, col="work_id": {r[0] for r in q(merged, f"SELECT r.source FROM {table} t JOIN raw_records r ON r.id = t.raw_record_id WHERE t.{col} = :w", w=wid)}  # noqa: E731
    assert row_source("works", "id") == {"crossref"}
    assert row_source("authorships") == {"openalex"}
    assert row_source("citations", "citing_work_id") == {"openalex"}
    assert row_source("work_signals") == {"hf"}
    assert row_source("locations") >= {"crossref", "arxiv"}


def test_bylines_are_enriched_from_the_other_sources(merged: Store) -> None:
    ships = snapshot(merged)["authorships"]
    assert [s[1] for s in ships] == ["Mira Okafor", "Jonas Lindqvist", "Ana Ruiz-Tagle"]
    first = ships[0]
    assert first[2] == "0000-0002-1825-0097" and first[5] == "0000-0002-1825-0097"  # Crossref's ORCID on OpenAlex's byline
    assert (first[3], first[4]) == ("mokafor", "claimed_verified")  # the Hugging Face claim hint
    assert all(s[3] is None for s in ships[1:])
    # the Semantic Scholar author id now names the same person as the OpenAlex one
    a_oa = queries.find_by_external_id(merged, "author", "openalex", "A5100000002")
    assert a_oa is not None and queries.find_by_external_id(merged, "author", "s2", "9002") == a_oa


def test_locations_one_per_venue_with_the_publisher_primary(merged: Store) -> None:
    locations = snapshot(merged)["locations"]
    venues = [(name, bool(primary)) for name, primary, _ in locations if name]
    assert venues[0] == ("Journal of Sparse Graphs", True)
    assert sorted(venues) == [("Journal of Sparse Graphs", True), ("arXiv (Cornell University)", False)]


def test_conflicts_keep_every_value(merged: Store) -> None:
    conflicts = {field: (chosen, orjson.loads(values)) for field, chosen, values in snapshot(merged)["conflicts"]}
    assert set(conflicts) == {"publication_year", "type"}
    chosen, years = conflicts["publication_year"]
    assert chosen == "crossref" and years["arxiv"] == "2021" and years["crossref"] == "2022"
    assert conflicts["type"][1]["arxiv"] == "preprint" and conflicts["type"][1]["crossref"] == "article"


def test_signals_from_the_daily_list(merged: Store) -> None:
    signals = {kind: (source, observed, value, actor) for source, kind, observed, value, actor in snapshot(merged)["signals"]}
    assert signals["upvotes"][0] == "hf" and signals["upvotes"][2] == 12
    assert signals["comments"][2] == 2
    assert signals["featured"][3] == "curator"
    assert signals["featured"][1] == "2021-01-04"


def test_reading_any_source_again_changes_nothing(merged: Store) -> None:
    before = snapshot(merged)
    for source in ALL:
        report = ingest(merged, source)
        assert report.inserted == 0 and report.updated == 0 and report.unchanged == report.records
    assert snapshot(merged) == before


@pytest.mark.parametrize("order", [("arxiv", "hf", "s2", "openalex", "crossref"), ("crossref", "s2", "openalex", "hf", "arxiv")], ids=["preprint-first", "publisher-first"])
def test_the_order_sources_arrive_in_does_not_matter(store: Store, tmp_path: Path, order: tuple[str, ...]) -> None:
    for source in order:
        ingest(store, source)
    other = Store(f"sqlite:///{tmp_path / 'reference.db'}")
    other.upgrade()
    for source in ALL:
        ingest(other, source)
    assert snapshot(store) == snapshot(other)
    other.dispose()


def test_a_bridging_record_folds_two_works_into_one(store: Store) -> None:
    # the daily list names the arXiv id only, OpenAlex the DOI only: two works
    ingest(store, "hf")
    ingest(store, "openalex")
    arxiv_work = queries.find_by_external_id(store, "work", "arxiv", "2101.00042")
    openalex_work = queries.find_by_external_id(store, "work", "openalex", "W4200000042")
    assert arxiv_work is not None and openalex_work is not None and arxiv_work != openalex_work
    # rows derived from or attached to the works before they fold: derived topics, a full text
    with store.connect() as conn:
        topic = conn.execute(text("INSERT INTO topics (display_name, level) VALUES ('Sparse graphs', 'topic') RETURNING id")).scalar_one()
        for w in (arxiv_work, openalex_work):
            conn.execute(text("INSERT INTO work_topic_assignments (work_id, topic_id, score, method) VALUES (:w, :t, 0.9, 'cluster')"), {"w": w, "t": topic})
        conn.execute(text("INSERT INTO documents (content_hash, size, media_type, filename, title, pages, text, structure, work_id, checks_version, created_at) "
                          "VALUES (:h, 3, 'text/plain', 'paper.txt', 'Paper', 1, 'abc', '{}', :w, 'v', :now)"), {"h": "0" * 64, "w": arxiv_work, "now": datetime(2026, 1, 1)})
        conn.commit()
    # Semantic Scholar names both the DOI and the arXiv id: they are one
    report = ingest(store, "s2")
    assert report.merged == 1
    survivor = queries.find_by_external_id(store, "work", "arxiv", "2101.00042")
    assert survivor == queries.find_by_external_id(store, "work", "openalex", "W4200000042")
    assert q(store, "SELECT count(*) FROM works")[0][0] == 1
    gone = ({arxiv_work, openalex_work} - {survivor}).pop()
    assert q(store, "SELECT new_id FROM redirects WHERE entity_kind = 'work' AND old_id = :o", o=gone)[0][0] == survivor
    assert q(store, "SELECT count(*) FROM work_records WHERE work_id = :w", w=survivor)[0][0] == 3
    assert q(store, "SELECT work_id FROM documents")[0][0] == survivor  # the full text follows the survivor
    assert [r[0] for r in q(store, "SELECT work_id FROM work_topic_assignments")] == [survivor]  # the folded work's go


def test_combinations_of_two_sources_always_make_one_work(tmp_path: Path) -> None:
    for n, pair in enumerate(itertools.combinations(ALL, 2)):
        s = Store(f"sqlite:///{tmp_path / f'pair{n}.db'}")
        s.upgrade()
        for source in pair:
            ingest(s, source)
        # the daily list names only the arXiv id, OpenAlex and Crossref only the DOI; every other
        # pair shares one of them (arXiv's record carries the published DOI)
        expected = 2 if set(pair) in ({"openalex", "hf"}, {"crossref", "hf"}) else 1
        assert q(s, "SELECT count(*) FROM works")[0][0] == expected, pair
        s.dispose()


def test_api_and_page_show_every_source_and_the_conflicts(merged: Store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from peerscope.config import Settings
    from peerscope.serve.app import create_app
    from peerscope.serve.ids import public_id

    settings = Settings(data_dir=tmp_path, database_url=merged.describe())
    with TestClient(create_app(settings, store=merged)) as client:
        body = client.get(f"/api/works/doi:{DOI}").json()
        prov = body["provenance"]
        assert (prov["source"], prov["source_id"]) == ("crossref", DOI)
        assert sorted(r["source"] for r in prov["records"]) == ["arxiv", "crossref", "hf", "openalex", "s2"]
        assert prov["field_sources"]["abstract"] == "arxiv"
        years = next(c for c in prov["conflicts"] if c["field"] == "publication_year")
        assert years["chosen_source"] == "crossref" and years["values"]["arxiv"] == "2021"
        assert {(s["kind"], s["value"]) for s in body["community_signals"]} >= {("upvotes", 12.0), ("comments", 2.0)}
        assert body["categories"][:2] == ["cs.LG", "cs.SI"] and body["journal_ref"].startswith("J. Sparse Graphs")
        page = client.get(f"/works/{public_id('work', the_work(merged))}").text
        assert "Merged from 5 source records" in page
        assert "publication year: arxiv “2021”" in page
        assert "12 upvotes" in page and "submitted by curator" in page


def test_a_partial_record_waits_for_its_work_and_then_joins_it(store: Store) -> None:
    partial = ingest_stream(store, file_stream("s2", [MERGE / "s2_partial.json"], semanticscholar.read))
    assert (partial.inserted, partial.deferred, partial.quarantined, partial.not_found) == (0, 1, 0, 1)
    assert q(store, "SELECT count(*) FROM works")[0][0] == 0
    assert q(store, "SELECT count(*) FROM deferred_records")[0][0] == 1
    ingest(store, "s2")  # the full record of the same paper arrives
    assert q(store, "SELECT count(*) FROM deferred_records")[0][0] == 0
    wid = the_work(store)
    rows = q(store, "SELECT source_id FROM work_records WHERE work_id = :w ORDER BY source_id", w=wid)
    assert [r[0] for r in rows] == ["a" * 40, "a" * 40 + ":partial"]
    title = q(store, "SELECT title FROM works WHERE id = :w", w=wid)[0][0]
    assert title == "Attention Pooling for Sparse Graphs"  # the partial record never blanks a field
    again = ingest_stream(store, file_stream("s2", [MERGE / "s2_partial.json"], semanticscholar.read))
    assert (again.inserted, again.deferred, again.unchanged) == (0, 0, 1)
