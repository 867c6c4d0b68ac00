"""Reading recorded Crossref responses into pages of payloads."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from peerscope.errors import InputError, SourceError
from peerscope.normalize import crossref as normalizer
from peerscope.normalize.records import OtherRecord, WorkRecord
from peerscope.sources import crossref

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"


def test_single_work_is_one_payload_of_the_work_object() -> None:
    [page] = list(crossref.read(FIXTURES / "work_jats.json"))
    assert page.cursor is None and page.not_found == []
    [payload] = page.payloads
    assert payload.where == "work_jats.json"
    assert isinstance(payload.data, dict) and payload.data["DOI"] == "10.5555/Peerscope.0001"
    assert payload.raw == orjson.dumps(payload.data, option=orjson.OPT_SORT_KEYS)
    assert isinstance(payload.retrieved_at, datetime) and payload.retrieved_at.tzinfo is None


def test_work_list_gives_its_items_and_no_cursor_from_a_file() -> None:
    [page] = list(crossref.read(FIXTURES / "work_list.json"))
    assert page.cursor is None  # files resume by counting records
    assert [p.where for p in page.payloads] == ["work_list.json#1", "work_list.json#2", "work_list.json#3"]
    assert [p.data["DOI"] for p in page.payloads] == ["10.5555/conf.2021.7", "10.5555/issue.2021.1", "10.5555/preprint.42"]
    body = orjson.loads((FIXTURES / "work_list.json").read_bytes())["body"]
    assert crossref.next_cursor(body) == "DnF1ZXJ5VGhlbkZldGNoPeerscope=="


def test_not_found_envelope_names_the_doi() -> None:
    [page] = list(crossref.read(FIXTURES / "not_found.json"))
    assert page.payloads == [] and page.not_found == ["10.5555/missing.404"]


def test_other_error_status_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        list(crossref.read(FIXTURES / "server_error.json"))
    assert info.value.status == 503 and "server_error.json" in info.value.message


def test_members_are_wrapped_with_their_kind() -> None:
    [page] = list(crossref.read(FIXTURES / "members.json"))
    kinds = [normalizer.normalize(p.data, p.retrieved_at, p.where) for p in page.payloads]
    assert all(isinstance(k, OtherRecord) and k.kind == "member" for k in kinds)
    assert [k.provenance.source_id for k in kinds] == ["member:5555", "member:7777"]


def test_folder_is_read_in_name_order_and_stops_at_an_error_status() -> None:
    seen = []
    with pytest.raises(SourceError):
        for page in crossref.read(FIXTURES):
            seen.append(page)  # noqa: PERF402 - the pages before the failing file
    # members.json, not_found.json, retraction_notice.json, then server_error.json fails
    assert [len(p.payloads) for p in seen] == [2, 0, 1] and seen[1].not_found == ["10.5555/missing.404"]


def test_folder_pages_before_the_failing_file(tmp_path: Path) -> None:
    for name in ("members.json", "not_found.json", "work_jats.json", "work_list.json", "retraction_notice.json"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    pages = list(crossref.read(tmp_path))
    assert [len(p.payloads) for p in pages] == [2, 0, 1, 1, 3]
    records = [normalizer.normalize(p.data, p.retrieved_at, p.where) for page in pages for p in page.payloads]
    assert sum(isinstance(r, WorkRecord) for r in records) == 4


def test_bare_snapshot_gzip_and_json_lines(tmp_path: Path) -> None:
    items = [{"DOI": "10.5555/a", "title": ["A"]}, {"DOI": "10.5555/b", "title": ["B"]}]
    (tmp_path / "snapshot.json.gz").write_bytes(gzip.compress(orjson.dumps({"items": items})))
    (tmp_path / "works.jsonl").write_bytes(b"\n".join(orjson.dumps(i) for i in items) + b"\n")
    (tmp_path / "one.json").write_bytes(orjson.dumps(items[0]))
    pages = list(crossref.read(tmp_path))
    assert [[p.data["DOI"] for p in page.payloads] for page in pages] == [["10.5555/a"], ["10.5555/a", "10.5555/b"], ["10.5555/a", "10.5555/b"]]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2", b'"a string"', b'{"message-type": "work", "message": []}'])
def test_malformed_files_are_input_errors(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(InputError) as info:
        list(crossref.read(tmp_path / "bad.json"))
    assert "bad.json" in info.value.message


def test_failed_body_is_a_source_error() -> None:
    body = {"status": "failed", "message-type": "validation-failure", "message": [{"type": "parameter-not-allowed"}]}
    with pytest.raises(SourceError, match="parameter-not-allowed"):
        crossref.payloads_of(body, "x", datetime(2024, 1, 1))


@pytest.mark.parametrize(
    "url,doi",
    [
        ("https://api.crossref.org/works/10.1016/j.neurobiolaging.2010.03.024", "10.1016/j.neurobiolaging.2010.03.024"),
        ("https://api.crossref.org/works/10.1002%2FJOR.1100150407?mailto=x", "10.1002/jor.1100150407"),
        ("https://api.crossref.org/works/doi:10.5555/x/agency", "10.5555/x"),
        ("https://api.crossref.org/members/98", None),
        (None, None),
    ],
)
def test_doi_of_request_url(url: str | None, doi: str | None) -> None:
    assert crossref.doi_of_url(url) == doi
