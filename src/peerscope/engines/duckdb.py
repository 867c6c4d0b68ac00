"""The DuckDB engine: DuckDB holds the mentions, groups them by block and calls the shared
block definition as a function on each block's list; the links come back as rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from peerscope.engines.codec import constraints_from_json, constraints_to_json, link_from_json, link_to_json, mention_from_json, mention_to_json
from peerscope.resolve.author_plan import resolve_block
from peerscope.resolve.authors.cluster import Constraints, Link
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.scorer import PairScorer


def run_on_duckdb(
    blocks: Mapping[str, Sequence[AuthorMention]], scorer: PairScorer, constraints: Mapping[str, Constraints], *, threads: int = 2
) -> list[Link]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.execute("CREATE TABLE mentions (block VARCHAR, mention VARCHAR)")
        con.execute("CREATE TABLE block_constraints (block VARCHAR, constraints VARCHAR)")
        con.executemany("INSERT INTO mentions VALUES (?, ?)", [(key, mention_to_json(m)) for key, members in blocks.items() for m in members])
        con.executemany("INSERT INTO block_constraints VALUES (?, ?)", [(key, constraints_to_json(c)) for key, c in constraints.items()])

        def cluster(mentions: list[str], constraint_json: str | None) -> list[str]:
            found = constraints_from_json(constraint_json) if constraint_json else None
            return [link_to_json(link) for link in resolve_block([mention_from_json(t) for t in mentions], scorer, found)]

        con.create_function("resolve_block", cluster, ["VARCHAR[]", "VARCHAR"], "VARCHAR[]", null_handling="special", side_effects=False)
        rows = con.execute(
            """
            WITH grouped AS (
                SELECT m.block, list(m.mention ORDER BY m.mention) AS mentions, any_value(c.constraints) AS constraints
                FROM mentions m LEFT JOIN block_constraints c USING (block)
                GROUP BY m.block
            )
            SELECT unnest(resolve_block(mentions, constraints)) FROM grouped ORDER BY block
            """
        ).fetchall()
    finally:
        con.close()
    return [link_from_json(r[0]) for r in rows]
