"""Fitting the scorer and choosing its threshold on labelled blocks, by cross-validation across
blocks: a block is never scored by a model, or cut at a threshold, that was chosen with it.

``fit_scorer`` fits the weights on its blocks and chooses the penalty and the linkage threshold
by an inner k-fold over those same blocks; ``cross_validate`` wraps that in an outer k-fold and
returns, for each block, the scorer fitted without it (out-of-fold).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from peerscope.resolve.authors.cluster import Merge, cut, linkage
from peerscope.resolve.authors.cluster_merge import CLUSTER_FEATURES, ClusterPool, ClusterScorer, apply_merges, merge_clusters
from peerscope.resolve.authors.features import COMMON_VARIANTS, GivenNameVariants, cross_features
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.metrics import b_cubed
from peerscope.resolve.authors.scorer import PairScorer, fit_logistic

THRESHOLDS = tuple(round(0.1 + 0.025 * i, 3) for i in range(35))  # 0.1 .. 0.95
PENALTIES = (0.3, 3.0, 30.0)
FIRST_PASS_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)  # linkage cuts tried before the cluster-level pass
MERGE_THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))  # 0.1 .. 0.9
MERGER_PENALTY = 1.0


@dataclass(frozen=True)
class LabelledBlock:
    """The mentions of one block with their gold author labels (unique within the block)."""

    key: str
    mentions: tuple[AuthorMention, ...]
    labels: tuple[str, ...]
    features: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros((0, 0, 0)))

    @classmethod
    def build(cls, key: str, mentions: Sequence[AuthorMention], labels: Sequence[str], variants: GivenNameVariants = COMMON_VARIANTS) -> LabelledBlock:
        ms = tuple(mentions)
        return cls(key, ms, tuple(labels), cross_features(ms, ms, variants))


def group_folds(sizes: Sequence[int], k: int) -> list[list[int]]:
    """Indices of the blocks in each of k folds, the largest blocks first into the lightest fold
    (the GroupKFold rule), so folds hold similar numbers of mentions. Deterministic."""
    folds: list[list[int]] = [[] for _ in range(min(k, len(sizes)))]
    load = [0] * len(folds)
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        lightest = min(range(len(folds)), key=lambda f: (load[f], f))
        folds[lightest].append(i)
        load[lightest] += sizes[i]
    return [sorted(f) for f in folds]


MAX_PAIRS_PER_BLOCK = 4000


def pair_data(blocks: Sequence[LabelledBlock], max_pairs: int = MAX_PAIRS_PER_BLOCK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, same person, weight) of the within-block pairs. A block's pairs share a weight
    in proportion to its mentions, as B-cubed counts mentions, so one large block of 40,000 pairs
    does not drown forty small ones; a block with more than ``max_pairs`` pairs gives a fixed
    random sample of them (fitting time grows with pairs, the information much less)."""
    xs, ys, ws = [], [], []
    sampler = np.random.default_rng(0)
    for block in blocks:
        n = len(block.mentions)
        if n < 2:
            continue
        first, second = np.triu_indices(n, 1)
        if len(first) > max_pairs:
            keep = np.sort(sampler.choice(len(first), max_pairs, replace=False))
            first, second = first[keep], second[keep]
        labels = np.array(block.labels, dtype=object)
        xs.append(block.features[first, second])
        ys.append((labels[first] == labels[second]).astype(np.float64))
        ws.append(np.full(len(first), n / len(first)))
    if not xs:
        raise ValueError("no block with two mentions to learn from")
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def _fit(blocks: Sequence[LabelledBlock], l2: float) -> PairScorer:
    x, y, w = pair_data(blocks)
    weights, intercept = fit_logistic(x, y, sample_weight=w, l2=l2)
    return PairScorer(weights, intercept, threshold=0.5)


def _gold_pairs(blocks: Sequence[LabelledBlock]) -> dict[Hashable, Hashable]:
    return {(b, i): (b, label) for b, block in enumerate(blocks) for i, label in enumerate(block.labels)}


