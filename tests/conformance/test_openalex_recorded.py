"""Ingest the recorded real OpenAlex responses in ../shared/data/openalex and check the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from peerscope.pipeline import ingest_openalex
from peerscope.store import queries
from peerscope.store.db import Store

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openalex"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

RECORDED = ["W2741809807.json", "A5023888391.json", "I27837315.json", "S137773608.json", "T11636.json", "C71924100.json", "F4320332161.json", "P4310319965.json"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'c.db'}")
    s.upgrade()
    return s


def test_recorded_work(store: Store) -> None:
    ingest_openalex(store, [DATA / "W2741809807.json"])
    wid = queries.find_by_external_id(store, "work", "doi", "10.7717/peerj.4375")
    assert wid is not None
    assert queries.find_by_external_id(store, "work", "pmid", "29456894") == wid
    assert queries.find_by_external_id(store, "work", "pmcid", "PMC5815332") == wid
    w = queries.get_work(store, wid)
    assert w is not None
    s = w.summary
    assert s.title == "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles"
    assert (s.publication_year, str(s.publication_date), s.type) == (2018, "2018-02-13", "article")
    assert s.abstract is not None and s.abstract.startswith("Despite growing interest in Open Access (OA) to scholarly literature")
    assert len(s.abstract.split()) > 200  # rebuilt in order from the inverted index
    # the byline as printed (raw names), and the people as the source resolved them
    assert [b.name for b in s.byline] == [
        "Heather Piwowar", "Jason Priem", "Vincent Larivière", "Juan Pablo Alperin", "Lisa Matthias",
        "Bree Norlander", "Ashley Farley", "Jevin West", "Stefanie Haustein",
    ]
    assert s.byline[3].author is not None and s.byline[3].author.name == "Juan Pablo Alperín"
    assert s.byline[7].author is not None and s.byline[7].author.name == "Jevin D. West"
    assert s.byline[1].orcid == "0000-0001-6187-6610"
    assert s.venue is not None and s.venue.name == "PeerJ"
    assert w.references_count == 45
    assert len(w.locations) == 7
    assert w.topics[0].display_name == "scientometrics and bibliometrics research"
    assert [r.name for r in w.topics[0].lineage] == ["Social Sciences", "Decision Sciences", "Statistics, Probability and Uncertainty"]
    assert "Impactstory, Sanford, NC, USA" in s.byline[0].raw_affiliations or any(b.raw_affiliations for b in s.byline)
    assert s.cited_by_count == 962 and s.is_oa


def test_whole_folder_entities_join_the_graph(store: Store) -> None:
    report = ingest_openalex(store, [DATA / name for name in RECORDED])
    assert report.inserted == 1 and report.entities == 7
    # the author entity and the byline meet on the OpenAlex id and the ORCID iD
    priem = queries.find_by_external_id(store, "author", "orcid", "0000-0001-6187-6610")
    assert priem == queries.find_by_external_id(store, "author", "openalex", "A5023888391")
    profile = queries.get_author(store, priem)
    assert profile is not None and profile.display_name == "Jason Priem"
    assert profile.stats is not None and profile.stats.works_count == 1
    assert queries.find_by_external_id(store, "institution", "ror", "00jmfr291") is not None
    assert queries.find_by_external_id(store, "source", "issn", "1476-4687") is not None
    topic = queries.find_by_external_id(store, "topic", "openalex", "T11636")
    assert topic is not None
    with store.connect() as conn:
        kinds = conn.execute(text("SELECT count(*) FROM raw_records")).scalar_one()
        assert kinds == len(RECORDED)  # concept, funder and publisher kept as raw payloads
        parent = conn.execute(text("SELECT p.display_name FROM topics t JOIN topics p ON p.id = t.parent_id WHERE t.id = :t"), {"t": topic}).scalar_one()
        assert parent == "Health Informatics"
    again = ingest_openalex(store, [DATA / name for name in RECORDED])
    assert again.unchanged == len(RECORDED) and again.inserted == 0 and again.entities == 0
