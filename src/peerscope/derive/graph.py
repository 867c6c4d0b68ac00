"""The research graph: which edges exist, how they are weighted, and the reason each one gives.

Nodes are works, authors, topics, institutions and sources (venues). Edges, all derived from the
store and rebuilt whole by ``build_graph``:

- ``coauthor`` (author–author): joint works, from the collaborators table; weight n/(n+1).
- ``authorship`` (author–work): a byline; weight 6/(5+authors), so a solo paper weighs 1.0
  and a 25-author paper 0.2.
- ``citation`` (work–work): one work cites the other; weight 0.6.
- ``topic`` (work–topic, author–topic): the topic's score on the work; an author's works on it,
  weight n/(n+2).
- ``affiliation`` (author–institution, work–institution): works with that affiliation,
  weight n/(n+1); a work's institutions weigh 0.7.
- ``venue`` (work–source, author–source): where the work appeared (0.5); an author's works there,
  n/(n+2).
- ``shared_topic`` (author–author): topics both work on, among each topic's 50 most active
  authors, at least 2 shared; each author keeps its 10 strongest; weight 0.8 · n/(n+3).
- ``similarity`` (work–work): bibliographic coupling, references both cite (each cited work's
  latest 12 citers), at least 2 shared; each work keeps its 5 strongest; weight n/(n+2).

Weights fall in 0–1 so neighbours of different kinds rank on one scale.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson

from peerscope.store import graph as store_graph
from peerscope.store.db import Store

GRAPH_VERSION = "graph-2"  # bump when an edge rule or weight below changes (2: derived topics of works without source topics)
EDGE_KINDS = ("coauthor", "authorship", "citation", "topic", "affiliation", "venue", "shared_topic", "similarity")
NODE_KINDS = store_graph.NODE_KINDS

WEIGHTS: Mapping[str, float] = {
    "coauthor_half": 1, "authorship_span": 6, "citation": 0.6, "topic_half": 2, "affiliation_half": 1,
    "work_affiliation": 0.7, "work_venue": 0.5, "venue_half": 2,
    "shared_topic_cap": 50, "shared_topic_min": 2, "shared_topic_keep": 10, "shared_topic_half": 3, "shared_topic_scale": 0.8,
    "coupling_cap": 12, "coupling_min": 2, "coupling_keep": 5, "coupling_half": 2,
}


@dataclass(frozen=True, slots=True)
class GraphBuildReport:
    skipped: bool  # the inputs and the code are unchanged since the last build
    code_version: str
    inputs_hash: str
    edges: Mapping[str, int]  # stored edge rows (each edge is stored from both ends) by kind
    seconds: float


def inputs_hash(stats: Mapping[str, list[int]]) -> str:
    return hashlib.sha256(orjson.dumps({"v": GRAPH_VERSION, "w": dict(WEIGHTS), "in": dict(stats)}, option=orjson.OPT_SORT_KEYS)).hexdigest()


def build_graph(store: Store, *, force: bool = False, progress: Callable[[str], None] | None = None) -> GraphBuildReport:
    """Rebuild every edge from the store, unless nothing it reads has changed since the last
    build (``force`` rebuilds anyway)."""
    started = time.perf_counter()
    digest = inputs_hash(store_graph.input_stats(store))
    last = store_graph.last_build(store)
    if not force and last is not None and last.inputs_hash == digest and last.code_version == GRAPH_VERSION:
        return GraphBuildReport(True, GRAPH_VERSION, digest, dict(last.edges), time.perf_counter() - started)
    written = store_graph.rebuild_edges(store, WEIGHTS, progress)
    seconds = time.perf_counter() - started
    store_graph.record_build(store, store_graph.BuildRecord(GRAPH_VERSION, digest, written, seconds, datetime.now(timezone.utc).replace(tzinfo=None)))
    return GraphBuildReport(False, GRAPH_VERSION, digest, written, seconds)


# --- reasons -----------------------------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _years(y0: int | None, y1: int | None) -> str:
    if y0 is None and y1 is None:
        return ""
    if y0 is None or y1 is None or y0 == y1:
        return f", {y0 or y1}"
    return f", {y0}–{y1}"


def reason(kind: str, src_kind: str, dst_kind: str, evidence: Mapping[str, object], year_min: int | None, year_max: int | None) -> str:
    """The edge's evidence as a short phrase read from its source node: "7 joint works,
    2019–2024", "cited by", "author 2 of 5"."""
    n = lambda key: int(evidence.get(key, 0) or 0)  # noqa: E731
    if kind == "coauthor":
        return _plural(n("joint_works"), "joint work") + _years(year_min, year_max)
    if kind == "authorship":
        return f"author {n('position')} of {n('authors')}" + _years(year_min, year_max)
    if kind == "citation":
        return ("cites" if n("cites") else "cited by") + _years(year_min, year_max)
    if kind == "topic":
        if "score" in evidence:
            return f"topic score {float(evidence['score']):.2f}"  # type: ignore[arg-type]
        return _plural(n("works"), "work") + " on this topic"
    if kind == "affiliation":
        if "authors" in evidence:
            return _plural(n("authors"), "author") + " affiliated" + _years(year_min, year_max)
        return _plural(n("works"), "work") + " with this affiliation" + _years(year_min, year_max)
    if kind == "venue":
        if src_kind == "work" or dst_kind == "work":
            return "published here" + _years(year_min, year_max)
        return _plural(n("works"), "work") + " in this venue" + _years(year_min, year_max)
    if kind == "shared_topic":
        return _plural(n("topics"), "shared topic")
    if kind == "similarity":
        return _plural(n("shared_references"), "shared reference")
    return kind
