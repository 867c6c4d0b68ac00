"""The Spark engine: Spark partitions the mentions by block (a shuffle) and its Python workers
run the shared block definition on each block; the links are collected back.

Local mode (``local[2]``) unless a session is already active, so tests and a laptop need
nothing but Java; on a cluster, create the session first and this uses it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence

from peerscope.engines.codec import constraints_from_json, constraints_to_json, link_from_json, link_to_json, mention_from_json, mention_to_json
from peerscope.resolve.author_plan import resolve_block
from peerscope.resolve.authors.cluster import Constraints, Link
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.scorer import PairScorer


def local_session(master: str = "local[2]"):  # type: ignore[no-untyped-def]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode stays on loopback
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("peerscope-resolution")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


def _cluster_block(item: tuple[str, Sequence[str]], scorer: PairScorer, constraints: Mapping[str, str]) -> Iterator[str]:
    key, mentions = item
    found = constraints_from_json(constraints[key]) if key in constraints else None
    for link in resolve_block([mention_from_json(t) for t in sorted(mentions)], scorer, found):
        yield link_to_json(link)


def run_on_spark(blocks: Mapping[str, Sequence[AuthorMention]], scorer: PairScorer, constraints: Mapping[str, Constraints]) -> list[Link]:
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    session = active or local_session()
    try:
        rows = [(key, mention_to_json(m)) for key, members in blocks.items() for m in members]
        if not rows:
            return []
        context = session.sparkContext
        shared = context.broadcast((scorer, {k: constraints_to_json(c) for k, c in constraints.items()}))
        slices = max(2, min(64, len(rows) // 10_000))  # keep each task's share of the mentions small
        links = (
            context.parallelize(rows, slices)
            .groupByKey()
            .flatMap(lambda kv: _cluster_block((kv[0], list(kv[1])), *shared.value))
            .collect()
        )
        shared.unpersist()
    finally:
        if active is None:
            session.stop()
    return sorted((link_from_json(t) for t in links), key=lambda link: link.mention_id)
