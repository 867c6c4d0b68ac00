"""``peerscope derive graph`` (build the research graph) and ``peerscope bench graph`` (the
neighbourhood API's latency beside the store queries under it, and the explorer's first render)."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.bench import bench, generated_store_ingested, ingest_words
from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, progress, settings_from
from peerscope.cli.derive import derive
from peerscope.derive.graph import EDGE_KINDS, NODE_KINDS, build_graph
from peerscope.serve.api.graph import MAX_LIMIT, MAX_NODES
from peerscope.store import graph as store_graph
from peerscope.store import queries


def _human_build(d: dict) -> str:
    edges = ", ".join(f"{k}={n:,}" for k, n in d["edges"].items())
    how = "unchanged inputs, kept" if d["skipped"] else f"built in {d['seconds']:.2f} s"
    return f"research graph {d['code_version']} ({how}): {sum(d['edges'].values()):,} stored edge rows ({edges})"


@derive.command("graph")
@click.option("--force", is_flag=True, help="Rebuild even when nothing the graph reads has changed.")
@data_options
@json_option
@handle_errors
def derive_graph(force: bool, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Rebuild the research graph's weighted edges (co-authorship, authorship, citation, topic,
    affiliation, venue, shared topic, similarity) from the store, each with its evidence. Skipped
    when the inputs and the code are unchanged since the last build."""
    store = open_store(settings_from(data_dir, database_url))
    with progress("derive graph", len(EDGE_KINDS)) as advance:
        report = build_graph(store, force=force, progress=lambda _kind: advance(1))
    emit(asdict(report), as_json, _human_build)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _ms(samples: list[tuple[float, float]]) -> dict:
    """Wall-clock percentiles, and the same of this process's CPU time (which a busy machine's
    other work does not inflate)."""
    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    return {"p50_ms": round(statistics.median(wall) * 1000, 2), "p95_ms": round(_p95(wall) * 1000, 2), "max_ms": round(max(wall) * 1000, 2),
            "cpu_p50_ms": round(statistics.median(cpu) * 1000, 2), "cpu_p95_ms": round(_p95(cpu) * 1000, 2), "n": len(samples)}


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - start, time.process_time() - cpu


