"""Read and normalise the recorded real Semantic Scholar responses in ../shared/data/semanticscholar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from peerscope.normalize import semanticscholar as normalizer
from peerscope.normalize.records import (
    AuthorRecord,
    ExternalId,
    ReferenceListRecord,
    WorkRecord,
)
from peerscope.normalize.registry import renormalize
from peerscope.sources import semanticscholar as s2
from peerscope.sources.base import read_recordings

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "semanticscholar"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

MICROFINANCE = "cb1ebd913c3724c599f6b276b14b5c6253da68f3"


def page(name: str):
    [only] = list(s2.read(DATA / name))
    assert only.cursor is None
    return only


def records(name: str) -> list:
    return [normalizer.normalize(p.data, p.retrieved_at, p.where) for p in page(name).payloads]


def body(name: str) -> object:
    return orjson.loads(next(iter(read_recordings(DATA / name))).body)


def test_every_file_reads_and_normalises() -> None:
    pages = {path.name: list(s2.read(path)) for path in sorted(DATA.glob("*.json"))}
    assert len(pages) == 14
    for name, [only] in pages.items():
        for p in only.payloads:
            record = normalizer.normalize(p.data, p.retrieved_at, p.where)
            if name == "test_get_papers_0.json":  # asked for authors only: partial records without titles
                assert isinstance(record, WorkRecord) and record.title == "" and record.provenance.source_id.endswith(":partial")
                assert record.authorships
            assert renormalize("s2", p.raw, p.retrieved_at, p.where) == record
    counts = {name: len(only.payloads) for name, [only] in pages.items()}
    assert counts["test_get_papers_return_not_found_0.json"] == 3 and counts["test_search_paper_0.json"] == 100
    assert counts["test_get_paper_references_0.json"] == counts["test_get_paper_references_1.json"] == 1


def test_single_paper() -> None:
    [w] = records("test_get_paper_0.json")
    assert isinstance(w, WorkRecord)
    assert w.ids == (ExternalId("s2", "2d5673caa9e6af3a7b82a43f19ee920992db07ad"),)
    assert w.title == "Computing Machinery and Intelligence"


def test_batch_with_not_found_entry() -> None:
    got = page("test_get_papers_return_not_found_0.json")
    assert got.not_found == ["#1"]
    dd, microfinance, audits = (normalizer.normalize(p.data, p.retrieved_at, p.where) for p in got.payloads)
    assert isinstance(dd, WorkRecord) and isinstance(microfinance, WorkRecord) and isinstance(audits, WorkRecord)

    assert dd.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert dd.ids == (
        ExternalId("s2", "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"),
        ExternalId("corpusid", "470667"),
        ExternalId("doi", "10.2139/ssrn.288970"),
        ExternalId("mag", "2096684396"),
    )
    assert dd.abstract is not None and dd.abstract.startswith("Most Difference-in-Difference (DD) papers rely on many years of data")
    assert dd.abstract.endswith("to form the test distribution.")
    assert (dd.publication_year, dd.publication_date, dd.type) == (2001, date(2001, 10, 1), "review")
    assert [a.raw_author_name for a in dd.authorships] == ["Marianne Bertrand", "E. Duflo", "S. Mullainathan"]
    assert [a.author.ids for a in dd.authorships] == [(ExternalId("s2", "81141608"),), (ExternalId("s2", "2259683"),), (ExternalId("s2", "2062143"),)]
    assert dd.cited_by_count == 10670
    assert dd.categories == ("Psychology", "Economics", "Mathematics")
    assert dd.is_oa and dd.oa_status == "green" and dd.oa_url == "http://papers.nber.org/papers/w8841.pdf"
    venue = dd.locations[0].source
    assert venue is not None and venue.display_name == "Experimental & Empirical Studies eJournal"
    assert venue.ids == (ExternalId("s2_venue_name", "experimental & empirical studies ejournal"),)
    assert dd.locations[0].landing_page_url == "https://doi.org/10.2139/ssrn.288970"
    assert dd.locations[1].pdf_url == "http://papers.nber.org/papers/w8841.pdf" and dd.locations[1].source is None  # a repository copy

    assert microfinance.title == "The Miracle of Microfinance? Evidence from a Randomized Evaluation"
    assert microfinance.id_of("doi") == "10.2139/ssrn.2250500" and microfinance.type is None
    assert [a.raw_author_name for a in microfinance.authorships] == ["E. Duflo", "A. Banerjee", "R. Glennerster", "Cynthia Kinnan"]
    assert microfinance.publication_date == date(2013, 4, 10) and microfinance.cited_by_count == 2185

    assert audits.title == "Improving Third-Party Audits and Regulatory Compliance in India"
    assert (audits.publication_year, audits.publication_date) == (2023, None)
    assert audits.is_oa and audits.oa_url is None  # open access without a PDF link
    assert audits.categories == ("Environmental Science", "Business", "Economics")
    assert audits.locations[0].source is None and audits.locations[0].landing_page_url == "https://doi.org/10.1257/rct.1355"


def test_reference_pages_attach_to_the_paper_by_doi() -> None:
    first, second = records("test_get_paper_references_0.json")[0], records("test_get_paper_references_1.json")[0]
    assert isinstance(first, ReferenceListRecord) and isinstance(second, ReferenceListRecord)
    assert first.citing == second.citing == (ExternalId("doi", "10.2139/ssrn.2250500"),)
    assert (first.offset, second.offset) == (0, 50)
    assert first.provenance.source_id == "refs:10.2139/ssrn.2250500:0"
    assert second.provenance.source_id == "refs:10.2139/ssrn.2250500:50"
    # 50 references on the first page, 40 with a paper id; 17 on the second, 4 with one
    assert len(first.references) == 40 and len(second.references) == 4
    assert first.references[0] == ExternalId("s2", "e945ca4fdcf45b1a118f1462db7afa12629a131f")
    assert first.references[-1] == ExternalId("s2", "e72ade2ab5794aa8926ebce0f0af9c8c365172f0")
    assert second.references[0] == ExternalId("s2", "dba9e61c454d9285dab4ce94def0be97bead4455")
    assert second.references[-1] == ExternalId("s2", "9db01c8f83a2ec898596792da910c5d2caa7796c")
    # the pages chain by offset, and together list every reference the paper counts
    page0, page1 = body("test_get_paper_references_0.json"), body("test_get_paper_references_1.json")
    assert isinstance(page0, dict) and isinstance(page1, dict)
    assert page0["next"] == page1["offset"] == 50 and "next" not in page1
    batch = body("test_get_papers_return_not_found_0.json")
    assert isinstance(batch, list)
    [microfinance] = [p for p in batch if p and p["paperId"] == MICROFINANCE]
    assert len(page0["data"]) + len(page1["data"]) == microfinance["referenceCount"] == 67


def test_author_papers_pages() -> None:
    for name, offset, following, first, last in [
        ("test_get_author_papers_0.json", 0, 100, "SARS-CoV-2 hijacks p38\u03b2/MAPK11 to promote virus replication",
         "Limited Environmental Serine Confers Sensitivity to PHGDH Inhibition in Brain Metastasis"),
        ("test_get_author_papers_1.json", 100, 200, "Age-induced accumulation of methylmalonic acid promotes tumour progression",
         "Pancreatic stellate cells support tumour metabolism through autophagic alanine secretion"),
    ]:  # fmt: skip
        works = records(name)
        assert len(works) == 100 and all(isinstance(w, WorkRecord) for w in works)
        assert (works[0].title, works[-1].title) == (first, last)
        page_body = body(name)
        assert isinstance(page_body, dict) and (page_body["offset"], page_body["next"]) == (offset, following)


def test_author_batch_and_paper_authors() -> None:
    authors = records("test_get_authors_0.json")
    assert [(a.ids, a.display_name) for a in authors] == [
        ((ExternalId("s2", "3234559"),), "E. Dijkstra"),
        ((ExternalId("s2", "1726629"),), "D. Parnas"),
        ((ExternalId("s2", "1711844"),), "I. Sommerville"),
    ]
    people = records("test_get_paper_authors_0.json")
    assert all(isinstance(a, AuthorRecord) for a in people)
    duflo, banerjee, glennerster, kinnan = people
    assert duflo.ids == (ExternalId("s2", "2259683"), ExternalId("dblp", "Esther Duflo"))
    assert duflo.provenance.source_id == "author:2259683"
    assert (duflo.works_count, duflo.cited_by_count) == (282, 58740)
    assert banerjee.ids == (ExternalId("s2", "2237651454"), ExternalId("dblp", "Abhijit Banerjee 0001"))
    assert glennerster.ids == (ExternalId("s2", "4249203"),) and kinnan.display_name == "Cynthia Kinnan"
    assert (kinnan.works_count, kinnan.cited_by_count) == (35, 3189)


def test_not_found_responses() -> None:
    assert page("test_not_found_0.json").not_found == ["0"]
    assert page("test_not_found_1.json").not_found == ["author:0"]


def test_search_pages() -> None:
    papers = records("test_search_paper_0.json")
    assert len(papers) == 100
    assert papers[0].title == "Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B, A Large-Scale Generative Language Model"
    assert papers[-1].provenance.source_id == "f4aaf0a780cd02138aade2a51f99989cc2c962fd"
    search = body("test_search_paper_0.json")
    assert isinstance(search, dict) and (search["total"], search["next"]) == (70499, 100)
    authors = records("test_search_author_0.json")
    assert len(authors) == 59 and authors[0].display_name == "A. Turing" and authors[0].ids == (ExternalId("s2", "2262347"),)
    [match] = records("test_search_paper_match_title_0.json")
    assert match.title == "Mining association rules between sets of items in large databases"
