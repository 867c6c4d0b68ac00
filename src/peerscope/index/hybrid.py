"""Hybrid ranking: keyword (BM25) and semantic (nearest vectors) lists fused by reciprocal rank.

A work's fused score is the sum over the lists it appears in of ``1 / (K + rank)`` (ranks from 1,
``K = 60`` as in Cormack, Clarke and Büttcher's paper): no score scales to reconcile, and a work
high in either list comes near the top. The result set is every keyword match plus the semantic
neighbours (``candidates`` of them) that pass the filters, so totals and facet counts describe
exactly the works a person can page through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from peerscope.index.embed import Embedder
from peerscope.index.keyword import KeywordIndex
from peerscope.index.query import ParsedQuery, SearchFilters
from peerscope.index.vectors import VectorIndex

RRF_K = 60
MODES = ("hybrid", "keyword", "semantic")
SORTS = ("relevance", "year", "citations")


def reciprocal_rank_fusion(lists: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Ids of all lists, best fused score first (ties: the id seen first in the lists)."""
    scores: dict[int, float] = {}
    for ranked in lists:
        for rank, item in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: ParsedQuery
    filters: SearchFilters = field(default_factory=SearchFilters)
    mode: str = "hybrid"
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    with_facets: bool = True


@dataclass(frozen=True, slots=True)
class SearchResults:
    ids: list[int]
    total: int
    facets: dict[str, list[tuple[str | int, int]]] = field(default_factory=dict)
    semantic: bool = False  # whether semantic neighbours took part


def semantic_ids(vectors: VectorIndex, embedder: Embedder | None, keyword: KeywordIndex, parsed: ParsedQuery, filters: SearchFilters, candidates: int) -> list[int]:
    """The nearest works to the query's text that pass the filters, nearest first."""
    if embedder is None or parsed.is_empty or vectors.count == 0 or vectors.embedder_name != embedder.name:
        return []
    query_vec = embedder.embed([parsed.text])[0]
    near = [i for i, _ in vectors.nearest(query_vec, candidates)]
    if not near or filters.is_empty:
        return near
    kept = set(keyword.top(keyword.ids_only(near, filters), len(near)).ids)
    return [i for i in near if i in kept]


def run_search(keyword: KeywordIndex, vectors: VectorIndex, embedder: Embedder | None, req: SearchRequest, candidates: int = 100) -> SearchResults:
    parsed, filters = req.query, req.filters
    semantic: list[int] = []
    if req.mode in ("hybrid", "semantic") and not parsed.is_empty:
        semantic = semantic_ids(vectors, embedder, keyword, parsed, filters, candidates)
    if req.mode == "semantic":
        match = keyword.ids_only(semantic, filters) if semantic else None
        total = len(semantic)
        if req.sort == "relevance":
            ids = semantic[req.offset : req.offset + req.limit]
        else:
            ids = keyword.top(match, req.limit, req.offset, req.sort).ids if match is not None else []
        facets = keyword.facets(match) if (match is not None and req.with_facets) else {}
        return SearchResults(ids, total, facets, semantic=True)
    words_only = keyword.query(parsed, filters)
    match = keyword.query(parsed, filters, extra_ids=semantic) if semantic else words_only
    facets = keyword.facets(match) if req.with_facets else {}
    if parsed.is_empty and filters.is_empty and req.sort == "relevance":
        return SearchResults([], 0, {})
    if req.sort != "relevance" or not semantic:
        hits = keyword.top(match, req.limit, req.offset, req.sort)
        return SearchResults(hits.ids, hits.total, facets, semantic=bool(semantic))
    # enough of the keyword list that no work beyond it can outrank the page's last one
    depth = req.offset + req.limit + len(semantic)
    kw = keyword.top(words_only, depth)
    fused = [i for i, _ in reciprocal_rank_fusion([kw.ids, semantic])]
    total = len(set(kw.ids) | set(semantic)) if kw.total <= depth else keyword.top(match, 0).total
    return SearchResults(fused[req.offset : req.offset + req.limit], total, facets, semantic=True)
