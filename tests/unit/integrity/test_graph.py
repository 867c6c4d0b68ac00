"""The graph-level rules on small hand-built graphs: notices, co-author clusters, stable hashes."""

from __future__ import annotations

from peerscope.derive.integrity.graph import derive_graph_flags
from peerscope.store.integrity import CitationGraph, GraphWork


def work(i: int, year: int, authors: set[int], *, retracted: bool = False, notices: tuple[str, ...] = ()) -> GraphWork:
    return GraphWork(i, f"Work {i}", year, frozenset(authors), retracted, notices, "crossref")


def by_entity(graph: CitationGraph) -> dict[tuple[str, int], list]:  # type: ignore[type-arg]
    return {(d.entity_kind, d.entity_id): list(d.flags) for d in derive_graph_flags(graph)}


def test_expression_of_concern_concerns_the_work_and_its_authors() -> None:
    graph = CitationGraph({1: work(1, 2020, {7, 8}, notices=("expression_of_concern",))}, {}, {7: "A", 8: "B"})
    ((flag, subjects),) = by_entity(graph)[("work", 1)]
    assert (flag.kind, flag.severity) == ("expression_of_concern", "medium")
    assert flag.evidence[0]["detail"] == "crossref records an expression of concern about this work"
    assert subjects == (("work", 1, "subject"), ("author", 7, "byline"), ("author", 8, "byline"))


def test_steady_citations_from_strangers_are_not_flagged_and_hashes_are_stable() -> None:
    works = {1: work(1, 2010, {1})} | {10 + i: work(10 + i, 2011 + i, {100 + i}) for i in range(15)}
    graph = CitationGraph(works, {1: tuple(range(10, 25))}, {})
    first = list(derive_graph_flags(graph))
    assert all(d.flags == () for d in first)
    assert [d.inputs_hash for d in first] == [d.inputs_hash for d in derive_graph_flags(graph)]


def test_a_ring_of_coauthors_citing_each_other() -> None:
    works = {1: work(1, 2015, {1, 2, 3}), 2: work(2, 2016, {1})} | {10 + i: work(10 + i, 2017 + i % 3, {2 + i % 2}) for i in range(10)}
    graph = CitationGraph(works, {2: tuple(range(10, 20))}, {1: "One", 2: "Two", 3: "Three"})
    flags = by_entity(graph)
    ((flag, _),) = flags[("work", 2)]
    cluster = next(e for e in flag.evidence if e["kind"] == "coauthor_cluster")
    assert cluster["cluster_citations"] == 10 and cluster["self_citations"] == 0 and cluster["score"] == 1.0
    ((author_flag, subjects),) = flags[("author", 1)]
    assert author_flag.evidence[0]["cluster"] == ["Three", "Two"] or author_flag.evidence[0]["cluster"] == ["Two", "Three"]
    assert subjects == (("author", 1, "subject"),)
