"""``peerscope bench similar``: the similar-works derivation (first build, an unchanged re-run,
a forced rebuild, a rebuild with the meaning signal of hashed vectors) and the latency of ``/api/works/{id}/similar`` beside the store query under it
(the baseline), the plain work endpoint and the bare HTTP round trip, in one run on one
generated corpus."""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

import click

from peerscope.cli.bench import bench, generated_store_ingested, ingest_words
from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.cli.graph import _ms, _timed
from peerscope.derive.similar.run import derive_similar
from peerscope.index.embed import HashedEmbedder
from peerscope.index.service import SearchService
from peerscope.store import queries
from peerscope.store import similar as store_similar


def _human(d: dict) -> str:
    b = d["derive"]
    rows = [f"load average {d['load_average']} on {d['cpus']} CPUs",
            f"{d['works']:,} works, {d['citations_linked']:,} citations between them, {d['work_topics']:,} work topics on {d['database']} ({ingest_words(d['ingest_seconds'])})",
            f"derive similar: first build {b['first_build_seconds']:.2f} s ({b['works_per_second']:,} works/s), unchanged re-run {b['unchanged_rerun_seconds']:.2f} s "
            f"(skipped: {b['rerun_skipped']}), forced rebuild {b['forced_rebuild_seconds']:.2f} s ({b['forced_rewritten']} lists rewritten)",
            f"  with the meaning signal ({b['vectors']:,} hashed vectors, index built in {b['index_build_seconds']:.1f} s): {b['with_meaning_seconds']:.2f} s, "
            f"{b['with_meaning_rewritten']:,} lists changed; {d['entries_close_in_meaning']:.1%} of the sampled entries close in meaning",
            f"  {d['listed']:,} works have a list; {d['entries']:,} entries; {d['reasons_per_entry']} reasons per entry on average"]
    for name in ("api_similar", "store_similar", "api_work", "api_floor"):
        m = d[name]
        rows.append(f"  {name:14} p50 {m['p50_ms']:7.2f} ms  p95 {m['p95_ms']:7.2f} ms  max {m['max_ms']:7.2f} ms  "
                    f"(CPU p50 {m['cpu_p50_ms']:.2f}, p95 {m['cpu_p95_ms']:.2f} ms; {m['n']} queries)")
    return "\n".join(rows)


@bench.command("similar")
@click.option("--works", type=click.IntRange(50, 50_000_000), default=20_000, show_default=True, help="Works to generate and ingest.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--queries", "n_queries", type=click.IntRange(10, 100_000), default=300, show_default=True, help="Queries per latency measurement.")
@click.option("--database-url", default=None, help="Store to use (kept, and used as it is when it holds --works works already) [default: a fresh SQLite file in a temp folder].")
@json_option
@handle_errors
def bench_similar(works: int, seed: int, n_queries: int, database_url: str | None, as_json: bool) -> None:
    """generate -> ingest, then time `derive similar` (first build, unchanged re-run, forced
    rebuild) and the similar works of random works through the API (in-process HTTP) beside the
    store query the endpoint runs (the baseline), the plain work endpoint, and a request that
    reads nothing (`/api/fields/works`: the cost of the HTTP round trip alone)."""
    from fastapi.testclient import TestClient

    from peerscope.config import Settings
    from peerscope.serve.app import create_app

    with tempfile.TemporaryDirectory(prefix="peerscope-bench-similar-") as tmp:
        root = Path(tmp)
        store, ingested = generated_store_ingested(root, works, seed, database_url, show_progress=True)
        with progress("derive similar", queries.counts(store)["works"]) as advance:
            first = derive_similar(store, force=True, progress=advance)
        t0 = time.perf_counter()
        rerun = derive_similar(store)
        rerun_s = time.perf_counter() - t0
        forced = derive_similar(store, force=True)
        # the meaning signal: hashed vectors of every work, then the lists again with them
        service = SearchService(store, root / "search", embedder="hashed", embedder_obj=HashedEmbedder())
        with progress("index build", queries.counts(store)["works"]) as advance:
            indexed = service.build(advance)
        meaning = derive_similar(store, force=True, embeddings=service.embeddings())
        with store.connect() as conn:
            linked = conn.exec_driver_sql("SELECT COUNT(*) FROM citations WHERE cited_work_id IS NOT NULL").scalar_one()
            topics = conn.exec_driver_sql("SELECT COUNT(*) FROM work_topics").scalar_one()
        rng = random.Random(seed)
        listed = store_similar.listed_work_ids(store)
        sample = [rng.choice(listed) for _ in range(n_queries)] if listed else []
        app = create_app(Settings(data_dir=root, database_url=store.describe()), store=store)
        api, raw, plain, floor, n_reasons, n_meaning = [], [], [], [], [], []
        with TestClient(app) as client, progress("queries", 4 * len(sample)) as advance:
            for wid in sample[:5]:  # warm the caches and the statement cache
                client.get(f"/api/works/PW{wid}/similar")
            for wid in sample:
                api.append(_timed(lambda: client.get(f"/api/works/PW{wid}/similar").raise_for_status()))
                raw.append(_timed(lambda: store_similar.similar_of(store, wid, 10)))
                plain.append(_timed(lambda: client.get(f"/api/works/PW{wid}").raise_for_status()))
                floor.append(_timed(lambda: client.get("/api/fields/works").raise_for_status()))
                results = client.get(f"/api/works/PW{wid}/similar").json()["results"]
                n_reasons.append((sum(len(r["reasons"]) for r in results), len(results)))
                n_meaning.append(sum(1 for r in results if r["evidence"]["meaning_similarity"] > 0))
                advance(4)
        store.dispose()
    meaning_share = round(sum(n_meaning) / max(1, sum(e for _, e in n_reasons)), 3)
    data = {
        "works": first.works, "database": store.dialect, "citations_linked": int(linked), "work_topics": int(topics),
        "ingest_seconds": None if ingested is None else round(ingested, 1), "listed": first.listed, "entries": first.entries,
        "reasons_per_entry": round(sum(r for r, _ in n_reasons) / max(1, sum(e for _, e in n_reasons)), 2),
        "derive": {"first_build_seconds": round(first.seconds, 2), "works_per_second": round(first.works / first.seconds) if first.seconds else None,
                   "unchanged_rerun_seconds": round(rerun_s, 2), "rerun_skipped": rerun.skipped,
                   "forced_rebuild_seconds": round(forced.seconds, 2), "forced_rewritten": forced.rewritten,
                   "with_meaning_seconds": round(meaning.seconds, 2), "with_meaning_rewritten": meaning.rewritten,
                   "index_build_seconds": indexed.seconds, "vectors": indexed.vectors},
        "entries_close_in_meaning": meaning_share,
        "api_similar": _ms(api) if api else None, "store_similar": _ms(raw) if raw else None, "api_work": _ms(plain) if plain else None,
        "api_floor": _ms(floor) if floor else None,
        "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
    }
    emit(data, as_json, _human)
