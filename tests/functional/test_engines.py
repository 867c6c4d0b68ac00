"""One definition, three engines: the block clustering run in process, on DuckDB and on Spark
(local mode) gives identical clusters and explanations on the same input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerscope.engines import block_runner
from peerscope.errors import InputError
from peerscope.pipeline import ingest_openalex
from peerscope.resolution import byline_inputs
from peerscope.resolve.author_plan import ResolutionPlan, plan_resolution
from peerscope.resolve.authors.scorer import HAND_WEIGHTED
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.synth.generator import generate_corpus


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("engines")
    generate_corpus(root / "corpus", works=600, seed=11, end_date=date(2026, 6, 30))
    store = Store(f"sqlite:///{root / 'peerscope.db'}")
    store.upgrade()
    ingest_openalex(store, sorted((root / "corpus" / "works").glob("*.jsonl.gz")))
    found = byline_inputs(store_resolution.byline_contexts(store))
    store.dispose()
    return found


@pytest.fixture(scope="module")
def spark_session():  # type: ignore[no-untyped-def]
    from peerscope.engines.spark import local_session

    session = local_session()
    yield session
    session.stop()


def decided(plan: ResolutionPlan) -> tuple:
    return (plan.assignment, plan.links, plan.new_authors, plan.merges, plan.splits, plan.summary)


def test_duckdb_and_spark_give_the_in_process_clusters(inputs, spark_session) -> None:  # type: ignore[no-untyped-def]
    assert len(inputs) > 2000
    constraints = [("cannot", inputs[0].byline, inputs[1].byline)]
    reference = plan_resolution(inputs, constraints, HAND_WEIGHTED, block_runner("process"))
    assert reference.summary["clusters"] < len(inputs)  # something was clustered
    for engine in ("duckdb", "spark"):
        plan = plan_resolution(inputs, constraints, HAND_WEIGHTED, block_runner(engine))
        assert decided(plan) == decided(reference), engine


def test_input_order_does_not_change_the_clusters(inputs) -> None:  # type: ignore[no-untyped-def]
    forward = plan_resolution(inputs, [], HAND_WEIGHTED, block_runner("duckdb"))
    backward = plan_resolution(list(reversed(inputs)), [], HAND_WEIGHTED, block_runner("duckdb"))
    assert forward.assignment == backward.assignment and forward.links == backward.links


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(InputError, match="unknown engine 'flink'"):
        block_runner("flink")
