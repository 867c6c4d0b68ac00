"""The pair scorer: a logistic model over the pairwise evidence, and how it is fitted.

A logistic model keeps the weights few and readable (one per feature, in ``weights.py``), and
each pair's score splits into per-feature contributions, which is what an explanation shows.
Fitting is Newton's method on an L2-penalised log loss, in numpy: no other dependency, and the
same code runs wherever the clustering runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from peerscope.resolve.authors.cluster_merge import ClusterScorer
from peerscope.resolve.authors.features import FEATURES, FEATURIZER_VERSION


@dataclass(frozen=True, slots=True)
class PairScorer:
    """P(same person) = sigmoid(intercept + weights · features); ``threshold`` is the linkage cut.
    ``merger``, when set, is the cluster-level pass run after the linkage (``cluster_merge``)."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float
    featurizer_version: int = FEATURIZER_VERSION
    merger: ClusterScorer | None = None

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"{len(self.weights)} weights for {len(FEATURES)} features")
        if self.featurizer_version != FEATURIZER_VERSION:
            raise ValueError(f"weights fitted for featurizer version {self.featurizer_version}, this is version {FEATURIZER_VERSION}")

    @classmethod
    def from_mapping(
        cls, weights: Mapping[str, float], intercept: float, threshold: float, featurizer_version: int = FEATURIZER_VERSION,
        merger: ClusterScorer | None = None,
    ) -> PairScorer:
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        return cls(tuple(float(weights.get(f, 0.0)) for f in FEATURES), intercept, threshold, featurizer_version, merger)

    def as_mapping(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.weights, strict=True))

    def with_threshold(self, threshold: float) -> PairScorer:
        return PairScorer(self.weights, self.intercept, threshold, self.featurizer_version, self.merger)

    def with_merger(self, merger: ClusterScorer | None) -> PairScorer:
        return PairScorer(self.weights, self.intercept, self.threshold, self.featurizer_version, merger)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Scores in [0, 1] for an array of feature vectors (any leading shape)."""
        logits = features @ np.asarray(self.weights, dtype=np.float32) + np.float32(self.intercept)
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """What each feature added to one pair's log-odds (zero contributions left out)."""
        return {name: round(float(w * v), 4) for name, w, v in zip(FEATURES, self.weights, row, strict=True) if w * v != 0}


def fit_logistic(
    features: np.ndarray, same: np.ndarray, *, sample_weight: np.ndarray | None = None, l2: float = 1.0, iterations: int = 50
) -> tuple[tuple[float, ...], float]:
    """(weights, intercept) minimising weighted log loss + l2/2·|weights|² (the intercept is not
    penalised). ``features`` is (pairs, FEATURES), ``same`` is 0/1 per pair."""
    x = np.hstack([features.astype(np.float64), np.ones((len(features), 1))])
    y = same.astype(np.float64)
    w = np.ones(len(y)) if sample_weight is None else sample_weight.astype(np.float64)
    w = w * (len(y) / w.sum())  # the penalty keeps its meaning whatever the weighting
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        gradient = x.T @ (w * (p - y)) + penalty * beta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return tuple(round(float(b), 6) for b in beta[:-1]), round(float(beta[-1]), 6)


# A hand-weighted scorer: used before any fitting, and a sanity floor for the fitted one.
HAND_WEIGHTED = PairScorer.from_mapping(
    {
        "first_name_match": 1.0, "first_name_variant": 0.5, "first_name_conflict": -4.0, "first_initial_conflict": -4.0,
        "middle_match": 0.5, "middle_conflict": -3.0, "coauthors_shared": 3.0, "affiliation_jaccard": 4.0,
        "email_match": 5.0, "keywords_shared": 0.8, "venue_same": 1.0, "title_jaccard": 2.0, "year_gap": -0.8,
    },
    intercept=-2.5,
    threshold=0.5,
)
