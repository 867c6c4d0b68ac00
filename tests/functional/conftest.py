"""Functional fixtures: a real, migrated store on SQLite and on PostgreSQL, seeded from fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from peerscope.config import Settings
from peerscope.pipeline import ingest_openalex
from peerscope.serve.app import create_app
from peerscope.store.db import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "openalex" / "sample_works.jsonl"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on each database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'peerscope.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    s = Store(url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture
def seeded_store(store: Store) -> Store:
    ingest_openalex(store, [SAMPLE])
    return store


@pytest.fixture
def client(seeded_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=seeded_store.describe())
    with TestClient(create_app(settings, store=seeded_store), follow_redirects=False) as c:
        yield c
