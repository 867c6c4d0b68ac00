"""OpenAlex connector: the bulk snapshot reader (tests/fixtures/openalex_snapshot) and cursor
paging against a local HTTP server; merged ids through the normaliser."""

from __future__ import annotations

import gzip
import logging
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from peerscope.errors import InputError, SourceError
from peerscope.normalize.openalex import record_from_openalex
from peerscope.normalize.records import ExternalId, MergedIdRecord, WorkRecord
from peerscope.normalize.registry import renormalize
from peerscope.sources.base import Page
from peerscope.sources.http import PoliteClient
from peerscope.sources.openalex import fetch, read_snapshot

SNAPSHOT = Path(__file__).resolve().parents[1] / "fixtures" / "openalex_snapshot"
WHEN = datetime(2024, 3, 1)


def ids(pages: list[Page]) -> list[str]:
    out = []
    for page in pages:
        for p in page.payloads:
            data = p.data
            assert isinstance(data, dict)
            out.append(f"{data['id']}>{data['merge_into_id']}" if "merge_into_id" in data else str(data["id"]).rsplit("/", 1)[-1])
    return out


# -- snapshot ----------------------------------------------------------------------------------


def test_snapshot_reads_listed_partitions_in_order_and_skips_the_unlisted_one(caplog: pytest.LogCaptureFixture) -> None:
    warnings: list[str] = []
    with caplog.at_level(logging.WARNING, logger="peerscope.sources.openalex"):
        pages = list(read_snapshot(SNAPSHOT, on_warning=warnings.append))
    assert ids(pages) == ["W9001", "W9002", "W9003", "W9004", "W9005", "W9010>W9001", "W9011>W9002", "A7001", "A7002", "A7010>A7001"]
    assert len(warnings) == 1 and "updated_date=2024-02-01/part_001.gz" in warnings[0] and "not listed" in warnings[0]
    assert "part_001.gz" in caplog.text
    assert [p.cursor for p in pages] == [
        "works/updated_date=2024-01-01/part_000.gz:done",
        "works/updated_date=2024-02-01/part_000.gz:done",
        "merged_ids/works/2024-01-20.csv.gz:done",
        "authors/updated_date=2024-01-15/part_000.gz:done",
        "merged_ids/authors/2024-02-10.csv.gz:done",
    ]
    first = pages[0].payloads[0]
    assert first.where == "works/updated_date=2024-01-01/part_000.gz:1"
    assert orjson.loads(first.raw) == first.data


def test_snapshot_payloads_normalise() -> None:
    records = [record_from_openalex(p.data, p.retrieved_at, p.where) for page in read_snapshot(SNAPSHOT, entities=["works"]) for p in page.payloads]
    works = [r for r in records if isinstance(r, WorkRecord)]
    merged = [r for r in records if isinstance(r, MergedIdRecord)]
    assert [w.id_of("openalex") for w in works] == ["W9001", "W9002", "W9003", "W9004", "W9005"]
    assert [(m.old.value, m.new.value, m.kind) for m in merged] == [("W9010", "W9001", "work"), ("W9011", "W9002", "work")]


def test_snapshot_since_skips_earlier_partitions_and_merge_files() -> None:
    pages = list(read_snapshot(SNAPSHOT, since=date(2024, 1, 20)))
    assert ids(pages) == ["W9004", "W9005", "W9010>W9001", "W9011>W9002", "A7010>A7001"]
    assert ids(list(read_snapshot(SNAPSHOT, entities=["authors"], since=date(2024, 2, 11)))) == []


