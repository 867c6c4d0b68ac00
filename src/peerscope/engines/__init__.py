"""Where batch stages run: in this process, on DuckDB, or on Apache Spark.

Each engine runs the same definition (``peerscope.resolve.author_plan.resolve_block``, pure
Python) over the blocks; the engine only moves the mentions, groups them by block and
collects the links. DuckDB and Spark are imported only when their engine is chosen.
"""

from __future__ import annotations

from peerscope.errors import InputError
from peerscope.resolve.author_plan import BlockRunner, run_in_process

ENGINES = ("process", "duckdb", "spark")


def block_runner(name: str) -> BlockRunner:
    if name == "process":
        return run_in_process
    if name == "duckdb":
        from peerscope.engines.duckdb import run_on_duckdb

        return run_on_duckdb
    if name == "spark":
        from peerscope.engines.spark import run_on_spark

        return run_on_spark
    raise InputError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
