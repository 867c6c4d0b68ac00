"""A second, cluster-level pass: join the clusters of one person that average linkage left apart.

Average linkage compares mentions. A person who moved institution often ends up as one cluster
per place: no single pair of mentions across the move is alike enough, yet the two clusters
together share co-authors, journals, topics and a continuous run of years. This pass compares
whole clusters by their pooled evidence (``CLUSTER_FEATURES``) with a small logistic model
(``ClusterScorer``) and merges, best pair first, while the best pair of clusters scores at least
the model's threshold. Clusters holding the two sides of a cannot-link pair are never merged.

Shared terms are weighted by how rare they are in the block (inverse document frequency), so
two clusters sharing a rare MeSH descriptor count for more than two sharing a common one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from peerscope.resolve.authors.features import FEATURIZER_VERSION, INDEX
from peerscope.resolve.authors.mentions import AuthorMention

CLUSTER_FEATURES: tuple[str, ...] = (
    "pair_score_average",  # average pair score between the mentions of the two clusters
    "pair_score_max",  # the best pair score between them
    "cluster_coauthors_shared",  # log(1 + distinct co-authors in common)
    "cluster_coauthors_overlap",  # co-authors in common / co-authors of the cluster with fewer
    "cluster_venues_shared",  # log(1 + journals in common)
    "cluster_venue_cosine",  # cosine of the journal counts
    "cluster_keyword_cosine",  # cosine of MeSH / keyword counts, rare terms weighted up
    "cluster_title_cosine",  # cosine of title-word counts, rare words weighted up
    "cluster_abstract_cosine",
    "cluster_affiliation_cosine",  # cosine of affiliation-word counts, rare words weighted up
    "cluster_affiliation_missing",  # one of the clusters has no affiliation at all
    "cluster_email_shared",
    "cluster_year_gap",  # years between the two year ranges / 10 (0 when they overlap), at most 3
    "cluster_year_missing",
    "cluster_middle_match",  # the clusters' second initials have one in common
    "cluster_middle_conflict",  # both have second initials, none in common
    "cluster_name_conflict",  # share of cross pairs whose first names or initials conflict
    "cluster_size_smaller",  # log(size) of the smaller cluster
    "cluster_size_larger",
)
CLUSTER_INDEX = {name: i for i, name in enumerate(CLUSTER_FEATURES)}

# pooled set-valued evidence: field name -> how to read it from a mention
_FIELDS = {
    "coauthors": lambda m: m.coauthors,
    "venues": lambda m: frozenset((m.venue,)) if m.venue else frozenset(),
    "keywords": lambda m: m.keywords,
    "title": lambda m: m.title_words,
    "abstract": lambda m: m.abstract_words,
    "affiliation": lambda m: m.affiliation_words,
    "emails": lambda m: m.emails,
    "middle": lambda m: frozenset(m.initials[1:2]),
}


@dataclass(frozen=True, slots=True)
class ClusterScorer:
    """P(two clusters are one person) = sigmoid(intercept + weights · cluster features); clusters
    merge while the best pair scores at least ``threshold``."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float
    featurizer_version: int = FEATURIZER_VERSION

    def __post_init__(self) -> None:
        if len(self.weights) != len(CLUSTER_FEATURES):
            raise ValueError(f"{len(self.weights)} weights for {len(CLUSTER_FEATURES)} cluster features")
        if self.featurizer_version != FEATURIZER_VERSION:
            raise ValueError(f"cluster weights fitted for featurizer version {self.featurizer_version}, this is version {FEATURIZER_VERSION}")

    @classmethod
    def from_mapping(cls, weights: Mapping[str, float], intercept: float, threshold: float, featurizer_version: int = FEATURIZER_VERSION) -> ClusterScorer:
        unknown = set(weights) - set(CLUSTER_FEATURES)
        if unknown:
            raise ValueError(f"unknown cluster features: {sorted(unknown)}")
        return cls(tuple(float(weights.get(f, 0.0)) for f in CLUSTER_FEATURES), intercept, threshold, featurizer_version)

    def as_mapping(self) -> dict[str, float]:
        return dict(zip(CLUSTER_FEATURES, self.weights, strict=True))

    def with_threshold(self, threshold: float) -> ClusterScorer:
        return ClusterScorer(self.weights, self.intercept, threshold, self.featurizer_version)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ np.asarray(self.weights, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        return {name: round(float(w * v), 4) for name, w, v in zip(CLUSTER_FEATURES, self.weights, row, strict=True) if w * v != 0}


_WEIGHTED = frozenset(("keywords", "title", "abstract", "affiliation"))  # cosine with rare terms weighted up


class _Field:
    """One pooled field of the clusters of a block. Only terms that two or more mentions carry
    can be shared between clusters, so only those get a column; the others count towards each
    cluster's norm and number of distinct terms."""

    def __init__(self, sets: Sequence[frozenset[str]], pool: Callable[[np.ndarray], np.ndarray], weighted: bool) -> None:
        n = len(sets)
        ids: dict[str, int] = {}
        terms = np.fromiter((ids.setdefault(x, len(ids)) for items in sets for x in items), dtype=np.int64)
        rows = np.repeat(np.arange(n), [len(items) for items in sets])
        frequency = np.bincount(terms, minlength=len(ids))
        column_of = np.cumsum(frequency >= 2) - 1  # a column for each term two or more mentions carry
        keep = frequency[terms] >= 2
        matrix = np.zeros((n, int(column_of[-1]) + 1 if len(ids) else 0), dtype=np.float32)
        matrix[rows[keep], column_of[terms[keep]]] = 1.0
        lone_count = np.bincount(rows[~keep], minlength=n).astype(np.float32)
        lone_weight = (np.log((n + 1) / 2) + 1.0) ** 2 if weighted else 1.0  # the weight of a term one mention has
        df = matrix.sum(0)
        self.idf = (np.log((n + 1) / (df + 1)) + 1.0 if weighted else np.ones(len(df))).astype(np.float32)
        self.counts = pool(matrix)
        self.lone_count = pool(lone_count)
        self.lone_mass = self.lone_count * lone_weight
        self.present = (self.counts > 0).astype(np.float32)
        self.vectors = self.counts * self.idf
        self.norm2 = (self.vectors * self.vectors).sum(1) + self.lone_mass
        self.held = self.present.sum(1) + self.lone_count

    def merge(self, kept: int, absorbed: int) -> None:
        for matrix in (self.counts, self.lone_mass, self.lone_count):
            matrix[kept] += matrix[absorbed]
        self.present[kept] = self.counts[kept] > 0
        self.vectors[kept] = self.counts[kept] * self.idf
        self.norm2[kept] = float(self.vectors[kept] @ self.vectors[kept]) + self.lone_mass[kept]
        self.held[kept] = self.present[kept].sum() + self.lone_count[kept]

    def shared(self, rows: np.ndarray) -> np.ndarray:
        return (self.present[rows] @ self.present.T).astype(np.float64)

    def cosine(self, rows: np.ndarray) -> np.ndarray:
        dot = (self.vectors[rows] @ self.vectors.T).astype(np.float64)
        denominator = np.sqrt(self.norm2[rows][:, None].astype(np.float64) * self.norm2[None, :])
        return np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)


