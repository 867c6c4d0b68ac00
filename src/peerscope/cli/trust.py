"""``peerscope trust``: compute trust snapshots (``trust derive``, also ``derive trust``) and
the calibration report (``trust report``)."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, progress, settings_from
from peerscope.cli.derive import derive as derive_group
from peerscope.derive.trust.run import calibration_report, derive_trust


@click.group("trust")
def trust() -> None:
    """Trust snapshots: an explainable trust score and verification level per researcher record."""


def _derived(d: dict) -> str:
    return (f"{d['authors']} authors under model {d['model_version']}: {d['recomputed']} new snapshots, "
            f"{d['unchanged']} unchanged, {d['removed']} no longer in the graph")


@click.command("derive")
@data_options
@json_option
@handle_errors
def trust_derive(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Score every researcher record whose inputs (or the model) changed since its last snapshot
    and append the new snapshot, with what changed, to its history. A re-run changes nothing."""
    store = open_store(settings_from(data_dir, database_url))
    with ExitStack() as stack:
        advance: list = []

        def start(total: int) -> None:
            advance.append(stack.enter_context(progress("trust", total)))

        report = derive_trust(store, progress=lambda n: advance[0](n) if advance else None, total=start)
    emit(asdict(report), as_json, _derived)


def _report(d: dict) -> str:
    lines = [f"{d['authors']} authors, model {d['model_version']}; score mean {d['score']['mean']}, median {d['score']['median']}"]
    lines.append("bands: " + ", ".join(f"{k} {v}" for k, v in d["bands"].items()))
    lines.append("levels: " + ", ".join(f"{k} {v}" for k, v in d["levels"].items()))
    for name, c in d["components"].items():
        lines.append(f"{name}: mean {c['mean']} of {c['max_points']} ({c['min']}…{c['max']})")
    return "\n".join(lines)


@click.command("report")
@data_options
@json_option
@handle_errors
def trust_report(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """The distribution of trust scores, bands and verification levels over the graph and each
    component's contribution (of the latest snapshots)."""
    store = open_store(settings_from(data_dir, database_url))
    emit(calibration_report(store), as_json, _report)


trust.add_command(trust_derive)
trust.add_command(trust_report)
if isinstance(derive_group, click.Group):  # `peerscope derive trust` runs the same step
    derive_group.add_command(trust_derive, "trust")
