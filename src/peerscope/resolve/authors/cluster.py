"""Clustering the mentions of a block into people, under constraints, and attaching new ones.

Average-linkage agglomerative clustering over the pair scores: the two clusters whose mentions
are on average most alike merge first, until no two clusters average at least the threshold.
User claims and moderator corrections are constraints, applied inside the clustering rather
than as patches afterwards: a must-link pair starts in one cluster, and clusters holding the two
sides of a cannot-link pair are never merged.

Every result is a ``Link``: which cluster a mention went to, and the evidence and score that put
it there (the member it is most alike and their pairwise evidence), so a profile can answer
"why is this work on this profile".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from peerscope.errors import InputError
from peerscope.resolve.authors.blocking import group_by_block
from peerscope.resolve.authors.cluster_merge import CLUSTER_FEATURES, ClusterMerge, ClusterPool, apply_merges, merge_clusters
from peerscope.resolve.authors.features import COMMON_VARIANTS, GivenNameVariants, PairEvidence, cross_features
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.scorer import PairScorer

MUST_LINK_SCORE = float("inf")


class ConstraintConflict(InputError):
    """Must-link constraints join two mentions that a cannot-link constraint keeps apart."""


@dataclass(frozen=True, slots=True)
class Constraints:
    """Pairs of mention ids that must be, or must never be, the same person."""

    must_link: frozenset[frozenset[str]] = frozenset()
    cannot_link: frozenset[frozenset[str]] = frozenset()

    @classmethod
    def of(cls, must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = ()) -> Constraints:
        return cls(frozenset(frozenset(p) for p in must_link if p[0] != p[1]), frozenset(frozenset(p) for p in cannot_link if p[0] != p[1]))

    def must(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.must_link

    def cannot(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.cannot_link


NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True, slots=True)
class Merge:
    """Clusters ``kept`` and ``absorbed`` (index of a founding mention each) joined at ``score``."""

    kept: int
    absorbed: int
    score: float


@dataclass(frozen=True, slots=True)
class Link:
    """Why a mention is in its cluster.

    ``reason`` is ``linked`` (clustered with the others of its block), ``cluster_merge`` (its
    group of mentions was joined to the cluster by the cluster-level pass), ``attached`` (joined
    an existing cluster), ``must_link`` (a constraint put it there) or ``alone`` (no cluster was
    alike enough). ``score`` is its average score with the rest of the cluster (for
    ``cluster_merge``, the score of the cluster-level merge); ``partner`` is the member it is most
    alike, with their evidence and what each feature added to the log-odds. For
    ``cluster_merge`` the evidence also holds the pooled cluster evidence of that merge and the
    contributions are those of the cluster-level model.
    """

    mention_id: str
    cluster_id: str
    reason: str
    score: float | None = None
    partner: str | None = None
    partner_score: float | None = None
    evidence: PairEvidence | None = None
    contributions: tuple[tuple[str, float], ...] = ()


def _pairs_in(pairs: frozenset[frozenset[str]], index: dict[str, int]) -> list[tuple[int, int]]:
    out = []
    for pair in pairs:
        a, b = tuple(pair)
        if a in index and b in index:
            out.append((index[a], index[b]))
    return sorted(out)


def linkage(scores: np.ndarray, ids: Sequence[str], constraints: Constraints = NO_CONSTRAINTS, floor: float = 0.0) -> list[Merge]:
    """The merges of average-linkage clustering down to ``floor``, must-links first (at +inf).

    ``scores`` is the symmetric (n, n) matrix of pair scores. Each step costs O(n²) array work,
    so a block of n mentions costs O(n³) in numpy and O(n) in Python."""
    n = len(ids)
    index = {m: i for i, m in enumerate(ids)}
    total = scores.astype(np.float64).copy()  # sum of pair scores between two clusters
    np.fill_diagonal(total, 0.0)
    size = np.ones(n)
    blocked = np.zeros((n, n), dtype=bool)
    for a, b in _pairs_in(constraints.cannot_link, index):
        blocked[a, b] = blocked[b, a] = True
    average = total.copy()
    np.fill_diagonal(average, -np.inf)
    average[blocked] = -np.inf
    merges: list[Merge] = []

    active = np.ones(n, dtype=bool)

    def merge(a: int, b: int, score: float) -> None:
        total[a] += total[b]
        total[:, a] = total[a]
        size[a] += size[b]
        active[b] = False
        blocked[a] |= blocked[b]
        blocked[:, a] = blocked[a]
        row = np.full(n, -np.inf)
        np.divide(total[a], size[a] * size, out=row, where=active)
        row[blocked[a]] = -np.inf
        row[a] = -np.inf
        average[a] = row
        average[:, a] = row
        average[b] = -np.inf
        average[:, b] = -np.inf
        merges.append(Merge(a, b, score))

    root = list(range(n))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for a, b in _pairs_in(constraints.must_link, index):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if blocked[ra, rb]:
            raise ConstraintConflict(f"must-link constraints join {ids[a]} and {ids[b]} with a mention they cannot be linked to")
        kept, absorbed = min(ra, rb), max(ra, rb)
        root[absorbed] = kept
        merge(kept, absorbed, MUST_LINK_SCORE)

    while True:
        flat = int(np.argmax(average))
        a, b = divmod(flat, n)
        best = average[a, b]
        if not np.isfinite(best) or best < floor:
            return merges
        kept, absorbed = min(a, b), max(a, b)
        merge(kept, absorbed, float(best))


def cut(n: int, merges: Sequence[Merge], threshold: float) -> list[int]:
    """Cluster number of each of n mentions when merging stops below ``threshold``.

    Average linkage never merges at a higher score after a lower one, so this equals clustering
    with that threshold; numbering follows the first mention of each cluster."""
    root = list(range(n))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for m in merges:
        if m.score < threshold:
            break
        root[find(m.absorbed)] = find(m.kept)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(find(i), len(numbers)) for i in range(n)]


def _explain(
    mention: AuthorMention, members: Sequence[int], i: int, ids: Sequence[str], scores: np.ndarray, features: np.ndarray,
    scorer: PairScorer, cluster_id: str, reason: str, constraints: Constraints,
) -> Link:
    others = [j for j in members if j != i]
    if not others:
        return Link(mention.mention_id, cluster_id, "alone")
    row = scores[i, others]
    best = others[int(np.argmax(row))]
    if constraints.must_link and any(constraints.must(mention.mention_id, ids[j]) for j in others):
        reason = "must_link"
    return Link(
        mention.mention_id, cluster_id, reason, round(float(row.mean()), 4), ids[best], round(float(scores[i, best]), 4),
        PairEvidence.from_row(features[i, best]), tuple(scorer.contributions(features[i, best]).items()),
    )


def _blocked_clusters(labels: Sequence[int], ids: Sequence[str], constraints: Constraints) -> np.ndarray:
    count = max(labels) + 1
    blocked = np.zeros((count, count), dtype=bool)
    for a, b in _pairs_in(constraints.cannot_link, {m: i for i, m in enumerate(ids)}):
        blocked[labels[a], labels[b]] = blocked[labels[b], labels[a]] = True
    return blocked


def _explain_merged(
    mention: AuthorMention, i: int, group: Sequence[int], members: Sequence[int], ids: Sequence[str], scores: np.ndarray,
    features: np.ndarray, merge: ClusterMerge, scorer: PairScorer, cluster_id: str,
) -> Link:
    """A mention whose starting group was joined to its cluster by the cluster-level pass: the
    merge's score, pooled evidence and contributions, and its most alike member outside its group."""
    assert scorer.merger is not None
    in_group = set(group)
    others = [j for j in members if j not in in_group]
    best = others[int(np.argmax(scores[i, others]))]
    pooled = tuple((name, round(v, 4)) for name, v in zip(CLUSTER_FEATURES, merge.features, strict=True) if v != 0)
    evidence = PairEvidence(PairEvidence.from_row(features[i, best]).values + pooled)
    return Link(
        mention.mention_id, cluster_id, "cluster_merge", round(merge.score, 4), ids[best], round(float(scores[i, best]), 4),
        evidence, tuple(scorer.merger.contributions(np.asarray(merge.features)).items()),
    )