class ClusterPool:
    """The pooled evidence of the clusters of one block, updated in place as clusters merge.

    ``labels`` numbers each mention's starting cluster 0..C-1; ``features`` and ``scores`` are
    the block's pair evidence and pair scores."""

    def __init__(self, mentions: Sequence[AuthorMention], features: np.ndarray, scores: np.ndarray, labels: Sequence[int]) -> None:
        n = len(mentions)
        count = max(labels) + 1 if n else 0
        label_array = np.asarray(labels, dtype=int)
        order = np.argsort(label_array, kind="stable")
        starts = np.searchsorted(label_array[order], np.arange(count))

        def pool(values: np.ndarray) -> np.ndarray:  # per-mention rows -> per-cluster sums
            return np.add.reduceat(values[order], starts, axis=0) if values.size else np.zeros((count, *values.shape[1:]))

        self.size = pool(np.ones(n))
        self.active = np.ones(count, dtype=bool)
        self.fields = {name: _Field([read(m) for m in mentions], pool, name in _WEIGHTED) for name, read in _FIELDS.items()}
        years = np.array([m.year if m.year is not None else np.nan for m in mentions], dtype=np.float64)
        known = ~np.isnan(years)
        self.first_year = np.full(count, np.nan)
        self.last_year = np.full(count, np.nan)
        np.fmin.at(self.first_year, label_array[known], years[known])
        np.fmax.at(self.last_year, label_array[known], years[known])
        pair = scores.astype(np.float64)
        self.score_sum = pool(pool(pair).T)
        best = np.maximum.reduceat(pair[order], starts, axis=0)  # (clusters, mentions)
        self.score_max = np.maximum.reduceat(best[:, order], starts, axis=1)
        conflict = np.maximum(features[:, :, INDEX["first_name_conflict"]], features[:, :, INDEX["first_initial_conflict"]]).astype(np.float64)
        self.conflict_sum = pool(pool(conflict).T) if conflict.any() else np.zeros((count, count))

    def __len__(self) -> int:
        return len(self.size)

    def features(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Cluster features of each cluster in ``rows`` against every cluster: (rows, C, features).
        Only the off-diagonal entries are meaningful."""
        rows = np.asarray(rows, dtype=int)
        out = np.zeros((len(rows), len(self), len(CLUSTER_FEATURES)))
        pairs = self.size[rows][:, None] * self.size[None, :]
        f = self.fields
        out[..., 0] = self.score_sum[rows] / pairs
        out[..., 1] = self.score_max[rows]
        shared = f["coauthors"].shared(rows)
        held = f["coauthors"].held
        out[..., 2] = np.log1p(shared)
        out[..., 3] = shared / np.maximum(1.0, np.minimum(held[rows][:, None], held[None, :]))
        out[..., 4] = np.log1p(f["venues"].shared(rows))
        for column, name in ((5, "venues"), (6, "keywords"), (7, "title"), (8, "abstract"), (9, "affiliation")):
            out[..., column] = f[name].cosine(rows)
        has_affiliation = f["affiliation"].held > 0
        out[..., 10] = ~(has_affiliation[rows][:, None] & has_affiliation[None, :])
        out[..., 11] = f["emails"].shared(rows) > 0
        gap = np.maximum(self.first_year[rows][:, None], self.first_year[None, :]) - np.minimum(self.last_year[rows][:, None], self.last_year[None, :])
        missing = np.isnan(gap)
        out[..., 12] = np.where(missing, 0.0, np.clip(np.nan_to_num(gap) / 10.0, 0.0, 3.0))
        out[..., 13] = missing
        middle_shared = f["middle"].shared(rows)
        has_middle = f["middle"].held > 0
        out[..., 14] = middle_shared > 0
        out[..., 15] = has_middle[rows][:, None] & has_middle[None, :] & (middle_shared == 0)
        out[..., 16] = self.conflict_sum[rows] / pairs
        out[..., 17] = np.log(np.minimum(self.size[rows][:, None], self.size[None, :]))
        out[..., 18] = np.log(np.maximum(self.size[rows][:, None], self.size[None, :]))
        return out

    def merge(self, kept: int, absorbed: int) -> None:
        for f in self.fields.values():
            f.merge(kept, absorbed)
        self.size[kept] += self.size[absorbed]
        self.first_year[kept] = np.fmin(self.first_year[kept], self.first_year[absorbed])
        self.last_year[kept] = np.fmax(self.last_year[kept], self.last_year[absorbed])
        for matrix, combine in ((self.score_sum, np.add), (self.conflict_sum, np.add), (self.score_max, np.maximum)):
            matrix[kept] = combine(matrix[kept], matrix[absorbed])
            matrix[:, kept] = matrix[kept]
        self.active[absorbed] = False


@dataclass(frozen=True, slots=True)
class ClusterMerge:
    """Cluster ``absorbed`` joined cluster ``kept`` (starting cluster numbers) at ``score``, on
    the pooled evidence ``features`` (a row of ``CLUSTER_FEATURES``)."""

    kept: int
    absorbed: int
    score: float
    features: tuple[float, ...]


def merge_clusters(pool: ClusterPool, scorer: ClusterScorer, blocked: np.ndarray, floor: float | None = None) -> list[ClusterMerge]:
    """Merge the best-scoring pair of clusters while it scores at least ``floor`` (the scorer's
    threshold by default). ``blocked[i, j]`` marks clusters that must stay apart (cannot-link);
    a merged cluster inherits both sides' bars. The kept cluster is the larger one.

    Stopping at the first merge below a threshold gives the same merges as running with that
    threshold, so one run down to a low floor serves every higher threshold."""
    floor = scorer.threshold if floor is None else floor
    count = len(pool)
    if count < 2:
        return []
    blocked = blocked.copy()
    features = pool.features(np.arange(count))
    probability = scorer.probabilities(features)
    np.fill_diagonal(probability, -np.inf)
    probability[blocked] = -np.inf
    merges: list[ClusterMerge] = []
    while True:
        a, b = divmod(int(np.argmax(probability)), count)
        best = probability[a, b]
        if not np.isfinite(best) or best < floor:
            return merges
        kept, absorbed = (a, b) if (pool.size[a], -a) >= (pool.size[b], -b) else (b, a)
        merges.append(ClusterMerge(kept, absorbed, float(best), tuple(float(v) for v in features[a, b])))
        pool.merge(kept, absorbed)
        blocked[kept] |= blocked[absorbed]
        blocked[:, kept] = blocked[kept]
        row = pool.features([kept])[0]
        features[kept] = row
        features[:, kept] = row
        scores = scorer.probabilities(row)
        scores[~pool.active | blocked[kept]] = -np.inf
        scores[kept] = -np.inf
        probability[kept] = scores
        probability[:, kept] = scores
        probability[absorbed] = -np.inf
        probability[:, absorbed] = -np.inf


def apply_merges(labels: Sequence[int], merges: Sequence[ClusterMerge], threshold: float) -> list[int]:
    """Each mention's final cluster (a starting cluster number) after the merges scoring at
    least ``threshold``, stopping at the first below it."""
    root = list(range(max(labels) + 1 if labels else 0))
    for m in merges:
        if m.score < threshold:
            break
        root[m.absorbed] = m.kept
    out = []
    for label in labels:
        while root[label] != label:
            label = root[label]
        out.append(label)
    return out
