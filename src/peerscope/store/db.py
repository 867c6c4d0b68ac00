"""Engines, SQLite pragmas, migrations and the drift check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from peerscope.errors import StoreError
from peerscope.store.models import Base

MIGRATIONS = Path(__file__).parent / "migrations"
# Tables the store keeps outside the models (search index tables built at run time).
UNMODELLED_TABLES = frozenset({"alembic_version"})
UNMODELLED_PREFIXES = ("works_fts",)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    # checkpoint the WAL every ~32 MB rather than every 4 MB: bulk ingestion commits often
    cur.execute("PRAGMA wal_autocheckpoint=8000")
    cur.close()
    # Let SQLAlchemy's "begin" event open transactions (below), so writers can ask for the
    # write lock up front (BEGIN IMMEDIATE) while readers stay lock-free under WAL.
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("peerscope_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """One database: its engine, migrations and connections."""

    def __init__(self, url: str, *, create_dirs: bool = True, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"database URL {url!r} is not a valid SQLAlchemy URL: {exc}") from exc
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.dialect not in {"sqlite", "postgresql"}:
            raise StoreError(f"database URL {url!r}: only sqlite and postgresql are supported")
        if self.dialect == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:" and create_dirs:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, object] = {"echo": echo, "future": True}
        if self.dialect == "postgresql":
            kwargs.update(pool_size=10, max_overflow=40, pool_pre_ping=True)
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)

    def missing_file(self) -> Path | None:
        """The SQLite file this store names, when it does not exist yet (None otherwise)."""
        db = self.url.database
        if self.dialect == "sqlite" and db and db != ":memory:" and not Path(db).exists():
            return Path(db)
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self, *, write: bool = False) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on any error.

        ``write=True`` takes SQLite's write lock when the transaction starts, so reads made
        inside it (such as allocating the next ids) cannot be overtaken by another writer.
        """
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(peerscope_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise StoreError(f"database {self.describe()}: {exc.orig}") from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"database {self.describe()}: {exc.orig}") from exc

    # --- migrations -------------------------------------------------------------------------
    def _alembic_config(self, conn: Connection) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        try:
            with self.engine.begin() as conn:
                command.upgrade(self._alembic_config(conn), revision)
        except SQLAlchemyError as exc:
            raise StoreError(f"migrating {self.describe()} failed: {exc}") from exc

    def current_revision(self) -> str | None:
        with self.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        with self.connect() as conn:
            return ScriptDirectory.from_config(self._alembic_config(conn)).get_current_head()

    def is_current(self) -> bool:
        return self.current_revision() == self.head_revision()

    def require_current(self) -> None:
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            raise StoreError(
                f"database {self.describe()} is at revision {current or 'none'}, code expects {head}; "
                "run `peerscope db upgrade`"
            )

    def drift(self) -> list[str]:
        """Differences between the table models and the migrated database (empty when in step)."""
        problems: list[str] = []
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            problems.append(f"database at revision {current or 'none'}, migrations head is {head}")
        with self.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": _include_name,
                },
            )
            for diff in compare_metadata(ctx, Base.metadata):
                problems.append(repr(diff))
        return problems

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def _include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    if type_ == "table":
        return name not in UNMODELLED_TABLES and not str(name).startswith(UNMODELLED_PREFIXES)
    return True
