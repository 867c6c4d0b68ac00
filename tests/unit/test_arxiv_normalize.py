"""arXiv records (Atom entries, OAI-PMH records in arXiv, arXivRaw and oai_dc) -> WorkRecord."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize import arxiv
from peerscope.normalize.records import ExternalId, OtherRecord, Provenance, WorkRecord
from peerscope.normalize.registry import renormalize
from peerscope.sources import arxiv as source
from peerscope.normalize.text import repair_mojibake

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv"
WHEN = datetime(2024, 3, 2, 12, 0, 0)
TITLE = "Sparse lattice walks and the $\\mathcal{O}(n^{2})$ bound"
ABSTRACT = "We study walks on a lattice. Their mixing time is $O(n^2)$ in dimension $d$."

ATOM_NS = 'xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
OAI_NS = 'xmlns="http://www.openarchives.org/OAI/2.0/"'


def items(name: str) -> list[object]:
    return [arxiv.normalize(p.data, WHEN, p.where) for page in source.read(FIXTURES / name) for p in page.payloads]


def only_work(name: str) -> WorkRecord:
    works = [i for i in items(name) if isinstance(i, WorkRecord)]
    return works[0]


def names(work: WorkRecord) -> list[str]:
    return [a.author.display_name for a in work.authorships]


# -- Atom -------------------------------------------------------------------------------------


def test_atom_entry_with_two_versions() -> None:
    work, old = items("atom_feed.json")
    assert isinstance(work, WorkRecord) and isinstance(old, WorkRecord)
    assert work.provenance.source == "arxiv" and work.provenance.source_id == "2101.00001"
    assert work.provenance.retrieved_at == WHEN
    assert work.ids == (
        ExternalId("arxiv", "2101.00001"),
        ExternalId("doi", "10.1234/jls.2021.0042"),
        ExternalId("doi", "10.5555/erratum.7"),  # two DOIs in one field, one of them a resolver URL
    )
    assert work.title == TITLE  # whitespace collapsed, TeX kept
    assert work.abstract == ABSTRACT
    assert work.type == "preprint"
    assert work.publication_date == date(2021, 1, 1) and work.publication_year == 2021  # v1
    assert work.updated_date == datetime(2021, 3, 15, 10, 20, 30)  # naive UTC
    assert work.version == "v2"
    assert work.categories == ("cs.LG", "stat.ML", "math.PR")  # primary first, no repeats
    assert work.journal_ref == "J. Lattice Stud. 4 (2021) 12-34"
    assert work.notices == ()
    assert names(work) == ["Ada Q. Lovelace", "Émile Ñúñez-Østergaard"]
    first = work.authorships[0]
    assert first.position == 0 and first.author.ids == () and first.raw_author_name == "Ada Q. Lovelace"
    assert first.raw_affiliations == ("Analytical Engine Lab, London", "Royal Institution")
    assert all(a.institution is None for a in first.affiliations)
    assert work.authorships[1].position == 1 and work.authorships[1].affiliations == ()


def test_atom_location_is_arxiv_open_access() -> None:
    work = only_work("atom_feed.json")
    assert work.is_oa and work.oa_url == "https://arxiv.org/abs/2101.00001"
    (loc,) = work.locations
    assert loc.is_primary and loc.is_oa and loc.version == "submittedVersion"
    assert loc.landing_page_url == "https://arxiv.org/abs/2101.00001"
    assert loc.pdf_url == "https://arxiv.org/pdf/2101.00001"
    assert loc.license is None  # the search API names no licence
    assert loc.source is not None and loc.source.ids == (ExternalId("openalex", "S4306400194"),)
    assert loc.source.display_name == "arXiv (Cornell University)" and loc.source.type == "repository"
    assert work.primary_location is loc


def test_atom_old_style_id_keeps_its_archive() -> None:
    old = items("atom_feed.json")[1]
    assert isinstance(old, WorkRecord)
    assert old.id_of("arxiv") == "hep-th/9901002" and old.version == "v3"
    assert old.locations[0].pdf_url == "https://arxiv.org/pdf/hep-th/9901002"
    assert old.categories == ("hep-th",) and old.journal_ref is None and old.id_of("doi") is None


def atom_entry(body: str) -> Element:
    return arxiv.decode(f"<entry {ATOM_NS}>{body}</entry>".encode())


def test_atom_entry_without_title_names_the_field() -> None:
    with pytest.raises(InputError, match=r"^feed\.json#3: .*title"):
        arxiv.normalize(atom_entry("<id>http://arxiv.org/abs/2101.00001v1</id><title>  </title>"), WHEN, "feed.json#3")


def test_atom_entry_without_id_names_the_field() -> None:
    with pytest.raises(InputError, match=r"^feed\.json#1: .*id"):
        arxiv.normalize(atom_entry("<title>A title</title>"), WHEN, "feed.json#1")


def test_atom_entry_with_a_foreign_id_is_refused() -> None:
    with pytest.raises(InputError, match="not an arXiv id"):
        arxiv.normalize(atom_entry("<id>https://example.org/paper/7</id><title>T</title>"), WHEN, "w")


def test_atom_error_entry_is_not_a_work() -> None:
    entry = atom_entry("<id>https://arxiv.org/api/errors#incorrect_id_format_for_x</id><title>Error</title><summary>incorrect id format for x</summary>")
    with pytest.raises(InputError, match="incorrect id format for x"):
        arxiv.normalize(entry, WHEN, "w")


# -- OAI-PMH ----------------------------------------------------------------------------------


def test_oai_arxiv_format() -> None:
    work = only_work("oai_listrecords_arxiv.xml")
    assert work.ids == (ExternalId("arxiv", "2101.00001"), ExternalId("doi", "10.1234/jls.2021.0042"))
    assert (work.title, work.abstract) == (TITLE, ABSTRACT)
    assert work.publication_date == date(2021, 1, 1) and work.updated_date == datetime(2021, 3, 15)
    assert work.version is None  # the arXiv format does not say which version it describes
    assert work.categories == ("cs.LG", "stat.ML", "math.PR")
    assert names(work) == ["Ada Q. Lovelace", "G. David Forney Jr.", "The Lattice Collaboration"]
    assert work.authorships[0].raw_affiliations == ("Analytical Engine Lab, London", "Royal Institution")
    assert work.journal_ref == "J. Lattice Stud. 4 (2021) 12-34"
    assert work.locations[0].license == "http://creativecommons.org/licenses/by/4.0/"


def test_oai_deleted_record_is_a_withdrawal() -> None:
    deleted = items("oai_listrecords_arxiv.xml")[1]
    assert deleted == OtherRecord(kind="deleted", provenance=Provenance("arxiv", "2101.00002", WHEN))


def test_oai_arxiv_raw_format() -> None:
    work = only_work("oai_listrecords_arxivraw.xml")
    assert work.ids == (
        ExternalId("arxiv", "2101.00001"),
        ExternalId("doi", "10.1234/jls.2021.0042"),
        ExternalId("doi", "10.5555/erratum.7"),
    )
    assert work.publication_date == date(2021, 1, 1)  # first version's date
    assert work.updated_date == datetime(2021, 3, 15, 10, 20, 30)  # latest version's date
    assert work.version == "v2"
    assert names(work) == ["Ada Q. Lovelace", "G. David Forney Jr.", "The Lattice Collaboration"]
    assert [a.raw_author_name for a in work.authorships] == ["Ada Q. Lovelace", "G. David Forney, Jr.", "The Lattice Collaboration"]
    assert work.authorships[0].raw_affiliations == ("Analytical Engine Lab, London", "Royal Institution")
    assert work.authorships[1].raw_affiliations == ("Royal Institution",)
    assert work.authorships[2].raw_affiliations == ()


def test_oai_dc_format() -> None:
    work = only_work("oai_getrecord_oai_dc.xml")
    assert work.ids == (ExternalId("arxiv", "2101.00001"), ExternalId("doi", "10.1234/jls.2021.0042"))
    assert (work.title, work.abstract) == (TITLE, ABSTRACT)  # the first description is the abstract
    assert names(work) == ["Ada Q. Lovelace", "G. David Forney Jr.", "The Lattice Collaboration"]
    assert work.authorships[0].raw_author_name == "Lovelace, Ada Q."
    assert work.categories == ("cs.LG", "stat.ML", "math.PR")  # from the header's sets
    assert work.publication_date == date(2021, 1, 1) and work.updated_date == datetime(2021, 3, 15)
    assert work.journal_ref == "J. Lattice Stud. 4 (2021) 12-34"
    assert work.locations[0].license == "http://creativecommons.org/licenses/by/4.0/"


def test_three_formats_agree_on_the_work() -> None:
    works = [only_work(n) for n in ("oai_listrecords_arxiv.xml", "oai_listrecords_arxivraw.xml", "oai_getrecord_oai_dc.xml", "atom_feed.json")]
    assert len({w.title for w in works}) == 1
    assert len({w.id_of("arxiv") for w in works}) == 1
    assert len({w.categories for w in works}) == 1
    assert len({w.publication_date for w in works}) == 1
    assert len({tuple(names(w)[:1]) for w in works}) == 1


def oai_record(header: str, metadata: str = "") -> Element:
    md = f"<metadata>{metadata}</metadata>" if metadata else ""
    return arxiv.decode(f"<record {OAI_NS}><header{header}</header>{md}</record>".encode())


RAW = 'xmlns="http://arxiv.org/OAI/arXivRaw/"'


def test_oai_record_without_title_names_the_field() -> None:
    rec = oai_record("><identifier>oai:arXiv.org:2101.00001</identifier>", f"<arXivRaw {RAW}><id>2101.00001</id><authors>A. B</authors></arXivRaw>")
    with pytest.raises(InputError, match=r"^page\.xml#2: .*title"):
        arxiv.normalize(rec, WHEN, "page.xml#2")


def test_oai_record_without_id_names_the_field() -> None:
    rec = oai_record("><identifier>oai:arXiv.org:2101.00001</identifier>", f"<arXivRaw {RAW}><title>T</title></arXivRaw>")
    with pytest.raises(InputError, match=r"^page\.xml#2: .*id"):
        arxiv.normalize(rec, WHEN, "page.xml#2")


def test_oai_record_without_metadata_or_header() -> None:
    with pytest.raises(InputError, match="no metadata"):
        arxiv.normalize(oai_record("><identifier>oai:arXiv.org:2101.00001</identifier>"), WHEN, "w")
    with pytest.raises(InputError, match="no header"):
        arxiv.normalize(arxiv.decode(f"<record {OAI_NS}/>".encode()), WHEN, "w")


def test_oai_record_in_an_unknown_format() -> None:
    rec = oai_record("><identifier>oai:arXiv.org:2101.00001</identifier>", '<arXivOld xmlns="http://arxiv.org/OAI/arXivOld/"><id>2101.00001</id></arXivOld>')
    with pytest.raises(InputError, match="not one of arXiv, arXivRaw, oai_dc"):
        arxiv.normalize(rec, WHEN, "w")


def test_deleted_record_without_identifier() -> None:
    with pytest.raises(InputError, match="header identifier"):
        arxiv.normalize(oai_record(' status="deleted">'), WHEN, "w")


def test_raw_versions_are_ordered_by_number_not_by_position() -> None:
    md = (
        f"<arXivRaw {RAW}><id>2101.00001</id><title>T</title>"
        '<version version="v2"><date>Mon, 15 Mar 2021 10:20:30 GMT</date></version>'
        '<version version="v10"><date>Tue, 01 Jun 2021 00:00:00 +0200</date></version>'
        '<version version="v1"><date>Fri, 1 Jan 2021 09:00:00 GMT</date></version>'
        "</arXivRaw>"
    )
    work = arxiv.normalize(oai_record("><identifier>x</identifier>", md), WHEN, "w")
    assert isinstance(work, WorkRecord)
    assert work.version == "v10" and work.publication_date == date(2021, 1, 1)
    assert work.updated_date == datetime(2021, 5, 31, 22, 0, 0)  # converted to UTC
    assert work.authorships == ()


def test_unknown_element_is_refused() -> None:
    with pytest.raises(InputError, match="neither an Atom entry nor an OAI-PMH record"):
        arxiv.normalize(arxiv.decode(b"<feed xmlns='http://www.w3.org/2005/Atom'/>"), WHEN, "w")
    with pytest.raises(InputError, match="expected an XML element"):
        arxiv.normalize({"id": "2101.00001"}, WHEN, "w")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec,category",
    [("math:math:CO", "math.CO"), ("physics:cond-mat:stat-mech", "cond-mat.stat-mech"), ("physics:hep-th", "hep-th"), ("math", None), ("", None)],
)
def test_set_category(spec: str, category: str | None) -> None:
    assert arxiv.set_category(spec) == category


# -- stored bytes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["atom_feed.json", "oai_listrecords_arxiv.xml", "oai_listrecords_arxivraw.xml", "oai_getrecord_oai_dc.xml", "oai_listrecords_arxiv_last.xml"]
)
def test_stored_payload_decodes_to_the_same_record(name: str) -> None:
    payloads = [p for page in source.read(FIXTURES / name) for p in page.payloads]
    assert payloads
    for p in payloads:
        assert isinstance(p.raw, bytes) and b"<!DOCTYPE" not in p.raw
        in_document = arxiv.normalize(p.data, WHEN, p.where)
        assert arxiv.normalize(arxiv.decode(p.raw), WHEN, p.where) == in_document
        assert renormalize("arxiv", p.raw, WHEN, p.where) == in_document


def test_decode_refuses_entities_and_broken_xml() -> None:
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><entry xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></entry>'
    with pytest.raises(InputError, match="refused"):
        arxiv.decode(bomb)
    with pytest.raises(InputError, match="not well-formed"):
        arxiv.decode(b"<entry><title>unclosed</entry>")


# -- properties -------------------------------------------------------------------------------

# words that read as mis-decoded UTF-8 ("Â¡") are repaired on the way in (normalize/text.py): this
# property is about whitespace, so it keeps to text that is not a garble
_word = st.text(alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters="<>&"), min_size=1, max_size=12).filter(lambda w: repair_mojibake(w) == w)


@given(parts=st.lists(_word, min_size=1, max_size=8), gaps=st.lists(st.sampled_from([" ", "  ", "\n", "\t ", "\n   "]), min_size=8, max_size=8))
def test_title_whitespace_is_collapsed_and_text_kept(parts: list[str], gaps: list[str]) -> None:
    assume(repair_mojibake(" ".join(parts)) == " ".join(parts))  # a garble across words is repaired, not kept
    from xml.sax.saxutils import escape

    written = gaps[0] + "".join(p + g for p, g in zip(parts, gaps[1:] + gaps[:1]))
    entry = atom_entry(f"<id>http://arxiv.org/abs/2101.00001v1</id><title>{escape(written)}</title>")
    work = arxiv.normalize(entry, WHEN, "w")
    assert isinstance(work, WorkRecord)
    assert work.title == " ".join(" ".join(parts).split())
    assert "  " not in work.title and work.title == work.title.strip()


@given(
    dois=st.lists(
        st.builds(lambda a, b: f"10.{a}/{b}", st.integers(1000, 99999), st.text(alphabet="abcdefghXYZ0123456789-._()", min_size=1, max_size=10).filter(lambda s: s.strip(".,;"))),
        min_size=1,
        max_size=4,
    ),
    sep=st.sampled_from([" ", "  ", "\n", "; ", ", "]),
)
def test_every_doi_of_a_field_is_kept_once(dois: list[str], sep: str) -> None:
    md = f"<arXivRaw {RAW}><id>2101.00001</id><title>T</title><doi>{sep.join(dois + dois[:1])}</doi></arXivRaw>"
    work = arxiv.normalize(oai_record("><identifier>x</identifier>", md), WHEN, "w")
    assert isinstance(work, WorkRecord)
    expected = list(dict.fromkeys(d.lower().rstrip(".,;") for d in dois))
    assert [i.value for i in work.ids if i.scheme == "doi"] == expected
