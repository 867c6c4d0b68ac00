"""Crossref connector against a local HTTP server (loopback only) through the polite client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from peerscope.errors import InputError, SourceError
from peerscope.normalize import crossref as normalizer
from peerscope.normalize.records import WorkRecord
from peerscope.sources import crossref
from peerscope.sources.http import PoliteClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"


@pytest.fixture
def api(server: HTTPServer) -> Iterator[tuple[HTTPServer, PoliteClient]]:
    server.clear()
    client = PoliteClient("crossref", server.url_for("/"), contact="ops@example.org", rate_per_second=1000, sleep=lambda s: None, max_retries=0)
    with client:
        yield server, client


def work_body(doi: str, title: str) -> dict:
    return {"status": "ok", "message-type": "work", "message": {"DOI": doi, "type": "journal-article", "title": [title]}}


def list_body(dois: list[str], cursor: str | None) -> dict:
    items = [{"DOI": d, "type": "journal-article", "title": [f"Work {d}"]} for d in dois]
    message: dict = {"items": items, "total-results": 3, "items-per-page": 2}
    if cursor:
        message["next-cursor"] = cursor
    return {"status": "ok", "message-type": "work-list", "message": message}


def test_fetch_dois_found_missing_and_malformed(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    recorded = orjson.loads((FIXTURES / "work_jats.json").read_bytes())["body"]
    server.expect_request("/works/10.5555/peerscope.0001", method="GET").respond_with_json(recorded)
    server.expect_request("/works/10.5555/gone", method="GET").respond_with_data("Resource not found.", status=404)
    server.expect_request("/works/10.5555/a#b?c", method="GET").respond_with_json(work_body("10.5555/a#b?c", "Odd characters"))
    pages = list(crossref.fetch_dois(client, ["https://doi.org/10.5555/Peerscope.0001", "10.5555/gone", "no doi here", "10.5555/a#b?c"]))
    assert [p.cursor for p in pages] == ["1", "2", "3", None]
    assert [p.not_found for p in pages] == [[], ["10.5555/gone"], ["no doi here"], []]
    [first] = pages[0].payloads
    assert first.data == recorded["message"] and first.raw == orjson.dumps(first.data, option=orjson.OPT_SORT_KEYS)
    record = normalizer.normalize(first.data, first.retrieved_at, first.where)
    assert isinstance(record, WorkRecord) and record.provenance.source_id == "10.5555/peerscope.0001"
    assert pages[3].payloads[0].data["title"] == ["Odd characters"]
    # "no doi here" was never asked for
    assert len(server.log) == 3


def test_fetch_dois_resumes_after_the_cursor(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/works/10.5555/b").respond_with_json(work_body("10.5555/b", "B"))
    pages = list(crossref.fetch_dois(client, ["10.5555/a", "10.5555/b"], cursor="1"))
    assert [[p.data["DOI"] for p in page.payloads] for page in pages] == [["10.5555/b"]]
    with pytest.raises(InputError, match="cursor"):
        list(crossref.fetch_dois(client, ["10.5555/a"], cursor="soon"))


def test_fetch_dois_other_errors_propagate(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/works/10.5555/a").respond_with_data("no", status=403)
    with pytest.raises(SourceError) as info:
        list(crossref.fetch_dois(client, ["10.5555/a"]))
    assert info.value.status == 403


def test_fetch_works_follows_next_cursor_until_items_run_out(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    pages = {"*": (["10.5555/a", "10.5555/b"], "c1"), "c1": (["10.5555/c"], "c2"), "c2": ([], "c3")}
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        dois, cursor = pages[request.args["cursor"]]
        return Response(orjson.dumps(list_body(dois, cursor)), content_type="application/json")

    server.expect_request("/members/98/works").respond_with_handler(handler)
    got = list(
        crossref.fetch_works(
            client, filter={"from-pub-date": "2020", "type": "journal-article"}, query="tides", rows=2, mailto="ops@example.org", path="members/98/works"
        )
    )
    assert [[p.data["DOI"] for p in page.payloads] for page in got] == [["10.5555/a", "10.5555/b"], ["10.5555/c"], []]
    assert [page.cursor for page in got] == ["c1", "c2", None]
    assert [r.args["cursor"] for r in seen] == ["*", "c1", "c2"]
    first = seen[0].args
    assert (first["filter"], first["query"], first["rows"], first["mailto"]) == ("from-pub-date:2020,type:journal-article", "tides", "2", "ops@example.org")


def test_fetch_works_resumes_from_a_cursor_and_ends_without_one(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/works", query_string={"rows": "100", "cursor": "c1"}).respond_with_json(list_body(["10.5555/c"], None))
    got = list(crossref.fetch_works(client, cursor="c1"))
    assert [[p.data["DOI"] for p in page.payloads] for page in got] == [["10.5555/c"]]
    assert got[0].cursor is None


def test_fetch_works_refuses_odd_answers_and_arguments(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/works").respond_with_json(work_body("10.5555/a", "not a list"))
    with pytest.raises(SourceError, match="work list"):
        list(crossref.fetch_works(client))
    with pytest.raises(InputError, match="rows"):
        list(crossref.fetch_works(client, rows=5000))
    server.clear()
    server.expect_request("/works").respond_with_data("<html>busy</html>", status=200, content_type="text/html")
    with pytest.raises(SourceError, match="HTML"):
        list(crossref.fetch_works(client))
