"""Browser fixtures: the demo, built once for the session and served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from support.server import run_uvicorn

from peerscope.config import Settings
from peerscope.demo import build_demo
from peerscope.serve.app import create_app
from peerscope.store.db import Store


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """A 600-work demo (seed 11) served by the real app: (base URL, its store)."""
    data_dir = tmp_path_factory.mktemp("demo")
    settings = Settings(data_dir=data_dir)
    build_demo(settings, works=600, seed=11, end_date=date(2026, 6, 30))
    store = Store(settings.resolved_database_url)
    with run_uvicorn(create_app(settings, store=store)) as base:
        yield base, store
    store.dispose()