def cluster_block(
    mentions: Sequence[AuthorMention], scorer: PairScorer, constraints: Constraints = NO_CONSTRAINTS,
    variants: GivenNameVariants = COMMON_VARIANTS, *, cluster_prefix: str | None = None,
) -> list[Link]:
    """Cluster one block; cluster ids are ``<prefix>#<n>`` (the prefix defaults to the block key).

    Average linkage first; then, when the scorer carries a cluster-level model, whole clusters
    are compared and merged (``cluster_merge``), never across a cannot-link pair."""
    if not mentions:
        return []
    ids = [m.mention_id for m in mentions]
    features = cross_features(mentions, mentions, variants)
    scores = scorer.probabilities(features)
    groups = cut(len(mentions), linkage(scores, ids, constraints, floor=scorer.threshold), scorer.threshold)
    labels = groups
    absorbed_by: dict[int, ClusterMerge] = {}
    if scorer.merger is not None and max(groups) > 0:
        pool = ClusterPool(mentions, features, scores, groups)
        merges = merge_clusters(pool, scorer.merger, _blocked_clusters(groups, ids, constraints))
        absorbed_by = {m.absorbed: m for m in merges}
        roots = apply_merges(groups, merges, scorer.merger.threshold)
        numbers: dict[int, int] = {}
        labels = [numbers.setdefault(r, len(numbers)) for r in roots]
    prefix = cluster_prefix if cluster_prefix is not None else mentions[0].block
    members: dict[int, list[int]] = {}
    in_group: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
        in_group.setdefault(groups[i], []).append(i)
    links = []
    for i, m in enumerate(mentions):
        cluster_id = f"{prefix}#{labels[i]}"
        merge = absorbed_by.get(groups[i])
        if merge is not None and not (constraints.must_link and any(constraints.must(m.mention_id, ids[j]) for j in members[labels[i]] if j != i)):
            links.append(_explain_merged(m, i, in_group[groups[i]], members[labels[i]], ids, scores, features, merge, scorer, cluster_id))
        else:
            links.append(_explain(m, members[labels[i]], i, ids, scores, features, scorer, cluster_id, "linked", constraints))
    return links


