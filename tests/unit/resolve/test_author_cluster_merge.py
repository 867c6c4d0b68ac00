"""The cluster-level pass: pooled evidence between clusters, merging under cannot-link, explanations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.resolve.authors.cluster import Constraints, cluster_block
from peerscope.resolve.authors.cluster_merge import (
    CLUSTER_FEATURES, CLUSTER_INDEX, ClusterPool, ClusterScorer, apply_merges, merge_clusters,
)
from peerscope.resolve.authors.features import FEATURIZER_VERSION, cross_features
from peerscope.resolve.authors.mentions import make_mention
from peerscope.resolve.authors.scorer import HAND_WEIGHTED
from peerscope.resolve.authors.weights import PUBMED_SCORER

PRAGUE = dict(affiliation="Institute of Botany, Charles University, Prague", venue="Plant and soil", keywords=["Soil", "Mycorrhizae"])
VIENNA = dict(affiliation="Department of Ecology, BOKU, Vienna", venue="Plant and soil", keywords=["Soil", "Mycorrhizae"])
CARDIO = dict(affiliation="Department of Cardiology, Brno University Hospital", venue="Europace", keywords=["Arrhythmias, Cardiac"])

# strict linkage: each place stays a cluster of its own, so only the cluster-level pass can join them
STRICT = HAND_WEIGHTED.with_threshold(0.9)
MERGER = ClusterScorer.from_mapping(
    {"cluster_coauthors_shared": 3.0, "cluster_venues_shared": 2.0, "cluster_keyword_cosine": 2.0}, intercept=-4.0, threshold=0.5
)


def prague(i: int) -> object:
    return make_mention(f"p{i}", "Novak P", coauthors=["Horak J", "Dvorak M"], date=2008 + i, title=f"Root fungi in meadow {i}", **PRAGUE)


def vienna(i: int) -> object:
    return make_mention(f"v{i}", "Novak P", coauthors=["Horak J", "Gruber K"], date=2012 + i, title=f"Alpine soil fungi {i}", **VIENNA)


def cardiologist(i: int) -> object:
    return make_mention(f"c{i}", "Novak P", coauthors=["Kral T", "Benes L"], date=2015 + i, **CARDIO)


def mover() -> list:  # type: ignore[type-arg]
    return [prague(0), prague(1), vienna(0), vienna(1), cardiologist(0), cardiologist(1)]


def clusters_of(links) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {link.mention_id: link.cluster_id for link in links}


def test_linkage_alone_splits_the_person_who_moved() -> None:
    got = clusters_of(cluster_block(mover(), STRICT))
    assert got["p0"] == got["p1"] != got["v0"] == got["v1"] != got["c0"]


def test_cluster_pass_joins_the_places_and_keeps_the_other_person_apart() -> None:
    got = clusters_of(cluster_block(mover(), STRICT.with_merger(MERGER)))
    assert got["p0"] == got["p1"] == got["v0"] == got["v1"]
    assert got["c0"] == got["c1"] != got["p0"]


def test_a_cluster_merge_explains_itself() -> None:
    links = {link.mention_id: link for link in cluster_block(mover(), STRICT.with_merger(MERGER))}
    joined = links["v0"]
    assert joined.reason == "cluster_merge"
    assert joined.partner in ("p0", "p1")  # its most alike member outside its own group
    assert joined.score is not None and joined.score >= MERGER.threshold
    evidence = joined.evidence.as_dict()  # type: ignore[union-attr]
    assert evidence["cluster_coauthors_shared"] > 0 and evidence["cluster_venues_shared"] > 0
    assert "coauthors_shared" in evidence  # the pair evidence with the partner is kept beside the pooled one
    assert dict(joined.contributions)["cluster_coauthors_shared"] > 0
    assert links["p0"].reason == "linked" and links["c0"].reason == "linked"


def test_cannot_link_is_honoured_by_the_cluster_pass() -> None:
    got = clusters_of(cluster_block(mover(), STRICT.with_merger(MERGER), Constraints.of(cannot_link=[("p1", "v0")])))
    assert got["p0"] == got["p1"] != got["v0"] == got["v1"]


def test_must_link_members_say_so_after_a_cluster_merge() -> None:
    links = {link.mention_id: link for link in cluster_block(mover(), STRICT.with_merger(MERGER), Constraints.of(must_link=[("v0", "v1")]))}
    assert links["v0"].cluster_id == links["p0"].cluster_id
    assert links["v0"].reason == "must_link"


def test_pooled_features() -> None:
    ms = mover()
    features = cross_features(ms, ms)
    pool = ClusterPool(ms, features, STRICT.probabilities(features), [0, 0, 1, 1, 2, 2])
    rows = pool.features([0, 1, 2])
    assert rows.shape == (3, 3, len(CLUSTER_FEATURES))
    assert rows[0, 1, CLUSTER_INDEX["cluster_coauthors_shared"]] == np.log1p(1)  # Horak J
    assert rows[0, 1, CLUSTER_INDEX["cluster_coauthors_overlap"]] == 0.5
    assert rows[0, 2, CLUSTER_INDEX["cluster_coauthors_shared"]] == 0
    assert rows[0, 1, CLUSTER_INDEX["cluster_venue_cosine"]] == 1.0
    assert rows[0, 1, CLUSTER_INDEX["cluster_year_gap"]] == 0.3  # 2008-2009 against 2012-2013
    assert rows[0, 1, CLUSTER_INDEX["cluster_keyword_cosine"]] > 0.99
    assert rows[0, 2, CLUSTER_INDEX["cluster_keyword_cosine"]] == 0
    pool.merge(0, 1)
    merged = pool.features([0])[0]
    assert merged[2, CLUSTER_INDEX["cluster_size_larger"]] == np.log(4)
    assert merged[2, CLUSTER_INDEX["cluster_size_smaller"]] == np.log(2)


def test_stopping_at_a_threshold_equals_running_with_it() -> None:
    ms = mover()
    features = cross_features(ms, ms)
    scores = STRICT.probabilities(features)
    groups = [0, 0, 1, 1, 2, 2]
    blocked = np.zeros((3, 3), dtype=bool)
    low = merge_clusters(ClusterPool(ms, features, scores, groups), MERGER, blocked, floor=0.0)
    for threshold in (0.0, 0.3, 0.5, 0.9):
        direct = merge_clusters(ClusterPool(ms, features, scores, groups), MERGER.with_threshold(threshold), blocked)
        assert apply_merges(groups, low, threshold) == apply_merges(groups, direct, threshold)


def test_shipped_scorer_carries_a_cluster_model() -> None:
    assert PUBMED_SCORER.merger is not None
    assert 0 < PUBMED_SCORER.merger.threshold < 1
    assert PUBMED_SCORER.merger.featurizer_version == FEATURIZER_VERSION
    assert PUBMED_SCORER.with_threshold(0.5).merger == PUBMED_SCORER.merger


_PEOPLE = st.lists(
    st.tuples(st.sampled_from(["Horak J", "Gruber K", "Kral T", "Benes L"]), st.sampled_from(["Plant and soil", "Europace", "Oikos"])),
    min_size=2, max_size=9,
)


@settings(max_examples=40, deadline=None)
@given(people=_PEOPLE, bars=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=6))
def test_merging_everything_allowed_never_joins_a_cannot_link_pair(people: list[tuple[str, str]], bars: list[tuple[int, int]]) -> None:
    ms = [make_mention(f"m{i}", "Novak P", coauthors=[c], venue=v, date=2000 + i) for i, (c, v) in enumerate(people)]
    pairs = [(f"m{a}", f"m{b}") for a, b in bars if a < len(ms) and b < len(ms) and a != b]
    eager = ClusterScorer.from_mapping({}, intercept=10.0, threshold=0.5)  # would merge any two clusters
    got = clusters_of(cluster_block(ms, STRICT.with_threshold(0.999).with_merger(eager), Constraints.of(cannot_link=pairs)))
    assert all(got[a] != got[b] for a, b in pairs)
    if not pairs:
        assert len(set(got.values())) == 1
