"""The counts a researcher profile shows: works, topics, close collaborators.

Rules (documented in docs/derived.md; change ``CODE_VERSION`` when a rule changes):
- **works**: distinct works on which the author holds an authorship.
- **topics**: distinct topics (finest level) assigned to the author's works with a score of at
  least ``TOPIC_MIN_SCORE`` (a work's source topics, else those ``derive topics`` gave it); the
  author's topic score is the sum of those scores.
- **close collaborators**: co-authors with at least ``min_joint_works`` joint works, counting only
  works whose byline has at most ``max_authors`` names (consortium papers with hundreds of names
  make no one close).
- **affiliation**: the first institution listed for the author on their most recent work (by
  year, then newest work) that names one.
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
    CountRule,
    WorkFact,
    all_author_ids,
    author_input_keys,
    recompute_profile_counts,
    stored_hashes,
)

CODE_VERSION = "profile-counts/2"  # 2: derived topics count for works without source topics
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


def inputs_hash(keys: Iterable[tuple[int, int, str]], rule: CollaborationRule) -> str:
    """Hash of an author's inputs: their works, the payload each work was built from (every
    input of the counts but derived topics comes from that payload) and each work's derived
    topics, with the rule's parameters."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{CODE_VERSION}|{TOPIC_MIN_SCORE}|{rule.min_joint_works}|{rule.max_authors}".encode())
    for work_id, raw_record_id, placed in keys:
        h.update(b"%d:%d:%s;" % (work_id, raw_record_id, placed.encode()))
    return h.hexdigest()


def compute_author(author_id: int, facts: list[WorkFact], rule: CollaborationRule, inputs: str = "") -> AuthorDerived:
    """The rules, stated plainly in Python: the reference that the store's set-based SQL
    (``recompute_profile_counts``) must agree with."""
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
        inputs_hash=inputs,
        topics=tuple((tid, n, round(topic_score[tid], 4)) for tid, n in sorted(topic_works.items())),
        collaborators=collaborators,
    )


def refresh_profile_counts(
    store: Store, author_ids: Iterable[int] | None = None, rule: CollaborationRule = CollaborationRule()
) -> RefreshReport:
    """Recompute the counts of the given authors (all when None); unchanged inputs are skipped."""
    ids = sorted(set(author_ids)) if author_ids is not None else all_author_ids(store)
    previous = stored_hashes(store, ids)
    keys = author_input_keys(store, ids)
    targets: dict[int, str] = {}
    gone: list[int] = []
    unchanged = 0
    for author_id in ids:
        mine = keys.get(author_id)
        if not mine:
            if author_id in previous:
                gone.append(author_id)
            continue
        h = inputs_hash(mine, rule)
        if previous.get(author_id) == (CODE_VERSION, h):
            unchanged += 1
        else:
            targets[author_id] = h
    if targets or gone:
        count_rule = CountRule(CODE_VERSION, TOPIC_MIN_SCORE, rule.min_joint_works, rule.max_authors)
        recompute_profile_counts(store, targets, gone, count_rule, datetime.now(UTC).replace(tzinfo=None))
    return RefreshReport(len(ids), len(targets), unchanged, len(gone))
