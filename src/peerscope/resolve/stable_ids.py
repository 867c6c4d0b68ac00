"""Stable ids across re-clustering: which cluster keeps which existing id.

Resolution re-clusters mentions (authorships) every time it runs. Users have bookmarked,
followed and claimed the ids it handed out before, so a new clustering must reuse them:

* a cluster keeps the existing id that holds most of its mentions (ties: the older, lower id),
  each existing id going to at most one cluster;
* an existing id whose mentions all went to clusters that kept other ids is **merged**: it
  redirects to the cluster that took most of its mentions;
* an existing id whose mentions went to several clusters is **split**: it stays with the
  cluster that kept it, and the other parts get new ids (or join the ids they merged into);
* a cluster with no existing id among its mentions gets a new id.

Re-running on an unchanged clustering changes nothing. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Merge:
    old_id: int
    survivor: int  # the id the old one now redirects to
    mentions: int  # how many of its mentions moved there


@dataclass(frozen=True, slots=True)
class Split:
    old_id: int  # keeps its id, loses the mentions listed by part
    parts: tuple[tuple[int, int], ...]  # (id of the cluster that took some mentions, how many)


@dataclass(frozen=True, slots=True)
class StableAssignment:
    cluster_ids: tuple[int, ...]  # one id per input cluster, in input order
    created: tuple[int, ...]  # ids that did not exist before
    merges: tuple[Merge, ...]
    splits: tuple[Split, ...]
    moved: int  # mentions that had an id and now have another

    def id_of(self) -> dict[int, int]:
        """cluster index -> id."""
        return dict(enumerate(self.cluster_ids))


def assign_stable_ids(
    previous: Mapping[Hashable, int],
    clusters: Sequence[frozenset[Hashable] | set[Hashable]],
    new_id: Callable[[], int],
) -> StableAssignment:
    """Give every cluster an id, reusing ``previous`` (mention -> id it had) where it can.

    ``new_id`` is called once for each cluster that needs a fresh id, in cluster order.
    Mentions absent from ``previous`` are new; an id held only by mentions absent from
    ``clusters`` is left alone (it is outside what was re-clustered).
    """
    overlap: list[Counter[int]] = []
    for members in clusters:
        overlap.append(Counter(previous[m] for m in members if m in previous))
    # greedy on the largest overlaps: the assignment that keeps the most mentions on their ids
    candidates = sorted(
        ((count, -old, index, old) for index, counts in enumerate(overlap) for old, count in counts.items()),
        reverse=True,
    )
    kept: dict[int, int] = {}  # cluster index -> old id
    taken: set[int] = set()
    for _count, _neg, index, old in candidates:
        if index in kept or old in taken:
            continue
        kept[index] = old
        taken.add(old)
    ids: list[int] = []
    created: list[int] = []
    for index in range(len(clusters)):
        if index in kept:
            ids.append(kept[index])
        else:
            fresh = new_id()
            ids.append(fresh)
            created.append(fresh)
    # where each old id's mentions went
    went: dict[int, Counter[int]] = defaultdict(Counter)
    for index, counts in enumerate(overlap):
        for old, count in counts.items():
            went[old][ids[index]] += count
    merges: list[Merge] = []
    splits: list[Split] = []
    for old in sorted(went):
        destinations = went[old]
        if old in taken:
            others = tuple(sorted(((i, n) for i, n in destinations.items() if i != old), key=lambda p: (-p[1], p[0])))
            if others:
                splits.append(Split(old, others))
        else:
            survivor, count = min(destinations.items(), key=lambda p: (-p[1], p[0]))
            merges.append(Merge(old, survivor, count))
            rest = tuple(sorted(((i, n) for i, n in destinations.items() if i != survivor), key=lambda p: (-p[1], p[0])))
            if rest:
                splits.append(Split(old, rest))
    moved = sum(n for index, counts in enumerate(overlap) for old, n in counts.items() if old != ids[index])
    return StableAssignment(tuple(ids), tuple(created), tuple(merges), tuple(splits), moved)
