"""Clustering under constraints, incremental attachment, explanations, the scorer and its fitting."""

from __future__ import annotations

import numpy as np
import pytest

from peerscope.resolve.authors.cluster import (
    ConstraintConflict, Constraints, ExistingCluster, attach, cluster_block, cluster_mentions, cut, linkage,
)
from peerscope.resolve.authors.features import FEATURES
from peerscope.resolve.authors.mentions import make_mention
from peerscope.resolve.authors.scorer import HAND_WEIGHTED, PairScorer, fit_logistic
from peerscope.resolve.authors.training import group_folds
from peerscope.resolve.authors.weights import PUBMED_SCORER

BOTANY = dict(affiliation="Institute of Botany, Charles University, Prague", venue="Plant and soil", keywords=["Soil"])
CARDIO = dict(affiliation="Department of Cardiology, Brno University Hospital", venue="Europace", keywords=["Arrhythmias, Cardiac"])


def botanist(i: int, **extra) -> object:  # type: ignore[no-untyped-def]
    return make_mention(f"b{i}", "Novak P", coauthors=["Horak J", "Dvorak M"], date=2010 + i, **{**BOTANY, **extra})


def cardiologist(i: int) -> object:
    return make_mention(f"c{i}", "Novak P", coauthors=["Kral T", "Benes L"], date=2015 + i, **CARDIO)


def labels_of(links) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {link.mention_id: link.cluster_id for link in links}


def test_two_people_in_one_block_come_apart() -> None:
    got = labels_of(cluster_block([botanist(0), cardiologist(0), botanist(1), cardiologist(1)], HAND_WEIGHTED))
    assert got["b0"] == got["b1"] != got["c0"] == got["c1"]
    assert got["b0"].startswith("novak_p#")


def test_links_explain_themselves() -> None:
    links = {link.mention_id: link for link in cluster_block([botanist(0), botanist(1), cardiologist(0)], HAND_WEIGHTED)}
    link = links["b0"]
    assert link.reason == "linked" and link.partner == "b1"
    assert link.score is not None and link.score >= HAND_WEIGHTED.threshold
    assert {"coauthors_shared", "affiliation_jaccard", "venue_same"} <= set(link.evidence.as_dict())  # type: ignore[union-attr]
    assert dict(link.contributions)["coauthors_shared"] > 0
    assert links["c0"].reason == "alone" and links["c0"].partner is None


def test_cannot_link_keeps_apart_what_the_evidence_joins() -> None:
    mentions = [botanist(0), botanist(1), botanist(2)]
    got = labels_of(cluster_block(mentions, HAND_WEIGHTED, Constraints.of(cannot_link=[("b0", "b2")])))
    assert got["b0"] != got["b2"]
    assert got["b1"] in (got["b0"], got["b2"])


def test_must_link_joins_what_the_evidence_keeps_apart() -> None:
    links = {link.mention_id: link for link in cluster_block([botanist(0), cardiologist(0)], HAND_WEIGHTED, Constraints.of(must_link=[("b0", "c0")]))}
    assert links["b0"].cluster_id == links["c0"].cluster_id
    assert links["b0"].reason == links["c0"].reason == "must_link"


def test_contradicting_constraints_are_refused() -> None:
    constraints = Constraints.of(must_link=[("b0", "b1"), ("b1", "b2")], cannot_link=[("b0", "b2")])
    with pytest.raises(ConstraintConflict):
        cluster_block([botanist(0), botanist(1), botanist(2)], HAND_WEIGHTED, constraints)


def test_linkage_is_average_and_cut_stops_at_the_threshold() -> None:
    scores = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.5], [0.1, 0.5, 1.0]])
    merges = linkage(scores, ["a", "b", "c"])
    assert [(m.kept, m.absorbed) for m in merges] == [(0, 1), (0, 2)]
    assert merges[1].score == pytest.approx((0.1 + 0.5) / 2)
    assert cut(3, merges, 0.5) == [0, 0, 1]
    assert cut(3, merges, 0.2) == [0, 0, 0]
    assert cut(3, merges, 0.95) == [0, 1, 2]


