"""Fetching from arXiv over HTTP: the search API paged by start, OAI-PMH paged by resumption token.

A local server on 127.0.0.1 answers with the hand-written fixtures; the client is the real
PoliteClient.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from peerscope.errors import InputError, SourceError
from peerscope.normalize import arxiv as normalize
from peerscope.normalize.records import WorkRecord
from peerscope.sources import arxiv
from peerscope.sources.base import Page
from peerscope.sources.http import PoliteClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

FEED = json.loads((FIXTURES / "atom_feed.json").read_text())["body"]
ERROR_FEED = json.loads((FIXTURES / "atom_error.json").read_text())["body"]


def feed(total: int, start: int, entries: int) -> str:
    """The fixture feed with its first ``entries`` entries and the given totals."""
    head, _, rest = FEED.partition("<entry>")
    bodies = ["<entry>" + e for e in rest.split("<entry>")]
    bodies[-1] = bodies[-1].replace("</feed>", "")
    head = head.replace("<opensearch:totalResults>2<", f"<opensearch:totalResults>{total}<")
    head = head.replace("<opensearch:startIndex>0<", f"<opensearch:startIndex>{start}<")
    return head + "".join(bodies[:entries]) + ("" if entries else "\n") + "</feed>\n"


def oai_error(code: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f'<responseDate>2024-03-02T00:00:00Z</responseDate><request verb="ListRecords">x</request>'
        f"<error code='{code}'>Explanation of {code}.</error></OAI-PMH>"
    )


@pytest.fixture
def api(httpserver: HTTPServer) -> Iterator[PoliteClient]:
    with PoliteClient("arxiv", httpserver.url_for("/api"), contact="tests@example.org", rate_per_second=1000.0, max_retries=0, sleep=lambda s: None) as client:
        yield client


@pytest.fixture
def oai(httpserver: HTTPServer) -> Iterator[PoliteClient]:
    with PoliteClient("arxiv", httpserver.url_for("/oai"), contact="tests@example.org", rate_per_second=1000.0, max_retries=0, sleep=lambda s: None) as client:
        yield client


def query(**params: object) -> dict[str, str]:
    return {k: str(v) for k, v in params.items()}


# -- Atom -------------------------------------------------------------------------------------


def test_search_pages_by_start(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_ordered_request("/api/query", query_string=query(search_query="all:lattice", id_list="", start=0, max_results=2)).respond_with_data(
        feed(3, 0, 2), content_type=ATOM_TYPE
    )
    httpserver.expect_ordered_request("/api/query", query_string=query(search_query="all:lattice", id_list="", start=2, max_results=2)).respond_with_data(
        feed(3, 2, 1), content_type=ATOM_TYPE
    )
    pages = list(arxiv.fetch_atom(api, query="all:lattice", max_results=10, page_size=2))
    httpserver.check_assertions()
    assert [p.cursor for p in pages] == ["2", None]
    assert [len(p.payloads) for p in pages] == [2, 1]
    work = normalize.normalize(normalize.decode(pages[0].payloads[0].raw), pages[0].payloads[0].retrieved_at, pages[0].payloads[0].where)
    assert isinstance(work, WorkRecord) and work.id_of("arxiv") == "2101.00001" and work.version == "v2"
    assert pages[0].payloads[0].retrieved_at.tzinfo is None


def test_search_stops_at_max_results_and_resumes_from_start(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_ordered_request("/api/query", query_string=query(search_query="all:lattice", id_list="", start=5, max_results=1)).respond_with_data(
        feed(214881, 5, 1), content_type=ATOM_TYPE
    )
    (page,) = list(arxiv.fetch_atom(api, query="all:lattice", start=5, max_results=1))
    httpserver.check_assertions()
    assert page.cursor is None and len(page.payloads) == 1


def test_id_list_reports_ids_arxiv_lacks(httpserver: HTTPServer, api: PoliteClient) -> None:
    ids = "2101.00001,hep-th/9901002v3,2202.99999"
    httpserver.expect_request("/api/query", query_string=query(search_query="", id_list=ids, start=0, max_results=3)).respond_with_data(
        feed(2, 0, 2), content_type=ATOM_TYPE
    )
    (page,) = list(arxiv.fetch_atom(api, id_list=ids.split(","), max_results=3))
    assert len(page.payloads) == 2 and page.cursor is None
    assert page.not_found == ["2202.99999"]


def test_malformed_ids_are_refused_before_asking(httpserver: HTTPServer, api: PoliteClient) -> None:
    with pytest.raises(InputError, match="not arXiv ids: abc"):
        list(arxiv.fetch_atom(api, id_list="2101.00001,abc"))
    with pytest.raises(InputError, match="give a query or a list"):
        list(arxiv.fetch_atom(api))
    with pytest.raises(InputError, match="page_size at least 1"):
        list(arxiv.fetch_atom(api, query="x", page_size=0))
    with pytest.raises(InputError, match="0 or more"):
        list(arxiv.fetch_atom(api, query="x", start=-1))
    assert list(arxiv.fetch_atom(api, query="x", start=100, max_results=0)) == []  # a resumed search that had already read all it asked for
    assert httpserver.log == []


def test_error_entry_is_a_source_error(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_request("/api/query").respond_with_data(ERROR_FEED, content_type=ATOM_TYPE)
    with pytest.raises(SourceError, match="incorrect id format for xyz"):
        list(arxiv.fetch_atom(api, query="id:xyz"))


def test_error_status_is_a_source_error(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_request("/api/query").respond_with_data(ERROR_FEED, status=400, content_type=ATOM_TYPE)
    with pytest.raises(SourceError) as info:
        list(arxiv.fetch_atom(api, query="id:xyz"))
    assert info.value.status == 400


def test_empty_page_before_the_end_is_retriable(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_request("/api/query").respond_with_data(feed(50, 0, 0), content_type=ATOM_TYPE)
    with pytest.raises(SourceError, match="empty page at start=0 of 50") as info:
        list(arxiv.fetch_atom(api, query="all:lattice"))
    assert info.value.retriable


def test_search_with_no_results(httpserver: HTTPServer, api: PoliteClient) -> None:
    httpserver.expect_request("/api/query").respond_with_data(feed(0, 0, 0), content_type=ATOM_TYPE)
    assert list(arxiv.fetch_atom(api, query="all:nothing")) == [Page([], None, [])]


# -- OAI-PMH ----------------------------------------------------------------------------------


def test_list_records_follows_resumption_tokens(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_ordered_request(
        "/oai", query_string=query(verb="ListRecords", metadataPrefix="arXiv", set="cs", **{"from": "2021-01-01"}, until="2021-03-31")
    ).respond_with_data((FIXTURES / "oai_listrecords_arxiv.xml").read_text(), content_type=XML_TYPE)
    httpserver.expect_ordered_request("/oai", query_string=query(verb="ListRecords", resumptionToken="token-page-2")).respond_with_data(
        (FIXTURES / "oai_listrecords_arxiv_last.xml").read_text(), content_type=XML_TYPE
    )
    pages = list(arxiv.fetch_oai(oai, set="cs", from_=date(2021, 1, 1), until=datetime(2021, 3, 31, 12, 0)))
    httpserver.check_assertions()
    assert [p.cursor for p in pages] == ["token-page-2", None]
    assert [len(p.payloads) for p in pages] == [2, 1]
    kinds = [type(normalize.normalize(p.data, p.retrieved_at, p.where)).__name__ for page in pages for p in page.payloads]
    assert kinds == ["WorkRecord", "OtherRecord", "WorkRecord"]


def test_list_records_resumes_with_the_token_alone(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai", query_string=query(verb="ListRecords", resumptionToken="token-page-2")).respond_with_data(
        (FIXTURES / "oai_listrecords_arxiv_last.xml").read_text(), content_type=XML_TYPE
    )
    pages = list(arxiv.fetch_oai(oai, set="cs", metadata_prefix="arXivRaw", cursor="token-page-2"))
    assert [p.cursor for p in pages] == [None] and len(pages[0].payloads) == 1


def test_expired_token_asks_to_start_again(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai").respond_with_data(oai_error("badResumptionToken"), content_type=XML_TYPE)
    with pytest.raises(SourceError, match="rerun without --resume"):
        list(arxiv.fetch_oai(oai, cursor="stale"))


def test_no_records_match_is_one_empty_page(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai").respond_with_data(oai_error("noRecordsMatch"), content_type=XML_TYPE)
    assert list(arxiv.fetch_oai(oai, set="math", from_="2030-01-01")) == [Page([], None, [])]


@pytest.mark.parametrize("code", ["cannotDisseminateFormat", "badArgument", "noSetHierarchy"])
def test_protocol_errors_stop_the_harvest(httpserver: HTTPServer, oai: PoliteClient, code: str) -> None:
    httpserver.expect_request("/oai").respond_with_data(oai_error(code), content_type=XML_TYPE)
    with pytest.raises(SourceError, match=code):
        list(arxiv.fetch_oai(oai))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"metadata_prefix": "marc21"}, "not one of arXiv, arXivRaw, oai_dc"),
        ({"set": "cs math"}, "not a set name"),
        ({"from_": "2021-13-01"}, "from must be a date"),
        ({"until": "2021-01-01T00:00:00Z"}, "until must be a date"),
        ({"from_": "2021-02-01", "until": "2021-01-01"}, "after until"),
    ],
)
def test_arguments_are_checked_before_asking(httpserver: HTTPServer, oai: PoliteClient, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(arxiv.fetch_oai(oai, **kwargs))
    assert httpserver.log == []


def test_get_record(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai", query_string=query(verb="GetRecord", identifier="oai:arXiv.org:2101.00001", metadataPrefix="oai_dc")).respond_with_data(
        (FIXTURES / "oai_getrecord_oai_dc.xml").read_text(), content_type=XML_TYPE
    )
    page = arxiv.fetch_record(oai, "arXiv:2101.00001v2", metadata_prefix="oai_dc")
    assert len(page.payloads) == 1 and page.not_found == []


def test_get_record_of_an_unknown_id(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai").respond_with_data(oai_error("idDoesNotExist"), content_type=XML_TYPE)
    page = arxiv.fetch_record(oai, "2101.99999")
    assert page.payloads == [] and page.not_found == ["2101.99999"]
    with pytest.raises(InputError, match="not an arXiv id"):
        arxiv.fetch_record(oai, "not-an-id")


def test_identify_and_list_sets(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai", query_string={"verb": "Identify"}).respond_with_data((FIXTURES / "oai_identify.xml").read_text(), content_type=XML_TYPE)
    httpserver.expect_request("/oai", query_string={"verb": "ListSets"}).respond_with_data((FIXTURES / "oai_listsets.xml").read_text(), content_type=XML_TYPE)
    assert arxiv.identify(oai)["granularity"] == "YYYY-MM-DD"
    sets = arxiv.list_sets(oai)
    assert sets["physics:hep-th"] == "High Energy Physics - Theory"
    arxiv.check_set("cs", sets)


def test_html_instead_of_xml_is_a_source_error(httpserver: HTTPServer, oai: PoliteClient) -> None:
    httpserver.expect_request("/oai").respond_with_data("<!DOCTYPE html><html><body>maintenance</body></html>", content_type="text/html")
    with pytest.raises(SourceError):
        list(arxiv.fetch_oai(oai))
