"""Resolution runs: read what the store holds, resolve it (pure), store the decisions.

``resolve_authors`` re-clusters every byline into authors with stable ids; ``resolve_works``
folds stored works that are one paper without sharing an identifier. Both keep the reasons
they decided as they did, and recompute the derived rows they changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from peerscope.derive.profile_counts import CollaborationRule
from peerscope.normalize.records import ExternalId
from peerscope.pipeline import derive_pending
from peerscope.resolve.author_plan import BylineInput, mention_id, plan_resolution
from peerscope.resolve.authors.mentions import make_mention
from peerscope.resolve.authors.scorer import HAND_WEIGHTED, PairScorer
from peerscope.resolve.works import MATCHER_VERSION, PREPRINT_TYPES, MatchRecord, WorkMatch, main_title, match_works, normalize_title, surname_key
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.store.writer import Writer


# The store's scorers: the hand-weighted evidence (the shipped PubMed fit is for initials-only
# bylines). Lone bylines cluster at 0.5, chosen on a generated validation corpus (seed 2) and
# reported on another seed by `peerscope bench resolve`. Two profiles a source (or an earlier
# run) already built are joined only by an ORCID iD, a claim or a correction, never on pair
# evidence by default: on the validation corpus (20,000 works) 21 of the 26 joins that evidence
# made at 0.99 put two people together, and a profile mixing two people is the worse error.
# `resolve authors --join-profiles-at P` joins them on evidence at probability P.
DEFAULT_SCORER = HAND_WEIGHTED.with_threshold(0.5)
PROFILES_JOIN_ONLY_BY_CONSTRAINT = HAND_WEIGHTED.with_threshold(1.01)  # above any probability: must-links only
DEFAULT_GROUP_SCORER = PROFILES_JOIN_ONLY_BY_CONSTRAINT


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class AuthorResolutionReport:
    run_id: int
    engine: str
    bylines: int
    blocks: int
    clusters: int
    moved: int
    created: int
    merged: int
    split: int
    seconds: float
    bylines_per_second: float

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def byline_inputs(contexts: Iterable[store_resolution.BylineContext]) -> list[BylineInput]:
    """The store's bylines as resolution inputs (affiliations and emails as one address text,
    the work's topics as keywords)."""
    out = []
    for c in contexts:
        byline = (c.work_id, c.position)
        address = "; ".join((*c.affiliations, *c.emails)) or None
        mention = make_mention(
            mention_id(byline), c.name, coauthors=c.coauthors, affiliation=address, title=c.title,
            keywords=c.topics, venue=c.venue, date=c.year, language=c.language,
        )
        out.append(BylineInput(byline, mention, c.author_id, c.name, c.orcid, c.held))
    return out


def resolve_authors(
    store: Store, *, engine: str = "process", scorer: PairScorer | None = None, group_scorer: PairScorer | None = None,
    rule: CollaborationRule = CollaborationRule(), incremental: bool = False,
) -> AuthorResolutionReport:
    """Re-cluster every byline of the graph into authors, keep the ids people know, store the
    run (with what explains and undoes it) and recompute the profiles it changed."""
    from peerscope.engines import block_runner  # engines load DuckDB or Spark only when asked

    started_at, started = _now(), time.perf_counter()
    inputs = byline_inputs(store_resolution.byline_contexts(store))
    plan = plan_resolution(inputs, store_resolution.constraints(store), scorer or DEFAULT_SCORER, block_runner(engine), group_scorer or DEFAULT_GROUP_SCORER, incremental=incremental)
    applied = store_resolution.apply_plan(store, plan, started_at)
    derive_pending(store, rule)
    seconds = time.perf_counter() - started
    return AuthorResolutionReport(
        run_id=applied.run_id, engine=engine, bylines=len(inputs), blocks=plan.summary["blocks"], clusters=plan.summary["clusters"],
        moved=applied.moved, created=len(applied.created), merged=len(applied.merged), split=len(applied.split),
        seconds=round(seconds, 3), bylines_per_second=round(len(inputs) / seconds, 1) if seconds else 0.0,
    )


@dataclass(frozen=True, slots=True)
class WorkResolutionReport:
    works: int
    compared_pairs: int
    matched_pairs: int
    folded: int  # works folded into another
    refused: int  # matches refused by the guard against chaining
    seconds: float

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def match_input(c: store_resolution.WorkMatchContext) -> MatchRecord:
    """A stored work as the matcher sees it."""
    keys = [surname_key(n) for n in c.names]
    first, first_initials = keys[0] if keys else ("", "")
    return MatchRecord(
        id=str(c.work_id),
        title=normalize_title(c.title),
        year=c.year,
        first_author=first,
        first_initials=first_initials,
        authors=frozenset(k for k, _ in keys if k),
        ids=tuple(ExternalId(scheme, value) for scheme, value in c.ids),
        venue=normalize_title(c.venue) or None,
        is_preprint=c.type in PREPRINT_TYPES or c.sources == ("arxiv",),
        short_title=main_title(c.title),
    )


def resolve_works(store: Store, *, rule: CollaborationRule = CollaborationRule()) -> WorkResolutionReport:
    """Find stored works that are one paper without sharing an identifier (a preprint and its
    published version) and fold each group into its oldest work, which keeps every record as a
    version and location; the others redirect to it, and the decision is kept as its reason."""
    started = time.perf_counter()
    contexts = store_resolution.work_match_contexts(store)
    records = [match_input(c) for c in contexts]
    result = match_works(records)
    decisions_by_pair = {(m.left, m.right): m for m in result.matches} | {(m.right, m.left): m for m in result.matches}
    groups, decisions = [], []
    for members in result.groups:
        if len(members) < 2:
            continue
        ids = sorted(contexts[i].work_id for i in members)
        survivor, others = ids[0], ids[1:]
        groups.append((survivor, others, f"same paper as {survivor} ({MATCHER_VERSION})"))
        for other in others:
            match = decisions_by_pair.get((str(survivor), str(other))) or _best_link(other, ids, decisions_by_pair)
            decisions.append(
                {
                    "survivor_id": survivor,
                    "folded_id": other,
                    "rule": match.rule if match else "group",
                    "score": round(match.score, 4) if match else 0.0,
                    "evidence": orjson.dumps([{"kind": e.kind, "value": e.value, "note": e.note} for e in (match.evidence if match else ())]).decode(),
                    "matcher_version": MATCHER_VERSION,
                }
            )
    folded = Writer(store).fold(groups, decisions) if groups else None
    derive_pending(store, rule)
    return WorkResolutionReport(
        works=len(records), compared_pairs=result.compared_pairs, matched_pairs=len(result.matches),
        folded=sum(len(g[1]) for g in groups) if folded is not None else 0, refused=len(result.refused),
        seconds=round(time.perf_counter() - started, 3),
    )


def _best_link(work_id: int, group: Sequence[int], decisions: Mapping[tuple[str, str], WorkMatch]) -> WorkMatch | None:
    """The strongest accepted match between ``work_id`` and another member of its group."""
    found = [decisions[(str(work_id), str(o))] for o in group if (str(work_id), str(o)) in decisions]
    return max(found, key=lambda m: m.score) if found else None