def cluster_mentions(
    mentions: Iterable[AuthorMention], scorer: PairScorer, constraints: Constraints = NO_CONSTRAINTS,
    variants: GivenNameVariants = COMMON_VARIANTS,
) -> list[Link]:
    """Block the mentions by their key and cluster each block."""
    return [link for block in group_by_block(mentions).values() for link in cluster_block(block, scorer, constraints, variants)]


@dataclass(frozen=True, slots=True)
class ExistingCluster:
    cluster_id: str
    members: tuple[AuthorMention, ...]


def attach(
    clusters: Sequence[ExistingCluster], new: Sequence[AuthorMention], scorer: PairScorer,
    constraints: Constraints = NO_CONSTRAINTS, variants: GivenNameVariants = COMMON_VARIANTS,
) -> list[Link]:
    """Assign new mentions without reclustering: each joins the existing cluster of its block it
    averages best with (at least the threshold, no cannot-link with a member; a must-link with a
    member decides outright); the rest are clustered among themselves into new clusters, named
    ``new:<block>#<n>``. Existing clusters are never split or merged here."""
    by_block: dict[str, list[ExistingCluster]] = {}
    for cluster in clusters:
        for block in dict.fromkeys(m.block for m in cluster.members):
            by_block.setdefault(block, []).append(cluster)
    links: dict[str, Link] = {}
    for block, arrivals in group_by_block(new).items():
        candidates = by_block.get(block, [])
        members = [m for c in candidates for m in c.members]
        owner = [k for k, c in enumerate(candidates) for _ in c.members]
        leftovers: list[AuthorMention] = []
        if members:
            features = cross_features(arrivals, members, variants)
            scores = scorer.probabilities(features)
            owner_array = np.array(owner)
            for i, mention in enumerate(arrivals):
                link = _attach_one(mention, i, candidates, members, owner_array, scores, features, scorer, constraints)
                if link is None:
                    leftovers.append(mention)
                else:
                    links[mention.mention_id] = link
        else:
            leftovers = list(arrivals)
        for link in cluster_block(leftovers, scorer, constraints, variants, cluster_prefix=f"new:{block}"):
            links[link.mention_id] = link
    return [links[m.mention_id] for m in new]


def _attach_one(
    mention: AuthorMention, i: int, candidates: Sequence[ExistingCluster], members: Sequence[AuthorMention], owner: np.ndarray,
    scores: np.ndarray, features: np.ndarray, scorer: PairScorer, constraints: Constraints,
) -> Link | None:
    must = {int(owner[j]) for j, m in enumerate(members) if constraints.must(mention.mention_id, m.mention_id)}
    barred = {int(owner[j]) for j, m in enumerate(members) if constraints.cannot(mention.mention_id, m.mention_id)}
    if len(must) > 1 or must & barred:
        raise ConstraintConflict(f"constraints on {mention.mention_id} point to clusters it cannot join together")
    averages = np.array([scores[i, owner == k].mean() for k in range(len(candidates))])
    if must:
        chosen, reason = must.pop(), "must_link"
    else:
        allowed = [k for k in range(len(candidates)) if k not in barred]
        if not allowed:
            return None
        chosen = max(allowed, key=lambda k: averages[k])
        if averages[chosen] < scorer.threshold:
            return None
        reason = "attached"
    columns = np.flatnonzero(owner == chosen)
    best = int(columns[np.argmax(scores[i, columns])])
    return Link(
        mention.mention_id, candidates[chosen].cluster_id, reason, round(float(averages[chosen]), 4), members[best].mention_id,
        round(float(scores[i, best]), 4), PairEvidence.from_row(features[i, best]), tuple(scorer.contributions(features[i, best]).items()),
    )
