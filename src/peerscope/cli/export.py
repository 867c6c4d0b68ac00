"""``peerscope export``, ``peerscope ingest jsonl`` and ``peerscope rebuild``: the graph as
canonical JSON Lines, an export read into a store, and the graph built again from the stored
payloads. The format is described in docs/canonical-jsonl.md."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click

from peerscope.cli.common import (
    data_options,
    emit,
    follow_search_index,
    handle_errors,
    json_option,
    no_index_option,
    open_store,
    progress,
    search_index_lines,
    settings_from,
)
from peerscope.cli.ingest import ingest
from peerscope.config import Settings
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.errors import InputError
from peerscope.pipeline import derive_pending
from peerscope.store.db import Store
from peerscope.store.export import (
    ExportScan,
    check_export,
    clear_graph,
    export_jsonl,
    raw_count,
    replay_all,
    replay_pending,
    stage_import,
)

EXIT_SKIPPED = InputError.exit_code
DEFAULT_RULE = CollaborationRule()
Bar = Callable[[str, int | None], AbstractContextManager[Callable[[int], None]]]


def _rule(settings: Settings) -> CollaborationRule:
    return CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)


def _refresh(store: Store, rule: CollaborationRule, everything: bool) -> dict[str, int]:
    """Profile counts and the title index of what the replays queued (of everything after a
    rebuild); what an import cut short had queued is finished here too."""
    derived = derive_pending(store, rule, everything=everything)
    return {"authors_recomputed": derived.authors_recomputed, "titles_indexed": derived.titles_indexed}


def run_import(
    store: Store, path: Path, *, scan: ExportScan | None = None, batch_size: int = 2000, rule: CollaborationRule = DEFAULT_RULE, bar: Bar = progress
) -> dict[str, Any]:
    """Import an export: check it through (unless ``scan`` is that check), store its raw,
    quarantine and checkpoint lines, replay the new raw records, then refresh profile counts
    and the title index."""
    start = time.perf_counter()
    if scan is None:
        scan = check(path, bar)
    with bar("import: store raw records", scan.counts["raw"]) as advance:
        staged = stage_import(store, scan, progress=advance)
    with bar("import: replay", staged.pending) as advance:
        replay = replay_pending(store, scan.key, batch_size=batch_size, progress=advance)
    refreshed = _refresh(store, rule, everything=False)
    return {
        "path": str(path),
        "format": scan.header.format,
        "schema_revision": scan.header.schema_revision,
        "exported_at": scan.header.exported_at,
        "lines": scan.counts,
        "raw_inserted": staged.raw_inserted,
        "raw_present": staged.raw_present,
        "raw_ids_kept": staged.raw_ids_kept,
        "quarantine_read": staged.quarantine_read,
        "checkpoints_written": staged.checkpoints_written,
        **replay.as_dict(),
        **refreshed,
        "seconds": round(time.perf_counter() - start, 3),
    }


def check(path: Path, bar: Bar = progress) -> ExportScan:
    """Read an export through (InputError when it cannot be imported), writing nothing."""
    with bar("import: check export", None) as advance:
        return check_export(path, progress=advance)


def run_rebuild(store: Store, *, batch_size: int = 2000, rule: CollaborationRule = DEFAULT_RULE, bar: Bar = progress) -> dict[str, Any]:
    """Delete every canonical and derived row, replay every raw record, refresh what derives."""
    start = time.perf_counter()
    deleted = clear_graph(store)
    with bar("rebuild: replay", raw_count(store)) as advance:
        replay = replay_all(store, batch_size=batch_size, progress=advance)
    refreshed = _refresh(store, rule, everything=True)
    return {"deleted": deleted, **replay.as_dict(), **refreshed, "seconds": round(time.perf_counter() - start, 3)}


def _replay_lines(d: dict[str, Any]) -> list[str]:
    lines = [
        (
            f"{d['replayed']} raw records replayed ({d['records_per_second']:.0f}/s): {d['inserted']} new works, {d['updated']} work updates, "
            f"{d['entities']} other entities, {d['merged']} works folded together, {d['deferred']} waiting for their work; "
            f"{d['authors_recomputed']} profiles recomputed, {d['titles_indexed']} titles indexed"
        )
    ]
    lines += search_index_lines(d)
    if d["failed"]:
        lines.append(f"{d['failed']} raw record(s) could not be replayed and were skipped:")
        lines += [f"  {e}" for e in d["errors"]]
    return lines


def _skipped(d: dict[str, Any]) -> None:
    if d["failed"]:
        click.echo(f"peerscope: {d['failed']} raw record(s) could not be replayed, the first: {d['errors'][0] if d['errors'] else ''}", err=True)
        raise SystemExit(EXIT_SKIPPED)


batch_option = click.option(
    "--batch-size", type=click.IntRange(1, 100_000), default=None, help="Most raw records replayed per transaction [default: setting ingest_batch_size]."
)


@click.command("export")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@data_options
@json_option
@handle_errors
def export(out: Path, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Write the whole graph to OUT as canonical JSON Lines (gzip when OUT ends in .gz).

    One consistent read of the store, written line by line: a header, every raw payload with
    the quarantine and checkpoints (what `peerscope ingest jsonl` reads back), then works,
    authors, venues, institutions, topics and redirects for other programs. Sorted and with
    sorted keys, so the same graph gives the same file. See docs/canonical-jsonl.md.
    """
    if not out.parent.is_dir():
        raise InputError(f"{out}: folder {out.parent} does not exist")
    store = open_store(settings_from(data_dir, database_url))
    with progress("export", None) as advance:
        report = export_jsonl(store, out, progress=advance)
    d = report.as_dict()
    emit(d, as_json, lambda d: f"{d['path']}: {d['records']} lines ({', '.join(f'{n} {k}' for k, n in d['lines'].items())}), {d['bytes']} bytes, {d['records_per_second']:.0f} lines/s")


