"""``peerscope derive``: rebuild derived artefacts (profile counts, the title index)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, settings_from
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.pipeline import derive_pending
from peerscope.store.writer import Writer


@click.group(invoke_without_command=True)
@data_options
@json_option
@click.pass_context
@handle_errors
def derive(ctx: click.Context, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Link references to works now in the graph, recompute profile counts (skipping authors
    whose inputs are unchanged) and rebuild the title index. A subcommand runs one derive step
    alone."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    linked = Writer(store).link_citations()
    derived = derive_pending(store, rule, everything=True)  # everything, and the queue emptied
    emit({**asdict(derived.profiles), "citations_linked": linked, "titles_indexed": derived.titles_indexed}, as_json, lambda d: ", ".join(f"{k}={v}" for k, v in d.items()))
