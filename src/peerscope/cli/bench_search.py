"""``peerscope bench search``: the search index on a generated corpus, each figure beside a
baseline measured in the same run (keyword search through our layer beside the raw Tantivy
searcher; MiniLM throughput beside the hashed embedder; HNSW beside exact vector search)."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import click
import numpy as np

from peerscope.cli.bench import bench, generated_store
from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.index.embed import HashedEmbedder, MiniLMEmbedder, embedding_text
from peerscope.index.hybrid import SearchRequest
from peerscope.index.keyword import KeywordIndex
from peerscope.index.query import SearchFilters, parse_query, words_of
from peerscope.index.service import SearchService
from peerscope.index.titles import DatabaseTitleIndex
from peerscope.index.vectors import GRAPH_PARAMS, exact_top, read_meta
from peerscope.store import queries as store_queries
from peerscope.store import search as store_search


def _ms(samples: list[float]) -> dict:
    a = np.asarray(samples) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3), "n": len(samples)}


def _timed(fn, items) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for x in items:
        t0 = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t0)
    return out


def _queries(titles: list[str], n: int, seed: int) -> list[str]:
    """Two or three consecutive words of random titles: what people type."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        words = [w for w in words_of(rng.choice(titles)) if len(w) > 3]
        if len(words) >= 2:
            k = rng.choice((2, 3)) if len(words) >= 3 else 2
            start = rng.randrange(0, len(words) - k + 1)
            out.append(" ".join(words[start : start + k]))
    return out


