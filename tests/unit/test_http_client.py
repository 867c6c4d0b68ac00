"""PoliteClient against a local HTTP server: rate, retries, Retry-After, error statuses, body
checks, the URL guard and timeouts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from peerscope.config import Settings
from peerscope.errors import ConfigError, SourceError
from peerscope.sources.http import (
    PoliteClient,
    client_for,
    excerpt,
    redact,
    retry_after_seconds,
)


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def httpserver(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(httpserver: HTTPServer, fake: FakeTime, **kw: object) -> PoliteClient:
    options: dict[str, object] = {"contact": "ops@example.org", "rate_per_second": 1000.0, "sleep": fake.sleep, "clock": fake.clock, "timeout": 5.0}
    options.update(kw)
    return PoliteClient("testsrc", httpserver.url_for("/api"), **options)  # type: ignore[arg-type]


def sequence(*responses: Response) -> tuple[list[Request], object]:
    """A handler answering with the given responses in turn, recording the requests."""
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return seen, handler


def test_retries_after_429_honouring_retry_after_seconds(httpserver: HTTPServer) -> None:
    seen, handler = sequence(
        Response("slow down", status=429, headers={"Retry-After": "2"}),
        Response('{"ok": 1}', status=200, content_type="application/json"),
    )
    httpserver.expect_request("/api/works").respond_with_handler(handler)
    fake = FakeTime()
    with make_client(httpserver, fake) as client:
        response = client.get("works")
    assert response.status == 200
    assert response.json() == {"ok": 1}
    assert len(seen) == 2
    assert any(s >= 2.0 for s in fake.sleeps)


def test_retry_after_as_http_date(httpserver: HTTPServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    _, handler = sequence(
        Response("busy", status=503, headers={"Retry-After": when}),
        Response("[1, 2]", status=200, content_type="application/json"),
    )
    httpserver.expect_request("/api/x").respond_with_handler(handler)
    fake = FakeTime()
    with make_client(httpserver, fake) as client:
        assert client.get("x").json() == [1, 2]
    waited = max(fake.sleeps)
    assert 25.0 <= waited <= 31.0


def test_retry_after_beyond_the_hard_cap_says_when_to_retry(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response("quota", status=429, headers={"Retry-After": "3600"}))
    httpserver.expect_request("/api/x").respond_with_handler(handler)
    fake = FakeTime()
    with make_client(httpserver, fake) as client, pytest.raises(SourceError) as info:
        client.get("x")
    assert info.value.retriable and info.value.status == 429
    assert "retry after" in info.value.message and "3600 s" in info.value.message
    assert len(seen) == 1 and not any(s >= 60 for s in fake.sleeps)


def test_503_exhausted_is_retriable_and_names_source_url_status(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response("down", status=503))
    httpserver.expect_request("/api/works").respond_with_handler(handler)
    fake = FakeTime()
    with make_client(httpserver, fake, max_retries=3, backoff=1.0, max_backoff=3.0) as client, pytest.raises(SourceError) as info:
        client.get("works", {"filter": "x:y", "api_key": "sekrit"})
    err = info.value
    assert err.retriable and err.status == 503
    assert "testsrc" in err.message and "/api/works" in err.message and "503" in err.message
    assert "sekrit" not in err.message
    assert len(seen) == 4
    backoffs = [s for s in fake.sleeps if s >= 0.5]
    assert len(backoffs) == 3
    assert 1.0 <= backoffs[0] <= 1.1 and 2.0 <= backoffs[1] <= 2.2 and backoffs[2] == 3.0  # doubling, capped


def test_404_is_not_retried_and_carries_the_status(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response('{"error": "Not\\u0007 found"}', status=404, content_type="application/json"))
    httpserver.expect_request("/api/works/W1").respond_with_handler(handler)
    fake = FakeTime()
    with make_client(httpserver, fake) as client, pytest.raises(SourceError) as info:
        client.get("works/W1", {"api_key": "sekrit"})
    err = info.value
    assert err.status == 404 and not err.retriable
    assert "testsrc" in err.message and "/api/works/W1" in err.message and "404" in err.message
    assert "Not" in err.message and "\x07" not in err.message and "sekrit" not in err.message
    assert len(seen) == 1


def test_html_page_where_json_was_expected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/works").respond_with_data("<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html")
    with make_client(httpserver, FakeTime()) as client, pytest.raises(SourceError) as info:
        client.get("works")
    assert "HTML page where JSON was expected" in info.value.message
    assert "Maintenance" in info.value.message


def test_html_body_without_html_content_type_is_refused_too(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/works").respond_with_data("\n  <html>oops</html>", content_type="application/json")
    with make_client(httpserver, FakeTime()) as client, pytest.raises(SourceError, match="HTML page where JSON"):
        client.get("works")


def test_invalid_json_raises_source_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/works").respond_with_data('{"results": [1, 2', content_type="application/json")
    with make_client(httpserver, FakeTime()) as client, pytest.raises(SourceError, match="not valid JSON"):
        client.get("works")


def test_xml_accept(httpserver: HTTPServer) -> None:
    xml = b'\xef\xbb\xbf\n<?xml version="1.0"?><feed><entry/></feed>'
    httpserver.expect_request("/api/query").respond_with_data(xml, content_type="application/atom+xml")
    httpserver.expect_request("/api/notxml").respond_with_data('{"a": 1}', content_type="application/json")
    httpserver.expect_request("/api/page").respond_with_data("<!doctype html><p>error</p>", content_type="text/html")
    with make_client(httpserver, FakeTime()) as client:
        assert client.get("query", accept="xml").body == xml
        with pytest.raises(SourceError, match="where XML was expected"):
            client.get("notxml", accept="xml")
        with pytest.raises(SourceError, match="HTML page where XML"):
            client.get("page", accept="xml")
        assert client.get("page", accept="bytes").body.startswith(b"<!doctype")


def test_rate_limit_spaces_request_starts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/r").respond_with_json({})
    fake = FakeTime()
    with make_client(httpserver, fake, rate_per_second=4.0) as client:
        for _ in range(3):
            client.get("r")
        assert fake.sleeps == [pytest.approx(0.25), pytest.approx(0.25)]
        fake.now += 10.0  # a long pause: the next request need not wait
        client.get("r")
    assert len(fake.sleeps) == 2


def test_user_agent_names_product_and_contact(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response("{}", content_type="application/json"))
    httpserver.expect_request("/api/ua").respond_with_handler(handler)
    with make_client(httpserver, FakeTime(), headers={"x-api-key": "k1"}) as client:
        client.get("ua")
    ua = seen[0].headers["User-Agent"]
    assert ua.startswith("Peerscope/") and "(+mailto:ops@example.org)" in ua
    assert seen[0].headers["x-api-key"] == "k1"


def test_contact_is_required() -> None:
    with pytest.raises(ConfigError, match="contact"):
        PoliteClient("x", "https://api.example.org", contact=" ", rate_per_second=1)


def test_off_host_urls_are_refused_before_any_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/ok").respond_with_json({"fine": True})
    other_port = httpserver.url_for("/api/ok").replace(f":{httpserver.port}", f":{httpserver.port + 1}")
    refused = [
        "http://example.org/api/ok",
        other_port,
        "https" + httpserver.url_for("/api/ok")[4:],  # same host and port, other scheme
        "//example.org/api/ok",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "works\r\nHost: evil",
    ]
    with make_client(httpserver, FakeTime()) as client:
        for target in refused:
            with pytest.raises(SourceError, match="refused"):
                client.get(target)
        assert httpserver.log == []
        assert client.get(httpserver.url_for("/api/ok")).json() == {"fine": True}  # same origin: allowed
    assert len(httpserver.log) == 1


def test_relative_paths_stay_under_the_base_path() -> None:
    client = PoliteClient("s2", "https://api.semanticscholar.org/graph/v1/", contact="a@b.org", rate_per_second=1)
    assert client.url_for("paper/DOI:10.1/x") == "https://api.semanticscholar.org/graph/v1/paper/DOI:10.1/x"
    assert client.url_for("/author/1") == "https://api.semanticscholar.org/graph/v1/author/1"
    assert client.url_for("works/https://doi.org/10.1/x").startswith("https://api.semanticscholar.org/graph/v1/works/")
    client.close()


def test_redirects_followed_only_within_the_origin(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/works/W1").respond_with_data("", status=301, headers={"Location": "/api/works/W2"})
    httpserver.expect_request("/api/works/W2").respond_with_json({"id": "W2"})
    httpserver.expect_request("/api/away").respond_with_data("", status=302, headers={"Location": "http://example.org/x"})
    with make_client(httpserver, FakeTime()) as client:
        response = client.get("works/W1")
        assert response.json() == {"id": "W2"} and response.url.endswith("/api/works/W2")
        with pytest.raises(SourceError, match="not followed"):
            client.get("away")
    assert not any(req.path == "/x" for req, _ in httpserver.log)


def test_read_timeout_is_retried_then_fails(httpserver: HTTPServer) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow(request: Request) -> Response:
        calls.append(1)
        release.wait(1.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/api/slow").respond_with_handler(slow)
    fake = FakeTime()
    try:
        with make_client(httpserver, fake, timeout=0.5, max_retries=1) as client, pytest.raises(SourceError) as info:
            client.get("slow")
    finally:
        release.set()
    assert info.value.retriable and info.value.status is None
    assert "Timeout" in info.value.message and "2 attempts" in info.value.message
    assert len(calls) == 2
    assert any(s >= 1.0 for s in fake.sleeps)  # backed off between the attempts


def test_connection_refused_is_retried_then_fails() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fake = FakeTime()
    client = PoliteClient("t", f"http://127.0.0.1:{port}", contact="a@b.org", rate_per_second=100, max_retries=2, sleep=fake.sleep, clock=fake.clock, timeout=2)
    with client, pytest.raises(SourceError) as info:
        client.get("x")
    assert info.value.retriable and "3 attempts" in info.value.message and "ConnectError" in info.value.message


def test_post_sends_json(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response('[{"paperId": "a"}]', content_type="application/json"))
    httpserver.expect_request("/api/paper/batch", method="POST").respond_with_handler(handler)
    with make_client(httpserver, FakeTime()) as client:
        assert client.post("paper/batch", {"fields": "title"}, json={"ids": ["a"]}).json() == [{"paperId": "a"}]
    assert seen[0].get_json() == {"ids": ["a"]} and seen[0].args["fields"] == "title"


def test_helpers() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert redact("https://h/x?api_key=abc&q=1") == "https://h/x?api_key=***&q=1"
    assert excerpt(b"a\x00\x1b[31mb\n\nc" + b"x" * 500).startswith("a [31mb c") and len(excerpt(b"y" * 500)) == 201


def test_client_for_reads_settings(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response("{}", content_type="application/json"))
    httpserver.expect_request("/graph/v1/paper/x").respond_with_handler(handler)
    settings = Settings(
        s2_base_url=httpserver.url_for("/graph/v1"),
        s2_api_key="s2-secret",
        s2_rate_per_second=3,
        contact_email="me@example.org",
        http_max_retries=2,
    )
    with client_for(settings, "s2") as client:
        assert client.interval == pytest.approx(1 / 3) and client.max_retries == 2
        client.get("paper/x")
    assert seen[0].headers["x-api-key"] == "s2-secret"
    assert "mailto:me@example.org" in seen[0].headers["User-Agent"]
    with client_for(Settings(), "arxiv_oai") as oai:
        assert oai.base_url == "https://oaipmh.arxiv.org/oai" and oai.interval == pytest.approx(1 / 0.33)
    with pytest.raises(ConfigError, match="unknown source"):
        client_for(Settings(), "nowhere")


def test_transport_can_be_injected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"path": request.url.path})

    client = PoliteClient("t", "https://api.example.org/v1", contact="a@b.org", rate_per_second=100, transport=httpx.MockTransport(handler))
    with client:
        assert client.get("things").json() == {"path": "/v1/things"}


def test_orcid_client_asks_for_json(httpserver: HTTPServer) -> None:
    seen, handler = sequence(Response("{}", content_type="application/json"))
    httpserver.expect_request("/v3.0/0000-0002-1825-0097/record").respond_with_handler(handler)
    with client_for(Settings(orcid_base_url=httpserver.url_for("/v3.0")), "orcid") as client:
        client.get("0000-0002-1825-0097/record")
    assert seen[0].headers["Accept"] == "application/json"
