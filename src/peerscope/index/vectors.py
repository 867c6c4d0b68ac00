"""Work vectors on disk and nearest-neighbour search over them.

The vectors live in the index folder as three NumPy files (``vectors.npy``: float32 rows,
L2-normalised; ``ids.npy``: the work of each row; ``hashes.npy``: a hash of the text each row was
embedded from) and ``vectors.json`` (the embedder's name and dimension). A rebuild re-embeds only
works whose text changed, so embedding, the slow part, is incremental and a killed run loses only
what it had not yet written.

Search is exact (one matrix-vector product over the memory-mapped matrix, then a partial sort)
below ``GRAPH_FROM`` vectors, where it costs a few milliseconds and has recall 1. From there a
usearch HNSW graph (``graph.usearch``, keyed by work id) answers instead: exact search reads every
vector per query, which at a million works costs hundreds of milliseconds. The graph is written
when a build or update finishes, changed in place for an update that touched few works, and
used only while ``vectors.json`` says it holds exactly the vectors beside it. ``peerscope bench
search`` measures both, with the graph's recall@10 against exact search (docs/search.md).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from peerscope.errors import StoreError

FILES = ("vectors.npy", "ids.npy", "hashes.npy")
META = "vectors.json"
GRAPH = "graph.usearch"
GRAPH_FROM = 50_000  # vectors from which the HNSW graph answers instead of exact search
GRAPH_PARAMS = {"connectivity": 16, "expansion_add": 128, "expansion_search": 128}
GRAPH_PATCH_SHARE = 0.2  # an update touching more of the works than this rebuilds the graph


def text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


@dataclass(frozen=True, slots=True)
class VectorSet:
    ids: np.ndarray  # int64, one per row
    hashes: np.ndarray  # int64
    vectors: np.ndarray  # float32 (n, dim)

    @classmethod
    def empty(cls, dim: int) -> VectorSet:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, dim), np.float32))


def save(folder: Path, vs: VectorSet, embedder: str, *, graph: bool = False, touched: np.ndarray | None = None) -> None:
    """Write the set (each file beside its final name first, then renamed over it). With
    ``graph`` (a build or update finishing) the HNSW graph is brought in step too: patched when
    only the ``touched`` works (re-embedded or dropped) changed since a graph in step with the
    previous vectors, rebuilt otherwise; below ``GRAPH_FROM`` vectors there is none."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = read_meta(folder)
    order = np.argsort(vs.ids, kind="stable")
    for name, arr in zip(FILES, (vs.vectors[order], vs.ids[order], vs.hashes[order]), strict=True):
        tmp = folder / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            np.save(fh, np.ascontiguousarray(arr))
        os.replace(tmp, folder / name)
    meta: dict = {"embedder": embedder, "dim": int(vs.vectors.shape[1]), "count": len(vs.ids)}
    if graph:
        meta["graph"] = _write_graph(folder, vs, embedder, previous, touched)
    else:
        (folder / GRAPH).unlink(missing_ok=True)  # a checkpoint mid-build: the graph no longer matches
    tmp = folder / f".{META}.tmp"
    tmp.write_bytes(orjson.dumps(meta))
    os.replace(tmp, folder / META)


def read_meta(folder: Path) -> dict | None:
    try:
        return orjson.loads((folder / META).read_bytes())
    except FileNotFoundError:
        return None


def _new_graph(dim: int):  # type: ignore[no-untyped-def]
    from usearch.index import Index

    return Index(ndim=dim, metric="cos", dtype="f32", **GRAPH_PARAMS)


