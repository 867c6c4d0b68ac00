"""The packaged all-MiniLM-L6-v2, loaded from its PyPI package with the hub switched off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peerscope.index.embed import MiniLMEmbedder, packaged_model_archive


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> MiniLMEmbedder:
    return MiniLMEmbedder(tmp_path_factory.mktemp("models"))


def test_the_model_ships_inside_its_package() -> None:
    archive = packaged_model_archive()
    assert archive.name == "model.zip" and archive.stat().st_size > 50_000_000


def test_embeddings_are_normalised_384_dimensional_and_mean_something(model: MiniLMEmbedder) -> None:
    v = model.embed(["Graph neural networks for molecular property prediction", "Message passing networks predict properties of molecules", "A history of medieval French poetry"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > 0.5 > v[0] @ v[2]
    assert model.embed([]).shape == (0, 384)


def test_the_model_is_unpacked_once(model: MiniLMEmbedder, tmp_path: Path) -> None:
    first = MiniLMEmbedder(tmp_path)
    marker = next(tmp_path.glob("*/.unpacked"))
    stamp = marker.stat().st_mtime
    MiniLMEmbedder(tmp_path)
    assert marker.stat().st_mtime == stamp and first.name == model.name