def _vector_bench(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> dict:
    """Exact search (the baseline, recall 1 by definition) beside a usearch HNSW graph."""
    from usearch.index import Index

    exact = [exact_top(vectors, q, k)[0] for q in queries]
    exact_t = _timed(lambda q: exact_top(vectors, q, k), queries)
    t0 = time.perf_counter()
    hnsw = Index(ndim=vectors.shape[1], metric="cos", dtype="f32", **GRAPH_PARAMS)  # as the product builds it
    hnsw.add(np.arange(len(vectors)), vectors, threads=2)
    build = time.perf_counter() - t0
    found = [hnsw.search(q, k).keys for q in queries]
    hnsw_t = _timed(lambda q: hnsw.search(q, k), queries)
    recall = float(np.mean([len(set(map(int, f)) & set(map(int, e))) / max(1, len(e)) for f, e in zip(found, exact, strict=True)]))
    return {"rows": len(vectors), "dim": int(vectors.shape[1]), "exact": _ms(exact_t), "usearch_hnsw": {**_ms(hnsw_t), "recall_at_10": round(recall, 4), "build_s": round(build, 2)}}


@bench.command("search")
@click.option("--works", type=click.IntRange(100, 5_000_000), default=20_000, show_default=True, help="Works to generate, ingest and index.")
@click.option("--embed-works", type=click.IntRange(0, 1_000_000), default=1000, show_default=True, help="Works embedded with MiniLM (throughput, and vectors for recall); 0 skips the model.")
@click.option("--queries", "n_queries", type=click.IntRange(10, 100_000), default=500, show_default=True, help="Queries timed per figure.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--database-url", default=None, help="Store to use (kept, and used as it is when it holds --works works already) [default: a fresh SQLite file in a temp folder].")
@json_option
@handle_errors
def search_bench(works: int, embed_works: int, n_queries: int, seed: int, database_url: str | None, as_json: bool) -> None:
    """generate -> ingest -> build the index, then time keyword search through our layer beside
    the raw Tantivy searcher, hybrid search, embedding throughput and vector recall@10."""
    report: dict = {"works": works, "queries": n_queries}
    with tempfile.TemporaryDirectory(prefix="peerscope-bench-") as tmp:
        root = Path(tmp)
        store = generated_store(root, works, seed, database_url)
        report["works"] = store_queries.counts(store)["works"]
        # keyword index alone, then the whole index (keyword + hashed vectors of every work)
        t0 = time.perf_counter()
        docs = [d for batch in store_search.search_documents(store) for d in batch]
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        kw = KeywordIndex.create(root / "kw-only")
        kw.add(docs)
        kw.commit()
        report["build"] = {"read_documents_s": round(read_s, 2), "keyword_index_s": round(time.perf_counter() - t0, 2), "documents": kw.num_docs}
        service = SearchService(store, root / "search", embedder="hashed", embedder_obj=HashedEmbedder())
        with progress("index build", works) as advance:
            built = service.build(advance)
        report["build"]["full_index_hashed_vectors_s"] = built.seconds
        titles = [d.title for d in docs]
        queries = _queries(titles, n_queries, seed)
        keyword = service.keyword
        raw_index, raw_fields = keyword.index, ["title", "abstract", "authors", "venue"]

        def raw(q: str) -> None:  # the baseline: Tantivy's own parser and searcher, nothing else
            searcher = raw_index.searcher()
            searcher.search(raw_index.parse_query(q, raw_fields, conjunction_by_default=True), 10)

        def ours(q: str) -> None:
            service.search(q, 10, 0)

        def page(q: str) -> None:  # what the search page asks: keyword top 10 and its facets
            service.query(SearchRequest(parse_query(q), SearchFilters(), "keyword"))

        def hybrid(q: str) -> None:
            service.query(SearchRequest(parse_query(q), SearchFilters(), "hybrid"))

        for fn in (raw, ours, hybrid):  # warm the caches once
            for q in queries[:20]:
                fn(q)
        titles_in_db = DatabaseTitleIndex(store)
        titles_in_db.refresh()
        report["keyword"] = {
            "tantivy_direct": _ms(_timed(raw, queries)),
            "ours": _ms(_timed(ours, queries)),
            "ours_with_facets": _ms(_timed(page, queries)),
            "sqlite_fts5_titles": _ms(_timed(lambda q: titles_in_db.search(q, 10), queries[:100])),
        }
        report["hybrid_hashed_vectors"] = {**_ms(_timed(hybrid, queries)), "vector_search": "graph" if service.vectors.uses_graph else "exact"}
        if service.vectors.uses_graph:  # the same queries with every vector read (the baseline)
            service.vectors.exact_only = True
            report["hybrid_hashed_vectors_exact"] = _ms(_timed(hybrid, queries))
            service.vectors.exact_only = False
            report["build"]["vector_graph_s"] = (read_meta(root / "search" / "vectors") or {}).get("graph", {}).get("seconds")
        vs = service.vectors._current()
        assert vs is not None
        qv = HashedEmbedder().embed(queries[:200])
        report["vectors_hashed"] = _vector_bench(np.asarray(vs.vectors), qv)
        hashed = HashedEmbedder()
        sample = [embedding_text(d.title, d.abstract) for d in docs[: max(embed_works, 200)]]
        t0 = time.perf_counter()
        hashed.embed(sample)
        report["embedding"] = {"hashed_works_per_s": round(len(sample) / (time.perf_counter() - t0), 1)}
        if embed_works:
            model = MiniLMEmbedder(root / "models")
            model.embed(sample[:32])  # warm-up
            texts = sample[:embed_works]
            t0 = time.perf_counter()
            mat = model.embed(texts)
            secs = time.perf_counter() - t0
            report["embedding"].update({"minilm_works_per_s": round(len(texts) / secs, 1), "minilm_works": len(texts), "minilm_1m_works_hours": round(1_000_000 / (len(texts) / secs) / 3600, 1)})
            report["minilm_query_embedding"] = _ms(_timed(lambda q: model.embed([q]), queries[:100]))
            report["vectors_minilm"] = _vector_bench(mat, model.embed(queries[:100]))
        store.dispose()
    emit(report, as_json, _describe)


def _describe(r: dict) -> str:
    k = r["keyword"]
    lines = [
        f"{r['works']} works, {r['queries']} queries",
        f"build: keyword index {r['build']['keyword_index_s']} s (documents read in {r['build']['read_documents_s']} s); whole index with hashed vectors {r['build']['full_index_hashed_vectors_s']} s",
        f"keyword top-10: ours p50 {k['ours']['p50_ms']} ms / p95 {k['ours']['p95_ms']} ms  vs Tantivy directly p50 {k['tantivy_direct']['p50_ms']} / p95 {k['tantivy_direct']['p95_ms']}",
        f"keyword top-10 with facet counts: p50 {k['ours_with_facets']['p50_ms']} / p95 {k['ours_with_facets']['p95_ms']} ms; SQLite FTS5 over titles p50 {k['sqlite_fts5_titles']['p50_ms']} / p95 {k['sqlite_fts5_titles']['p95_ms']} ms",
        f"hybrid (hashed vectors, {r['hybrid_hashed_vectors']['vector_search']} search): p50 {r['hybrid_hashed_vectors']['p50_ms']} / p95 {r['hybrid_hashed_vectors']['p95_ms']} ms",
    ]
    if "hybrid_hashed_vectors_exact" in r:
        lines.append(f"hybrid with exact vector search (baseline): p50 {r['hybrid_hashed_vectors_exact']['p50_ms']} / p95 {r['hybrid_hashed_vectors_exact']['p95_ms']} ms; graph built in {r['build'].get('vector_graph_s')} s")
    for name in ("vectors_hashed", "vectors_minilm"):
        if name in r:
            v = r[name]
            lines.append(f"{name} ({v['rows']}x{v['dim']}): exact p95 {v['exact']['p95_ms']} ms; usearch HNSW p95 {v['usearch_hnsw']['p95_ms']} ms at recall@10 {v['usearch_hnsw']['recall_at_10']}")
    e = r["embedding"]
    lines.append(f"embedding: hashed {e['hashed_works_per_s']} works/s" + (f"; MiniLM {e['minilm_works_per_s']} works/s (1M works = {e['minilm_1m_works_hours']} h); MiniLM query p95 {r['minilm_query_embedding']['p95_ms']} ms" if "minilm_works_per_s" in e else ""))
    return "\n".join(lines)
