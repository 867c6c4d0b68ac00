"""Read and normalise the recorded real Crossref responses in ../shared/data/crossref."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from peerscope.normalize import crossref as normalizer
from peerscope.normalize.records import ExternalId, OtherRecord, WorkRecord
from peerscope.normalize.registry import renormalize
from peerscope.sources import crossref
from peerscope.sources.base import read_recordings

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crossref"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

CURSOR_PAGES = [f"test_workscontainer_with_cursor_{n}.json" for n in range(4)]


def records(name: str) -> list:
    return [normalizer.normalize(p.data, p.retrieved_at, p.where) for page in crossref.read(DATA / name) for p in page.payloads]


def work(name: str, index: int = 0) -> WorkRecord:
    record = records(name)[index]
    assert isinstance(record, WorkRecord)
    return record


def test_every_file_reads_and_normalises() -> None:
    pages = list(crossref.read(DATA))
    assert len(pages) == len(list(DATA.glob("*.json"))) == 12
    assert all(page.cursor is None and page.not_found == [] for page in pages)
    items = [normalizer.normalize(p.data, p.retrieved_at, p.where) for page in pages for p in page.payloads]
    works = [r for r in items if isinstance(r, WorkRecord)]
    others = [r for r in items if isinstance(r, OtherRecord)]
    assert (len(works), len(others)) == (27, 3)
    assert sorted((o.kind, o.provenance.source_id) for o in others) == [
        ("journal-issue", "10.1002/humu.2018.39.issue-6"),
        ("member", "member:1"),
        ("member", "member:2"),
    ]
    for w in works:
        assert w.provenance.source == "crossref" and w.ids[0] == ExternalId("doi", w.provenance.source_id)
        assert w.title and not normalizer.has_markup(w.title) and "\n" not in w.title
        assert w.abstract is None or (not normalizer.has_markup(w.abstract) and not w.abstract.lower().startswith("abstract"))
        assert len(w.locations) == 1 and w.locations[0].is_primary and w.locations[0].landing_page_url


def test_stored_payloads_renormalise_to_the_same_records() -> None:
    for page in crossref.read(DATA):
        for p in page.payloads:
            assert renormalize("crossref", p.raw, p.retrieved_at, p.where) == normalizer.normalize(p.data, p.retrieved_at, p.where)


def test_journal_article_with_year_month_date() -> None:
    w = work("test_works_with_many_ids_0.json")
    assert w.ids == (ExternalId("doi", "10.1016/j.neurobiolaging.2010.03.024"),)
    assert w.title.startswith("Human umbilical cord blood-derived mesenchymal stem cells improve neuropathology")
    assert w.title.endswith("through modulation of neuroinflammation")
    assert (w.type, w.publication_year, w.publication_date) == ("article", 2012, None)  # [[2012, 3]]
    names = [a.raw_author_name for a in w.authorships]
    assert names[:3] == ["Hyun Ju Lee", "Jong Kil Lee", "Hyun Lee"] and names[-1] == "Jae-sung Bae" and len(names) == 11
    assert w.cited_by_count == 242 and w.abstract is None
    # 57 references, 55 of them with a DOI
    assert len(w.referenced_works) == 55
    assert w.referenced_works[0] == ExternalId("doi", "10.1096/fasebj.13.1.63")
    assert w.referenced_works[-1] == ExternalId("doi", "10.1111/j.1471-4159.2006.04172.x")
    loc = w.locations[0]
    assert loc.source is not None and loc.source.display_name == "Neurobiology of Aging"
    assert loc.source.ids == (ExternalId("issn", "0197-4580"),) and loc.source.publisher == "Elsevier BV"
    assert loc.landing_page_url == "https://linkinghub.elsevier.com/retrieve/pii/S0197458010001570"
    assert loc.license is None and not w.is_oa  # only text-mining licences
    # the has-review relation and the publisher's alternative id are not ids of this work
    assert w.id_of("pmid") is None


def test_jats_abstract_and_suffix() -> None:
    w = work("test_works_with_many_ids_1.json")
    assert w.title == "Growth hormone secretagogue increases muscle strength during remobilization after canine hindlimb immobilization"
    assert w.abstract is not None
    assert w.abstract.startswith("Twenty\u2010two beagles were divided into two equal groups")
    assert w.abstract.endswith("during rehabilitation after prolonged inactivity.")
    assert (w.publication_year, w.publication_date) == (1997, None)  # print 1997-07, not the 2005 online backfile
    assert [a.raw_author_name for a in w.authorships][8] == "Donald Hora Jr."
    assert len(w.authorships) == 12 and w.authorships[-1].raw_author_name == "Gerard J. Hickey"
    venue = w.locations[0].source
    assert venue is not None and venue.ids == (ExternalId("issn", "0736-0266"), ExternalId("issn", "1554-527X"))
    assert len(w.referenced_works) == 28 and w.cited_by_count == 19
    assert w.referenced_works[0].value == "10.1111/j.1532-5415.1993.tb06764.x" and w.referenced_works[-1].value == "10.1210/jc.75.4.1092"


def test_open_access_article_with_pdf() -> None:
    w = work("test_works_with_many_ids_2.json")
    assert w.title == "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson\u2019s disease genetically related mutants"
    assert w.publication_date == date(2015, 11, 19)
    assert [a.raw_author_name for a in w.authorships] == [
        "Laura Tosatto", "Mathew H. Horrocks", "Alexander J. Dear", "Tuomas P. J. Knowles",
        "Mauro Dalla Serra", "Nunilo Cremades", "Christopher M. Dobson", "David Klenerman",
    ]  # fmt: skip
    assert w.abstract is not None and w.abstract.startswith("Oligomers of alpha-synuclein are toxic to cells")
    loc = w.locations[0]
    assert loc.pdf_url == "https://www.nature.com/articles/srep16696.pdf"
    assert loc.license == "https://creativecommons.org/licenses/by/4.0" and loc.is_oa and w.is_oa
    assert w.oa_url == "https://www.nature.com/articles/srep16696.pdf"
    assert len(w.referenced_works) == 62 and w.cited_by_count == 110
    assert w.referenced_works[0].value == "10.3389/fnana.2010.00140" and w.referenced_works[-1].value == "10.1371/journal.pone.0067713"


def test_proceedings_article_without_date() -> None:
    w = work("test_works_with_many_ids_3.json")
    assert w.title == "Accurate and explicit differentiation of wireless and congestion losses"
    assert (w.type, w.publication_year, w.publication_date) == ("article", None, None)  # date-parts [[null]]
    assert [a.raw_author_name for a in w.authorships] == ["V. Arya", "T. Turletti"]
    venue = w.locations[0].source
    assert venue is not None and venue.type == "conference"
    assert venue.ids == (ExternalId("crossref_venue", "23rd international conference on distributed computing systems workshops, 2003. proceedings."),)
    # 13 references, 3 with a DOI (as deposited: upper case), lower-cased
    assert [r.value for r in w.referenced_works] == ["10.1109/wsc.1996.873340", "10.1109/infcom.2001.916251", "10.1007/bf01985757"]


def test_family_name_only_author() -> None:
    w = work("test_works_with_many_ids_4.json")
    assert [a.raw_author_name for a in w.authorships] == ["Stravopodis"]
    assert w.publication_date == date(2009, 6, 26) and w.referenced_works == ()


def test_correction_notice() -> None:
    w = work("test_works_with_one_id_0.json")
    assert w.title == "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
    assert w.notices == ("correction",) and not w.is_retracted
    assert w.publication_date == date(2012, 3, 21) and w.cited_by_count == 72
    assert len(w.authorships) == 6 and w.authorships[0].raw_author_name == "Shankar Sadasivan"
    assert w.authorships[-1].raw_author_name == "Richard J. Smeyne"  # the editor is not an author
    assert len(w.referenced_works) == 65
    assert w.referenced_works[0].value == "10.1038/sj.npp.1301164" and w.referenced_works[-1].value == "10.2202/1544-6115.1027"


def test_query_results_reference_entries_with_html_abstracts() -> None:
    first, second = records("test_works_query_0.json")
    assert isinstance(first, WorkRecord) and isinstance(second, WorkRecord)
    assert (first.title, first.type, first.publication_date) == ("Communicating Ecology", "reference-entry", date(2022, 7, 26))
    assert first.abstract is not None and first.abstract.startswith("Communication is perhaps the most important")
    assert second.title == "Chemical Ecology" and [a.raw_author_name for a in second.authorships] == ["Andr\u00e9 Kessler"]
    # the same ISSN-less venue name is one venue
    assert first.locations[0].source == second.locations[0].source
    assert first.locations[0].source is not None and first.locations[0].source.ids == (ExternalId("crossref_venue", "ecology"),)


def test_cursor_pages_chain_and_their_works() -> None:
    recordings = [next(iter(read_recordings(DATA / name))) for name in CURSOR_PAGES]
    bodies = [orjson.loads(r.body) for r in recordings]
    assert parse_qs(urlsplit(recordings[0].url or "").query)["cursor"] == ["*"]
    for body, following in zip(bodies, recordings[1:]):
        cursor = crossref.next_cursor(body)
        assert cursor is not None and cursor.startswith("DnF1ZXJ5VGhlbkZldGNo")
        assert parse_qs(urlsplit(following.url or "").query)["cursor"] == [cursor]
    assert all(body["message"]["total-results"] == 138567 for body in bodies)
    dois = [[w.provenance.source_id for w in records(name)] for name in CURSOR_PAGES]
    assert [len(d) for d in dois] == [5, 5, 5, 5]
    assert dois[0][0] == "10.4061/2010/505436" and dois[3][-1] == "10.1002/mmce.20056"


def test_markup_in_titles_and_abstracts_from_cursor_pages() -> None:
    page3 = records(CURSOR_PAGES[3])
    codlet = page3[0]
    assert isinstance(codlet, WorkRecord)
    assert codlet.title == (
        "New record of the antenna codlet, Bregmaceros atlanticus Goode and Bean, 1886 (Gadiformes: Bregmacerotidae), "
        "from the northern Aegean Sea (Izmir Bay, Turkey)"
    )
    assert [a.raw_author_name for a in codlet.authorships] == ["\u0130. Aydin", "O. Akyol"]
    assert codlet.authorships[0].raw_affiliations == ("Ege University Faculty of Fisheries; Urla Izmir Turkey",)
    mathml = page3[3]
    assert isinstance(mathml, WorkRecord) and mathml.abstract is not None
    assert "white blood count was significantly increased (22.2\u00d7109 /L)" in mathml.abstract
    assert "(D & C)" in mathml.abstract
    italic = records(CURSOR_PAGES[2])[2]
    assert isinstance(italic, WorkRecord) and italic.abstract is not None
    assert italic.abstract.startswith("Background. The thrombosis risk is increased in active ulcerative colitis.")
    year_only = records(CURSOR_PAGES[0])[1]
    assert isinstance(year_only, WorkRecord) and (year_only.publication_year, year_only.publication_date) == (2016, None)