def _inner_linkages(blocks: Sequence[LabelledBlock], folds: Sequence[Sequence[int]], l2: float, floor: float) -> list[tuple[np.ndarray, list[Merge]]]:
    """For every block, the pair scores and linkage merges from a scorer fitted without its fold."""
    out: list[tuple[np.ndarray, list[Merge]]] = [(np.zeros(0), [])] * len(blocks)
    for fold in folds:
        held = set(fold)
        scorer = _fit([blk for b, blk in enumerate(blocks) if b not in held], l2)
        for b in fold:
            scores = scorer.probabilities(blocks[b].features)
            out[b] = (scores, linkage(scores, [m.mention_id for m in blocks[b].mentions], floor=floor))
    return out


def cluster_pair_data(block: LabelledBlock, scores: np.ndarray, groups: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cluster features, same person, weight) for every pair of starting clusters of a block.
    A cluster's person is its most frequent gold label; a pair weighs in proportion to the
    mentions it would join, and a block's pairs together in proportion to its mentions."""
    pool = ClusterPool(block.mentions, block.features, scores, groups)
    count = len(pool)
    if count < 2:
        return np.zeros((0, len(CLUSTER_FEATURES))), np.zeros(0), np.zeros(0)
    majority = []
    for c in range(count):
        labels = [block.labels[i] for i, g in enumerate(groups) if g == c]
        majority.append(max(sorted(set(labels)), key=labels.count))
    first, second = np.triu_indices(count, 1)
    features = pool.features(np.arange(count))[first, second]
    same = np.array([majority[a] == majority[b] for a, b in zip(first, second, strict=True)], dtype=np.float64)
    weight = pool.size[first] + pool.size[second]
    return features, same, weight * (len(block.mentions) / weight.sum())


def _fit_merger(data: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], l2: float = MERGER_PENALTY) -> ClusterScorer | None:
    x, y, w = (np.concatenate([d[k] for d in data]) for k in range(3))
    if len(y) == 0 or y.min() == y.max():
        return None
    weights, intercept = fit_logistic(x, y, sample_weight=w, l2=l2)
    return ClusterScorer(weights, intercept, threshold=0.5)


def _choose_merge(
    blocks: Sequence[LabelledBlock], folds: Sequence[Sequence[int]], gold: dict[Hashable, Hashable],
    inner: Sequence[tuple[np.ndarray, list[Merge]]],
) -> tuple[float, float, float] | None:
    """(B-cubed F1, linkage threshold, merge threshold) of the best cluster-level pass over the
    inner folds: for each linkage threshold, a cluster model fitted on the other folds' clusters
    merges each held-out fold's clusters, and the merge threshold is swept."""
    chosen: tuple[float, float, float] | None = None
    for first_pass in FIRST_PASS_THRESHOLDS:
        groups = [cut(len(blk.mentions), inner[b][1], first_pass) for b, blk in enumerate(blocks)]
        data = [cluster_pair_data(blk, inner[b][0], groups[b]) for b, blk in enumerate(blocks)]
        predicted_at: dict[float, dict[Hashable, Hashable]] = {t: {} for t in MERGE_THRESHOLDS}
        for fold in folds:
            held = set(fold)
            merger = _fit_merger([d for b, d in enumerate(data) if b not in held])
            for b in fold:
                merges = []
                if merger is not None and max(groups[b]) > 0:
                    pool = ClusterPool(blocks[b].mentions, blocks[b].features, inner[b][0], groups[b])
                    merges = merge_clusters(pool, merger, np.zeros((len(pool), len(pool)), dtype=bool), floor=min(MERGE_THRESHOLDS))
                for t in MERGE_THRESHOLDS:
                    for i, g in enumerate(apply_merges(groups[b], merges, t)):
                        predicted_at[t][(b, i)] = (b, g)
        for t in MERGE_THRESHOLDS:
            f1 = b_cubed(gold, predicted_at[t]).f1
            if chosen is None or f1 > chosen[0] + 1e-12:
                chosen = (f1, first_pass, t)
    return chosen


