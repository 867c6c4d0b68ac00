"""The citation-ring rule on hand-built graphs: a group of strangers citing each other's works
across topics is a ring; the same citing within one topic, a smaller group, co-authors, or
thin ties are not."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.derive.integrity.graph import derive_graph_flags
from peerscope.derive.integrity.rings import RING_SIZE, cross_topic_ties, find_rings
from peerscope.store.integrity import CitationGraph, GraphWork

WORKS_EACH = 4


def ring_graph(members: int = 8, *, same_topic: bool = False, shared_byline: bool = False, cite_each: int = 3,
               bystanders: int = 6) -> CitationGraph:
    """``members`` people, each with ``WORKS_EACH`` works in a topic of their own (or all in
    one), every work citing ``cite_each`` works of every other member; plus bystanders who
    cite a member's work once. ``shared_byline`` puts all members on one extra joint work."""
    works: dict[int, GraphWork] = {}
    by_person: dict[int, list[int]] = {}
    wid = 0
    for p in range(1, members + 1):
        by_person[p] = []
        for k in range(WORKS_EACH):
            wid += 1
            works[wid] = GraphWork(wid, f"W{wid}", 2010 + k, frozenset({p}), False, (), "openalex", None, 1 if same_topic else p)
            by_person[p].append(wid)
    cited_by: dict[int, set[int]] = {w: set() for w in works}
    for p, mine in by_person.items():
        for q, theirs in by_person.items():
            if p == q:
                continue
            for citing in mine:
                for cited in theirs[:cite_each]:
                    cited_by[cited].add(citing)
    for b in range(bystanders):  # strangers in another topic citing one member's first work
        wid += 1
        works[wid] = GraphWork(wid, f"W{wid}", 2020, frozenset({1000 + b}), False, (), "openalex", None, 99)
        cited_by[by_person[1][0]].add(wid)
    if shared_byline:
        wid += 1
        works[wid] = GraphWork(wid, "Joint", 2021, frozenset(by_person), False, (), "openalex", None, 50)
    names = {p: f"Member {p}" for p in by_person} | {1000 + b: f"Reader {b}" for b in range(bystanders)}
    return CitationGraph(works, {k: tuple(sorted(v)) for k, v in cited_by.items() if v}, names)


def coauthors(graph: CitationGraph) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for w in graph.works.values():
        for a in w.authors:
            out.setdefault(a, set()).update(w.authors - {a})
    return out


def ring_flags(graph: CitationGraph) -> dict[int, object]:
    return {d.entity_id: f for d in derive_graph_flags(graph) if d.entity_kind == "author" for f, _ in d.flags if f.kind == "citation_ring"}


def test_strangers_citing_each_others_works_across_topics_are_a_ring() -> None:
    graph = ring_graph(8)
    flags = ring_flags(graph)
    assert sorted(flags) == list(range(1, 9)), "every member, and no bystander"
    flag = flags[3]
    assert flag.severity == "high"
    (evidence,) = flag.evidence
    assert evidence["member_ids"] == list(range(1, 9)) and evidence["members"][0] == "Member 1"
    assert evidence["tie_count"] == 8 * 7  # both directions of every pair
    assert all(t["share"] == 0.75 and len(t["works"]) == 3 for t in evidence["ties"])
    assert "8 records with no joint work" in evidence["detail"]


def test_the_same_citing_within_one_topic_is_not_a_ring() -> None:
    assert ring_flags(ring_graph(8, same_topic=True)) == {}


def test_a_group_smaller_than_the_ring_size_is_not_a_ring() -> None:
    assert ring_flags(ring_graph(RING_SIZE - 1)) == {}
    assert sorted(ring_flags(ring_graph(RING_SIZE))) == list(range(1, RING_SIZE + 1))


def test_co_authors_citing_each_other_are_not_a_ring() -> None:
    assert ring_flags(ring_graph(8, shared_byline=True)) == {}


def test_citing_one_work_each_is_no_tie() -> None:
    graph = ring_graph(8, cite_each=1)  # 1 of 4 works: under both the count and the share
    assert cross_topic_ties(graph, coauthors(graph)) == [] and ring_flags(graph) == {}


def test_works_without_a_topic_never_make_a_tie() -> None:
    graph = ring_graph(8)
    bare = {i: GraphWork(w.id, w.title, w.year, w.authors, False, (), "openalex", None, None) for i, w in graph.works.items()}
    assert find_rings(CitationGraph(bare, graph.cited_by, graph.names), coauthors(graph)) == {}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(RING_SIZE, 9))
def test_rings_do_not_depend_on_the_order_records_come_in(seed: int, members: int) -> None:
    graph = ring_graph(members)
    order = list(graph.works.items())
    random.Random(seed).shuffle(order)
    shuffled = CitationGraph(dict(order), dict(reversed(list(graph.cited_by.items()))), graph.names)
    first, second = find_rings(graph, coauthors(graph)), find_rings(shuffled, coauthors(shuffled))
    assert first == second and sorted(first) == list(range(1, members + 1))


def naive_ties(graph: CitationGraph) -> set[tuple[int, int, tuple[int, ...]]]:
    """The tie rule read literally, one citation at a time."""
    co = coauthors(graph)
    works_of: dict[int, set[int]] = {}
    for w in graph.works.values():
        for a in w.authors:
            works_of.setdefault(a, set()).add(w.id)
    cited: dict[tuple[int, int], set[int]] = {}
    for wid, citers in graph.cited_by.items():
        w = graph.works[wid]
        for cid in citers:
            c = graph.works[cid]
            if w.topic is None or c.topic is None or c.topic == w.topic:
                continue
            for a in c.authors:
                for b in w.authors:
                    if a != b and b not in co.get(a, set()) and len(works_of[a]) >= 3 and len(works_of[b]) >= 3:
                        cited.setdefault((a, b), set()).add(wid)
    return {(a, b, tuple(sorted(ws))) for (a, b), ws in cited.items() if len(ws) >= 2 and len(ws) >= 0.4 * len(works_of[b])}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_ties_are_the_rule_read_literally(data: st.DataObject) -> None:
    n_works = data.draw(st.integers(4, 40))
    people = st.frozensets(st.integers(1, 8), min_size=1, max_size=3)
    works = {i: GraphWork(i, f"W{i}", 2020, data.draw(people), False, (), "openalex", None, data.draw(st.sampled_from([None, 1, 2, 3])))
             for i in range(1, n_works + 1)}
    cited_by = {}
    for i in works:
        citers = data.draw(st.frozensets(st.integers(1, n_works), max_size=8)) - {i}
        if citers:
            cited_by[i] = tuple(sorted(citers))
    graph = CitationGraph(works, cited_by, {})
    assert {(t.citer, t.cited, t.works) for t in cross_topic_ties(graph, coauthors(graph))} == naive_ties(graph)
