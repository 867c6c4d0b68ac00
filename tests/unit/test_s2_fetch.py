"""Semantic Scholar connector against a local HTTP server (loopback only) through the polite client."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from peerscope.errors import InputError, SourceError
from peerscope.normalize import semanticscholar as normalizer
from peerscope.normalize.records import AuthorRecord, ExternalId, ReferenceListRecord
from peerscope.sources import semanticscholar as s2
from peerscope.sources.http import PoliteClient


@pytest.fixture
def api(server: HTTPServer) -> Iterator[tuple[HTTPServer, PoliteClient]]:
    server.clear()
    client = PoliteClient("s2", server.url_for("/graph/v1"), contact="ops@example.org", rate_per_second=1000, sleep=lambda s: None, max_retries=0)
    with client:
        yield server, client


def hex_id(n: int) -> str:
    return f"{n:040x}"


def json_response(data: object, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status=status, content_type="application/json")


def test_fetch_papers_in_batches_of_500(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    asked = [f"CorpusId:{n}" for n in range(1, 502)]
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        ids = orjson.loads(request.get_data())["ids"]
        # Semantic Scholar has every id but CorpusId:7 and CorpusId:501
        return json_response([None if i in ("CorpusId:7", "CorpusId:501") else {"paperId": hex_id(int(i.split(":")[1])), "title": i} for i in ids])

    server.expect_request("/graph/v1/paper/batch", method="POST").respond_with_handler(handler)
    pages = list(s2.fetch_papers(client, asked))
    assert [len(orjson.loads(r.get_data())["ids"]) for r in seen] == [500, 1]
    assert seen[0].args["fields"] == ",".join(s2.PAPER_FIELDS)
    assert [p.cursor for p in pages] == ["500", None]
    assert [p.not_found for p in pages] == [["CorpusId:7"], ["CorpusId:501"]]
    assert len(pages[0].payloads) == 499 and pages[1].payloads == []
    assert pages[0].payloads[0].data == {"paperId": hex_id(1), "title": "CorpusId:1"}


def test_fetch_papers_resumes_and_checks_the_answer(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/graph/v1/paper/batch", method="POST", json={"ids": ["c"]}).respond_with_json([{"paperId": hex_id(3), "title": "C"}])
    pages = list(s2.fetch_papers(client, ["a", "b", "c"], cursor="2", fields=("paperId", "title")))
    assert [[p.data["title"] for p in page.payloads] for page in pages] == [["C"]]
    server.clear()
    server.expect_request("/graph/v1/paper/batch", method="POST").respond_with_json({"error": "oops"})
    with pytest.raises(SourceError, match="batch"):
        list(s2.fetch_papers(client, ["a"]))
    with pytest.raises(InputError, match="cursor"):
        list(s2.fetch_papers(client, ["a"], cursor="-1"))


def test_fetch_paper_references_pages_by_offset(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    seen: list[Request] = []
    pages_by_offset = {
        "0": {"offset": 0, "next": 2, "data": [{"citedPaper": {"paperId": hex_id(1)}}, {"citedPaper": {"paperId": None}}]},
        "2": {"offset": 2, "data": [{"citedPaper": {"paperId": hex_id(2)}}]},
    }

    def handler(request: Request) -> Response:
        seen.append(request)
        return json_response(pages_by_offset[request.args["offset"]])

    server.expect_request("/graph/v1/paper/10.2139/ssrn.2250500/references").respond_with_handler(handler)
    pages = list(s2.fetch_paper_references(client, "10.2139/ssrn.2250500", limit=2))
    assert [p.cursor for p in pages] == ["2", None]
    assert [r.args["limit"] for r in seen] == ["2", "2"] and seen[0].args["fields"] == "paperId"
    records = [normalizer.normalize(p.data, p.retrieved_at, p.where) for page in pages for p in page.payloads]
    assert all(isinstance(r, ReferenceListRecord) for r in records)
    assert [(r.offset, r.references, r.provenance.source_id) for r in records] == [
        (0, (ExternalId("s2", hex_id(1)),), "refs:10.2139/ssrn.2250500:0"),
        (2, (ExternalId("s2", hex_id(2)),), "refs:10.2139/ssrn.2250500:2"),
    ]
    assert records[0].citing == (ExternalId("doi", "10.2139/ssrn.2250500"),)
    # resuming from a cursor asks for that offset first
    seen.clear()
    resumed = list(s2.fetch_paper_references(client, "10.2139/ssrn.2250500", cursor="2", limit=2))
    assert [r.args["offset"] for r in seen] == ["2"] and len(resumed) == 1


def test_fetch_paper_references_not_found(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/graph/v1/paper/DOI:10.5555/missing/references").respond_with_response(json_response({"error": "Paper with id DOI:10.5555/missing not found"}, 404))
    [page] = list(s2.fetch_paper_references(client, "DOI:10.5555/missing"))
    assert page.payloads == [] and page.not_found == ["DOI:10.5555/missing"] and page.cursor is None


def test_fetch_author_and_not_found(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/graph/v1/author/2259683").respond_with_json({"authorId": "2259683", "name": "E. Duflo", "paperCount": 282})
    server.expect_request("/graph/v1/author/0").respond_with_response(json_response({"error": "Author with id 0 not found"}, 404))
    [page] = list(s2.fetch_author(client, "2259683"))
    [payload] = page.payloads
    record = normalizer.normalize(payload.data, payload.retrieved_at, payload.where)
    assert isinstance(record, AuthorRecord) and record.works_count == 282
    assert server.log[0][0].args["fields"] == ",".join(s2.AUTHOR_FIELDS)
    [missing] = list(s2.fetch_author(client, "0"))
    assert missing.not_found == ["author:0"] and missing.payloads == []


def test_fetch_author_papers(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api

    def handler(request: Request) -> Response:
        offset = int(request.args["offset"])
        data = [{"paperId": hex_id(offset + 1), "title": f"Paper {offset + 1}"}]
        return json_response({"offset": offset, "next": offset + 1, "data": data} if offset < 2 else {"offset": offset, "data": data})

    server.expect_request("/graph/v1/author/1723755/papers").respond_with_handler(handler)
    pages = list(s2.fetch_author_papers(client, "1723755", limit=1))
    assert [p.cursor for p in pages] == ["1", "2", None]
    assert [page.payloads[0].data["title"] for page in pages] == ["Paper 1", "Paper 2", "Paper 3"]


def test_fetch_search_bulk_follows_tokens(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    seen: list[Request] = []
    answers = {
        None: {"total": 3, "token": "T1", "data": [{"paperId": hex_id(1), "title": "A"}, {"paperId": hex_id(2), "title": "B"}]},
        "T1": {"total": 3, "data": [{"paperId": hex_id(3), "title": "C"}]},
    }

    def handler(request: Request) -> Response:
        seen.append(request)
        return json_response(answers[request.args.get("token")])

    server.expect_request("/graph/v1/paper/search/bulk").respond_with_handler(handler)
    pages = list(s2.fetch_search_bulk(client, "tides", filters={"year": "2020-"}))
    assert [p.cursor for p in pages] == ["T1", None]
    assert [[p.data["title"] for p in page.payloads] for page in pages] == [["A", "B"], ["C"]]
    assert seen[0].args["query"] == "tides" and seen[0].args["year"] == "2020-" and "token" not in seen[0].args
    seen.clear()
    resumed = list(s2.fetch_search_bulk(client, "tides", cursor="T1"))
    assert [r.args["token"] for r in seen] == ["T1"] and len(resumed) == 1


def test_errors_other_than_not_found_propagate(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/graph/v1/author/1/papers").respond_with_response(json_response({"message": "Forbidden"}, 403))
    with pytest.raises(SourceError) as info:
        list(s2.fetch_author_papers(client, "1"))
    assert info.value.status == 403