def test_snapshot_chunks_and_resume_yield_exactly_the_rest() -> None:
    everything = ids(list(read_snapshot(SNAPSHOT, chunk_size=2)))
    pages = list(read_snapshot(SNAPSHOT, chunk_size=2))
    assert [p.cursor for p in pages][:3] == [
        "works/updated_date=2024-01-01/part_000.gz:2",
        "works/updated_date=2024-01-01/part_000.gz:done",
        "works/updated_date=2024-02-01/part_000.gz:done",  # exactly two: the last chunk says done
    ]
    assert all(0 < len(p.payloads) <= 2 for p in pages)
    for n, page in enumerate(pages):
        assert page.cursor is not None
        before = ids(pages[: n + 1])
        rest = ids(list(read_snapshot(SNAPSHOT, chunk_size=2, cursor=page.cursor)))
        assert before + rest == everything, page.cursor


def test_snapshot_resume_from_a_line_of_a_larger_chunking() -> None:
    rest = ids(list(read_snapshot(SNAPSHOT, entities=["works"], cursor="works/updated_date=2024-01-01/part_000.gz:1")))
    assert rest[:2] == ["W9002", "W9003"] and "W9001" not in rest


def test_snapshot_rejects_bad_cursors() -> None:
    with pytest.raises(InputError, match="not an OpenAlex snapshot cursor"):
        list(read_snapshot(SNAPSHOT, cursor="works/part_000.gz"))
    with pytest.raises(InputError, match="not among the entities"):
        list(read_snapshot(SNAPSHOT, entities=["works"], cursor="authors/updated_date=2024-01-15/part_000.gz:done"))


def test_snapshot_merged_ids_payloads() -> None:
    pages = list(read_snapshot(SNAPSHOT, entities=["authors"]))
    merged = [p for page in pages for p in page.payloads if "merge_into_id" in p.data]  # type: ignore[operator]
    assert len(merged) == 1
    payload = merged[0]
    assert payload.data == {"entity": "author", "id": "A7010", "merge_into_id": "A7001", "merge_date": "2024-02-10"}
    assert payload.raw == orjson.dumps(payload.data, option=orjson.OPT_SORT_KEYS)
    assert payload.where == "merged_ids/authors/2024-02-10.csv.gz:2"
    record = renormalize("openalex", payload.raw, WHEN, payload.where)
    assert record == MergedIdRecord(
        kind="author",
        old=ExternalId("openalex", "A7010"),
        new=ExternalId("openalex", "A7001"),
        provenance=record.provenance,
        merged_on=date(2024, 2, 10),
    )
    assert record.provenance.source == "openalex" and record.provenance.source_id == "merged:A7010"


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    shutil.copytree(SNAPSHOT / "data", root / "data")
    return root


