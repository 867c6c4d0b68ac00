"""``citation_anomaly``: self-citation share, citations concentrated on one circle of people,
and bursts of citations.

Rules (docs/documents.md):
- a document: the share of its parsed references naming a declared author is flagged at 0.3 and
  5 references or more (medium; high at 0.5); the share naming the most-cited person or their
  co-authors on those references (a co-author cluster), when no declared author is among them,
  is flagged at 0.4 and 8 references or more (medium);
- a work in the graph: citations by citing year; a year with at least 10 citations and five
  times the median of the work's other cited years is a burst (low); the share of its citations
  from works sharing an author is flagged at 0.5 and 10 citations or more (medium); the share
  from its authors and their co-authors together at 0.7, with 5 or more from co-authors alone
  (a co-author cluster; low, as a group citing its own earlier papers is common in team science).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import median

from peerscope.derive.integrity.common import any_declared, person_key, span
from peerscope.documents.records import Document, Flag

SELF_SHARE, SELF_MIN = 0.3, 5
CLUSTER_SHARE, CLUSTER_MIN = 0.4, 8
BURST_MIN, BURST_RATIO = 10, 5.0
WORK_SELF_SHARE, WORK_SELF_MIN = 0.5, 10
WORK_CLUSTER_SHARE, WORK_CLUSTER_MIN = 0.7, 5


def check_document_citations(doc: Document) -> Flag | None:
    declared = [a.name for a in doc.authors]
    refs = [r for r in doc.references if r.authors]
    if not refs:
        return None
    evidence = []
    severity = None
    own = [r for r in refs if declared and any_declared(r.authors, declared)]
    share = len(own) / len(refs)
    if len(own) >= SELF_MIN and share >= SELF_SHARE:
        severity = "high" if share >= 0.5 else "medium"
        evidence.append({"kind": "self_citation_share", "score": round(share, 3), "self_citations": len(own), "references": len(refs),
                         "examples": [span(doc, r.start, r.start + len(r.raw)) for r in own[:5] if r.start >= 0]})
    counts: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    for r in refs:
        for key in {person_key(a) for a in r.authors}:
            counts[key] += 1
        for a in r.authors:
            shown.setdefault(person_key(a), a)
    if counts:
        top, _ = counts.most_common(1)[0]
        cluster = {top} | {person_key(a) for r in refs if top in {person_key(x) for x in r.authors} for a in r.authors}
        in_cluster = [r for r in refs if cluster & {person_key(a) for a in r.authors}]
        cluster_share = len(in_cluster) / len(refs)
        names = [shown[k] for k in cluster if k in shown]
        if len(in_cluster) >= CLUSTER_MIN and cluster_share >= CLUSTER_SHARE and not any_declared(names, declared):
            severity = severity or "medium"
            evidence.append({"kind": "coauthor_cluster", "score": round(cluster_share, 3), "references": len(in_cluster), "cluster": sorted(names)[:20]})
    if not evidence:
        return None
    return Flag("citation_anomaly", severity or "medium", "References concentrated on the authors themselves or on one circle of co-authors", tuple(evidence))


def burst(yearly: Mapping[int, int]) -> tuple[int, int] | None:
    """(year, citations) of a burst in citations by citing year, if there is one."""
    if not yearly:
        return None
    year, peak = max(yearly.items(), key=lambda kv: kv[1])
    others = [n for y, n in yearly.items() if y != year]
    base = median(others) if others else 0
    if peak >= BURST_MIN and peak >= BURST_RATIO * max(base, 1):
        return year, peak
    return None


def check_work_citations(
    work_id: int,
    yearly: Mapping[int, int],
    self_citing: int,
    total: int,
    cluster_citing: int = 0,
    examples: Mapping[str, Sequence[int]] | None = None,
) -> Flag | None:
    """The rule for one work in the graph: ``yearly`` citations by citing year, ``self_citing``
    citing works sharing an author with it, ``cluster_citing`` further citing works by a
    co-author of its authors, of ``total`` citing works; ``examples`` citing work ids by kind."""
    examples = examples or {}
    evidence = []
    severity = "low"
    found = burst(yearly)
    if found:
        evidence.append({"kind": "burst", "year": found[0], "citations": found[1], "by_year": {str(y): n for y, n in sorted(yearly.items())},
                         "detail": f"{found[1]} citations in {found[0]}, against a median of {median([n for y, n in yearly.items() if y != found[0]] or [0]):g} in its other citing years"})
    if total >= WORK_SELF_MIN and self_citing / total >= WORK_SELF_SHARE:
        severity = "medium"
        evidence.append({"kind": "self_citation_share", "score": round(self_citing / total, 3), "self_citations": self_citing, "citations": total,
                         "citing_works": list(examples.get("self", ()))[:10],
                         "detail": f"{self_citing} of {total} citing works share an author with this work"})
    if total >= WORK_SELF_MIN and (self_citing + cluster_citing) / total >= WORK_CLUSTER_SHARE and cluster_citing >= WORK_CLUSTER_MIN:
        evidence.append({"kind": "coauthor_cluster", "score": round((self_citing + cluster_citing) / total, 3), "cluster_citations": cluster_citing,
                         "self_citations": self_citing, "citations": total, "citing_works": list(examples.get("cluster", ()))[:10],
                         "detail": f"{self_citing + cluster_citing} of {total} citing works are by its authors or their co-authors ({cluster_citing} by co-authors alone)"})
    if not evidence:
        return None
    return Flag("citation_anomaly", severity, "Citations to this work come in a burst or mostly from its authors and their co-authors", tuple(evidence), work_ids=(work_id,))


def work_flags(rows: Sequence[tuple[int, Mapping[int, int], int, int]]) -> list[Flag]:
    return [f for f in (check_work_citations(*row) for row in rows) if f is not None]
