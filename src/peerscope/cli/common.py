"""What every command shares: data options, settings, the error format, JSON output, progress."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from peerscope.config import Settings, load_settings
from peerscope.errors import PeerscopeError, StoreError
from peerscope.store.db import Store

F = TypeVar("F", bound=Callable[..., Any])


def data_options(func: F) -> F:
    """--data-dir and --database-url, on every command that touches data."""
    func = click.option(
        "--database-url",
        default=None,
        help="SQLAlchemy URL of the store [default: SQLite file in the data dir; env PEERSCOPE_DATABASE_URL].",
    )(func)
    func = click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Folder for the database and indexes [default: ./peerscope-data; env PEERSCOPE_DATA_DIR].",
    )(func)
    return func


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")(func)


def no_index_option(func: F) -> F:
    return click.option(
        "--no-index", "no_index", is_flag=True,
        help="Leave the search index as it is (by default a built index takes in the new and changed works; later: `peerscope index update`).",
    )(func)


def follow_search_index(settings: Settings, store: Store) -> dict | None:
    """The works a command just wrote reach the search index, when one is built: keyword
    postings and vectors (embedded by the model the index was built with); its report, or None."""
    if settings.search_backend != "tantivy":
        return None
    from peerscope.index.service import service_for

    with progress("index update", None) as advance:
        report = service_for(settings, store).follow(advance)
    return report.as_dict() if report else None


def index_embeddings(settings: Settings, store: Store):  # type: ignore[no-untyped-def]
    """The search index's vectors for the similar works' meaning signal, or None."""
    if settings.search_backend != "tantivy":
        return None
    from peerscope.index.service import service_for

    return service_for(settings, store).embeddings()


def search_index_lines(d: dict) -> list[str]:
    si = d.get("search_index")
    if not si:
        return []
    return [f"  search index: {si['works']} works indexed, {si['deleted']} removed, {si['embedded']} embedded ({si['embedder']})"]


def settings_from(data_dir: Path | None, database_url: str | None, **extra: Any) -> Settings:
    return load_settings(data_dir=data_dir, database_url=database_url, **extra)


def open_store(settings: Settings, *, migrate: bool = False) -> Store:
    """The settings' store; without ``migrate`` it must exist and be current (nothing is created)."""
    if not migrate:
        probe = Store(settings.resolved_database_url, create_dirs=False)
        missing = probe.missing_file()
        probe.dispose()
        if missing is not None:
            raise StoreError(f"no database at {missing}; build one with `peerscope demo` or `peerscope db upgrade`")
    store = Store(settings.resolved_database_url)
    if migrate:
        store.upgrade()
    else:
        store.require_current()
    return store


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")
    else:
        click.echo(human(data) if human else str(data))


def handle_errors(func: F) -> F:
    """Turn Peerscope errors into one message format and a meaningful exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PeerscopeError as exc:
            if kwargs.get("as_json"):
                sys.stdout.write(orjson.dumps({"error": exc.code, "message": exc.message}).decode() + "\n")
            click.echo(f"peerscope: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on a terminal; plain log lines every 10% otherwise."""
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(), transient=True
        ) as bar:
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)
        return
    done = 0
    next_report = max(1, (total or 0) // 10) if total else 10_000
    step = next_report

    def advance(n: int) -> None:
        nonlocal done, next_report
        done += n
        if done >= next_report:
            click.echo(f"{label}: {done}" + (f"/{total}" if total else ""), err=True)
            next_report += step

    yield advance


class LateProgress:
    """A progress bar for work that learns its total only once it starts: pass ``start`` and
    ``advance`` as the callbacks; the bar closes when it reaches its total or with the ``with``
    block (so several can follow one another inside one block: a terminal shows one at a time)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._stack = ExitStack()
        self._advance: Callable[[int], None] | None = None
        self._left = 0

    def __enter__(self) -> LateProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def start(self, total: int) -> None:
        if total > 0:  # nothing to count: no bar
            self._advance = self._stack.enter_context(progress(self.label, total))
            self._left = total

    def advance(self, n: int) -> None:
        if self._advance is not None:
            self._advance(n)
            self._left -= n
            if self._left <= 0:
                self._advance = None
                self._stack.close()
