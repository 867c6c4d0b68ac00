"""Reciprocal rank fusion, exact vector search and the hashed embedder."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.index.embed import HashedEmbedder, embedding_text
from peerscope.index.hybrid import RRF_K, reciprocal_rank_fusion
from peerscope.index.vectors import exact_top

RANKED = st.lists(st.integers(0, 50), max_size=30, unique=True)


@given(RANKED, RANKED)
def test_fusion_holds_every_item_once_best_first(a: list[int], b: list[int]) -> None:
    fused = reciprocal_rank_fusion([a, b])
    assert sorted(i for i, _ in fused) == sorted(set(a) | set(b))
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)


def test_an_item_in_both_lists_beats_one_in_a_single_list_at_the_same_rank() -> None:
    fused = dict(reciprocal_rank_fusion([[1, 2], [3, 1]]))
    assert fused[1] == 1 / (RRF_K + 1) + 1 / (RRF_K + 2)
    assert max(fused, key=fused.__getitem__) == 1


@settings(deadline=None)
@given(st.integers(1, 60), st.integers(1, 15), st.integers(0, 2**31))
def test_exact_top_is_the_brute_force_answer(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, 8)).astype(np.float32)
    q = rng.normal(size=8).astype(np.float32)
    rows, scores = exact_top(m, q, k)
    expect = np.sort(m @ q)[::-1][: min(k, n)]
    assert np.allclose(scores, expect, atol=1e-5)
    assert len(set(rows.tolist())) == len(rows)


def test_hashed_embedder_is_deterministic_normalised_and_knows_spelling() -> None:
    e = HashedEmbedder()
    a, b, c = e.embed(["graph neural networks", "neural networks on graphs", "medieval poetry"])
    assert np.allclose(e.embed(["graph neural networks"])[0], a)
    assert abs(float(np.linalg.norm(a)) - 1) < 1e-5
    assert a @ b > a @ c
    assert e.embed([""]).shape == (1, e.dim) and not e.embed([""]).any()


def test_embedding_text_is_title_then_abstract() -> None:
    assert embedding_text("T", "") == "T"
    assert embedding_text("T", "A b.") == "T. A b."
