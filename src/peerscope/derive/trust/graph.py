"""From the graph the store reads to one ``TrustInputs`` per author. Pure: no I/O.

Citations are classified here, once, for every author they reach: a citing work is ``self``
when the cited author is on its byline, ``coauthor`` when one of the cited author's co-authors
is, ``reciprocal`` when its authors are people the cited author cites in turn (a ring),
``deleted`` when no source describes it any more, and ``independent`` otherwise.
"""

from __future__ import annotations

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
from peerscope.store.trust import GraphByline, GraphWork, TrustGraph

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


class TrustContext:
    """Indexes over the whole graph from which any one author's ``TrustInputs`` is built on
    demand, so a run holds the graph and one batch of inputs, never every author's at once."""

    def __init__(self, graph: TrustGraph) -> None:
        self.graph = graph
        self.authors_of: dict[int, frozenset[int]] = {}
        works_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.byline_at: dict[tuple[int, int], GraphByline] = {}
        for wid, bylines in graph.bylines.items():
            self.authors_of[wid] = frozenset(b.author_id for b in bylines if b.author_id is not None)
            for b in bylines:
                self.byline_at.setdefault((wid, b.position), b)
                if b.author_id is not None:
                    works_of[b.author_id].append((wid, b.position))
        self.works_of = {aid: sorted(set(v)) for aid, v in works_of.items()}
        refs: dict[int, list[int]] = defaultdict(list)
        cited_by: dict[int, list[int]] = defaultdict(list)
        for citing, cited in graph.citations:
            refs[citing].append(cited)
            cited_by[cited].append(citing)
        self.refs_of = dict(refs)
        self.cited_by = {k: sorted(v) for k, v in cited_by.items()}
        self.baselines = field_baselines(graph)
        self._verified: frozenset[int] | None = None

    def author_ids(self) -> list[int]:
        """Every author with at least one byline, in id order."""
        return sorted(self.works_of)

    def coauthors(self, aid: int) -> set[int]:
        out: set[int] = set()
        for wid, _pos in self.works_of.get(aid, ()):
            if len(self.graph.bylines[wid]) <= SMALL_BYLINE:
                out |= self.authors_of[wid]
        out.discard(aid)
        return out

    def cited_authors(self, aid: int) -> set[int]:
        """The authors this author's works cite (themself left out)."""
        out: set[int] = set()
        for wid, _pos in self.works_of.get(aid, ()):
            for cited in self.refs_of.get(wid, ()):
                out |= self.authors_of.get(cited, frozenset())
        out.discard(aid)
        return out

    def _work_input(self, aid: int, wid: int, pos: int, citing: tuple[CitingWork, ...]) -> WorkInput | None:
        w = self.graph.works.get(wid)
        if w is None:
            return None
        byline = self.byline_at[(wid, pos)]
        rule, score = self.graph.links.get((wid, pos), (None, None))
        return WorkInput(
            work_id=wid, year=w.year, month=w.month, kind=work_kind(w), thin=not w.has_abstract,
            retracted=w.retracted or "retraction" in w.notices, concern="expression_of_concern" in w.notices,
            sources=w.sources, conflicts=self.graph.conflicts.get(wid, 0), link_rule=rule, link_score=None if score is None else round(score, 4),
            orcid_asserted_by=byline.source if byline.orcid else None, retrieved=w.retrieved,
            field_baseline=round(self.baselines.get((w.field, w.year), 0.0), 4), citing=citing,
        )

    def _citing(self, aid: int, coauthors: set[int]) -> dict[int, tuple[CitingWork, ...]]:
        """For each of the author's works, the works citing it (in id order), each with its
        relation to the author."""
        mine = {wid for wid, _pos in self.works_of.get(aid, ())}
        cited_by, authors_of, works = self.cited_by, self.authors_of, self.graph.works
        spread: Counter[int] = Counter(c for wid in mine for c in cited_by.get(wid, ()))
        cited: set[int] | None = None  # built only when a citation needs it
        empty: frozenset[int] = frozenset()
        out: dict[int, tuple[CitingWork, ...]] = {}
        for wid in mine:
            items = []
            for c in cited_by.get(wid, ()):
                citers = authors_of.get(c, empty)
                src = works.get(c)
                if src is not None and not src.sources:
                    rel = DELETED
                elif aid in citers:
                    rel = SELF
                elif not citers.isdisjoint(coauthors):
                    rel = COAUTHOR
                else:
                    if cited is None:
                        cited = self.cited_authors(aid)
                    rel = INDEPENDENT if citers.isdisjoint(cited) else RECIPROCAL
                items.append(CitingWork(c, rel, spread[c]))
            out[wid] = tuple(items)
        return out

    def _works(self, aid: int, citing: dict[int, tuple[CitingWork, ...]] | None) -> tuple[WorkInput, ...]:
        by_work: dict[int, WorkInput] = {}  # one entry per work even with two bylines on it
        for wid, pos in self.works_of.get(aid, ()):
            w = self._work_input(aid, wid, pos, citing.get(wid, ()) if citing else ())
            if w is not None:
                by_work[wid] = w
        return tuple(by_work[k] for k in sorted(by_work))

    def verified(self) -> frozenset[int]:
        """Authors at L1 or above (their works alone decide it while nothing is claimed)."""
        if self._verified is None:
            self._verified = frozenset(
                aid for aid in self.works_of
                if verification_level(TrustInputs(author_id=aid, works=self._works(aid, None))) != "L0"
            )
        return self._verified

    def inputs(self, aid: int) -> TrustInputs:
        g = self.graph
        coauthors = self.coauthors(aid)
        verified = self.verified()
        return TrustInputs(
            author_id=aid,
            works=self._works(aid, self._citing(aid, coauthors)),
            resolution=ResolutionInputs(g.merges.get(aid, 0), g.splits.get(aid, 0), g.last_run.get(aid)),
            flags=tuple(FlagInput(*f) for f in g.flags.get(aid, ())),
            self_asserted_ids=g.self_asserted.get(aid, 0),
            verified_coauthors=tuple(sorted(c for c in coauthors if c in verified)),
            coauthor_ids=tuple(sorted(coauthors)),
        )


def build_inputs(graph: TrustGraph) -> dict[int, TrustInputs]:
    """One ``TrustInputs`` per author with at least one byline, network included (all at once:
    for small graphs and tests; a run builds them batch by batch from a ``TrustContext``)."""
    ctx = TrustContext(graph)
    return {aid: ctx.inputs(aid) for aid in ctx.author_ids()}
