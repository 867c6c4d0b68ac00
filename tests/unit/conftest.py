"""Fixtures shared by the unit tests of the source connectors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A loopback HTTP server standing in for a source's API, one per test module; each test
    clears it (its ``api``/``client`` fixture) before setting its own answers."""
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()
