"""Work vectors on disk and nearest-neighbour search over them.

The vectors live in the index folder as three NumPy files (``vectors.npy``: float32 rows,
L2-normalised; ``ids.npy``: the work of each row; ``hashes.npy``: a hash of the text each row was
embedded from) and ``vectors.json`` (the embedder's name and dimension). A rebuild re-embeds only
works whose text changed, so embedding, the slow part, is incremental and a killed run loses only
what it had not yet written.

Search is exact: one matrix-vector product over the memory-mapped matrix, then a partial sort.
``peerscope bench search`` measures it against HNSW graphs (usearch, hnswlib): at the scales the
embedded store serves, exact search is fast enough and has recall 1 (see docs/search.md).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from peerscope.errors import StoreError

FILES = ("vectors.npy", "ids.npy", "hashes.npy")
META = "vectors.json"


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


def save(folder: Path, vs: VectorSet, embedder: str) -> None:
    """Write the set (each file beside its final name first, then renamed over it)."""
    folder.mkdir(parents=True, exist_ok=True)
    order = np.argsort(vs.ids, kind="stable")
    for name, arr in zip(FILES, (vs.vectors[order], vs.ids[order], vs.hashes[order]), strict=True):
        tmp = folder / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            np.save(fh, np.ascontiguousarray(arr))
        os.replace(tmp, folder / name)
    meta = {"embedder": embedder, "dim": int(vs.vectors.shape[1]), "count": len(vs.ids)}
    (folder / META).write_bytes(orjson.dumps(meta))


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
    """The app's view of the vectors: reloads when a rebuild replaced the files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stamp: float | None = None
        self._set: VectorSet | None = None
        self.embedder_name: str | None = None

    def _current(self) -> VectorSet | None:
        meta = self.folder / META
        try:
            stamp = meta.stat().st_mtime
        except FileNotFoundError:
            self._set, self._stamp = None, None
            return None
        if stamp != self._stamp:
            loaded = load(self.folder)
            self._set, self.embedder_name = (loaded[0], loaded[1]["embedder"]) if loaded else (None, None)
            self._stamp = stamp
        return self._set

    @property
    def count(self) -> int:
        vs = self._current()
        return 0 if vs is None else len(vs.ids)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        vs = self._current()
        if vs is None:
            return []
        rows, scores = exact_top(vs.vectors, query, k)
        return [(int(vs.ids[r]), float(s)) for r, s in zip(rows, scores, strict=True)]
