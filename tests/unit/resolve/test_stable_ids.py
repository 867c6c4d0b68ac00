"""Stable ids: a re-clustering keeps the ids users know, and says what merged and split."""

from __future__ import annotations

from itertools import count

from hypothesis import given
from hypothesis import strategies as st

from peerscope.resolve.stable_ids import Merge, Split, assign_stable_ids


def fresh(start: int = 100):
    counter = count(start)
    return lambda: next(counter)


def test_unchanged_clustering_keeps_every_id() -> None:
    previous = {"a": 1, "b": 1, "c": 2}
    out = assign_stable_ids(previous, [{"c"}, {"a", "b"}], fresh())
    assert out.cluster_ids == (2, 1)
    assert out.created == () and out.merges == () and out.splits == () and out.moved == 0


def test_merge_redirects_the_smaller_id_to_the_larger_cluster_holder() -> None:
    previous = {"a": 1, "b": 1, "c": 2}
    out = assign_stable_ids(previous, [{"a", "b", "c"}], fresh())
    assert out.cluster_ids == (1,)
    assert out.merges == (Merge(old_id=2, survivor=1, mentions=1),)
    assert out.moved == 1


def test_tie_goes_to_the_older_id() -> None:
    out = assign_stable_ids({"a": 7, "b": 3}, [{"a", "b"}], fresh())
    assert out.cluster_ids == (3,)
    assert out.merges == (Merge(7, 3, 1),)


def test_split_keeps_the_id_on_the_larger_part_and_creates_one_for_the_rest() -> None:
    previous = {"a": 5, "b": 5, "c": 5}
    out = assign_stable_ids(previous, [{"c"}, {"a", "b"}], fresh(100))
    assert out.cluster_ids == (100, 5)
    assert out.created == (100,)
    assert out.splits == (Split(5, ((100, 1),)),)
    assert out.merges == ()


def test_new_mentions_get_a_new_id_or_join_an_existing_one() -> None:
    out = assign_stable_ids({"a": 1}, [{"a", "n1"}, {"n2"}], fresh(50))
    assert out.cluster_ids == (1, 50)
    assert out.moved == 0


def test_a_moved_mention_between_two_kept_ids_is_a_split_of_its_old_id() -> None:
    previous = {"a": 1, "b": 1, "c": 2, "d": 2}
    out = assign_stable_ids(previous, [{"a"}, {"b", "c", "d"}], fresh())
    assert out.cluster_ids == (1, 2)
    assert out.splits == (Split(1, ((2, 1),)),)
    assert out.moved == 1


partitions = st.lists(st.integers(0, 6), min_size=1, max_size=30)


@given(partitions, partitions)
def test_properties(old_labels: list[int], new_labels: list[int]) -> None:
    n = min(len(old_labels), len(new_labels))
    mentions = list(range(n))
    previous = {m: 1000 + old_labels[m] for m in mentions}
    groups: dict[int, set[int]] = {}
    for m in mentions:
        groups.setdefault(new_labels[m], set()).add(m)
    clusters = list(groups.values())
    out = assign_stable_ids(previous, clusters, fresh(1))
    ids = out.cluster_ids
    assert len(set(ids)) == len(ids), "one id per cluster"
    old_ids = set(previous.values())
    kept = set(ids) & old_ids
    # every old id either lives on as a cluster or redirects to one that does
    for merge in out.merges:
        assert merge.old_id not in kept and merge.survivor in ids
    assert {m.old_id for m in out.merges} == old_ids - kept
    assert set(out.created) == set(ids) - old_ids
    # each kept id is held by the cluster with which it shares at least one mention
    for index, cluster_id in enumerate(ids):
        if cluster_id in old_ids:
            assert any(previous[m] == cluster_id for m in clusters[index])
    # running again on the result changes nothing
    again_previous = {m: ids[i] for i, c in enumerate(clusters) for m in c}
    again = assign_stable_ids(again_previous, clusters, fresh(10_000))
    assert again.cluster_ids == ids and again.moved == 0 and not again.merges and not again.splits