def test_attach_joins_the_right_cluster_and_opens_new_ones() -> None:
    existing = [ExistingCluster("A1", (botanist(0), botanist(1))), ExistingCluster("A2", (cardiologist(0), cardiologist(1)))]
    stranger = make_mention("s0", "Novak P", coauthors=["Ito K"], affiliation="Tokyo Institute of Technology", venue="Robotics")
    other_block = make_mention("z0", "Zhang W", affiliation="Tsinghua")
    links = attach(existing, [botanist(5), cardiologist(5), stranger, other_block], HAND_WEIGHTED)
    by_id = {link.mention_id: link for link in links}
    assert [link.mention_id for link in links] == ["b5", "c5", "s0", "z0"]
    assert (by_id["b5"].cluster_id, by_id["b5"].reason) == ("A1", "attached")
    assert by_id["b5"].partner in {"b0", "b1"} and by_id["b5"].evidence is not None
    assert by_id["c5"].cluster_id == "A2"
    assert by_id["s0"].cluster_id.startswith("new:novak_p#") and by_id["s0"].reason == "alone"
    assert by_id["z0"].cluster_id.startswith("new:zhang_w#")


def test_attach_honours_constraints() -> None:
    existing = [ExistingCluster("A1", (botanist(0), botanist(1))), ExistingCluster("A2", (cardiologist(0),))]
    barred = attach(existing, [botanist(5)], HAND_WEIGHTED, Constraints.of(cannot_link=[("b5", "b1")]))
    assert barred[0].cluster_id != "A1"
    claimed = attach(existing, [botanist(5)], HAND_WEIGHTED, Constraints.of(must_link=[("b5", "c0")]))
    assert (claimed[0].cluster_id, claimed[0].reason) == ("A2", "must_link")


def test_cluster_mentions_blocks_by_key() -> None:
    got = labels_of(cluster_mentions([botanist(0), make_mention("x", "Zhang W", **BOTANY), botanist(1)], HAND_WEIGHTED))
    assert got["b0"] == got["b1"] != got["x"]


def test_logistic_fit_recovers_a_separating_weight() -> None:
    rng = np.random.default_rng(1)
    x = np.zeros((400, len(FEATURES)))
    x[:, 0] = rng.integers(0, 2, 400)
    y = x[:, 0].copy()
    y[:20] = 1 - y[:20]  # some noise, so the optimum is finite
    weights, intercept = fit_logistic(x, y, l2=0.1)
    assert weights[0] > 2 and intercept < -1 and all(w == 0 for w in weights[1:])
    scorer = PairScorer(weights, intercept, 0.5)
    assert scorer.probabilities(x[:2]).shape == (2,)
    assert scorer.probabilities(np.eye(len(FEATURES))[:1])[0] > 0.5


def test_scorer_refuses_mismatched_weights() -> None:
    with pytest.raises(ValueError, match="weights for"):
        PairScorer((1.0,), 0.0, 0.5)
    with pytest.raises(ValueError, match="featurizer version"):
        PairScorer(HAND_WEIGHTED.weights, 0.0, 0.5, featurizer_version=-1)
    with pytest.raises(ValueError, match="unknown features"):
        PairScorer.from_mapping({"shoe_size": 1.0}, 0.0, 0.5)


def test_shipped_weights_are_for_this_featurizer_and_separate_people() -> None:
    assert 0 < PUBMED_SCORER.threshold < 1
    got = labels_of(cluster_block([botanist(0), cardiologist(0), botanist(1), cardiologist(1)], PUBMED_SCORER))
    assert got["b0"] == got["b1"] != got["c0"] == got["c1"]


def test_group_folds_keep_blocks_whole_and_balance_mentions() -> None:
    folds = group_folds([50, 10, 10, 10, 10, 5, 5], 3)
    assert sorted(b for f in folds for b in f) == list(range(7))
    loads = [sum([50, 10, 10, 10, 10, 5, 5][b] for b in f) for f in folds]
    assert loads[0] == 50 and max(loads[1:]) - min(loads[1:]) <= 5
