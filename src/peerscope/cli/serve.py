"""``peerscope serve`` and ``peerscope demo``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, progress, settings_from
from peerscope.config import Settings
from peerscope.serve.ids import public_id
from peerscope.store import queries
from peerscope.store.db import Store


def _serve(settings: Settings, store: Store) -> None:
    import uvicorn

    from peerscope.serve.app import create_app

    settings.check_can_serve()
    app = create_app(settings, store=store)
    search = app.state.search
    if search is not None and search.is_built and search.vectors.count:
        click.echo("loading the embedding model for semantic search ...", err=True)
        search.query_embedder()  # now, rather than on the first search
    base = f"http://{settings.host}:{settings.port}"
    author = queries.busiest_author(store)
    click.echo(f"Peerscope serving {store.describe()} at {base}/", err=True)
    if author is not None:
        click.echo(f"  a researcher profile: {base}/authors/{public_id('author', author)}", err=True)
        click.echo(f"  their research graph: {base}/graph/{public_id('author', author)}", err=True)
    click.echo(f"  daily papers: {base}/daily   API: {base}/api/works   OpenAPI: {base}/api/openapi.json", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", proxy_headers=False)


def server_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port [default: 8000; env PEERSCOPE_PORT].")(func)
    func = click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1; env PEERSCOPE_HOST].")(func)
    return func


@click.command()
@server_options
@data_options
@handle_errors
def serve(host: str | None, port: int | None, data_dir: Path | None, database_url: str | None) -> None:
    """Serve an existing data dir: web pages and the API."""
    settings = settings_from(data_dir, database_url, host=host, port=port)
    _serve(settings, open_store(settings))


def _describe_demo(d: dict) -> str:
    how = "reused" if d["reused"] else "built in {:.1f} s".format(d["seconds"])
    return f"demo database ready: {d['works']} works, {d['authors']} authors ({how})"


@click.command()
@click.option("--works", type=click.IntRange(1, 5_000_000), default=5000, show_default=True, help="Works in the generated corpus.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the generated corpus.")
@click.option("--end-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Last publication date of the corpus [default: today].")
@click.option("--build-only", is_flag=True, help="Build the demo database and stop without serving.")
@server_options
@data_options
@json_option
@handle_errors
def demo(works: int, seed: int, end_date, build_only: bool, host: str | None, port: int | None, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Build an embedded demo database from a generated corpus, then serve it.

    Rebuilding is skipped when the data dir already holds a demo built with the same
    --works, --seed and --end-date.
    """
    from peerscope.demo import build_demo

    settings = settings_from(data_dir, database_url, host=host, port=port)
    last_day = end_date.date() if end_date else date.today()
    with progress("demo: ingest, then the search index", 2 * works) as advance:
        report = build_demo(settings, works=works, seed=seed, end_date=last_day, progress=advance, index_progress=advance)
    emit(asdict(report), as_json, _describe_demo)
    if not build_only:
        _serve(settings, open_store(settings))
