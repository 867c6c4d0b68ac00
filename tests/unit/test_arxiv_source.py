"""Reading recorded arXiv responses: Atom envelopes, OAI-PMH files, errors and non-record answers."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError, SourceError
from peerscope.normalize import arxiv as normalize
from peerscope.normalize.ids import normalize_arxiv
from peerscope.sources import arxiv
from peerscope.sources.base import Page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv"
WHEN = datetime(2024, 3, 2)


def oai_error(code: str, request: str = '<request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>') -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>2024-03-02T00:00:00Z</responseDate>{request}"
        f"<error code='{code}'>Explanation of {code}.</error></OAI-PMH>"
    ).encode()


def test_atom_envelope_yields_one_page_of_entries() -> None:
    (page,) = list(arxiv.read(FIXTURES / "atom_feed.json"))
    assert isinstance(page, Page) and page.cursor is None and page.not_found == []
    assert [p.where for p in page.payloads] == ["atom_feed.json#1", "atom_feed.json#2"]
    first = page.payloads[0]
    assert first.data.tag == "{http://www.w3.org/2005/Atom}entry"
    assert b"http://www.w3.org/2005/Atom" in first.raw and b"http://arxiv.org/schemas/atom" in first.raw
    assert first.raw.rstrip().endswith(b">")  # the element alone, not the whitespace after it
    assert first.retrieved_at.tzinfo is None  # the file's time, naive UTC like every retrieved_at


def test_bare_atom_file_is_read_too(tmp_path: Path) -> None:
    body = json.loads((FIXTURES / "atom_feed.json").read_text())["body"]
    (tmp_path / "feed.atom").write_text(body)
    (page,) = list(arxiv.read(tmp_path / "feed.atom"))
    assert len(page.payloads) == 2


def test_atom_error_entry_is_a_source_error_with_arxivs_message() -> None:
    with pytest.raises(SourceError, match="incorrect id format for xyz") as info:
        list(arxiv.read(FIXTURES / "atom_error.json"))
    assert info.value.status == 400


def test_atom_error_status_without_error_entry(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"url": "u", "status_code": 503, "body": "<html>busy</html>"}))
    with pytest.raises(SourceError, match="503"):
        list(arxiv.read(tmp_path / "a.json"))


def test_atom_id_list_answer_names_the_ids_it_lacks(tmp_path: Path) -> None:
    env = json.loads((FIXTURES / "atom_feed.json").read_text())
    env["url"] = "https://export.arxiv.org/api/query?search_query=&id_list=2101.00001v2,hep-th/9901002,2202.99999&start=0&max_results=10"
    (tmp_path / "ids.json").write_text(json.dumps(env))
    (page,) = list(arxiv.read(tmp_path / "ids.json"))
    assert page.not_found == ["2202.99999"]


def test_oai_list_records_file() -> None:
    (page,) = list(arxiv.read(FIXTURES / "oai_listrecords_arxiv.xml"))
    assert page.cursor is None  # files resume by counting records, not by token
    assert len(page.payloads) == 2
    assert all(p.data.tag == "{http://www.openarchives.org/OAI/2.0/}record" for p in page.payloads)
    items = [normalize.normalize(normalize.decode(p.raw), WHEN, p.where) for p in page.payloads]
    assert [type(i).__name__ for i in items] == ["WorkRecord", "OtherRecord"]


def test_parse_oai_reports_the_resumption_token() -> None:
    answer = arxiv.parse_oai((FIXTURES / "oai_listrecords_arxiv.xml").read_bytes(), "page1", WHEN)
    assert answer.verb == "ListRecords" and len(answer.payloads) == 2
    assert answer.token == arxiv.ResumptionToken("token-page-2", 0, 5)
    last = arxiv.parse_oai((FIXTURES / "oai_listrecords_arxiv_last.xml").read_bytes(), "page2", WHEN)
    assert last.token is None and len(last.payloads) == 1  # an empty token ends the list


def test_gzip_and_folder(tmp_path: Path) -> None:
    (tmp_path / "b.xml.gz").write_bytes(gzip.compress((FIXTURES / "oai_listrecords_arxivraw.xml").read_bytes()))
    (tmp_path / "a.xml").write_bytes((FIXTURES / "oai_listrecords_arxiv.xml").read_bytes())
    (tmp_path / "notes.txt").write_text("not read")
    pages = list(arxiv.read(tmp_path))
    assert [len(p.payloads) for p in pages] == [2, 1]
    assert pages[1].payloads[0].where == "b.xml.gz#1"


@pytest.mark.parametrize("name", ["oai_identify.xml", "oai_listsets.xml"])
def test_answers_without_records_are_empty_pages(name: str) -> None:
    assert list(arxiv.read(FIXTURES / name)) == [Page([], None, [])]


def test_list_identifiers_is_not_a_list_of_records() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListIdentifiers>'
        b"<header><identifier>oai:arXiv.org:2101.00001</identifier><datestamp>2021-01-01</datestamp></header>"
        b"</ListIdentifiers></OAI-PMH>"
    )
    answer = arxiv.parse_oai(body, "ids", WHEN)
    assert answer.verb == "ListIdentifiers" and answer.payloads == []


def test_no_records_match_is_an_empty_page(tmp_path: Path) -> None:
    (tmp_path / "none.xml").write_bytes(oai_error("noRecordsMatch"))
    assert list(arxiv.read(tmp_path / "none.xml")) == [Page([], None, [])]


def test_id_does_not_exist_names_the_id() -> None:
    body = oai_error("idDoesNotExist", '<request verb="GetRecord" identifier="oai:arXiv.org:2101.99999" metadataPrefix="arXiv">x</request>')
    assert arxiv.parse_oai(body, "w", WHEN).not_found == ["2101.99999"]
    assert arxiv.parse_oai(oai_error("idDoesNotExist"), "w", WHEN, asked_id="hep-th/9901002").not_found == ["hep-th/9901002"]
    assert arxiv.parse_oai(oai_error("idDoesNotExist"), "w", WHEN).not_found == []  # the answer does not say which


def test_bad_resumption_token_says_to_start_again(tmp_path: Path) -> None:
    (tmp_path / "e.xml").write_bytes(oai_error("badResumptionToken"))
    with pytest.raises(SourceError, match=r"badResumptionToken.*expired.*rerun without --resume"):
        list(arxiv.read(tmp_path / "e.xml"))


@pytest.mark.parametrize("code", ["cannotDisseminateFormat", "badArgument", "badVerb", "noSetHierarchy", "noMetadataFormats", "somethingNew"])
def test_protocol_errors_are_source_errors_naming_the_code(code: str) -> None:
    with pytest.raises(SourceError, match=rf"arXiv OAI-PMH error {code}: .*Explanation of {code}"):
        arxiv.parse_oai(oai_error(code), "e.xml", WHEN)


def test_not_xml_or_not_arxiv(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('[{"archive": "cs"}]')
    with pytest.raises(InputError, match="x.json: not well-formed XML"):
        list(arxiv.read(tmp_path / "x.json"))
    (tmp_path / "y.xml").write_text("<schema xmlns='http://www.w3.org/2001/XMLSchema'/>")
    with pytest.raises(InputError, match="not an OAI-PMH answer"):
        list(arxiv.read(tmp_path / "y.xml"))
    (tmp_path / "z.xml").write_text('<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    with pytest.raises(InputError, match="refused"):
        list(arxiv.read(tmp_path / "z.xml"))
    with pytest.raises(InputError, match="no such file"):
        list(arxiv.read(tmp_path / "missing.xml"))


def test_identify_and_sets() -> None:
    info = arxiv.parse_identify((FIXTURES / "oai_identify.xml").read_bytes())
    assert info["repositoryName"] == "arXiv" and info["granularity"] == "YYYY-MM-DD"
    assert info["earliestDatestamp"] == "2007-05-23" and "description" not in info
    sets, token = arxiv.parse_sets((FIXTURES / "oai_listsets.xml").read_bytes())
    assert sets == {"cs": "Computer Science", "math": "Mathematics", "physics:hep-th": "High Energy Physics - Theory"}
    assert token is None
    arxiv.check_set("physics:hep-th", sets)
    with pytest.raises(InputError, match="no set 'biology'.*cs, math"):
        arxiv.check_set("biology", sets)
    with pytest.raises(InputError, match="not an Identify answer"):
        arxiv.parse_identify((FIXTURES / "oai_listsets.xml").read_bytes())


_new_id = st.builds(lambda y, m, n, w: f"{y:02d}{m:02d}.{n:0{w}d}", st.integers(7, 99), st.integers(1, 12), st.integers(0, 9999), st.sampled_from([4, 5]))
_old_id = st.builds(lambda a, n: f"{a}/{n:07d}", st.sampled_from(["hep-th", "math", "cond-mat", "math.AG", "CS", "q-bio"]), st.integers(0, 9_999_999))
_wrapping = st.sampled_from(["{}", "{}v3", "http://arxiv.org/abs/{}v2", "https://arxiv.org/pdf/{}", "oai:arXiv.org:{}", "arXiv:{}v1", " {} "])


@given(st.one_of(_new_id, _old_id), _wrapping)
def test_reader_ids_agree_with_the_id_normaliser(arxiv_id: str, wrapping: str) -> None:
    text = wrapping.format(arxiv_id)
    expected = normalize_arxiv(text.replace("oai:arXiv.org:", ""))
    assert arxiv.bare_id(text) == expected


@given(st.text(max_size=40))
def test_reader_ids_never_accept_what_the_normaliser_refuses(text: str) -> None:
    if arxiv.bare_id(text) is not None:
        assert normalize_arxiv(text.replace("oai:arXiv.org:", "")) is not None