@ingest.command("jsonl")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@batch_option
@no_index_option
@data_options
@json_option
@handle_errors
def jsonl(path: Path, batch_size: int | None, no_index: bool, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Import a `peerscope export` file (plain or gzip): its raw payloads, quarantine and
    checkpoints are stored and the payloads replayed into the graph.

    The file is read through first: one without the header, of an unknown format, damaged or
    truncated is refused (exit 3) with nothing written. Payloads the store holds already are
    skipped, so importing twice changes nothing; an import cut short finishes when run again.
    Records that no longer replay are reported and skipped (exit 3).
    """
    settings = settings_from(data_dir, database_url, ingest_batch_size=batch_size)
    scan = check(path)  # before the store is opened: a refused file creates nothing
    store = open_store(settings, migrate=True)
    d = run_import(store, path, scan=scan, batch_size=settings.ingest_batch_size, rule=_rule(settings))
    d["search_index"] = None if no_index else follow_search_index(settings, store)
    emit(d, as_json, lambda d: "\n".join([
        f"{d['path']} (format {d['format']}, exported {d['exported_at']}): {d['raw_inserted']} raw records stored, {d['raw_present']} already here",
        *_replay_lines(d),
    ]))
    _skipped(d)


@click.command()
@batch_option
@no_index_option
@data_options
@json_option
@handle_errors
def rebuild(batch_size: int | None, no_index: bool, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Build the graph again from the stored raw payloads: delete every canonical and derived
    row (raw records, quarantine and checkpoints stay) in one transaction, replay every raw
    record in the batches it was first written in, then recompute profile counts and the title
    index. Records that no longer replay (their source's reader changed) are reported and
    skipped (exit 3); the rest of the graph is built.
    """
    settings = settings_from(data_dir, database_url, ingest_batch_size=batch_size)
    store = open_store(settings)
    d = run_rebuild(store, batch_size=settings.ingest_batch_size, rule=_rule(settings))
    d["search_index"] = None if no_index else follow_search_index(settings, store)
    emit(d, as_json, lambda d: "\n".join([f"deleted {sum(d['deleted'].values())} canonical and derived rows", *_replay_lines(d)]))
    _skipped(d)
