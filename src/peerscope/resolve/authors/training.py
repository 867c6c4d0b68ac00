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

from peerscope.resolve.authors.cluster import cut, linkage
from peerscope.resolve.authors.features import COMMON_VARIANTS, GivenNameVariants, cross_features
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.metrics import b_cubed
from peerscope.resolve.authors.scorer import PairScorer, fit_logistic

THRESHOLDS = tuple(round(0.1 + 0.025 * i, 3) for i in range(35))  # 0.1 .. 0.95
PENALTIES = (0.3, 3.0, 30.0)


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


def _threshold_sweep(scorer: PairScorer, blocks: Sequence[LabelledBlock], thresholds: Sequence[float]) -> dict[float, dict[Hashable, int]]:
    """Predicted cluster of every mention of the blocks at each threshold, from one linkage each."""
    out: dict[float, dict[Hashable, int]] = {t: {} for t in thresholds}
    for b, block in enumerate(blocks):
        scores = scorer.probabilities(block.features)
        merges = linkage(scores, [m.mention_id for m in block.mentions], floor=min(thresholds))
        for t in thresholds:
            for i, label in enumerate(cut(len(block.mentions), merges, t)):
                out[t][(b, i)] = label + b * 1_000_000
    return out


def fit_scorer(
    blocks: Sequence[LabelledBlock], *, inner_folds: int = 3, penalties: Sequence[float] = PENALTIES,
    thresholds: Sequence[float] = THRESHOLDS,
) -> PairScorer:
    """Weights fitted on all the blocks; penalty and threshold those with the best B-cubed F1
    over an inner k-fold of the same blocks (each inner block cut by a model fitted without it)."""
    if len(blocks) < 2:
        raise ValueError("choosing the threshold by cross-validation needs at least two blocks to learn from")
    folds = group_folds([len(b.mentions) for b in blocks], inner_folds)
    gold = {(b, i): (b, label) for b, block in enumerate(blocks) for i, label in enumerate(block.labels)}
    best: tuple[float, float, float] | None = None
    for l2 in penalties:
        predicted: dict[float, dict[Hashable, int]] = {t: {} for t in thresholds}
        for fold in folds:
            held = set(fold)
            scorer = _fit([blk for b, blk in enumerate(blocks) if b not in held], l2)
            sweep = _threshold_sweep(scorer, [blocks[b] for b in fold], thresholds)
            for t in thresholds:  # map back from fold-local block numbers to global ones
                for (local, i), label in sweep[t].items():
                    predicted[t][(fold[local], i)] = (fold[local], label)
        for t in thresholds:
            f1 = b_cubed(gold, predicted[t]).f1
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, l2, t)
    assert best is not None
    return _fit(blocks, best[1]).with_threshold(best[2])


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
