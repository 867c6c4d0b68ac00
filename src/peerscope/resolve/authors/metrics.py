"""How close a clustering is to the truth: B-cubed and pairwise precision, recall and F1.

Both take two labellings of the same mentions (mention -> cluster label), the gold one and the
predicted one. Labels only need to be comparable for equality; callers qualify them by block when
the same label can mean different people in different blocks.

Conventions for the empty cases, so a score is always defined: with no predicted pair, pairwise
precision is 1.0 (nothing claimed, nothing wrong); with no gold pair, pairwise recall is 1.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _contingency(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> tuple[Counter, Counter, Counter]:
    if gold.keys() != predicted.keys():
        missing = len(gold.keys() - predicted.keys())
        extra = len(predicted.keys() - gold.keys())
        raise ValueError(f"gold and predicted label different mentions ({missing} without a prediction, {extra} not in gold)")
    cells: Counter = Counter((gold[m], predicted[m]) for m in gold)
    gold_sizes: Counter = Counter(gold.values())
    predicted_sizes: Counter = Counter(predicted.values())
    return cells, gold_sizes, predicted_sizes


def b_cubed(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> Scores:
    """Per-mention precision (share of its predicted cluster that is truly its author) and recall
    (share of its author's mentions found in its predicted cluster), averaged over mentions."""
    cells, gold_sizes, predicted_sizes = _contingency(gold, predicted)
    total = sum(cells.values())
    if total == 0:
        return Scores(1.0, 1.0, 1.0)
    # every mention in cell (g, p) has the same overlap, the cell size
    precision = sum(n * n / predicted_sizes[p] for (g, p), n in cells.items()) / total
    recall = sum(n * n / gold_sizes[g] for (g, p), n in cells.items()) / total
    return Scores(precision, recall, _f1(precision, recall))


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> Scores:
    """Precision and recall over the unordered pairs of mentions placed in one cluster."""
    cells, gold_sizes, predicted_sizes = _contingency(gold, predicted)
    together_both = sum(_pairs(n) for n in cells.values())
    together_predicted = sum(_pairs(n) for n in predicted_sizes.values())
    together_gold = sum(_pairs(n) for n in gold_sizes.values())
    precision = together_both / together_predicted if together_predicted else 1.0
    recall = together_both / together_gold if together_gold else 1.0
    return Scores(precision, recall, _f1(precision, recall))
