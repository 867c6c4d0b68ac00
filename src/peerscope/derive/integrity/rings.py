"""``citation_ring``: a group of people who never wrote together and whose works keep citing
each other's across topics.

Honest citing follows the subject: most citations go to works of the same topic, and the works
of another topic a paper cites are spread over many people. A citation ring shows as a group
whose members cite a large part of each other's output *outside* the topics they share. The rule:

- a **tie** joins two records with no joint work when the works of one cite, through
  citations between works of different primary topics, at least ``TIE_MIN_WORKS`` (2) works of
  the other and at least ``TIE_SHARE`` (40%) of all the other's works; only records with
  ``MIN_WORKS`` (3) or more works take part;
- a **ring** is a set of ``RING_SIZE`` (6) or more records tied pairwise (a clique of ties,
  networkx's maximal cliques), with every record tied to two thirds of that core (and to
  ``RING_SIZE - 2`` of it at least), since a member with few works cannot cite them all; every
  member is flagged (high), with the group and its ties.

Same-topic citing never makes a tie, so a tightly knit subfield does not read as a ring, and a
ring confined to one topic is not caught by this rule (the trust model's reciprocal-citation
signal still sees its members). Records on the byline of a ring's works, beside the planted
members, are flagged too: their works do the citing. Pure: reads a ``CitationGraph``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import math

import networkx as nx
import numpy as np

from peerscope.store.integrity import CitationGraph

MIN_WORKS = 3
TIE_MIN_WORKS, TIE_SHARE = 2, 0.4
RING_SIZE = 6
EXAMPLES = 10


@dataclass(frozen=True, slots=True)
class Tie:
    citer: int
    cited: int
    works: tuple[int, ...]  # the cited record's works the citer's works cite across topics
    share: float  # of all the cited record's works


@dataclass(frozen=True, slots=True)
class Ring:
    members: tuple[int, ...]  # sorted record ids
    ties: tuple[Tie, ...]  # the ties among the members (each direction that holds)


def _cross_topic_citers(graph: CitationGraph, wid: int) -> set[int]:
    """The records on the works citing ``wid`` from another topic (none when it has no topic)."""
    w = graph.works[wid]
    out: set[int] = set()
    if w.topic is None:
        return out
    for cid in graph.cited_by.get(wid, ()):
        c = graph.works[cid]
        if c.topic is not None and c.topic != w.topic:
            out.update(c.authors)
    return out


def cross_topic_ties(graph: CitationGraph, coauthors: Mapping[int, set[int]]) -> list[Tie]:
    """Every tie: (citer, cited) records with no joint work, where the citer's works cite, across
    topics, at least ``TIE_MIN_WORKS`` and ``TIE_SHARE`` of the cited record's works.

    Counted with numpy: one key per (citer, cited record, cited work), so a cited work counts
    once however many of the citer's works cite it; the works behind each tie are gathered in a
    second pass over the few pairs that qualify."""
    works_of: dict[int, int] = defaultdict(int)
    for w in graph.works.values():
        for a in w.authors:
            works_of[a] += 1
    people = sorted(a for a, n in works_of.items() if n >= MIN_WORKS)
    index = {a: i for i, a in enumerate(people)}
    n = len(people)
    parts = []
    for wid in graph.cited_by:
        targets = [index[b] for b in graph.works[wid].authors if b in index]
        if not targets:
            continue
        citers = [index[a] for a in _cross_topic_citers(graph, wid) if a in index]
        if citers:
            parts.append((np.asarray(citers, np.int64)[:, None] * n + np.asarray(targets, np.int64)[None, :]).ravel())
    if not parts:
        return []
    keys, counts = np.unique(np.concatenate(parts), return_counts=True)
    cited_n = np.asarray([works_of[a] for a in people], np.float64)
    keep = (counts >= TIE_MIN_WORKS) & (counts >= TIE_SHARE * cited_n[keys % n])
    pairs = [(people[int(k // n)], people[int(k % n)]) for k in keys[keep]]
    citers_of: dict[int, set[int]] = defaultdict(set)  # cited record -> its candidate citers
    for a, b in pairs:
        if a != b and b not in coauthors.get(a, set()):
            citers_of[b].add(a)
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    for wid in sorted(graph.cited_by):
        targets = [b for b in graph.works[wid].authors if b in citers_of]
        if targets:
            citers = _cross_topic_citers(graph, wid)
            for b in targets:
                for a in citers_of[b] & citers:
                    found[(a, b)].append(wid)
    return sorted((Tie(a, b, tuple(ws), round(len(ws) / works_of[b], 3)) for (a, b), ws in found.items()), key=lambda t: (t.citer, t.cited))


def find_rings(graph: CitationGraph, coauthors: Mapping[int, set[int]]) -> dict[int, Ring]:
    """Each record in a ring -> the largest ring it is in (the one with the lowest member ids on
    a tie); records in none are absent."""
    ties = cross_topic_ties(graph, coauthors)
    g = nx.Graph()
    g.add_edges_from((t.citer, t.cited) for t in ties)
    by_pair: dict[frozenset[int], list[Tie]] = defaultdict(list)
    for t in ties:
        by_pair[frozenset((t.citer, t.cited))].append(t)
    best: dict[int, tuple[int, ...]] = {}
    for clique in nx.find_cliques(g):
        if len(clique) < RING_SIZE:
            continue
        members = tuple(sorted(clique))
        for m in members:
            known = best.get(m)
            if known is None or (-len(members), members) < (-len(known), known):
                best[m] = members
    # a record tied to most of a ring (two thirds of its core, and RING_SIZE - 2 at least) is in
    # it too: a member whose few works could not cite every other member's still shows
    cores = sorted(set(best.values()))
    joined: dict[tuple[int, ...], set[int]] = defaultdict(set)
    for v in sorted(g.nodes):
        if v in best:
            continue
        near = set(g.adj[v])
        fits = [core for core in cores if len(near.intersection(core)) >= max(RING_SIZE - 2, math.ceil(2 * len(core) / 3))]
        if fits:
            core = min(fits, key=lambda c: (-len(near.intersection(c)), -len(c), c))
            joined[core].add(v)
    rings: dict[tuple[int, ...], Ring] = {}
    out: dict[int, Ring] = {}
    for core in cores:
        members = tuple(sorted(set(core) | joined[core]))
        inside = [t for i, a in enumerate(members) for b in members[i + 1:] for t in by_pair[frozenset((a, b))]]
        rings[core] = Ring(members, tuple(sorted(inside, key=lambda t: (t.citer, t.cited))))
    for m, core in best.items():
        out[m] = rings[core]
    for core, extra in joined.items():
        for v in extra:
            out[v] = rings[core]
    return out
