"""Every recorded response in ../shared/data, ingested through the connectors into a real store
(SQLite and PostgreSQL): exact outcomes per source, canonical rows checked, and a second pass
that changes nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from peerscope.pipeline import IngestReport, file_stream, ingest_stream
from peerscope.sources import arxiv, crossref, hf, orcid, semanticscholar
from peerscope.store import queries
from peerscope.store.db import Store

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

OPENALEX = ["W2741809807.json", "A5023888391.json", "I27837315.json", "S137773608.json", "T11636.json", "C71924100.json", "F4320332161.json", "P4310319965.json"]
RUNS = [
    ("openalex", [DATA / "openalex" / n for n in OPENALEX], None),
    ("arxiv", [DATA / "arxiv" / "atom"], arxiv.read),
    ("arxiv", [DATA / "arxiv" / "oaipmh"], arxiv.read),
    ("crossref", [DATA / "crossref"], crossref.read),
    ("s2", [DATA / "semanticscholar"], semanticscholar.read),
    ("orcid", [DATA / "orcid"], orcid.read),
    ("hf", [DATA / "hf"], hf.read),
]
# read, inserted, updated, joined, unchanged, entities, deferred, quarantined, not found
EXPECTED = [
    (8, 1, 0, 0, 0, 7, 0, 0, 0),  # one work; author, institution, venue, topic; concept, funder, publisher kept raw
    (13, 12, 0, 0, 0, 0, 0, 1, 2),  # the "abc" answer is arXiv refusing the query; two ids arXiv does not have
    (1011, 501, 0, 504, 4, 0, 0, 2, 0),  # arXiv and arXivRaw pages of the same 501 papers; two OAI error answers
    (30, 27, 0, 0, 0, 3, 0, 0, 0),  # a member and journal-issue records are not works
    (376, 305, 0, 5, 0, 66, 0, 0, 3),  # title-less batch entries and reference pages join their papers
    (6, 0, 0, 0, 0, 6, 0, 0, 0),
    (29, 29, 0, 0, 0, 0, 0, 0, 0),
]
CANONICAL = ["works", "authors", "authorships", "authorship_affiliations", "external_ids", "locations", "work_topics", "citations",
             "work_records", "work_signals", "author_work_refs", "author_institution_refs", "sources", "institutions", "topics", "raw_records"]


def outcome(r: IngestReport) -> tuple[int, ...]:
    return (r.records, r.inserted, r.updated, r.joined, r.unchanged, r.entities, r.deferred, r.quarantined, r.not_found)


def ingest_all(store: Store) -> list[IngestReport]:
    return [ingest_stream(store, file_stream(source, paths, read)) for source, paths, read in RUNS]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'all.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    s = Store(url)
    s.upgrade()
    yield s
    s.dispose()


def q(store: Store, sql: str, **params) -> list:
    with store.connect() as conn:
        return list(conn.execute(text(sql), params))


def fingerprint(store: Store) -> dict[str, tuple[int, str]]:
    """Row count and a content hash (surrogate-free columns) of each canonical table."""
    out = {}
    for table in CANONICAL:
        rows = q(store, f"SELECT * FROM {table}")
        cells = sorted(orjson.dumps([str(v) for v in r]) for r in rows)
        out[table] = (len(rows), hashlib.sha1(b"\n".join(cells)).hexdigest())
    return out


def test_every_recorded_file_ingests_with_the_expected_outcome(store: Store) -> None:
    reports = ingest_all(store)
    assert [outcome(r) for r in reports] == EXPECTED
    # every record read is accounted for once
    for r in reports:
        assert r.records == r.inserted + r.updated + r.joined + r.unchanged + r.entities + r.deferred + r.quarantined
    assert reports[1].not_found_ids == ("0000.0000", "0808.05394")
    quarantined = [row[0] for row in q(store, "SELECT location FROM quarantine ORDER BY location")]
    assert quarantined == ["error_badVerb.xml", "error_cannotDisseminateFormat.xml", "id_abc_s0_m100_b79c8dcf6bc3.json"]
    assert q(store, "SELECT count(*) FROM works")[0][0] == 1 + 12 + 501 + 27 + 305 + 29


def test_a_second_pass_changes_nothing(store: Store) -> None:
    ingest_all(store)
    before = fingerprint(store)
    again = ingest_all(store)
    for r in again:
        assert r.inserted == r.updated == r.joined == 0
    assert fingerprint(store) == before


def test_canonical_rows_from_each_source(store: Store) -> None:
    ingest_all(store)
    # OpenAlex: the abstract rebuilt from its inverted index
    w = queries.get_work(store, queries.find_by_external_id(store, "work", "doi", "10.7717/peerj.4375"))
    assert w is not None and w.summary.abstract is not None and w.summary.abstract.startswith("Despite growing interest in Open Access")
    # arXiv: categories and the DOI of the published version
    wid = queries.find_by_external_id(store, "work", "arxiv", "0906.3421")
    assert wid is not None
    detail = queries.get_work(store, wid)
    assert detail is not None and detail.categories and detail.records[0].source == "arxiv"
    # Hugging Face: the byline in order, a claim hint and the day's signals
    wid = queries.find_by_external_id(store, "work", "arxiv", "2410.17243")
    ships = q(store, "SELECT position, raw_author_name, claim_account, claim_status FROM authorships WHERE work_id = :w ORDER BY position", w=wid)
    assert ships[0][1:] == ("Zesen Cheng", "ClownRat", "claimed_verified")
    kinds = {r[0] for r in q(store, "SELECT kind FROM work_signals WHERE work_id = :w", w=wid)}
    assert kinds == {"upvotes", "comments", "featured"}
    # Semantic Scholar: both references pages (44 cited papers with ids, of 67) joined to their
    # paper by DOI; the longest list wins over the paper's own source's
    wid = queries.find_by_external_id(store, "work", "doi", "10.2139/ssrn.2250500")
    refs = q(store, "SELECT r.source, count(*) FROM citations c JOIN raw_records r ON r.id = c.raw_record_id WHERE c.citing_work_id = :w GROUP BY r.source", w=wid)
    assert [tuple(r) for r in refs] == [("s2", 44)]
    # ORCID: the works the public record lists (private ones are not in the public answers)
    assert q(store, "SELECT count(*) FROM author_work_refs")[0][0] == 4
    # Crossref: references by DOI
    assert q(store, "SELECT count(*) FROM citations c JOIN raw_records r ON r.id = c.raw_record_id WHERE r.source = 'crossref'")[0][0] == 375
