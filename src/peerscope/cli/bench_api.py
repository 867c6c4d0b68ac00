"""``peerscope bench api``: the OpenAlex-compatible lists (filter, group_by, sort, cursor paging)
timed through a live server on 127.0.0.1, each beside the bare store query it runs (the baseline)."""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import click
import orjson

from peerscope.cli.bench import bench, generated_store_ingested
from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.config import Settings
from peerscope.errors import InputError
from peerscope.serve.api.openalex.filters import parse_filter, parse_group_by, parse_sort
from peerscope.serve.api.openalex.registry import ENTITIES
from peerscope.store import oa_query, queries
from peerscope.store.db import Store
from peerscope.store.oa_query import ListQuery

HOST = "127.0.0.1"
YEARS = list(range(2010, 2026))


def _cases() -> list[tuple[str, Callable[[int], dict[str, str]]]]:
    """Each case: a name and the query parameters of its i-th run (values rotate over runs)."""
    return [
        ("filter", lambda i: {"filter": f"publication_year:{YEARS[i % len(YEARS)]},type:article", "per_page": "25"}),
        ("filter_range_or", lambda i: {"filter": f"publication_year:{YEARS[i % 8]}-{YEARS[i % 8] + 3},open_access.is_oa:true|false,cited_by_count:>{i % 5}", "per_page": "25"}),
        ("group_by", lambda i: {"filter": f"publication_year:{YEARS[i % len(YEARS)]}", "group_by": "type"}),
        ("group_by_year", lambda i: {"filter": "type:article" if i % 2 else "open_access.is_oa:true", "group_by": "publication_year"}),
        ("sort", lambda i: {"filter": f"publication_year:{YEARS[i % len(YEARS)]}", "sort": "cited_by_count:desc", "per_page": "25"}),
    ]


def _store_query(params: dict[str, str]) -> Callable[[Store], object]:
    """The bare store calls the API makes for these parameters (parsed the same way)."""
    works = ENTITIES["works"]
    clauses, _ = parse_filter(works, params.get("filter"))
    q = ListQuery("works", clauses)
    if "group_by" in params:
        key = parse_group_by(works, params["group_by"]).key
        def grouped(s: Store) -> object:
            found = oa_query.group_counts(s, q, key, 200)
            return found.rows, found.total if found.total is not None else oa_query.count(s, q)

        return grouped
    orders = parse_sort(works, params.get("sort"))
    per_page = int(params.get("per_page", "25"))
    return lambda s: (queries.work_summaries(s, [r[0] for r in oa_query.page(s, q, orders, per_page)]), oa_query.count(s, q))


def _pcts(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2), "runs": len(ordered)}


class _Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def get(self, params: dict[str, str]) -> dict:
        self.conn.request("GET", "/api/works?" + urlencode(params))
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise InputError(f"bench api: the server answered {resp.status} to {params}: {body[:200]!r}")
        return orjson.loads(body)


def _serve(store: Store, data_dir: Path) -> tuple[object, int, threading.Thread]:
    import socket

    import uvicorn

    from peerscope.serve.app import create_app

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    app = create_app(Settings(data_dir=data_dir, database_url=store.describe()), store=store)
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise InputError("bench api: the server did not start on 127.0.0.1")
        time.sleep(0.05)
    return server, port, thread


@bench.command("api")
@click.option("--works", type=click.IntRange(1, 50_000_000), default=100_000, show_default=True, help="Works in the corpus (generated and ingested unless the store already holds as many).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--runs", type=click.IntRange(5, 10_000), default=60, show_default=True, help="Timed runs of each query (after two warm-up runs).")
@click.option("--cursor-pages", type=click.IntRange(1, 10_000), default=60, show_default=True, help="Pages of 200 to follow with cursor paging.")
@click.option("--database-url", default=None, help="Store to use (kept, and used as it is when it holds --works works already) [default: a fresh SQLite file in a temp folder].")
@json_option
@handle_errors
def api(works: int, seed: int, runs: int, cursor_pages: int, database_url: str | None, as_json: bool) -> None:
    """Time filter, group_by, sort and cursor paging through the API beside the bare store queries."""
    with tempfile.TemporaryDirectory(prefix="peerscope-bench-api-") as tmp:
        root = Path(tmp)
        store, _ = generated_store_ingested(root, works, seed, database_url or f"sqlite:///{root / 'bench.db'}", show_progress=True)
        held = queries.counts(store)["works"]
        server, port, thread = _serve(store, root)
        client = _Client(port)
        results: dict[str, dict] = {}
        try:
            cases = _cases()
            with progress("queries", len(cases) * runs + cursor_pages) as advance:
                for name, params_of in cases:
                    api_t: list[float] = []
                    store_t: list[float] = []
                    for i in range(runs + 2):
                        params = params_of(i)
                        bare = _store_query(params)
                        t0 = time.perf_counter()
                        bare(store)
                        t1 = time.perf_counter()
                        client.get(params)
                        t2 = time.perf_counter()
                        if i >= 2:
                            store_t.append(t1 - t0)
                            api_t.append(t2 - t1)
                            advance(1)
                    results[name] = {"params": params_of(0), "api": _pcts(api_t), "store": _pcts(store_t)}
                results["cursor_paging"] = _cursor(client, store, cursor_pages, advance)
        finally:
            client.conn.close()
            server.should_exit = True  # type: ignore[attr-defined]
            thread.join(30)
            store.dispose()
    data = {"works": held, "database": "sqlite" if store.is_sqlite else "postgresql", "per_query": results,
            "note": "api: HTTP round trip to a live server on 127.0.0.1 (parse, store, JSON); store: the same store calls made directly"}
    emit(data, as_json, _human)


def _cursor(client: _Client, store: Store, pages: int, advance: Callable[[int], None]) -> dict:
    """Follow ``pages`` cursor pages of 200 through the API; the baseline is the same keyset
    queries on the store (ids, then the rows' summaries)."""
    params = {"filter": "type:article", "per_page": "200", "cursor": "*"}
    api_t: list[float] = []
    for _ in range(pages):
        t0 = time.perf_counter()
        body = client.get(params)
        api_t.append(time.perf_counter() - t0)
        advance(1)
        if body["meta"]["next_cursor"] is None:
            break
        params["cursor"] = body["meta"]["next_cursor"]
    clauses, _ = parse_filter(ENTITIES["works"], "type:article")
    q = ListQuery("works", clauses)
    store_t: list[float] = []
    after = None
    for _ in range(len(api_t)):
        t0 = time.perf_counter()
        rows = oa_query.page(store, q, (), 200, after=after)
        queries.work_summaries(store, [r[0] for r in rows])
        oa_query.count(store, q)
        store_t.append(time.perf_counter() - t0)
        if not rows:
            break
        after = (rows[-1][0],)
    return {"params": {"filter": "type:article", "per_page": "200"}, "pages": len(api_t), "api": _pcts(api_t), "store": _pcts(store_t)}


def _human(d: dict) -> str:
    lines = [f"{d['works']} works on {d['database']}; p50 / p95 in ms, API beside the bare store query"]
    for name, r in d["per_query"].items():
        a, b = r["api"], r["store"]
        lines.append(f"  {name:<16} api {a['p50_ms']:>8} / {a['p95_ms']:>8}   store {b['p50_ms']:>8} / {b['p95_ms']:>8}   ({a['runs']} runs)")
    return "\n".join(lines)
