"""Integrity checks on the graph itself, not on a document: citation anomalies of works and
authors (from the linked ``citations`` and the bylines) and the retractions and expressions of
concern sources mark on stored works.

Rules (docs/documents.md):
- a work: ``check_work_citations`` (a burst by citing year, self-citation share, citations from
  its authors' co-author cluster);
- an author: of the citing works that cite any of their works (10 or more), a share of 0.5
  from their own works is a self-citation anomaly (medium), and a share of 0.5 from works of
  their co-authors (without them) is a co-author cluster anomaly (medium);
- a citation ring (``citation_ring``, high, about each member): six or more records with no
  joint work, tied pairwise by citing 40% or more of each other's works across topics
  (``derive/integrity/rings.py``);
- a stored work marked retracted (``retracted``, high) or with an expression of concern
  (``expression_of_concern``, medium) by a source, about the work and its authors;
- a stored work whose title or abstract carries tortured-phrase or generated-text fingerprints
  (``tortured_phrases``, the rule of the document check), about the work and its authors.

Each result carries the hash of exactly the facts its rule reads, so the store rewrites an
entity's flags only when that hash or ``GRAPH_CHECKS_VERSION`` changes.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
import orjson

from peerscope.derive.integrity.citations import check_work_citations
from peerscope.derive.integrity.rings import EXAMPLES, TIE_SHARE, Ring, find_rings
from peerscope.derive.integrity.tortured import check_tortured_text
from peerscope.documents.records import Flag
from peerscope.store import integrity as store_integrity
from peerscope.store.db import Store
from peerscope.store.integrity import CitationGraph, Derived, GraphWork, Subject

GRAPH_CHECKS_VERSION = "integrity-graph-3"  # bump when a rule below changes
AUTHOR_MIN, AUTHOR_SELF_SHARE, AUTHOR_CLUSTER_SHARE = 10, 0.5, 0.5


def _hash(facts: object) -> str:
    return hashlib.sha256(orjson.dumps(facts, option=orjson.OPT_SORT_KEYS)).hexdigest()


def coauthors_by_author(graph: CitationGraph) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for w in graph.works.values():
        for a in w.authors:
            out[a].update(w.authors - {a})
    return out


def _notice_flags(w: GraphWork) -> list[tuple[Flag, tuple[Subject, ...]]]:
    subjects: tuple[Subject, ...] = (("work", w.id, "subject"), *(("author", a, "byline") for a in sorted(w.authors)))
    source = w.source or "a source"
    out = []
    if w.is_retracted or "retraction" in w.notices:
        ev = {"kind": "source_notice", "notice": "retraction", "source": w.source, "work_id": w.id, "detail": f"{source} marks this work retracted"}
        out.append((Flag("retracted", "high", "A source marks this work retracted", (ev,), work_ids=(w.id,)), subjects))
    if "expression_of_concern" in w.notices:
        ev = {"kind": "source_notice", "notice": "expression_of_concern", "source": w.source, "work_id": w.id,
              "detail": f"{source} records an expression of concern about this work"}
        out.append((Flag("expression_of_concern", "medium", "A source records an expression of concern about this work", (ev,), work_ids=(w.id,)), subjects))
    return out


def _text_flags(w: GraphWork) -> list[Flag]:
    found = check_tortured_text({"title": w.title or "", "abstract": w.abstract or ""})
    return [found] if found is not None else []


def derive_works(graph: CitationGraph, coauthors: Mapping[int, set[int]]) -> Iterator[Derived]:
    for wid in sorted(graph.works):
        w = graph.works[wid]
        circle = set().union(*(coauthors.get(a, set()) for a in w.authors)) - w.authors if w.authors else set()
        yearly: Counter[int] = Counter()
        self_ids, cluster_ids = [], []
        citing = sorted(graph.cited_by.get(wid, ()))
        for cid in citing:
            c = graph.works[cid]
            if c.year is not None:
                yearly[c.year] += 1
            if c.authors & w.authors:
                self_ids.append(cid)
            elif c.authors & circle:
                cluster_ids.append(cid)
        facts = {"v": GRAPH_CHECKS_VERSION, "yearly": sorted(yearly.items()), "self": self_ids, "cluster": cluster_ids, "total": len(citing),
                 "retracted": w.is_retracted, "notices": sorted(w.notices), "source": w.source, "authors": sorted(w.authors),
                 "text": hashlib.sha256(f"{w.title}\x00{w.abstract or ''}".encode()).hexdigest()}
        flags = _notice_flags(w)
        byline = (("work", wid, "subject"), *(("author", a, "byline") for a in sorted(w.authors)))
        flags.extend((f, byline) for f in _text_flags(w))
        found = check_work_citations(wid, yearly, len(self_ids), len(citing), len(cluster_ids), {"self": self_ids, "cluster": cluster_ids})
        if found is not None:
            flags.append((found, (("work", wid, "subject"), *(("author", a, "byline") for a in sorted(w.authors)))))
        yield Derived("work", wid, _hash(facts), tuple(flags))


def check_author_citations(author_id: int, citing: int, own: list[int], circle: list[int], coauthors: list[str]) -> Flag | None:
    """The rule for one author: ``citing`` works cite their works, ``own`` of them are theirs,
    ``circle`` are by their co-authors without them (``coauthors``: the most frequent citers)."""
    if citing < AUTHOR_MIN:
        return None
    evidence = []
    if len(own) / citing >= AUTHOR_SELF_SHARE:
        evidence.append({"kind": "self_citation_share", "score": round(len(own) / citing, 3), "self_citations": len(own), "citations": citing,
                         "citing_works": own[:10], "detail": f"{len(own)} of {citing} works citing this author's works are their own"})
    if len(circle) / citing >= AUTHOR_CLUSTER_SHARE:
        evidence.append({"kind": "coauthor_cluster", "score": round(len(circle) / citing, 3), "cluster_citations": len(circle), "citations": citing,
                         "citing_works": circle[:10], "cluster": coauthors[:20],
                         "detail": f"{len(circle)} of {citing} works citing this author's works are by their co-authors ({', '.join(coauthors[:5])})"})
    if not evidence:
        return None
    severity = "medium" if evidence[0]["kind"] == "self_citation_share" else "low"
    return Flag("citation_anomaly", severity, "Citations to this author's works come mostly from their own works or their co-authors", tuple(evidence))


def ring_flag(ring: Ring, names: Mapping[int, str]) -> Flag:
    """The flag each member of a citation ring carries: the group, and its ties as evidence."""
    shown = [names.get(m, str(m)) for m in ring.members]
    ties = [{"citer": t.citer, "cited": t.cited, "works": list(t.works[:EXAMPLES]), "share": t.share} for t in ring.ties]
    cited_works = sorted({w for t in ring.ties for w in t.works})
    evidence = {"kind": "cross_topic_ring", "members": shown, "member_ids": list(ring.members), "ties": ties[:60], "tie_count": len(ring.ties),
                "cited_works": cited_works[:EXAMPLES],
                "detail": f"{len(ring.members)} records with no joint work whose works cite, across topics, {TIE_SHARE:.0%} or more of each "
                          f"other's works ({len(ring.ties)} such ties among them: {', '.join(shown[:6])}{'…' if len(shown) > 6 else ''})"}
    return Flag("citation_ring", "high", "Part of a group of researchers who never wrote together and cite each other's works across topics", (evidence,))


def derive_authors(graph: CitationGraph, coauthors: Mapping[int, set[int]], rings: Mapping[int, Ring] | None = None) -> Iterator[Derived]:
    works_of: dict[int, list[int]] = defaultdict(list)
    for w in graph.works.values():
        for a in w.authors:
            works_of[a].append(w.id)
    for aid in sorted(works_of):
        mine = set(works_of[aid])
        circle_people = coauthors.get(aid, set())
        citing = sorted({c for wid in mine for c in graph.cited_by.get(wid, ())})
        own, circle = [], []
        citers: Counter[int] = Counter()
        for cid in citing:
            authors = graph.works[cid].authors
            if aid in authors:
                own.append(cid)
            elif authors & circle_people:
                circle.append(cid)
                citers.update(authors & circle_people)
        top = [graph.names.get(a, str(a)) for a, _ in sorted(citers.items(), key=lambda kv: (-kv[1], kv[0]))]
        ring = (rings or {}).get(aid)
        facts = {"v": GRAPH_CHECKS_VERSION, "citing": len(citing), "own": own, "circle": circle, "top": top[:20],
                 "ring": [list(ring.members), [[t.citer, t.cited, list(t.works)] for t in ring.ties]] if ring else None}
        found = check_author_citations(aid, len(citing), own, circle, top)
        flags = [(found, (("author", aid, "subject"),))] if found is not None else []
        if ring is not None:
            flags.append((ring_flag(ring, graph.names), (("author", aid, "subject"),)))
        yield Derived("author", aid, _hash(facts), tuple(flags))


def derive_graph_flags(graph: CitationGraph) -> Iterator[Derived]:
    """Every work's and every author's graph-level flags, with the hash of their inputs."""
    coauthors = coauthors_by_author(graph)
    yield from derive_works(graph, coauthors)
    yield from derive_authors(graph, coauthors, find_rings(graph, coauthors))


@dataclass(frozen=True, slots=True)
class GraphCheckReport:
    works: int
    authors: int
    rewritten: int  # entities whose inputs (or the rules) changed since the last run
    unchanged: int
    removed: int  # entities gone from the graph, their flags dropped
    flags: dict[str, int]  # graph-level flags now standing, by kind
    code_version: str = GRAPH_CHECKS_VERSION


def run_graph_checks(store: Store) -> GraphCheckReport:
    """Run the graph-level checks on every work and author; store the flags of those whose
    inputs changed, leave the rest untouched (a second run writes nothing)."""
    graph = store_integrity.citation_graph(store)
    before = store_integrity.derived_states(store)
    results = list(derive_graph_flags(graph))
    changed = [d for d in results if before.get((d.entity_kind, d.entity_id)) != (GRAPH_CHECKS_VERSION, d.inputs_hash)]
    present = {(d.entity_kind, d.entity_id) for d in results}
    gone = sorted(k for k in before if k not in present)
    if changed or gone:
        store_integrity.write_graph_flags(store, changed, gone, GRAPH_CHECKS_VERSION)
    kinds: Counter[str] = Counter(flag.kind for d in results for flag, _ in d.flags)
    return GraphCheckReport(
        works=sum(1 for d in results if d.entity_kind == "work"),
        authors=sum(1 for d in results if d.entity_kind == "author"),
        rewritten=len(changed),
        unchanged=len(results) - len(changed),
        removed=len(gone),
        flags=dict(sorted(kinds.items())),
    )