def fit_scorer(
    blocks: Sequence[LabelledBlock], *, inner_folds: int = 3, penalties: Sequence[float] = PENALTIES,
    thresholds: Sequence[float] = THRESHOLDS, cluster_merge: bool = True,
) -> PairScorer:
    """Weights fitted on all the blocks; penalty and threshold those with the best B-cubed F1
    over an inner k-fold of the same blocks (each inner block cut by a model fitted without it).

    With ``cluster_merge``, the cluster-level pass is chosen the same way (``_choose_merge``,
    with the penalty chosen for linkage alone): the linkage and merge thresholds with the best
    inner B-cubed F1 win if they beat linkage alone; the cluster model is then fitted on the inner folds' clusters of all the
    blocks, so it learns from clusters made by a scorer that had not seen them."""
    if len(blocks) < 2:
        raise ValueError("choosing the threshold by cross-validation needs at least two blocks to learn from")
    folds = group_folds([len(b.mentions) for b in blocks], inner_folds)
    gold = _gold_pairs(blocks)
    floor = min(min(thresholds), min(FIRST_PASS_THRESHOLDS))
    best: tuple[float, float, float] | None = None
    merged: tuple[float, float, float, float] | None = None
    inner: dict[float, list[tuple[np.ndarray, list[Merge]]]] = {}
    for l2 in penalties:
        inner[l2] = _inner_linkages(blocks, folds, l2, floor)
        for t in thresholds:
            predicted = {(b, i): (b, g) for b, (_, merges) in enumerate(inner[l2]) for i, g in enumerate(cut(len(blocks[b].mentions), merges, t))}
            f1 = b_cubed(gold, predicted).f1
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, l2, t)
    assert best is not None
    option = _choose_merge(blocks, folds, gold, inner[best[1]]) if cluster_merge else None
    if option is not None:
        merged = (option[0], best[1], option[1], option[2])
    if merged is None or merged[0] <= best[0] + 1e-12:
        return _fit(blocks, best[1]).with_threshold(best[2])
    _, l2, first_pass, merge_threshold = merged
    scores = [s for s, _ in inner[l2]]
    groups = [cut(len(blk.mentions), inner[l2][b][1], first_pass) for b, blk in enumerate(blocks)]
    merger = _fit_merger([cluster_pair_data(blk, scores[b], groups[b]) for b, blk in enumerate(blocks)])
    scorer = _fit(blocks, l2).with_threshold(first_pass)
    return scorer if merger is None else scorer.with_merger(merger.with_threshold(merge_threshold))


@dataclass(frozen=True)
class CrossValidation:
    """For each block (by position), the fold it was held out in and the scorer fitted without it."""

    fold_of_block: tuple[int, ...]
    scorers: tuple[PairScorer, ...]

    def scorer_for(self, block: int) -> PairScorer:
        return self.scorers[self.fold_of_block[block]]


def cross_validate(
    blocks: Sequence[LabelledBlock], *, folds: int = 5, inner_folds: int = 3, on_fold: Callable[[int], None] | None = None
) -> CrossValidation:
    """Outer k-fold across blocks; each fold's scorer (weights, penalty, threshold) is chosen by
    ``fit_scorer`` on the other folds only. ``on_fold(1)`` is called as each fold is done."""
    if len(blocks) < 2:
        raise ValueError("cross-validation needs at least two blocks")
    groups = group_folds([len(b.mentions) for b in blocks], folds)
    fold_of_block = [0] * len(blocks)
    scorers = []
    for f, fold in enumerate(groups):
        for b in fold:
            fold_of_block[b] = f
        held = set(fold)
        scorers.append(fit_scorer([blk for b, blk in enumerate(blocks) if b not in held], inner_folds=inner_folds))
        if on_fold:
            on_fold(1)
    return CrossValidation(tuple(fold_of_block), tuple(scorers))
