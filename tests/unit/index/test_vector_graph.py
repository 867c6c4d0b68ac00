"""The HNSW graph beside the vectors: written from GRAPH_FROM vectors on, patched in place by a
small update, rebuilt by a large one, ignored when it is not in step with the vectors, and close
to exact search in what it finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from peerscope.index import vectors as V


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def vector_set(ids: np.ndarray, seed: int = 0, dim: int = 16) -> V.VectorSet:
    rng = np.random.default_rng(seed)
    return V.VectorSet(ids.astype(np.int64), ids.astype(np.int64) * 7, unit(rng.standard_normal((len(ids), dim))))


@pytest.fixture(autouse=True)
def small_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(V, "GRAPH_FROM", 200)


def recall_at_10(index: V.VectorIndex, vs: V.VectorSet, queries: np.ndarray) -> float:
    hits = 0
    for q in queries:
        rows, _ = V.exact_top(vs.vectors, q, 10)
        hits += len({int(vs.ids[r]) for r in rows} & {i for i, _ in index.nearest(q, 10)})
    return hits / (10 * len(queries))


def test_small_sets_search_exactly_and_large_ones_through_the_graph(tmp_path: Path) -> None:
    small = vector_set(np.arange(1, 150))
    V.save(tmp_path, small, "test", graph=True, touched=np.zeros(0, np.int64))
    index = V.VectorIndex(tmp_path)
    assert not index.uses_graph and not (tmp_path / V.GRAPH).exists()
    q = small.vectors[3]
    assert index.nearest(q, 1)[0][0] == 4  # exact: a vector is its own nearest

    large = vector_set(np.arange(1, 2001) * 3, seed=1)
    V.save(tmp_path, large, "test", graph=True, touched=large.ids)
    meta = orjson.loads((tmp_path / V.META).read_bytes())
    assert meta["graph"]["count"] == 2000 and meta["graph"]["how"] == "built"
    assert index.uses_graph  # the running reader notices the new files
    found = index.nearest(large.vectors[10], 5)
    assert found[0][0] == int(large.ids[10]) and abs(found[0][1] - 1.0) < 1e-5
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    rng = np.random.default_rng(9)
    assert recall_at_10(index, large, unit(rng.standard_normal((50, 16)))) >= 0.95


def test_a_small_update_patches_the_graph_and_a_large_one_rebuilds_it(tmp_path: Path) -> None:
    base = vector_set(np.arange(1, 1001), seed=2)
    V.save(tmp_path, base, "test", graph=True, touched=base.ids)
    # 30 works re-embedded, 20 dropped: patched, and the graph holds exactly the new vectors
    changed = np.arange(1, 31)
    dropped = np.arange(981, 1001)
    keep = ~np.isin(base.ids, dropped)
    vectors = base.vectors.copy()
    vectors[np.isin(base.ids, changed)] = unit(np.random.default_rng(3).standard_normal((30, 16)))
    updated = V.VectorSet(base.ids[keep], base.hashes[keep], vectors[keep])
    V.save(tmp_path, updated, "test", graph=True, touched=np.concatenate([changed, dropped]))
    meta = orjson.loads((tmp_path / V.META).read_bytes())
    assert meta["graph"] == {**meta["graph"], "how": "patched", "count": 980}
    index = V.VectorIndex(tmp_path)
    for wid in (1, 17, 30, 500):
        row = int(np.flatnonzero(updated.ids == wid)[0])
        assert index.nearest(updated.vectors[row], 1)[0][0] == wid  # re-embedded works are found by their new vector
    assert not {i for i, _ in index.nearest(base.vectors[-1], 50)} & set(dropped.tolist())
    # an update touching more than GRAPH_PATCH_SHARE of the works rebuilds
    V.save(tmp_path, updated, "test", graph=True, touched=updated.ids[:500])
    assert orjson.loads((tmp_path / V.META).read_bytes())["graph"]["how"] == "built"
    # another embedder's vectors never patch this graph
    V.save(tmp_path, updated, "other", graph=True, touched=updated.ids[:5])
    assert orjson.loads((tmp_path / V.META).read_bytes())["graph"]["how"] == "built"


def test_a_checkpoint_mid_build_drops_the_graph_until_the_build_finishes(tmp_path: Path) -> None:
    base = vector_set(np.arange(1, 501), seed=4)
    V.save(tmp_path, base, "test", graph=True, touched=base.ids)
    index = V.VectorIndex(tmp_path)
    assert index.uses_graph
    V.save(tmp_path, base, "test")  # a checkpoint: vectors only
    assert not (tmp_path / V.GRAPH).exists() and "graph" not in orjson.loads((tmp_path / V.META).read_bytes())
    assert not index.uses_graph and index.nearest(base.vectors[0], 1)[0][0] == 1  # exact meanwhile
    # a graph file that does not hold the vectors beside it is not used
    V.save(tmp_path, base, "test", graph=True, touched=base.ids)
    meta = orjson.loads((tmp_path / V.META).read_bytes())
    (tmp_path / V.META).write_bytes(orjson.dumps({**meta, "graph": {**meta["graph"], "count": 499}}))
    assert not V.VectorIndex(tmp_path).uses_graph
