"""`bench graph` times the explorer's first render in headless Chromium, in parts that add up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from peerscope.cli import cli

pytestmark = pytest.mark.browser


def test_bench_graph_times_the_explorer_first_render_in_parts(chromium_executable: str) -> None:
    result = CliRunner().invoke(
        cli, ["bench", "graph", "--works", "300", "--seed", "2", "--queries", "10", "--chromium", chromium_executable, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)["explorer"]
    assert "skipped" not in r, r
    assert r["nodes"] > 20 and 45 <= r["limit"] <= 100 and r["runs"] == 3
    assert r["first_render_ms"] == min(r["first_render_ms_all"]) > 0
    # navigation to the first frame: the page, then reading its data block, then the drawing
    assert r["page_ms"] + r["graph_data_ms"] + r["drawing_ms"] == r["first_render_ms"]
    assert min(r["page_ms"], r["graph_data_ms"], r["drawing_ms"]) >= 0
