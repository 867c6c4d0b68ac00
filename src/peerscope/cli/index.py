"""``peerscope index``: the search index (keyword, vectors) built from the store and kept current."""

from __future__ import annotations

from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, progress, settings_from
from peerscope.index.service import IndexReport, service_for
from peerscope.store import search as store_search


def _describe(d: dict) -> str:
    return (
        f"search index {d['mode']}: {d['works']} works indexed, {d['deleted']} removed; "
        f"{d['embedded']} embedded ({d['embedder']}, {d['embed_seconds']} s), {d['reused']} vectors reused; "
        f"{d['documents']} documents, {d['vectors']} vectors in {d['seconds']} s -> {d['path']}"
    )


def _embedder_option(func):  # type: ignore[no-untyped-def]
    return click.option("--embedder", type=click.Choice(["auto", "minilm", "hashed"]), default=None, help="Embeddings for semantic search [default: auto, MiniLM when the `semantic` extra is installed, else hashed; env PEERSCOPE_SEARCH_EMBEDDER].")(func)


@click.group()
def index() -> None:
    """The search index: keyword (BM25), vectors for semantic search, hybrid ranking."""


@index.command("build")
@_embedder_option
@data_options
@json_option
@handle_errors
def build(embedder: str | None, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Rebuild the search index from the store (vectors of works whose text did not change are
    kept, so a rebuild embeds only what is new)."""
    settings = settings_from(data_dir, database_url, search_embedder=embedder)
    store = open_store(settings)
    service = service_for(settings, store)
    with progress("index build", store_search.work_count(store)) as advance:
        report = service.build(advance)
    emit(report.as_dict(), as_json, _describe)


@index.command("update")
@click.option("--work", "works", type=click.IntRange(1), multiple=True, help="Index these works (our numeric ids, repeat the option) instead of those written since the last build or update.")
@_embedder_option
@data_options
@json_option
@handle_errors
def update(works: tuple[int, ...], embedder: str | None, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Index the works written since the last build or update and drop works no longer in the
    store (builds the index when there is none)."""
    settings = settings_from(data_dir, database_url, search_embedder=embedder)
    store = open_store(settings)
    service = service_for(settings, store)
    with progress("index update", len(works) or None) as advance:
        report: IndexReport = service.update(works or None, advance)
    emit(report.as_dict(), as_json, _describe)
