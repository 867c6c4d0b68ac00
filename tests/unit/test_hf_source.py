"""Hugging Face daily papers connector: recorded lists (bare, envelope, gzip) and the API through a
local server with the real PoliteClient."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer

from peerscope.errors import InputError, SourceError
from peerscope.normalize import hf as normalizer
from peerscope.sources import hf
from peerscope.sources.http import PoliteClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hf"
LIST = FIXTURES / "daily_papers_2025-01-15.json"


def test_list_file_gives_one_payload_per_entry_with_the_day_from_the_name() -> None:
    (page,) = hf.read(LIST)
    assert page.cursor is None and len(page.payloads) == 2
    assert [p.where for p in page.payloads] == ["daily_papers_2025-01-15.json#1", "daily_papers_2025-01-15.json#2"]
    entries = orjson.loads(LIST.read_bytes())
    for payload, entry in zip(page.payloads, entries):
        assert payload.data == {**entry, hf.DAY_KEY: "2025-01-15"}
        assert orjson.loads(payload.raw) == payload.data
        assert list(payload.data) == sorted(payload.data)  # keys sorted: one entry, one byte form
        work = normalizer.normalize(normalizer.decode(payload.raw), payload.retrieved_at, payload.where)
        assert {s.observed_on for s in work.signals} == {date(2025, 1, 15)}


def test_envelope_day_from_the_request_url() -> None:
    (page,) = hf.read(FIXTURES / "envelope.json")
    (payload,) = page.payloads
    assert payload.data[hf.DAY_KEY] == "2025-01-16"
    work = normalizer.normalize(payload.data, datetime(2026, 1, 1), payload.where)
    assert work.title == "Enveloped paper" and work.signals[0].observed_on == date(2025, 1, 16)


def test_folder_and_gzip(tmp_path: Path) -> None:
    (tmp_path / "daily_papers_2025-01-15.json.gz").write_bytes(gzip.compress(LIST.read_bytes()))
    (tmp_path / "daily_papers_2025-01-17.json").write_bytes(b"[]")
    pages = list(hf.read(tmp_path))
    assert [len(p.payloads) for p in pages] == [2, 0]
    assert pages[0].payloads[0].data[hf.DAY_KEY] == "2025-01-15"


def test_no_day_anywhere_keeps_the_entry_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_bytes(LIST.read_bytes())
    (page,) = hf.read(path)
    assert hf.DAY_KEY not in page.payloads[0].data
    work = normalizer.normalize(page.payloads[0].data, datetime(2026, 1, 1), "p")
    assert work.signals[0].observed_on == date(2025, 1, 15)  # the entry's publishedAt


def test_recorded_404_and_error_statuses(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    missing.write_bytes(orjson.dumps({"url": "https://huggingface.co/api/daily_papers?date=2025-02-30", "status": 404, "body": {"error": "x"}}))
    with_day = tmp_path / "gone.json"
    with_day.write_bytes(orjson.dumps({"url": "https://huggingface.co/api/daily_papers?date=2025-02-03", "status": 404, "body": {"error": "x"}}))
    assert [p.not_found for p in hf.read(missing)] == [[]]  # not a real day: nothing to name
    assert [p.not_found for p in hf.read(with_day)] == [["2025-02-03"]]
    broken = tmp_path / "broken.json"
    broken.write_bytes(orjson.dumps({"url": "https://huggingface.co/api/daily_papers?date=2025-02-03", "status_code": 503, "body": "busy"}))
    with pytest.raises(SourceError) as err:
        list(hf.read(broken))
    assert err.value.status == 503


@pytest.mark.parametrize("body", [b"[{", b'{"paper": {}}', b"42"])
def test_not_a_list_is_an_input_error_naming_the_file(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "daily_papers_2025-01-01.json"
    path.write_bytes(body)
    with pytest.raises(InputError) as err:
        list(hf.read(path))
    assert "daily_papers_2025-01-01.json" in err.value.message


def test_day_of() -> None:
    assert hf.day_of("https://huggingface.co/api/daily_papers?date=2024-10-25&limit=50") == date(2024, 10, 25)
    assert hf.day_of(None, "daily_papers_2024-10-25.json.gz") == date(2024, 10, 25)
    assert hf.day_of("https://huggingface.co/api/daily_papers", "x.json") is None


# -- the API through a local server -------------------------------------------------------------


@pytest.fixture
def httpserver(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


@pytest.fixture
def client(httpserver: HTTPServer) -> Iterator[PoliteClient]:
    c = PoliteClient("hf", httpserver.url_for("/"), contact="ops@example.org", rate_per_second=1000.0, max_retries=0)
    yield c
    c.close()


def _day(n: int) -> list[dict]:
    entry = orjson.loads(LIST.read_bytes())[1]
    entry["paper"]["id"] = f"2501.0{n:04d}"
    return [entry]


def test_fetch_day(httpserver: HTTPServer, client: PoliteClient) -> None:
    httpserver.expect_oneshot_request("/api/daily_papers", query_string={"date": "2025-01-15"}).respond_with_data(LIST.read_bytes(), content_type="application/json")
    (page,) = hf.fetch_day(client, date(2025, 1, 15))
    assert len(page.payloads) == 2 and page.cursor is None
    assert all(p.data[hf.DAY_KEY] == "2025-01-15" for p in page.payloads)
    assert page.payloads[0].where.endswith("/api/daily_papers?date=2025-01-15#1")
    httpserver.check_assertions()


def test_fetch_days_one_page_per_day_and_resume(httpserver: HTTPServer, client: PoliteClient) -> None:
    for n in (1, 2, 3):
        httpserver.expect_request("/api/daily_papers", query_string={"date": f"2025-01-0{n}"}).respond_with_json(_day(n))
    httpserver.expect_request("/api/daily_papers", query_string={"date": "2025-01-04"}).respond_with_json({"error": "no list"}, status=404)
    pages = list(hf.fetch_days(client, date(2025, 1, 1), date(2025, 1, 4)))
    assert [p.cursor for p in pages] == ["2025-01-01", "2025-01-02", "2025-01-03", None]
    assert [p.payloads[0].data["paper"]["id"] for p in pages[:3]] == ["2501.00001", "2501.00002", "2501.00003"]
    assert pages[3].payloads == [] and pages[3].not_found == ["2025-01-04"]
    resumed = list(hf.fetch_days(client, date(2025, 1, 1), date(2025, 1, 3), cursor="2025-01-02"))
    assert [p.cursor for p in resumed] == [None]
    assert resumed[0].payloads[0].data[hf.DAY_KEY] == "2025-01-03"
    assert list(hf.fetch_days(client, date(2025, 1, 1), date(2025, 1, 3), cursor="2025-01-03")) == []


def test_fetch_error_status_is_a_source_error(httpserver: HTTPServer, client: PoliteClient) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_data("nope", status=400)
    with pytest.raises(SourceError) as err:
        list(hf.fetch_day(client, date(2025, 1, 1)))
    assert err.value.status == 400


def test_fetch_not_a_list_is_a_source_error(httpserver: HTTPServer, client: PoliteClient) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_json({"unexpected": True})
    with pytest.raises(SourceError):
        list(hf.fetch_day(client, date(2025, 1, 1)))


@pytest.mark.parametrize(
    "start,end,cursor",
    [(date(2025, 1, 2), date(2025, 1, 1), None), (date(2025, 1, 1), date(2025, 1, 2), "yesterday"), ("2025-01-01", date(2025, 1, 2), None)],
)
def test_fetch_days_refuses_bad_arguments(client: PoliteClient, start: object, end: date, cursor: str | None) -> None:
    with pytest.raises(InputError):
        list(hf.fetch_days(client, start, end, cursor))  # type: ignore[arg-type]
