"""B-cubed and pairwise precision/recall/F1: hand-computed cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.resolve.authors.metrics import b_cubed, pairwise

# gold: a a a b b ; predicted: x x y y y
GOLD = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b"}
PRED = {1: "x", 2: "x", 3: "y", 4: "y", 5: "y"}


def test_b_cubed_by_hand() -> None:
    # precision per mention: 1, 1, 1/3, 2/3, 2/3 -> 11/15; recall: 2/3, 2/3, 1/3, 1, 1 -> 11/15
    scores = b_cubed(GOLD, PRED)
    assert scores.precision == pytest.approx(11 / 15)
    assert scores.recall == pytest.approx(11 / 15)
    assert scores.f1 == pytest.approx(11 / 15)


def test_pairwise_by_hand() -> None:
    # gold pairs: 12 13 23 45 (4); predicted: 12 34 35 45 (4); both: 12 45
    scores = pairwise(GOLD, PRED)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_one_cluster_for_everything() -> None:
    one = {m: 0 for m in GOLD}
    assert b_cubed(GOLD, one).precision == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)
    assert b_cubed(GOLD, one).recall == 1.0
    assert pairwise(GOLD, one).precision == pytest.approx(4 / 10)


def test_every_mention_alone_has_no_pairs() -> None:
    alone = {m: m for m in GOLD}
    assert pairwise(GOLD, alone).precision == 1.0  # nothing claimed
    assert pairwise(GOLD, alone).recall == 0.0
    assert b_cubed(GOLD, alone).recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2) / 5)


def test_labels_must_cover_the_same_mentions() -> None:
    with pytest.raises(ValueError, match="1 without a prediction"):
        b_cubed(GOLD, {m: 0 for m in list(GOLD)[:-1]})


labellings = st.dictionaries(st.integers(0, 40), st.integers(0, 5), min_size=1, max_size=40)


@given(labellings)
def test_perfect_prediction_scores_one(gold: dict[int, int]) -> None:
    renamed = {m: f"cluster-{label}" for m, label in gold.items()}  # the names of labels do not matter
    for metric in (b_cubed, pairwise):
        s = metric(gold, renamed)
        assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


@given(labellings)
def test_all_singletons_have_b3_precision_one(gold: dict[int, int]) -> None:
    s = b_cubed(gold, {m: m for m in gold})
    assert s.precision == 1.0
    assert s.recall == pytest.approx(1.0) if len(set(gold.values())) == len(gold) else s.recall < 1.0


@given(labellings, labellings)
def test_scores_are_bounded_and_swap_precision_with_recall(gold: dict[int, int], other: dict[int, int]) -> None:
    predicted = {m: other.get(m, -1) for m in gold}
    forward, backward = b_cubed(gold, predicted), b_cubed(predicted, gold)
    assert 0.0 <= forward.precision <= 1.0 and 0.0 <= forward.recall <= 1.0
    assert forward.precision == pytest.approx(backward.recall)
    assert forward.f1 == pytest.approx(backward.f1)
