"""Fast bulk writes: plain driver ``executemany`` with ids allocated up front.

SQLAlchemy's per-row parameter processing costs more than the database's own work for the
batches ingestion writes, so the writer sends rows straight to the driver. Ids are allocated
before the insert (from the table's maximum under SQLite's write lock, from the sequence on
PostgreSQL) so one ``executemany`` needs no ``RETURNING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from operator import itemgetter

from sqlalchemy import Connection, Date, DateTime, Table

CHUNK = 5000


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


@lru_cache(maxsize=4096)
def _sqlite_value(value: object) -> object:
    # the storage format SQLAlchemy's SQLite types read back; the same few timestamps recur
    # across a batch (its start time, the file's retrieval time), hence the cache
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _convert(row: tuple, positions: list[int]) -> tuple:
    out = list(row)
    for i in positions:
        out[i] = _sqlite_value(out[i])
    return tuple(out)


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[dict], *, ignore_conflicts: bool = False, update_on: Sequence[str] = ()
) -> None:
    """INSERT rows (dicts with the same keys); with ``ignore_conflicts`` rows that would
    violate a unique key are skipped; with ``update_on`` (the key columns) a row whose key
    exists replaces that row's other columns (an upsert)."""
    if not rows:
        return
    columns = list(rows[0])
    sqlite = _is_sqlite(conn)
    mark = "?" if sqlite else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    verb = "INSERT OR IGNORE INTO" if ignore_conflicts and sqlite else "INSERT INTO"
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts and not sqlite else ""
    if update_on:
        keys = ", ".join(f'"{c}"' for c in update_on)
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in update_on)
        verb, tail, ignore_conflicts = "INSERT INTO", f" ON CONFLICT ({keys}) DO UPDATE SET {sets}", True
    sql = f'{verb} "{table.name}" ({names}) VALUES ({", ".join([mark] * len(columns))}){tail}'
    get = itemgetter(*columns)
    values = [get(row) for row in rows] if len(columns) > 1 else [(get(row),) for row in rows]
    dated = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, (DateTime, Date))] if sqlite else []
    if dated:
        values = [_convert(v, dated) for v in values]
    if not sqlite and not ignore_conflicts:
        _copy_rows(conn, table, columns, values)
        return
    for start in range(0, len(values), CHUNK):
        conn.exec_driver_sql(sql, values[start : start + CHUNK])


def _copy_rows(conn: Connection, table: Table, columns: list[str], values: list[tuple]) -> None:
    """PostgreSQL: COPY is several times faster than a multi-row INSERT for bulk rows."""
    driver = conn.connection.driver_connection  # psycopg's connection, in the same transaction
    names = ", ".join(f'"{c}"' for c in columns)
    with driver.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in values:
            copy.write_row(row)


def allocate_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Reserve ``count`` new primary keys of ``table``.

    SQLite: the caller holds the write lock (``Store.begin(write=True)``), so the maximum
    cannot move under it. PostgreSQL: taken from the column's sequence, safe under concurrency.
    """
    if count <= 0:
        return []
    if _is_sqlite(conn):
        top = conn.exec_driver_sql(f'SELECT coalesce(max(id), 0) FROM "{table.name}"').scalar_one()
        return list(range(top + 1, top + 1 + count))
    rows = conn.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table.name, count)
    )
    return sorted(r[0] for r in rows)


def insert_with_ids(conn: Connection, table: Table, rows: Sequence[dict]) -> list[int]:
    """INSERT rows under freshly allocated ids; returns the ids in row order."""
    ids = allocate_ids(conn, table, len(rows))
    insert_rows(conn, table, [{"id": i, **row} for i, row in zip(ids, rows)])
    return ids
