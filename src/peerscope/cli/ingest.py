"""``peerscope ingest``: read source records into the graph."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, progress, settings_from
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.pipeline import ingest_openalex


@click.group()
def ingest() -> None:
    """Ingest records from a source."""


def _human(d: dict) -> str:
    line = (
        f"{d['records']} records: {d['inserted']} new works, {d['updated']} updated, {d['unchanged']} unchanged, "
        f"{d['entities']} other entities, "
        f"{d['skipped_bad']} bad skipped; "
        f"{d['authors_recomputed']} profiles recomputed; {d['works_per_second']:.0f} works/s"
    )
    return "\n".join([line, *(f"  skipped: {e}" for e in d["errors"])])


@ingest.command("openalex")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Log and skip malformed records instead of stopping at the first.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None, help="Records per transaction [default: 2000].")
@data_options
@json_option
@handle_errors
def openalex(paths: tuple[Path, ...], skip_bad: bool, batch_size: int | None, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Ingest OpenAlex records from PATHS: .jsonl / .jsonl.gz files, JSON documents (a single
    entity or an API list response), or folders of them. Works, authors, venues (sources),
    institutions and topics enter the graph; other kinds are kept as raw payloads.

    Each batch is one transaction; a malformed record stops the run with its file and line
    named, after the batches before it were committed whole. Running again resumes: payloads
    already stored are skipped, so nothing is duplicated.
    """
    settings = settings_from(data_dir, database_url, ingest_batch_size=batch_size)
    store = open_store(settings, migrate=True)
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    with progress("ingest openalex", None) as advance:
        report = ingest_openalex(store, paths, batch_size=settings.ingest_batch_size, skip_bad=skip_bad, rule=rule, progress=advance)
    emit({**asdict(report), "errors": list(report.errors), "works_per_second": report.works_per_second}, as_json, _human)
