"""From the graph the store reads to one ``TrustInputs`` per author. Pure: no I/O.

Citations are classified here, once, for every author they reach: a citing work is ``self``
when the cited author is on its byline, ``coauthor`` when one of the cited author's co-authors
is, ``reciprocal`` when its authors are people the cited author cites in turn (a ring),
``deleted`` when no source describes it any more, and ``independent`` otherwise.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from peerscope.derive.trust.inputs import (
    COAUTHOR,
    DELETED,
    INDEPENDENT,
    RECIPROCAL,
    SELF,
    CitingWork,
    FlagInput,
    ResolutionInputs,
    TrustInputs,
    WorkInput,
)
from peerscope.derive.trust.model import verification_level
from peerscope.store.trust import GraphWork, TrustGraph

SMALL_BYLINE = 25  # co-authorship on bylines longer than this makes no one a collaborator
PEER_REVIEWED = frozenset({"article", "review", "book-chapter", "book", "proceedings-article", "journal-article", "letter"})
PREPRINTS = frozenset({"preprint", "posted-content"})


def work_kind(w: GraphWork) -> str:
    if w.type in PREPRINTS:
        return "preprint"
    return "peer_reviewed" if w.type in PEER_REVIEWED else "other"


def field_baselines(graph: TrustGraph) -> dict[tuple[str, int | None], float]:
    """Mean linked citations per work, by field and year."""
    received = Counter(cited for _citing, cited in graph.citations)
    totals: Counter[tuple[str, int | None]] = Counter()
    sizes: Counter[tuple[str, int | None]] = Counter()
    for w in graph.works.values():
        totals[(w.field, w.year)] += received[w.id]
        sizes[(w.field, w.year)] += 1
    return {k: totals[k] / sizes[k] for k in sizes}


def build_inputs(graph: TrustGraph) -> dict[int, TrustInputs]:
    """One ``TrustInputs`` per author with at least one byline, network included."""
    authors_of: dict[int, set[int]] = {}
    works_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for wid, bylines in graph.bylines.items():
        authors_of[wid] = {b.author_id for b in bylines if b.author_id is not None}
        for b in bylines:
            if b.author_id is not None:
                works_of[b.author_id].append((wid, b.position))
    coauthors: dict[int, set[int]] = defaultdict(set)
    for wid, bylines in graph.bylines.items():
        if len(bylines) <= SMALL_BYLINE:
            for a in authors_of[wid]:
                coauthors[a] |= authors_of[wid] - {a}
    cites: dict[int, set[int]] = defaultdict(set)  # author -> the authors their works cite
    for citing, cited in graph.citations:
        for a in authors_of.get(citing, ()):
            cites[a] |= authors_of.get(cited, set()) - {a}
    spread: Counter[tuple[int, int]] = Counter()  # (citing work, cited author) -> works of theirs it cites
    for citing, cited in graph.citations:
        for a in authors_of.get(cited, ()):
            spread[(citing, a)] += 1
    citing_of: dict[tuple[int, int], list[CitingWork]] = defaultdict(list)  # (cited work, author) -> citing works
    for citing, cited in graph.citations:
        citers = authors_of.get(citing, set())
        src = graph.works.get(citing)
        for a in authors_of.get(cited, ()):
            if src is not None and not src.sources:
                rel = DELETED
            elif a in citers:
                rel = SELF
            elif citers & coauthors[a]:
                rel = COAUTHOR
            elif citers & cites[a]:
                rel = RECIPROCAL
            else:
                rel = INDEPENDENT
            citing_of[(cited, a)].append(CitingWork(citing, rel, spread[(citing, a)]))
    baselines = field_baselines(graph)
    out: dict[int, TrustInputs] = {}
    for aid, mine in works_of.items():
        works = []
        for wid, pos in sorted(set(mine)):
            w = graph.works.get(wid)
            if w is None:
                continue
            byline = next(b for b in graph.bylines[wid] if b.position == pos)
            rule, score = graph.links.get((wid, pos), (None, None))
            works.append(WorkInput(
                work_id=wid, year=w.year, month=w.month, kind=work_kind(w), thin=not w.has_abstract,
                retracted=w.retracted or "retraction" in w.notices, concern="expression_of_concern" in w.notices,
                sources=w.sources, conflicts=graph.conflicts.get(wid, 0), link_rule=rule, link_score=None if score is None else round(score, 4),
                orcid_asserted_by=byline.source if byline.orcid else None, retrieved=w.retrieved,
                field_baseline=round(baselines.get((w.field, w.year), 0.0), 4),
                citing=tuple(sorted(citing_of.get((wid, aid), ()), key=lambda c: c.work_id)),
            ))
        by_work = {w.work_id: w for w in works}  # one entry per work even with two bylines on it
        out[aid] = TrustInputs(
            author_id=aid,
            works=tuple(by_work[k] for k in sorted(by_work)),
            resolution=ResolutionInputs(graph.merges.get(aid, 0), graph.splits.get(aid, 0), graph.last_run.get(aid)),
            flags=tuple(FlagInput(*f) for f in graph.flags.get(aid, ())),
            self_asserted_ids=graph.self_asserted.get(aid, 0),
            coauthor_ids=tuple(sorted(coauthors.get(aid, ()))),
        )
    verified = {aid for aid, i in out.items() if verification_level(i) != "L0"}
    return {aid: dataclasses.replace(i, verified_coauthors=tuple(c for c in i.coauthor_ids if c in verified)) for aid, i in out.items()}