def _write_graph(folder: Path, vs: VectorSet, embedder: str, previous: dict | None, touched: np.ndarray | None) -> dict | None:
    """The graph of ``vs`` on disk; its description for ``vectors.json``, or None below GRAPH_FROM."""
    path = folder / GRAPH
    n, dim = len(vs.ids), int(vs.vectors.shape[1])
    if n < GRAPH_FROM:
        path.unlink(missing_ok=True)
        return None
    from usearch.index import Index

    in_step = (
        previous is not None and previous.get("graph") is not None and previous.get("embedder") == embedder
        and previous.get("dim") == dim and path.exists() and touched is not None and len(touched) <= GRAPH_PATCH_SHARE * n
    )
    keys = np.asarray(vs.ids, dtype=np.uint64)
    started = time.perf_counter()
    if in_step:
        graph = Index.restore(str(path))
        gone = np.asarray(touched, dtype=np.uint64)
        gone = gone[[int(k) in graph for k in gone]] if len(gone) else gone
        if len(gone):
            graph.remove(gone)
        add = np.isin(vs.ids, touched)
        if add.any():
            graph.add(keys[add], np.ascontiguousarray(vs.vectors[add], dtype=np.float32), threads=os.cpu_count() or 1)
        how = "patched"
    else:
        graph = _new_graph(dim)
        graph.add(keys, np.ascontiguousarray(vs.vectors, dtype=np.float32), threads=os.cpu_count() or 1)
        how = "built"
    if len(graph) != n:
        path.unlink(missing_ok=True)  # the vectors beside it are already the new ones: search them exactly meanwhile
        raise StoreError(f"the vector graph in {folder} holds {len(graph)} vectors, not {n}; rebuild with `peerscope index build`")
    tmp = folder / f".{GRAPH}.tmp"
    graph.save(str(tmp))
    os.replace(tmp, path)
    return {"count": n, "how": how, "seconds": round(time.perf_counter() - started, 2), **GRAPH_PARAMS}


def load(folder: Path, *, mmap: bool = True) -> tuple[VectorSet, dict] | None:
    if not (folder / META).exists():
        return None
    meta = orjson.loads((folder / META).read_bytes())
    mode = "r" if mmap else None
    vectors, ids, hashes = (np.load(folder / name, mmap_mode=mode) for name in FILES)
    if len(ids) != len(vectors) or len(hashes) != len(ids):
        raise StoreError(f"the vectors in {folder} are inconsistent ({len(vectors)} rows, {len(ids)} ids); rebuild with `peerscope index build`")
    return VectorSet(np.asarray(ids), np.asarray(hashes), vectors), meta


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and scores of the ``k`` rows nearest ``query`` by cosine (rows are normalised)."""
    n = len(vectors)
    if n == 0 or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    scores = vectors @ query
    k = min(k, n)
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.argsort(-scores[part], kind="stable")]
    return order, scores[order]


class VectorIndex:
    """The app's view of the vectors: reloads when a rebuild replaced the files, and searches
    the HNSW graph when there is one in step with them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stamp: float | None = None
        self._set: VectorSet | None = None
        self._graph = None
        self.embedder_name: str | None = None
        self.exact_only = False  # search every vector even when a graph is there (a benchmark's baseline)

    def _current(self) -> VectorSet | None:
        meta = self.folder / META
        try:
            stamp = meta.stat().st_mtime_ns
        except FileNotFoundError:
            self._set, self._stamp, self._graph = None, None, None
            return None
        if stamp != self._stamp:
            loaded = load(self.folder)
            self._set, self.embedder_name = (loaded[0], loaded[1]["embedder"]) if loaded else (None, None)
            self._graph = None
            described = loaded[1].get("graph") if loaded else None
            if described and described.get("count") == len(loaded[0].ids) and (self.folder / GRAPH).exists():  # type: ignore[index]
                from usearch.index import Index

                self._graph = Index.restore(str(self.folder / GRAPH), view=True)  # memory-mapped
            self._stamp = stamp
        return self._set

    @property
    def uses_graph(self) -> bool:
        self._current()
        return self._graph is not None

    @property
    def count(self) -> int:
        vs = self._current()
        return 0 if vs is None else len(vs.ids)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        vs = self._current()
        if vs is None or k <= 0:
            return []
        if self._graph is not None and not self.exact_only:
            found = self._graph.search(np.asarray(query, dtype=np.float32), min(k, len(vs.ids)))
            return [(int(key), 1.0 - float(d)) for key, d in zip(found.keys, found.distances, strict=True)]
        rows, scores = exact_top(vs.vectors, query, k)
        return [(int(vs.ids[r]), float(s)) for r, s in zip(rows, scores, strict=True)]
