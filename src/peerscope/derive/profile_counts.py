"""The counts a researcher profile shows: works, topics, close collaborators.

Rules (documented in docs/derived.md; change ``CODE_VERSION`` when a rule changes):
- **works**: distinct works on which the author holds an authorship.
- **topics**: distinct topics (finest level) assigned to the author's works with a score of at
  least ``TOPIC_MIN_SCORE``; the author's topic score is the sum of those scores.
- **close collaborators**: co-authors with at least ``min_joint_works`` joint works, counting only
  works whose byline has at most ``max_authors`` names (consortium papers with hundreds of names
  make no one close).
- **affiliation**: the institution on the author's most recent work that names one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from peerscope.store.db import Store
from peerscope.store.derived import (
    AuthorDerived,
    WorkFact,
    all_author_ids,
    author_work_facts,
    stored_hashes,
    write_author_derived,
)

CODE_VERSION = "profile-counts/1"
TOPIC_MIN_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class CollaborationRule:
    min_joint_works: int = 2
    max_authors: int = 25


@dataclass(frozen=True, slots=True)
class RefreshReport:
    authors_considered: int
    authors_recomputed: int
    authors_unchanged: int
    authors_removed: int


def inputs_hash(facts: Iterable[WorkFact], rule: CollaborationRule) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{rule.min_joint_works}|{rule.max_authors}".encode())
    for f in facts:
        h.update(repr((f.work_id, f.year, f.author_ids, f.byline_size, f.topics, f.institutions)).encode())
    return h.hexdigest()


def compute_author(author_id: int, facts: list[WorkFact], rule: CollaborationRule) -> AuthorDerived:
    years = [f.year for f in facts if f.year is not None]
    topic_works: Counter[int] = Counter()
    topic_score: dict[int, float] = {}
    for f in facts:
        for tid, score in f.topics:
            if score >= TOPIC_MIN_SCORE:
                topic_works[tid] += 1
                topic_score[tid] = topic_score.get(tid, 0.0) + score
    joint: Counter[int] = Counter()
    joint_small: Counter[int] = Counter()
    spans: dict[int, tuple[int | None, int | None]] = {}
    for f in facts:
        for co in set(f.author_ids):
            if co == author_id:
                continue
            joint[co] += 1
            if f.byline_size <= rule.max_authors:
                joint_small[co] += 1
            lo, hi = spans.get(co, (None, None))
            if f.year is not None:
                lo = f.year if lo is None else min(lo, f.year)
                hi = f.year if hi is None else max(hi, f.year)
            spans[co] = (lo, hi)
    collaborators = tuple(
        (co, n, spans[co][0], spans[co][1], joint_small[co] >= rule.min_joint_works)
        for co, n in sorted(joint.items())
    )
    dated = sorted((f for f in facts if f.institutions), key=lambda f: (f.year or 0, f.work_id))
    return AuthorDerived(
        author_id=author_id,
        works_count=len({f.work_id for f in facts}),
        topics_count=len(topic_works),
        close_collaborators_count=sum(1 for c in collaborators if c[4]),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        last_institution_id=dated[-1].institutions[0] if dated else None,
        code_version=CODE_VERSION,
        inputs_hash=inputs_hash(facts, rule),
        topics=tuple((tid, n, round(topic_score[tid], 4)) for tid, n in sorted(topic_works.items())),
        collaborators=collaborators,
    )


def refresh_profile_counts(
    store: Store, author_ids: Iterable[int] | None = None, rule: CollaborationRule = CollaborationRule()
) -> RefreshReport:
    """Recompute the counts of the given authors (all when None); unchanged inputs are skipped."""
    ids = sorted(set(author_ids)) if author_ids is not None else all_author_ids(store)
    previous = stored_hashes(store, ids)
    recomputed = unchanged = removed = 0
    pending: list[AuthorDerived] = []
    gone: list[int] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for author_id, facts in author_work_facts(store, ids):
        if not facts:
            if author_id in previous:
                gone.append(author_id)
                removed += 1
            continue
        h = inputs_hash(facts, rule)
        if previous.get(author_id) == (CODE_VERSION, h):
            unchanged += 1
            continue
        pending.append(compute_author(author_id, facts, rule))
        recomputed += 1
        if len(pending) >= 2000:
            write_author_derived(store, pending, [], now)
            pending = []
    write_author_derived(store, pending, gone, now)
    return RefreshReport(len(ids), recomputed, unchanged, removed)
