"""ORCID documents (JSON and XML) -> AuthorRecord: names, ids, e-mails, employments, works."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize import orcid
from peerscope.normalize.ids import normalize_doi, orcid_checksum
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AuthorRecord,
    ExternalId,
    InstitutionRecord,
    WorkRef,
)
from peerscope.normalize.registry import renormalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "orcid"
WHEN = datetime(2026, 1, 1)


def load(name: str) -> Any:
    return orcid.decode((FIXTURES / name).read_bytes())


def record(name: str, when: datetime = WHEN) -> AuthorRecord:
    return orcid.normalize(load(name), when, name)


# -- a whole record (JSON) ----------------------------------------------------------------------


def test_record_identity_and_names() -> None:
    a = record("record.json")
    assert a.orcid == "0000-0002-1825-0097"
    assert a.provenance.source == "orcid" and a.provenance.source_id == "0000-0002-1825-0097"
    assert a.provenance.retrieved_at == WHEN
    assert a.display_name == "Ada Lovelace-Ng"  # no credit name: given + family
    # cleaned, without repeats, without the display name itself, the private one or one with no letter
    assert a.name_variants == ("A. Lovelace-Ng", "A. L. Ng")


def test_record_ids_keep_only_known_kinds() -> None:
    a = record("record.json")
    assert a.ids == (
        ExternalId("orcid", "0000-0002-1825-0097"),
        ExternalId("scopus", "7004212771"),
        ExternalId("researcherid", "A-1234-2010"),
        ExternalId("loop", "123456"),
    )


def test_only_public_emails() -> None:
    assert record("record.json").emails == ("ada@northfield.example",)


def test_employments_current_first_then_latest_ended() -> None:
    a = record("record.json")
    assert a.last_known_institutions == (
        InstitutionRecord((ExternalId("ror", "01abcde23"),), "University of Northfield", "GB"),
        InstitutionRecord((ExternalId("fundref", "100000001"),), "Research Funder", "US"),  # ends in 2099
        InstitutionRecord((ExternalId("ringgold", "4917"),), "Old College", "GB"),  # ended 2019
        InstitutionRecord((ExternalId("grid", "grid.5252.0"),), "First Institute", "DE"),  # ended 2010
    )
    assert all(i.display_name != "Hidden Employer" for i in a.last_known_institutions)


def test_an_end_date_counts_from_the_retrieval_day() -> None:
    later = record("record.json", datetime(2100, 6, 1))
    assert [i.display_name for i in later.last_known_institutions] == [
        "University of Northfield", "Research Funder", "Old College", "First Institute",
    ]
    earlier = record("record.json", datetime(2019, 8, 15))  # Old College ends at the end of 2019-08
    assert [i.display_name for i in earlier.last_known_institutions][:3] == ["Old College", "University of Northfield", "Research Funder"]


def test_works_one_ref_per_summary_with_self_ids_and_asserting_source() -> None:
    works = record("record.json").works
    assert works[0] == WorkRef(
        ids=(ExternalId("doi", "10.1234/jog.2025.1"),),
        title="Resolving scholarly identities at scale",
        publication_year=2025,
        type="journal-article",
        source_name="Crossref Metadata Search",
    )
    assert works[1].source_name == "Ada Lovelace-Ng"  # the same work as the person added it
    assert works[1].ids == works[0].ids
    preprint = works[2]
    assert preprint.ids == (
        ExternalId("arxiv", "2506.01234"),
        ExternalId("pmcid", "PMC5815332"),
        ExternalId("pmid", "29456894"),
        ExternalId("scopus_eid", "2-s2.0-85042178467"),
        ExternalId("isbn", "9783161484100"),
    )  # the version-of DOI names another version; "other-id" is not a kind kept
    assert (preprint.type, preprint.publication_year, preprint.source_name) == ("preprint", 2025, "DataCite")
    assert works[3] == WorkRef(ids=(), title="Notes without identifiers", publication_year=None, type="other", source_name="Ada Lovelace-Ng")
    assert len(works) == 4  # the private summary is left out


def test_renormalize_from_stored_bytes_gives_the_same_record() -> None:
    raw = (FIXTURES / "record.json").read_bytes()
    assert renormalize("orcid", raw, WHEN, "r") == record("record.json")


# -- partial documents (XML) --------------------------------------------------------------------


def test_person_xml() -> None:
    a = record("person.xml")
    assert a.orcid == "0000-0001-5109-3700"
    assert a.provenance.source_id == "0000-0001-5109-3700:person"
    assert a.display_name == "Bo Müller-Østergaard"  # the credit name, whitespace collapsed
    assert a.name_variants == ("Bo Müller",)  # "Müller, Bo" read in natural order
    assert a.emails == ("bo@example.org",)  # private and unmarked addresses are not published
    assert a.ids[1:] == (ExternalId("scopus", "57190000001"), ExternalId("isni", "0000000121032683"))
    assert a.works == () and a.last_known_institutions == ()


def test_works_xml_is_a_nameless_author_with_works() -> None:
    a = record("works.xml")
    assert a.display_name == "" and a.provenance.source_id == "0000-0001-5109-3700:works"
    assert a.ids == (ExternalId("orcid", "0000-0001-5109-3700"),)
    assert [(w.title, w.publication_year, w.source_name) for w in a.works] == [
        ("The state of open access", 2018, "Crossref Metadata Search"),
        ("Stellar notes", 2019, "Bo Müller"),
    ]
    assert a.works[0].ids == (ExternalId("doi", "10.7717/peerj.4375"), ExternalId("pmid", "29456894"))
    assert a.works[1].ids == (ExternalId("bibcode", "2019ApJ...882L..24A"),)


def test_employments_xml() -> None:
    a = record("employments.xml")
    assert a.provenance.source_id == "0000-0001-5109-3700:employments"
    assert a.last_known_institutions == (
        InstitutionRecord((ExternalId("ror", "02mhbdp94"),), "Northfield Institute", "GB"),
        InstitutionRecord((ExternalId("grid", "grid.7048.b"),), "Harbour Lab", "DK"),
    )


def test_full_work_xml_is_carried_for_its_owner() -> None:
    a = record("work.xml")
    assert a.orcid == "0000-0002-7319-2192"  # a sandbox iD: same checksum
    assert a.provenance.source_id == "0000-0002-7319-2192:work/301"
    assert a.works == (WorkRef((ExternalId("doi", "10.1000/sandbox.301"),), "A sandbox work", 2021, "conference-paper", "Demo Org Sandbox"),)
    assert a.display_name == ""


def test_sandbox_uri_and_older_work_types() -> None:
    doc = {
        "orcid-identifier": {"uri": "https://sandbox.orcid.org/0000-0002-7319-2192"},
        "person": {"name": {"credit-name": {"value": "Sandbox Person"}}},
        "activities-summary": {"works": {"group": [{"work-summary": [{"title": {"title": {"value": "Old"}}, "type": "JOURNAL_ARTICLE"}]}]}},
    }
    a = orcid.normalize(doc, WHEN, "s")
    assert a.orcid == "0000-0002-7319-2192" and a.display_name == "Sandbox Person"
    assert a.works[0].type == "journal-article"


def test_parts_of_one_person_have_distinct_source_ids() -> None:
    ids = {record(n).provenance.source_id for n in ("person.xml", "works.xml", "employments.xml")}
    assert len(ids) == 3


def test_owner_from_sources_when_no_path() -> None:
    doc = orcid.decode(
        b'<work:work put-code="5" visibility="public" xmlns:common="http://www.orcid.org/ns/common" xmlns:work="http://www.orcid.org/ns/work">'
        b"<common:source><common:source-orcid><common:path>0000-0001-5109-3700</common:path></common:source-orcid>"
        b"<common:source-name>Bo</common:source-name></common:source>"
        b"<work:title><common:title>Owned by its source</common:title></work:title></work:work>"
    )
    a = orcid.normalize(doc, WHEN, "w")
    assert a.orcid == "0000-0001-5109-3700" and a.provenance.source_id == "0000-0001-5109-3700:work/5"


def test_json_and_element_inputs_agree() -> None:
    from defusedxml.ElementTree import fromstring

    raw = (FIXTURES / "works.xml").read_bytes()
    assert orcid.normalize(fromstring(raw), WHEN, "w") == orcid.normalize(orcid.decode(raw), WHEN, "w")
    assert orcid.normalize(raw, WHEN, "w") == record("works.xml")


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,fault",
    [
        ([], "expected an ORCID document"),
        ({"foo": 1}, "not an ORCID record"),
        ({"num-found": 0, "result": []}, "search result"),
        ({"response-code": 404, "developer-message": "x"}, "error document"),
        ({"orcid-identifier": {"path": "0000-0002-1825-0098"}, "person": {}}, "has no ORCID iD"),
        ({"path": "/works", "group": []}, "has no ORCID iD"),
    ],
)
def test_refusals_name_the_place(data: Any, fault: str) -> None:
    with pytest.raises(InputError) as err:
        orcid.normalize(data, WHEN, "file.json#3")
    assert err.value.message.startswith("file.json#3: ") and fault in err.value.message


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b"<record:record><unclosed></record:record>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "boom">]><r>&e;</r>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    ],
)
def test_decode_refuses_malformed_and_entity_declaring_documents(raw: bytes) -> None:
    with pytest.raises(InputError):
        orcid.decode(raw)


def test_deeply_nested_xml_is_refused() -> None:
    raw = b"<a>" * 200 + b"x" + b"</a>" * 200
    with pytest.raises(InputError):
        orcid.decode(raw)


# -- properties ---------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["path", "person", "name", "orcid-identifier", "group", "work-summary", "title", "value", "external-ids",
         "external-id", "affiliation-group", "summaries", "employment-summary", "organization", "visibility",
         "emails", "email", "other-names", "other-name", "content", "end-date", "year", "activities-summary",
         "works", "employments", "source", "source-name", "put-code", "type", "_element"]), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_structures_give_a_record_or_input_error(data: Any) -> None:
    try:
        result = orcid.normalize(data, WHEN, "x")
    except InputError:
        return
    assert isinstance(result, AuthorRecord) and result.orcid is not None


def _mutate(node: Any, path: list[int], value: Any) -> Any:
    """Replace the subtree at a pseudo-random path with ``value``."""
    if not path or not isinstance(node, (dict, list)) or not node:
        return value
    if isinstance(node, dict):
        keys = sorted(node)
        key = keys[path[0] % len(keys)]
        return {**node, key: _mutate(node[key], path[1:], value)}
    index = path[0] % len(node)
    return [*node[:index], _mutate(node[index], path[1:], value), *node[index + 1 :]]


@settings(max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=8), json_values)
def test_damaged_records_give_a_record_or_input_error(path: list[int], value: Any) -> None:
    data = _mutate(orjson.loads((FIXTURES / "record.json").read_bytes()), path, value)
    try:
        orcid.normalize(data, WHEN, "x")
    except InputError:
        pass


@settings(max_examples=200)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: ("<" + t).encode()))
def test_decode_only_raises_input_error(raw: bytes) -> None:
    try:
        orcid.normalize(orcid.decode(raw), WHEN, "x")
    except InputError:
        pass


name_text = st.text(st.characters(codec="utf-8", categories=("L", "Zs", "Pd", "Po")), min_size=1, max_size=30).filter(
    lambda s: any(ch.isalpha() for ch in s)
)
doi_suffix = st.text(st.characters(codec="ascii", categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)


@st.composite
def orcid_ids(draw: st.DrawFn) -> str:
    digits = "".join(str(draw(st.integers(0, 9))) for _ in range(15))
    full = digits + orcid_checksum(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _json_doc(ident: str, given: str, family: str, credit: str | None, others: list[str], works: list[tuple[str, str, int]]) -> bytes:
    doc = {
        "orcid-identifier": {"path": ident},
        "person": {
            "name": {"given-names": {"value": given}, "family-name": {"value": family},
                     "credit-name": {"value": credit} if credit else None, "visibility": "public"},
            "other-names": {"other-name": [{"content": o, "visibility": "public"} for o in others]},
        },
        "activities-summary": {"works": {"group": [
            {"work-summary": [{
                "title": {"title": {"value": title}},
                "external-ids": {"external-id": [{"external-id-type": "doi", "external-id-value": doi, "external-id-relationship": "self"}]},
                "publication-date": {"year": {"value": str(year)}},
                "source": {"source-name": {"value": "Crossref"}},
                "visibility": "public",
            }]} for doi, title, year in works
        ]}},
    }
    return orjson.dumps(doc)


def _xml_doc(ident: str, given: str, family: str, credit: str | None, others: list[str], works: list[tuple[str, str, int]]) -> bytes:
    e = escape
    credit_xml = f"<pd:credit-name>{e(credit)}</pd:credit-name>" if credit else ""
    other_xml = "".join(f'<on:other-name visibility="public"><on:content>{e(o)}</on:content></on:other-name>' for o in others)
    works_xml = "".join(
        "<a:group><w:work-summary visibility=\"public\">"
        f"<c:source><c:source-name>Crossref</c:source-name></c:source>"
        f"<w:title><c:title>{e(title)}</c:title></w:title>"
        f"<c:external-ids><c:external-id><c:external-id-type>doi</c:external-id-type><c:external-id-value>{e(doi)}</c:external-id-value>"
        "<c:external-id-relationship>self</c:external-id-relationship></c:external-id></c:external-ids>"
        f"<c:publication-date><c:year>{year}</c:year></c:publication-date>"
        "</w:work-summary></a:group>"
        for doi, title, year in works
    )
    return (
        f'<r:record path="/{ident}" xmlns:r="http://www.orcid.org/ns/record" xmlns:c="http://www.orcid.org/ns/common" '
        'xmlns:p="http://www.orcid.org/ns/person" xmlns:pd="http://www.orcid.org/ns/personal-details" '
        'xmlns:on="http://www.orcid.org/ns/other-name" xmlns:a="http://www.orcid.org/ns/activities" xmlns:w="http://www.orcid.org/ns/work">'
        f'<c:orcid-identifier><c:path>{ident}</c:path></c:orcid-identifier>'
        f'<p:person><p:name visibility="public"><pd:given-names>{e(given)}</pd:given-names><pd:family-name>{e(family)}</pd:family-name>{credit_xml}</p:name>'
        f"<on:other-names>{other_xml}</on:other-names></p:person>"
        f"<a:activities-summary><a:works>{works_xml}</a:works></a:activities-summary></r:record>"
    ).encode()


@settings(max_examples=150)
@given(
    orcid_ids(),
    name_text,
    name_text,
    st.none() | name_text,
    st.lists(name_text, max_size=3),
    st.lists(st.tuples(doi_suffix.map(lambda s: f"10.1234/{s}"), name_text, st.integers(1900, 2030)), max_size=3, unique_by=lambda w: w[0].lower()),
)
def test_json_and_xml_of_one_record_agree(ident: str, given: str, family: str, credit: str | None, others: list[str], works: list[tuple[str, str, int]]) -> None:
    from_json = orcid.normalize(orcid.decode(_json_doc(ident, given, family, credit, others, works)), WHEN, "j")
    from_xml = orcid.normalize(orcid.decode(_xml_doc(ident, given, family, credit, others, works)), WHEN, "x")
    assert from_json == from_xml
    assert from_json.orcid == ident and from_json.ids[0] == ExternalId("orcid", ident)
    expected = clean_name(credit) or clean_name(f"{given.strip()} {family.strip()}")
    assert from_json.display_name == expected
    assert from_json.display_name not in from_json.name_variants
    assert len(set(from_json.name_variants)) == len(from_json.name_variants)
    assert len(from_json.works) == len(works)
    for ref, (doi, _, year) in zip(from_json.works, works):
        assert ref.ids == (ExternalId("doi", normalize_doi(doi)),)
        assert ref.publication_year == year and ref.source_name == "Crossref"


@settings(max_examples=150)
@given(st.lists(st.tuples(st.booleans(), st.integers(1990, 2040), st.integers(1, 12)), min_size=1, max_size=6))
def test_current_employers_always_come_first(jobs: list[tuple[bool, int, int]]) -> None:
    groups = []
    for n, (ongoing, year, month) in enumerate(jobs):
        end = None if ongoing else {"year": {"value": str(year)}, "month": {"value": f"{month:02d}"}}
        groups.append({"summaries": [{"employment-summary": {"organization": {"name": f"Org {n}"}, "end-date": end, "visibility": "public"}}]})
    doc = {"path": "/0000-0002-1825-0097/employments", "affiliation-group": groups}
    a = orcid.normalize(doc, WHEN, "e")
    today = (WHEN.year, WHEN.month)
    current = {f"Org {n}" for n, (ongoing, y, m) in enumerate(jobs) if ongoing or (y, m) >= today}
    names = [i.display_name for i in a.last_known_institutions]
    assert sorted(names) == sorted(f"Org {n}" for n in range(len(jobs)))
    assert set(names[: len(current)]) == current