def test_truncated_partition_yields_what_it_can_then_names_file_and_line(snapshot_copy: Path) -> None:
    part = snapshot_copy / "data" / "works" / "updated_date=2024-01-01" / "part_000.gz"
    lines = [orjson.dumps({"id": f"https://openalex.org/W{n}", "title": f"t{n}", "pad": "x" * 4000}) for n in range(1, 41)]
    whole = gzip.compress(b"\n".join(lines) + b"\n", mtime=0)
    part.write_bytes(whole[: len(whole) * 2 // 3])
    got: list[Page] = []
    with pytest.raises(InputError) as info:
        got.extend(read_snapshot(snapshot_copy, entities=["works"], chunk_size=5))
    read = ids(got)
    assert read and read == [f"W{n}" for n in range(1, len(read) + 1)] and len(read) < 40
    assert str(part) in info.value.message and f"after line {len(read)}" in info.value.message
    assert got[-1].cursor == f"works/updated_date=2024-01-01/part_000.gz:{len(read)}"


def test_record_count_differing_from_the_manifest_is_reported(snapshot_copy: Path) -> None:
    manifest = snapshot_copy / "data" / "works" / "manifest"
    doc = orjson.loads(manifest.read_bytes())
    doc["entries"][0]["meta"]["record_count"] = 4
    manifest.write_bytes(orjson.dumps(doc))
    warnings: list[str] = []
    pages = list(read_snapshot(snapshot_copy, entities=["works"], on_warning=warnings.append))
    assert len(ids(pages)) == 7
    assert any("3 records, the manifest lists 4" in w for w in warnings)


def test_listed_but_missing_partition_and_missing_manifest(snapshot_copy: Path) -> None:
    (snapshot_copy / "data" / "works" / "updated_date=2024-02-01" / "part_000.gz").unlink()
    warnings: list[str] = []
    assert ids(list(read_snapshot(snapshot_copy, entities=["works"], on_warning=warnings.append)))[:3] == ["W9001", "W9002", "W9003"]
    assert any("listed in" in w and "missing" in w for w in warnings)
    (snapshot_copy / "data" / "works" / "manifest").unlink()
    with pytest.raises(InputError, match="without a manifest"):
        list(read_snapshot(snapshot_copy, entities=["works"]))


def test_not_a_snapshot(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an OpenAlex snapshot"):
        list(read_snapshot(tmp_path))
    (tmp_path / "data").mkdir()
    with pytest.raises(InputError, match="holds none of"):
        list(read_snapshot(tmp_path))


# -- merged ids in the normaliser ----------------------------------------------------------------


def test_merged_id_normalisation_and_its_faults() -> None:
    record = record_from_openalex(
        {"entity": "work", "id": "https://openalex.org/W10", "merge_into_id": "W20", "merge_date": "2023-06-07"}, WHEN, "m:1"
    )
    assert isinstance(record, MergedIdRecord)
    assert (record.kind, record.old, record.new, record.merged_on) == ("work", ExternalId("openalex", "W10"), ExternalId("openalex", "W20"), date(2023, 6, 7))
    for bad, fault in [
        ({"id": "X1", "merge_into_id": "W2"}, "malformed OpenAlex id"),
        ({"id": "W1", "merge_into_id": None}, "merge_into_id"),
        ({"id": "W1", "merge_into_id": "A2"}, "another kind"),
        ({"id": "W1", "merge_into_id": "W1"}, "into itself"),
        ({"entity": "author", "id": "W1", "merge_into_id": "W2"}, "row says"),
        ({"id": "W1", "merge_into_id": "W2", "merge_date": "June"}, "merge_date"),
    ]:
        with pytest.raises(InputError, match=fault) as info:
            record_from_openalex(bad, WHEN, "merged_ids/works/x.csv.gz:7")
        assert info.value.message.startswith("merged_ids/works/x.csv.gz:7: ")


# -- the API -------------------------------------------------------------------------------------


@pytest.fixture
def api(server: HTTPServer) -> Iterator[tuple[HTTPServer, PoliteClient]]:
    server.clear()
    client = PoliteClient("openalex", server.url_for("/"), contact="ops@example.org", rate_per_second=1000, sleep=lambda s: None, max_retries=0)
    with client:
        yield server, client


def work_json(n: int) -> dict:
    return {"id": f"https://openalex.org/W{n}", "title": f"Work {n}", "display_name": f"Work {n}"}


def paged_handler(pages: dict[str, tuple[list[int], str | None]], seen: list[Request]):  # type: ignore[no-untyped-def]
    def handler(request: Request) -> Response:
        seen.append(request)
        results, nxt = pages[request.args["cursor"]]
        body = {"meta": {"count": 5, "per_page": 2, "next_cursor": nxt}, "results": [work_json(n) for n in results]}
        return Response(orjson.dumps(body), content_type="application/json")

    return handler


def test_fetch_pages_with_cursors_and_composed_filters(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    seen: list[Request] = []
    pages_served = {"*": ([1, 2], "c2"), "c2": ([3, 4], "c3"), "c3": ([5], None)}
    server.expect_request("/works").respond_with_handler(paged_handler(pages_served, seen))
    pages = list(
        fetch(
            client,
            filter="type:article",
            author="https://orcid.org/0000-0002-1825-0097",
            since=date(2024, 5, 1),
            per_page=2,
            mailto="ops@example.org",
            api_key="k-123",
        )
    )
    assert ids(pages) == ["W1", "W2", "W3", "W4", "W5"]
    assert [p.cursor for p in pages] == ["c2", "c3", None]
    assert [r.args["cursor"] for r in seen] == ["*", "c2", "c3"]
    args = seen[0].args
    assert args["filter"] == "type:article,authorships.author.orcid:0000-0002-1825-0097,from_updated_date:2024-05-01"
    assert args["per-page"] == "2" and args["mailto"] == "ops@example.org" and args["api_key"] == "k-123"
    payload = pages[1].payloads[1]
    assert payload.where == "works page 2 #2" and payload.raw == orjson.dumps(work_json(4), option=orjson.OPT_SORT_KEYS)
    assert payload.retrieved_at.tzinfo is None and abs((datetime.now(UTC).replace(tzinfo=None) - payload.retrieved_at).total_seconds()) < 60


def test_fetch_resumes_from_a_cursor_and_stops_on_an_empty_page(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    seen: list[Request] = []
    server.expect_request("/works").respond_with_handler(paged_handler({"c3": ([5], "c4"), "c4": ([], "c5")}, seen))
    pages = list(fetch(client, cursor="c3", author="A5023888391", filter={"is_oa": True, "type": ["article", "preprint"]}))
    assert ids(pages) == ["W5"] and pages[0].cursor == "c4"
    assert [r.args["cursor"] for r in seen] == ["c3", "c4"]
    assert seen[0].args["filter"] == "is_oa:true,type:article|preprint,authorships.author.id:A5023888391"
    assert "mailto" not in seen[0].args and "api_key" not in seen[0].args


def test_fetch_author_by_name(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/authors", query_string={"search": "Bjorn Ek", "per-page": "25"}).respond_with_json(
        {
            "meta": {"count": 2},
            "results": [
                {"id": "https://openalex.org/A1", "display_name": "Björn Ek", "works_count": 12},
                {"id": "https://openalex.org/A2", "display_name": "Björn Ekström", "works_count": 3},
            ],
        }
    )
    seen: list[Request] = []
    server.expect_request("/works").respond_with_handler(paged_handler({"*": ([7], None)}, seen))
    assert ids(list(fetch(client, author="Bjorn Ek"))) == ["W7"]
    assert seen[0].args["filter"] == "authorships.author.id:A1"


def test_fetch_ambiguous_author_name_lists_candidates(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    candidates = [
        {
            "id": f"https://openalex.org/A{n}",
            "display_name": "Li Wei",
            "works_count": n * 10,
            "last_known_institutions": [{"display_name": f"University {n}"}],
        }
        for n in range(1, 13)
    ]
    server.expect_request("/authors").respond_with_json({"meta": {"count": 12}, "results": candidates})
    with pytest.raises(InputError) as info:
        list(fetch(client, author="li wei"))
    message = info.value.message
    assert "12 authors are named 'li wei'" in message and "give the id" in message
    assert "A1  Li Wei  (University 1; 10 works)" in message and "A10 " in message and "A11 " not in message
    assert all(req.path == "/authors" for req, _ in server.log)  # no works were asked for


def test_fetch_author_name_without_match(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/authors").respond_with_json({"meta": {"count": 0}, "results": []})
    with pytest.raises(InputError, match="no OpenAlex author matches"):
        list(fetch(client, author="Nobody Here"))


def test_fetch_html_error_page_is_a_source_error(api: tuple[HTTPServer, PoliteClient]) -> None:
    server, client = api
    server.expect_request("/works").respond_with_data("<html><h1>Bad gateway config</h1></html>", content_type="text/html")
    with pytest.raises(SourceError, match="HTML page where JSON was expected"):
        list(fetch(client))


def test_fetch_refuses_odd_arguments(api: tuple[HTTPServer, PoliteClient]) -> None:
    _, client = api
    with pytest.raises(InputError, match="per_page"):
        list(fetch(client, per_page=500))
    with pytest.raises(InputError, match="entity"):
        list(fetch(client, entity="../admin"))
    with pytest.raises(InputError, match="applies to works"):
        list(fetch(client, entity="authors", author="A1"))
