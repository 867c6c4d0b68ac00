"""``peerscope derive integrity``: the integrity checks on the graph itself (citation anomalies
of works and authors, retractions and expressions of concern sources mark)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, settings_from
from peerscope.cli.derive import derive
from peerscope.derive.integrity.graph import run_graph_checks


def _human(d: dict) -> str:
    kinds = ", ".join(f"{k}={n}" for k, n in d["flags"].items()) or "none"
    return (f"{d['works']} works and {d['authors']} authors checked: {d['rewritten']} rewritten, {d['unchanged']} unchanged, "
            f"{d['removed']} removed; flags standing: {kinds}")


@derive.command("integrity")
@data_options
@json_option
@handle_errors
def integrity(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Flag citation anomalies (self-citation share, citations from a co-author cluster,
    bursts) of works and authors, and works a source marks retracted or under an expression of
    concern. Only works and authors whose inputs changed are rewritten."""
    store = open_store(settings_from(data_dir, database_url))
    emit(asdict(run_graph_checks(store)), as_json, _human)