@contextmanager
def _served(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on 127.0.0.1 (a free port) in a thread, for the browser measurement."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _explorer_render(app, centre: str, limit: int, chromium: str, repeat: int) -> dict:  # type: ignore[no-untyped-def]
    """First render of the explorer in headless Chromium, from the start of navigation to the
    first frame drawn, in parts: the page (request, HTML, the graph's data block), reading the
    graph's data, and the drawing; best of ``repeat`` page loads."""
    from playwright.sync_api import sync_playwright

    runs = []
    with _served(app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"])
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base}/graph/{centre}?depth=2&limit={limit}")
                page.wait_for_selector("#graph-explorer[data-ready='1']", timeout=60_000)
                data = page.eval_on_selector("#graph-explorer", "e => [e.dataset.renderMs, e.dataset.scriptMs, e.dataset.dataMs, e.dataset.nodes]")
                runs.append(tuple(int(x) for x in data))
                page.close()
        finally:
            browser.close()
    best = min(runs)
    first, script, data, nodes = best
    return {"nodes": nodes, "limit": limit, "first_render_ms": first, "page_ms": first - script, "graph_data_ms": data, "drawing_ms": script - data,
            "runs": len(runs), "first_render_ms_all": [r[0] for r in runs]}


EXPLORER_NODES = 2000  # the size the first-render target is set for


def _explorer_limit(store, hub: tuple[str, int], lowest: int = 45) -> int:  # type: ignore[no-untyped-def]
    """The smallest per-node limit (from ``lowest``) at which the hub's 2-hop neighbourhood holds
    ``EXPLORER_NODES`` nodes, or the API's largest limit when none does."""
    def size(limit: int) -> int:
        found = store_graph.neighbourhood(store, hub, depth=2, kinds=NODE_KINDS, limit=limit, max_nodes=MAX_NODES)
        return len(found.nodes) if found else 0

    lo, hi = lowest, MAX_LIMIT
    if size(hi) < EXPLORER_NODES:
        return hi
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if size(mid) < EXPLORER_NODES else (lo, mid)
    return lo


def _human_bench(d: dict) -> str:
    rows = [f"load average {d['load_average']} on {d['cpus']} CPUs", f"{d['works']:,} works, {d['authors']:,} authors on {d['database']}; {d['stored_edges']:,} stored edge rows "
            f"(graph built in {d['graph_build_seconds']:.1f} s, {ingest_words(d['ingest_seconds'])})"]
    for name in ("api_2hop", "store_2hop", "store_profile_query", "api_1hop_hub", "store_1hop_hub"):
        m = d[name]
        rows.append(f"  {name:20} p50 {m['p50_ms']:7.2f} ms  p95 {m['p95_ms']:7.2f} ms  max {m['max_ms']:7.2f} ms  "
                    f"(CPU p50 {m['cpu_p50_ms']:.2f}, p95 {m['cpu_p95_ms']:.2f} ms; {m['n']} queries)")
    rows.append(f"  2-hop answers: {d['nodes_2hop_median']} nodes median; the hub has {d['hub_degree']:,} stored edges")
    r = d.get("explorer")
    if r and "first_render_ms" in r:
        rows.append(f"  explorer first render: {r['first_render_ms']} ms for {r['nodes']:,} nodes at {r['limit']} per node "
                    f"(page {r['page_ms']} ms, graph data {r['graph_data_ms']} ms, drawing {r['drawing_ms']} ms)")
    elif r:
        rows.append(f"  explorer: {r.get('skipped')}")
    return "\n".join(rows)


@bench.command("graph")
@click.option("--works", type=click.IntRange(100, 50_000_000), default=20_000, show_default=True, help="Works to generate and ingest.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--queries", "n_queries", type=click.IntRange(10, 100_000), default=300, show_default=True, help="Neighbourhood queries per measurement.")
@click.option("--limit", type=click.IntRange(1, 100), default=25, show_default=True, help="Neighbours per expanded node.")
@click.option("--database-url", default=None, help="Store to use (kept, and used as it is when it holds --works works already) [default: a fresh SQLite file in a temp folder].")
@click.option("--browser/--no-browser", default=True, show_default=True, help="Also time the explorer's first render of about 2,000 nodes in headless Chromium.")
@click.option("--chromium", default="/usr/bin/chromium", show_default=True, help="Chromium executable for --browser.")
@json_option
@handle_errors
def bench_graph(works: int, seed: int, n_queries: int, limit: int, database_url: str | None, browser: bool, chromium: str, as_json: bool) -> None:
    """generate -> ingest -> derive graph, then 2-hop neighbourhoods of random authors through
    the API (in-process HTTP) beside the store queries under them and beside the profile's own
    store query; 1-hop of the busiest hub; and the explorer's first render in Chromium."""
    from fastapi.testclient import TestClient

    from peerscope.config import Settings
    from peerscope.serve.app import create_app

    with tempfile.TemporaryDirectory(prefix="peerscope-bench-graph-") as tmp:
        root = Path(tmp)
        store, ingested = generated_store_ingested(root, works, seed, database_url, show_progress=True)
        with progress("derive graph", len(EDGE_KINDS)) as advance:
            built = build_graph(store, force=ingested is not None, progress=lambda _k: advance(1))  # a reused store keeps a graph in step
        counts = queries.counts(store)
        rng = random.Random(seed)
        with store.connect() as conn:
            author_ids = [r[0] for r in conn.exec_driver_sql("SELECT DISTINCT src_id FROM graph_edges WHERE src_kind = 'author'")]
            hub = conn.exec_driver_sql(
                "SELECT src_id, COUNT(*) AS n FROM graph_edges WHERE src_kind = 'author' GROUP BY src_id ORDER BY n DESC LIMIT 1").one()
        sample = [rng.choice(author_ids) for _ in range(n_queries)]
        settings = Settings(data_dir=root, database_url=store.describe())
        app = create_app(settings, store=store)
        api, store_s, profile_s, nodes, api_hub, store_hub = [], [], [], [], [], []
        with TestClient(app) as client, progress("queries", 5 * n_queries) as advance:
            for aid in sample[:5]:  # warm the caches and the statement cache
                client.get(f"/api/graph/PA{aid}?depth=2&limit={limit}")
            for aid in sample:
                api.append(_timed(lambda: client.get(f"/api/graph/PA{aid}?depth=2&limit={limit}").raise_for_status()))
                found = store_graph.neighbourhood(store, ("author", aid), depth=2, kinds=NODE_KINDS, limit=limit)
                nodes.append(len(found.nodes) if found else 0)
                store_s.append(_timed(lambda: store_graph.neighbourhood(store, ("author", aid), depth=2, kinds=NODE_KINDS, limit=limit)))
                profile_s.append(_timed(lambda: queries.get_author(store, aid)))
                api_hub.append(_timed(lambda: client.get(f"/api/graph/PA{hub[0]}?depth=1&limit={limit}").raise_for_status()))
                store_hub.append(_timed(lambda: store_graph.neighbourhood(store, ("author", hub[0]), depth=1, kinds=NODE_KINDS, limit=limit)))
                advance(5)
        explorer: dict = {}
        if browser:
            if not Path(chromium).is_file():
                explorer = {"skipped": f"no Chromium at {chromium}"}
            else:
                try:
                    explorer = _explorer_render(app, f"PA{hub[0]}", _explorer_limit(store, ("author", hub[0])), chromium, repeat=3)
                except ImportError:
                    explorer = {"skipped": "playwright is not installed (pip install -e '.[test]')"}
        store.dispose()
    data = {
        "works": counts["works"], "authors": counts["authors"], "database": store.dialect, "limit": limit,
        "ingest_seconds": None if ingested is None else round(ingested, 1), "graph_build_seconds": round(built.seconds, 1), "graph_build_skipped": built.skipped, "stored_edges": sum(built.edges.values()),
        "edges_by_kind": dict(built.edges), "api_2hop": _ms(api), "store_2hop": _ms(store_s), "store_profile_query": _ms(profile_s),
        "api_1hop_hub": _ms(api_hub), "store_1hop_hub": _ms(store_hub), "hub_degree": int(hub[1]),
        "nodes_2hop_median": int(statistics.median(nodes)), "explorer": explorer, "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    emit(data, as_json, _human_bench)
