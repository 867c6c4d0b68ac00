"""``peerscope db``: migrations and the drift check."""

from __future__ import annotations

from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, settings_from
from peerscope.errors import StoreError
from peerscope.store.db import Store


@click.group()
def db() -> None:
    """Create, migrate and check the database."""


@db.command("upgrade")
@data_options
@json_option
@handle_errors
def upgrade(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Create or migrate the database to the newest schema."""
    settings = settings_from(data_dir, database_url)
    store = Store(settings.resolved_database_url)
    before = store.current_revision()
    store.upgrade()
    after = store.current_revision()
    emit({"database": store.describe(), "from": before, "to": after}, as_json, lambda d: f"{d['database']}: {d['from'] or 'empty'} -> {d['to']}")


@db.command("check")
@data_options
@json_option
@handle_errors
def check(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Fail (exit 5) when the table models and the migrated database disagree."""
    settings = settings_from(data_dir, database_url)
    store = Store(settings.resolved_database_url, create_dirs=False)
    missing = store.missing_file()
    if missing is not None:
        raise StoreError(f"no database at {missing} to check")
    problems = store.drift()
    emit({"database": store.describe(), "ok": not problems, "problems": problems}, as_json, lambda d: "in step with the models" if d["ok"] else "\n".join(d["problems"]))
    if problems:
        raise StoreError(f"{len(problems)} difference(s) between models and database; write a migration")
