"""ORCID connector: recorded answers (bare, envelope, gzip), search answers, and the API through a
local server with the real PoliteClient."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer

from peerscope.errors import InputError, SourceError
from peerscope.normalize import orcid as normalizer
from peerscope.sources import orcid
from peerscope.sources.http import PoliteClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "orcid"
WHEN = datetime(2026, 1, 1)


# -- recorded answers ---------------------------------------------------------------------------


def test_folder_gives_a_page_per_file_and_one_payload_per_document() -> None:
    pages = list(orcid.read(FIXTURES))
    names = sorted(p.name for p in FIXTURES.iterdir())
    assert len(pages) == len(names)
    by_where = {p.payloads[0].where: p for p in pages if p.payloads}
    assert set(by_where) == {"employments.xml", "envelope-record.json", "person.xml", "record.json", "work.xml", "works.xml"}
    for page in pages:
        assert page.cursor is None
        for payload in page.payloads:
            record = normalizer.normalize(payload.data, payload.retrieved_at, payload.where)
            assert record.orcid is not None


def test_raw_is_the_document_as_received() -> None:
    (page,) = orcid.read(FIXTURES / "works.xml")
    (payload,) = page.payloads
    assert payload.raw == (FIXTURES / "works.xml").read_bytes()
    (page,) = orcid.read(FIXTURES / "record.json")
    assert page.payloads[0].raw == (FIXTURES / "record.json").read_bytes()
    assert page.payloads[0].data == orjson.loads(page.payloads[0].raw)


def test_envelope_body_is_the_payload() -> None:
    (page,) = orcid.read(FIXTURES / "envelope-record.json")
    (payload,) = page.payloads
    assert orjson.loads(payload.raw)["path"] == "/0000-0002-7319-2192/works"
    record = normalizer.normalize(payload.data, WHEN, payload.where)
    assert record.provenance.source_id == "0000-0002-7319-2192:works" and record.works == ()


def test_not_found_answer_names_the_id() -> None:
    (page,) = orcid.read(FIXTURES / "not-found.json")
    assert page.payloads == [] and page.not_found == ["0000-0001-5109-3700"]


def test_search_answer_gives_no_payloads() -> None:
    (page,) = orcid.read(FIXTURES / "search.json")
    assert page.payloads == [] and page.not_found == []


def test_gzip_files(tmp_path: Path) -> None:
    for name in ("record.json", "works.xml"):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress((FIXTURES / name).read_bytes()))
    pages = list(orcid.read(tmp_path))
    assert [p.payloads[0].raw for p in pages] == [(FIXTURES / n).read_bytes() for n in ("record.json", "works.xml")]


def test_error_status_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(orjson.dumps({"request_uri": "https://pub.orcid.org/v3.0/0000-0002-1825-0097/record", "status": 500, "body": "oops"}))
    with pytest.raises(SourceError) as err:
        list(orcid.read(path))
    assert err.value.status == 500 and "r.json" in err.value.message


def test_bare_error_document(tmp_path: Path) -> None:
    gone = tmp_path / "0000-0002-1825-0097.json"
    gone.write_bytes(orjson.dumps({"response-code": 410, "developer-message": "deactivated", "error-code": 9044}))
    (page,) = orcid.read(gone)
    assert page.not_found == ["0000-0002-1825-0097"]
    locked = tmp_path / "locked.xml"
    locked.write_bytes(b'<error:error xmlns:error="http://www.orcid.org/ns/error"><error:response-code>409</error:response-code></error:error>')
    with pytest.raises(SourceError) as err:
        list(orcid.read(locked))
    assert err.value.status == 409


@pytest.mark.parametrize(
    "body",
    [b"{broken", b"<r><unclosed></r>", b'<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', b"<!DOCTYPE html><html></html>"],
)
def test_malformed_files_are_input_errors_naming_the_file(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(body)
    with pytest.raises(InputError) as err:
        list(orcid.read(path))
    assert "bad.xml" in err.value.message


def test_parse_search_json_and_xml() -> None:
    assert orcid.parse_search((FIXTURES / "search.json").read_bytes()) == ["0000-0002-1825-0097", "0000-0002-7319-2192"]
    xml = (
        b'<search:search num-found="2" xmlns:common="http://www.orcid.org/ns/common" xmlns:search="http://www.orcid.org/ns/search">'
        b"<search:result><common:orcid-identifier><common:uri>https://orcid.org/0000-0001-5109-3700</common:uri>"
        b"<common:path>0000-0001-5109-3700</common:path></common:orcid-identifier></search:result>"
        b"<search:result><common:orcid-identifier><common:path>0000-0002-1825-0097</common:path></common:orcid-identifier></search:result>"
        b"</search:search>"
    )
    assert orcid.parse_search_page(xml) == (["0000-0001-5109-3700", "0000-0002-1825-0097"], 2)
    with pytest.raises(InputError):
        orcid.parse_search(b'{"path": "/0000-0002-1825-0097/works"}')


# -- the API through a local server -------------------------------------------------------------

ADA = "0000-0002-1825-0097"
BO = "0000-0001-5109-3700"


@pytest.fixture
def httpserver(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


@pytest.fixture
def client(httpserver: HTTPServer) -> Iterator[PoliteClient]:
    c = PoliteClient(
        "orcid", httpserver.url_for("/v3.0"), contact="ops@example.org", rate_per_second=1000.0, max_retries=0,
        headers={"Accept": "application/json"},
    )
    yield c
    c.close()


def test_fetch_record_asks_for_json(httpserver: HTTPServer, client: PoliteClient) -> None:
    body = (FIXTURES / "record.json").read_bytes()
    httpserver.expect_oneshot_request(f"/v3.0/{ADA}/record", headers={"Accept": "application/json"}).respond_with_data(body, content_type="application/json")
    (page,) = orcid.fetch_record(client, f"https://orcid.org/{ADA}")
    (payload,) = page.payloads
    assert payload.raw == body and page.cursor is None
    assert payload.where.endswith(f"/v3.0/{ADA}/record")
    assert normalizer.normalize(payload.data, payload.retrieved_at, payload.where).display_name == "Ada Lovelace-Ng"
    httpserver.check_assertions()


def test_fetch_works_xml_answer(httpserver: HTTPServer, client: PoliteClient) -> None:
    body = (FIXTURES / "works.xml").read_bytes()
    httpserver.expect_oneshot_request(f"/v3.0/{BO}/works").respond_with_data(body, content_type="application/vnd.orcid+xml")
    (page,) = orcid.fetch_works(client, BO)
    assert page.payloads[0].raw == body
    record = normalizer.normalize(page.payloads[0].data, WHEN, "w")
    assert len(record.works) == 2


def test_fetch_not_found(httpserver: HTTPServer, client: PoliteClient) -> None:
    httpserver.expect_oneshot_request(f"/v3.0/{BO}/record").respond_with_json({"response-code": 404, "developer-message": "not found"}, status=404)
    (page,) = orcid.fetch_record(client, BO)
    assert page.payloads == [] and page.not_found == [BO]


def test_fetch_html_is_a_source_error(httpserver: HTTPServer, client: PoliteClient) -> None:
    httpserver.expect_oneshot_request(f"/v3.0/{BO}/record").respond_with_data("<!DOCTYPE html><html>maintenance</html>", content_type="text/html")
    with pytest.raises(SourceError):
        list(orcid.fetch_record(client, BO))


def test_fetch_refuses_what_is_not_an_id(client: PoliteClient) -> None:
    with pytest.raises(InputError):
        list(orcid.fetch_record(client, "../admin"))


def test_search_pages_through_results_and_fetches_records(httpserver: HTTPServer, client: PoliteClient) -> None:
    def answer(ids: list[str], total: int) -> dict:
        return {"result": [{"orcid-identifier": {"path": i}} for i in ids], "num-found": total}

    httpserver.expect_request("/v3.0/search", query_string={"q": "family-name:Lovelace", "start": "0", "rows": "2"}).respond_with_json(answer([ADA, BO], 3))
    httpserver.expect_request("/v3.0/search", query_string={"q": "family-name:Lovelace", "start": "2", "rows": "2"}).respond_with_json(answer(["0000-0002-7319-2192"], 3))
    httpserver.expect_request(f"/v3.0/{ADA}/record").respond_with_data((FIXTURES / "record.json").read_bytes(), content_type="application/json")
    httpserver.expect_request(f"/v3.0/{BO}/record").respond_with_json({"response-code": 404, "developer-message": "gone"}, status=404)
    httpserver.expect_request("/v3.0/0000-0002-7319-2192/record").respond_with_data(
        orjson.dumps({"orcid-identifier": {"path": "0000-0002-7319-2192"}, "person": {}, "activities-summary": {}}), content_type="application/json"
    )
    pages = list(orcid.search(client, "family-name:Lovelace", rows=2))
    assert [p.cursor for p in pages] == ["2", None]
    assert [len(p.payloads) for p in pages] == [1, 1]
    assert pages[0].not_found == [BO]

    resumed = list(orcid.search(client, "family-name:Lovelace", rows=2, cursor="2"))
    assert len(resumed) == 1 and resumed[0].cursor is None


@pytest.mark.parametrize("kwargs", [{"rows": 0}, {"rows": 1001}, {"cursor": "abc"}])
def test_search_refuses_bad_arguments(client: PoliteClient, kwargs: dict) -> None:
    with pytest.raises(InputError):
        list(orcid.search(client, "x", **kwargs))


def test_fixture_folder_is_self_contained(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "copy")
    assert len(list(orcid.read(tmp_path / "copy"))) == len(list(FIXTURES.iterdir()))
