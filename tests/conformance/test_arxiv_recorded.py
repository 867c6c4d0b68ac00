"""Read the recorded real arXiv responses in ../shared/data/arxiv and check the records they make.

Atom answers of the search API (``atom/``), OAI-PMH answers of arXiv's own server over its test
database (``oaipmh/``), and that database's metadata (``oaipmh_browse_db_metadata.jsonl``) to
cross-check the harvested records against.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from peerscope.errors import SourceError
from peerscope.normalize import arxiv as normalize
from peerscope.normalize.ids import normalize_doi
from peerscope.normalize.records import ExternalId, WorkRecord
from peerscope.sources import arxiv
from peerscope.sources.base import read_bytes, recording_files

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv"
ATOM = DATA / "atom"
OAI = DATA / "oaipmh"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

# what each recorded file is; a file added to the folders must be added here too
RECORDS = "records"
EMPTY = "empty"  # an answer that holds no records
ERROR = "error"  # arXiv refused the request: SourceError
SCHEMA = "schema"  # an XSD, not an answer: the folder reader skips it
EXPECTED = {
    "atom/id_0000.0000_s0_m100_8b51d9633a68.json": (EMPTY, 0),
    "atom/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json": (RECORDS, 1),
    "atom/id_1605.08386_s0_m100_199195aa31ad.json": (RECORDS, 1),
    "atom/id_abc_s0_m100_b79c8dcf6bc3.json": (ERROR, "incorrect id format for abc"),
    "atom/q_testing_s0_m10_bc5a6c384fe9.json": (RECORDS, 10),
    "oaipmh/GetRecord_arXivRaw_0906.3421.xml": (RECORDS, 1),
    "oaipmh/GetRecord_arXiv_0906.3421.xml": (RECORDS, 1),
    "oaipmh/GetRecord_oai_dc_0906.3421.xml": (RECORDS, 1),
    "oaipmh/Identify.xml": (EMPTY, 0),
    "oaipmh/ListIdentifiers_arXiv.xml.gz": (EMPTY, 0),
    "oaipmh/ListMetadataFormats.xml": (EMPTY, 0),
    "oaipmh/ListRecords_arXivRaw_page1.xml.gz": (RECORDS, 501),
    "oaipmh/ListRecords_arXiv_page1.xml.gz": (RECORDS, 501),
    "oaipmh/ListRecords_arXiv_set_math.xml": (RECORDS, 4),
    "oaipmh/ListSets.xml": (EMPTY, 0),
    "oaipmh/arXiv.xsd": (SCHEMA, 0),
    "oaipmh/arXivOld.xsd": (SCHEMA, 0),
    "oaipmh/arXivRaw.xsd": (SCHEMA, 0),
    "oaipmh/error_badVerb.xml": (ERROR, "badVerb"),
    "oaipmh/error_cannotDisseminateFormat.xml": (ERROR, "cannotDisseminateFormat"),
    "oaipmh/error_idDoesNotExist.xml": (EMPTY, 0),
}


def works(path: Path) -> list[WorkRecord]:
    out = []
    for page in arxiv.read(path):
        for p in page.payloads:
            item = normalize.normalize(p.data, p.retrieved_at, p.where)
            assert isinstance(item, WorkRecord), p.where
            assert normalize.normalize(normalize.decode(p.raw), p.retrieved_at, p.where) == item  # the stored bytes say the same
            out.append(item)
    return out


def by_id(items: list[WorkRecord]) -> dict[str, WorkRecord]:
    return {w.id_of("arxiv"): w for w in items}  # type: ignore[misc]


def names(work: WorkRecord) -> list[str]:
    return [a.author.display_name for a in work.authorships]


def dois(work: WorkRecord) -> list[str]:
    return [i.value for i in work.ids if i.scheme == "doi"]


def test_every_recorded_file_is_accounted_for() -> None:
    present = sorted(str(p.relative_to(DATA)) for d in (ATOM, OAI) for p in d.iterdir() if p.is_file())
    assert present == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_recorded_file(name: str) -> None:
    kind, detail = EXPECTED[name]
    path = DATA / name
    if kind == SCHEMA:
        assert all(p.name != path.name for p in recording_files(path.parent, arxiv.SUFFIXES))
        return
    if kind == ERROR:
        with pytest.raises(SourceError, match=str(detail)):
            list(arxiv.read(path))
        return
    pages = list(arxiv.read(path))
    assert len(pages) == 1 and pages[0].cursor is None
    assert len(works(path)) == detail


# -- Atom -------------------------------------------------------------------------------------


def test_atom_single_id() -> None:
    (w,) = works(ATOM / "id_1605.08386_s0_m100_199195aa31ad.json")
    assert w.ids == (ExternalId("arxiv", "1605.08386"),)
    assert w.provenance.source == "arxiv" and w.provenance.source_id == "1605.08386"
    assert w.title == "Heat-bath random walks with Markov bases"
    assert names(w) == ["Caprice Stanley", "Tobias Windisch"]
    assert (w.publication_date, w.publication_year, w.updated_date) == (date(2016, 5, 26), 2016, datetime(2016, 5, 26, 17, 59, 46))
    assert w.version == "v1" and w.categories == ("math.CO", "math.ST") and w.journal_ref is None
    assert w.abstract is not None and w.abstract.startswith("Graphs on lattice points are studied") and w.abstract.endswith("in fixed dimension.")
    assert w.locations[0].landing_page_url == "https://arxiv.org/abs/1605.08386" and w.locations[0].pdf_url == "https://arxiv.org/pdf/1605.08386"


def test_atom_id_list_with_an_unknown_id() -> None:
    path = ATOM / "id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json"
    (page,) = list(arxiv.read(path))
    assert page.not_found == ["0808.05394"]
    (w,) = works(path)
    assert w.id_of("arxiv") == "1707.08567"
    assert w.title == "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    assert len(w.authorships) == 34
    assert names(w)[:3] == ["Kees A. Schouhamer Immink", "Stan Baggen", "Ferdaous Chaabane"]
    assert names(w)[28:31] == ["Joost van der Putten", "Fons van der Sommen", "A. J. Han Vinck"]
    assert names(w)[-1] == "Hirosuke Yamamoto"
    assert [a.position for a in w.authorships] == list(range(34))


def test_atom_unknown_id_alone() -> None:
    assert next(arxiv.read(ATOM / "id_0000.0000_s0_m100_8b51d9633a68.json")).not_found == ["0000.0000"]


def test_atom_query_page() -> None:
    items = works(ATOM / "q_testing_s0_m10_bc5a6c384fe9.json")
    assert len(items) == 10
    ids = by_id(items)
    first = items[0]
    assert first.id_of("arxiv") == "2202.12139"
    assert first.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert names(first) == ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"]
    assert first.categories == ("cs.SE", "cs.LG")
    assert dois(first) == ["10.1109/icstw55395.2022.00035"]
    assert first.journal_ref == (
        "Artificial Intelligence in Software Testing @ 2022 IEEE International Conference on Software Testing, "
        "Verification and Validation Workshops (ICSTW)"
    )
    fuzz = ids["2005.14124"]
    assert fuzz.version == "v2" and fuzz.publication_date == date(2020, 5, 28) and fuzz.updated_date == datetime(2020, 7, 16, 8, 15, 48)
    assert fuzz.categories == ("cs.SE", "cs.CR", "cs.LG") and dois(fuzz) == ["10.1145/3395363.3397376"]
    gui = ids["1202.4527"]
    assert gui.journal_ref == "International Journal of Software Engineering & Applications (IJSEA), Vol.3, No.1, January 2012"
    assert dois(gui) == []
    review = ids["1812.11470"]
    assert review.abstract is not None and "\n" not in review.abstract and "whole. Objective. In this systematic review" in review.abstract
    assert sum(1 for w in items if dois(w)) == 6 and sum(1 for w in items if w.journal_ref) == 6


# -- OAI-PMH GetRecord in three formats -------------------------------------------------------

Q_SYSTEM = "Q-system Cluster Algebras, Paths and Total Positivity"


@pytest.mark.parametrize("fmt", ["arXiv", "arXivRaw", "oai_dc"])
def test_get_record_formats_agree(fmt: str) -> None:
    (w,) = works(OAI / f"GetRecord_{fmt}_0906.3421.xml")
    assert w.ids == (ExternalId("arxiv", "0906.3421"),)
    assert w.title == Q_SYSTEM
    assert names(w) == ["P. Di Francesco", "R. Kedem"]
    assert w.categories == ("math.CO", "cond-mat.stat-mech", "math-ph", "math.MP")
    assert w.abstract is not None and w.abstract.startswith("We review the solution of the $A_r$ Q-systems in terms of the partition function")
    assert w.abstract.endswith("by Fomin and Zelevinsky.")
    assert w.type == "preprint" and w.is_oa and w.oa_url == "https://arxiv.org/abs/0906.3421"


def test_get_record_dates_and_versions_as_each_format_gives_them() -> None:
    raw, = works(OAI / "GetRecord_arXivRaw_0906.3421.xml")
    assert (raw.publication_date, raw.updated_date, raw.version) == (date(2009, 6, 18), datetime(2009, 9, 14, 9, 39, 31), "v2")
    assert raw.locations[0].license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    dc, = works(OAI / "GetRecord_oai_dc_0906.3421.xml")
    assert (dc.publication_date, dc.updated_date) == (date(2009, 6, 18), datetime(2009, 9, 14))
    assert [a.raw_author_name for a in dc.authorships] == ["Di Francesco, P.", "Kedem, R."]
    fmt, = works(OAI / "GetRecord_arXiv_0906.3421.xml")
    # this server's arXiv format dates <created> with the current version (v2), <updated> later
    assert (fmt.publication_date, fmt.updated_date, fmt.version) == (date(2009, 9, 14), datetime(2009, 10, 13), None)
    assert fmt.locations[0].license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


# -- OAI-PMH ListRecords ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed() -> dict[str, list[WorkRecord]]:
    return {fmt: works(OAI / f"ListRecords_{fmt}_page1.xml.gz") for fmt in ("arXiv", "arXivRaw")}


def test_list_records_pages(listed: dict[str, list[WorkRecord]]) -> None:
    for fmt in ("arXiv", "arXivRaw"):
        body = read_bytes(OAI / f"ListRecords_{fmt}_page1.xml.gz")
        answer = arxiv.parse_oai(body, fmt, datetime(2026, 1, 1))
        assert answer.verb == "ListRecords" and len(answer.payloads) == 501
        assert answer.token is None  # the recorded page is the whole list: no resumption token
    a, r = listed["arXiv"], listed["arXivRaw"]
    assert [w.id_of("arxiv") for w in a] == [w.id_of("arxiv") for w in r]
    assert len({w.id_of("arxiv") for w in a}) == 501
    assert [w.title for w in a] == [w.title for w in r]
    assert [w.categories for w in a] == [w.categories for w in r]
    assert [w.ids for w in a] == [w.ids for w in r]
    assert [w.journal_ref for w in a] == [w.journal_ref for w in r]
    assert sum(1 for w in r if dois(w)) == 356 and sum(1 for w in r if len(dois(w)) > 1) == 2
    assert sum(1 for w in r if w.journal_ref) == 305


def test_list_records_specific_works(listed: dict[str, list[WorkRecord]]) -> None:
    a, r = by_id(listed["arXiv"]), by_id(listed["arXivRaw"])
    first = listed["arXiv"][0]
    assert first.id_of("arxiv") == "chao-dyn/9510015"
    assert first.title == "Estimating the Attractor Dimension of the Equatorial Weather System"
    assert names(first) == ["Melvin Leok Boon Tiong"] and first.categories == ("chao-dyn", "ao-sci", "nlin.CD")
    assert r["chao-dyn/9510015"].publication_date == date(1995, 10, 25) and r["chao-dyn/9510015"].version == "v1"

    dyon = "hep-th/9901002"
    assert names(a[dyon]) == ["M. Cvetic", "H. Lu", "C. N. Pope", "T. A Tran"]
    assert names(r[dyon]) == ["M. Cvetic", "H. Lu", "C.N. Pope", "T.A Tran"]  # as the string writes them
    assert dois(a[dyon]) == ["10.1103/physrevd.59.126002"] and a[dyon].journal_ref == "Phys.Rev.D59:126002,1999"
    assert a[dyon].categories == ("hep-th",)

    for work in (a["1102.0316"], r["1102.0316"]):
        assert names(work) == ["G. David Forney Jr.", "Pascal O. Vontobel"]
    assert r["1102.0316"].authorships[0].raw_author_name == "G. David Forney, Jr."
    assert names(r["1101.0019"])[4] == "W. T. Hill III" == names(a["1101.0019"])[4]
    assert r["1101.0019"].version == "v2" and r["1101.0019"].publication_date == date(2010, 12, 29)

    hess = r["1101.3650"]
    assert names(hess)[:3] == ["HESS Collaboration", "A. Abramowski", "F. Acero"] and names(a["1101.3650"])[0] == "HESS Collaboration"

    lupu = r["1004.3715"]
    assert [(x.author.display_name, x.raw_affiliations) for x in lupu.authorships[:2]] == [("Irina Lupu", ("U.L.B.",)), ("Pierre Courbin", ("ECE",))]
    assert lupu.authorships[3].raw_affiliations == ("U.L.B.",)

    assert r["1011.0730"].journal_ref == "JHEP 1012:070,2010; Erratum-ibid.1102:044,2011"
    assert dois(r["1011.0730"]) == [
        "10.1007/jhep12(2010)070",
        "10.1007/jhep02(2011)044",
    ]
    assert next(w for w in listed["arXivRaw"] if w.journal_ref and w.journal_ref.startswith("Annalen der Physik")).ids[1:] == (
        ExternalId("doi", "10.1002/andp.201000099"),
        ExternalId("doi", "10.1002/andp.201200739"),
    )
    math = works(OAI / "ListRecords_arXiv_set_math.xml")
    assert [w.id_of("arxiv") for w in math] == ["0704.0046", "math/0510544", "0806.4129", "0712.3217"]
    assert math[0].title == "A limit relation for entropy and channel capacity per unit cost"
    assert math[0].categories == ("quant-ph", "cs.IT", "math.IT") and dois(math[0]) == ["10.1063/1.2779138"]


def squeeze(name: str) -> str:
    return re.sub(r"[\s.]", "", name).lower()


def test_author_string_splitter_agrees_with_arxivs_own_split(listed: dict[str, list[WorkRecord]]) -> None:
    """The arXiv format carries arXiv's own split of each author string: the arXivRaw splitter
    finds the same people (spacing of initials aside) in every record but one, where arXiv's
    split keeps a doubled "and" as part of a name."""
    differ = [
        w.id_of("arxiv")
        for w, v in zip(listed["arXiv"], listed["arXivRaw"])
        if [squeeze(n) for n in names(w)] != [squeeze(n) for n in names(v)]
    ]
    assert differ == ["math/0510544"]
    a, r = by_id(listed["arXiv"]), by_id(listed["arXivRaw"])
    assert names(a["math/0510544"])[-1] == "and Linsheng Zhu" and names(r["math/0510544"]) == ["Naihong Hu", "Dong Liu", "Linsheng Zhu"]
    people = sum(len(w.authorships) for w in listed["arXivRaw"])
    assert people == sum(len(w.authorships) for w in listed["arXiv"]) and people > 2000


# -- cross-check with the database the server answers from ------------------------------------


def collapse(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


@pytest.fixture(scope="module")
def database() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    with (DATA / "oaipmh_browse_db_metadata.jsonl").open() as fh:
        for line in fh:
            row = json.loads(line)
            rows.setdefault(row["paper_id"], []).append(row)
    return rows


def test_list_records_match_the_database(listed: dict[str, list[WorkRecord]], database: dict[str, list[dict]]) -> None:
    checked = 0
    for fmt in ("arXiv", "arXivRaw"):
        for w in listed[fmt]:
            versions = sorted(database[w.id_of("arxiv")], key=lambda row: row["version"])
            current = next(row for row in versions if row["is_current"])
            assert w.title == collapse(current["title"])
            assert w.categories == tuple(current["abs_categories"].split())
            assert dois(w) == [d for d in (normalize_doi(x) for x in re.split(r"[\s;,]+", current["doi"] or "")) if d]
            assert w.journal_ref == collapse(current["journal_ref"])
            assert w.abstract == collapse(current["abstract"])
            listed_names = [s.display_name for s in normalize.split_authors(current["authors"])]
            if fmt == "arXivRaw":
                assert names(w) == listed_names
                assert w.version == f"v{versions[-1]['version']}"
                assert w.publication_date == date.fromisoformat(versions[0]["created"][:10])
            elif w.id_of("arxiv") != "math/0510544":
                assert [squeeze(n) for n in names(w)] == [squeeze(n) for n in listed_names]
            checked += 1
    assert checked == 1002


def test_identify_and_sets_answers() -> None:
    info = arxiv.parse_identify((OAI / "Identify.xml").read_bytes())
    assert info["repositoryName"] == "arXiv" and info["granularity"] == "YYYY-MM-DD" and info["deletedRecord"] == "persistent"
    sets, token = arxiv.parse_sets((OAI / "ListSets.xml").read_bytes())
    assert token is None and len(sets) == 174  # 183 entries, nine sets listed twice
    assert sets["math"] == "Mathematics" and "physics:hep-th" in sets
    arxiv.check_set("cs", sets)


def test_id_does_not_exist() -> None:
    body = (OAI / "error_idDoesNotExist.xml").read_bytes()
    assert arxiv.parse_oai(body, "e", datetime(2026, 1, 1), asked_id="0906.99999").not_found == ["0906.99999"]
