"""The benchmarks run end to end on small generated corpora and report each figure beside its
baseline (the figures themselves are measured on larger corpora; see docs/benchmarks.md)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from peerscope.cli import cli


def bench(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["bench", *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_bench_similar_reports_the_derivation_the_meaning_signal_and_latencies_beside_baselines() -> None:
    d = bench("similar", "--works", "200", "--queries", "10", "--seed", "3")
    assert d["works"] == 200 and d["database"] == "sqlite" and 0 < d["listed"] <= 200
    b = d["derive"]
    assert b["rerun_skipped"] is True and b["forced_rewritten"] == 0  # unchanged inputs: kept, then identical
    assert b["vectors"] == 200 and b["with_meaning_rewritten"] > 0  # the vectors change lists
    assert 0 < d["entries_close_in_meaning"] <= 1
    for name in ("api_similar", "store_similar", "api_work", "api_floor"):
        assert d[name]["n"] == 10 and 0 < d[name]["p50_ms"] <= d[name]["p95_ms"]


def test_bench_search_reports_keyword_hybrid_and_vectors_beside_baselines() -> None:
    d = bench("search", "--works", "200", "--embed-works", "0", "--queries", "10")
    assert d["build"]["documents"] == 200
    for name in ("tantivy_direct", "ours", "ours_with_facets", "sqlite_fts5_titles"):
        assert d["keyword"][name]["p95_ms"] > 0
    assert d["hybrid_hashed_vectors"]["vector_search"] == "exact"  # below the graph's threshold
    v = d["vectors_hashed"]
    assert v["rows"] == 200 and v["usearch_hnsw"]["recall_at_10"] > 0.9
    assert d["embedding"]["hashed_works_per_s"] > 0


def test_benches_measure_a_kept_store_as_it_is_once_it_holds_the_corpus(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    first = bench("graph", "--works", "200", "--queries", "10", "--no-browser", "--database-url", url)
    assert first["works"] == 200 and first["ingest_seconds"] > 0 and first["graph_build_skipped"] is False
    # fewer works asked of a store that holds more: nothing generated or ingested, the graph kept
    again = bench("graph", "--works", "150", "--seed", "9", "--queries", "10", "--no-browser", "--database-url", url)
    assert again["works"] == 200 and again["ingest_seconds"] is None
    assert again["graph_build_skipped"] is True and again["stored_edges"] == first["stored_edges"]
    searched = bench("search", "--works", "200", "--embed-works", "0", "--queries", "10", "--database-url", url)
    assert searched["works"] == 200 and searched["build"]["documents"] == 200
    # more works than the store holds: the corpus is generated and ingested into it
    grown = bench("graph", "--works", "300", "--seed", "9", "--queries", "10", "--no-browser", "--database-url", url)
    assert grown["ingest_seconds"] > 0 and grown["works"] > 200 and grown["graph_build_skipped"] is False
