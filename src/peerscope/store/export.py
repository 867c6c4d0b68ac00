"""The graph as canonical JSON Lines, an export read back into a store, and the graph rebuilt
from the stored payloads.

- ``export_jsonl`` writes every line of the format (``peerscope.normalize.canonical``) from one
  consistent read of the store, a bounded chunk at a time, to a temporary file renamed into
  place when complete.
- ``check_export`` reads a file through without writing anything: the header, every line, the
  payloads against their hashes and the line counts the header announces. ``stage_import``
  then stores its raw, quarantine and checkpoint lines in one transaction, with a checkpoint
  naming the raw records still to replay; ``replay_pending`` replays them and drops the
  checkpoint when done, so an import cut short finishes when it is run again.
- ``clear_graph`` deletes every canonical and derived row in one transaction; ``replay_all``
  then builds them again from every raw record.

Replay follows the batches the payloads were first written in (raw records written by one
transaction share their ``ingested_at``), at most ``batch_size`` records each, so the graph and
its ids come out as ingestion built them. A batch that fails is replayed record by record, and
a record that no longer replays is reported and skipped rather than stopping the run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import os
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Table,
    delete,
    func,
    select,
    update,
)

from peerscope.errors import InputError, PeerscopeError, StoreError
from peerscope.normalize import canonical as fmt
from peerscope.store.bulk import insert_rows, insert_with_ids
from peerscope.store.db import Store
from peerscope.store.payloads import payload_columns, unpack
from peerscope.store.models import (
    Author,
    AuthorName,
    Authorship,
    AuthorshipAffiliation,
    AuthorWorkRef,
    Base,
    Citation,
    ExternalIdRow,
    IngestCheckpoint,
    Institution,
    Location,
    Quarantine,
    RawRecord,
    Redirect,
    Source,
    Topic,
    Work,
    WorkConflict,
    WorkRecordRow,
    WorkSignal,
    WorkTopic,
)
from peerscope.store.writer import BatchResult, Writer, payload_hash

Progress = Callable[[int], None]

CHUNK = 500
PROGRESS_EVERY = 1000
MAX_ERRORS = 20
KEPT_TABLES = frozenset({"raw_records", "quarantine", "ingest_checkpoints"})
# when this store wrote a row, not what the graph says: left out of the lines, set again on replay
WRITE_TIMES = {"works": {"created_at", "updated_at"}, "authors": {"created_at", "updated_at"}, "work_conflicts": {"detected_at"}, "redirects": {"created_at"}}
ENTITY_TABLES = {"work": Work, "author": Author, "source": Source, "institution": Institution, "topic": Topic}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- export --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: str
    lines: dict[str, int]
    bytes: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        total = sum(self.lines.values())
        return {
            "path": self.path,
            "lines": self.lines,
            "records": total,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(total / self.seconds, 1) if self.seconds > 0 else 0.0,
        }


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """One read transaction that sees one state of the store throughout."""
    with store.connect() as conn:
        if not store.is_sqlite:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def export_counts(conn: Connection) -> dict[str, int]:
    """How many lines of each kind an export of this store holds."""
    tables = {"raw": RawRecord, "quarantine": Quarantine, "checkpoint": IngestCheckpoint, **ENTITY_TABLES, "redirect": Redirect}
    return {kind: _count(conn, tables[kind].__table__) for kind in fmt.KINDS}


@dataclass(frozen=True, slots=True)
class _Shape:
    """The columns of a table a line carries (write times and the given ones left out), and how
    their values are written."""

    columns: tuple[Column, ...]
    names: tuple[str, ...]
    timed: tuple[int, ...]  # positions of times and dates, written as ISO 8601 text

    def line(self, values: Sequence[Any]) -> dict[str, Any]:
        if self.timed:
            values = list(values)
            for i in self.timed:
                values[i] = fmt.value_text(values[i])
        return dict(zip(self.names, values))


@cache
def _shape(table: Table, drop: frozenset[str] = frozenset()) -> _Shape:
    skip = WRITE_TIMES.get(table.name, set()) | drop
    columns = tuple(c for c in table.c if c.name not in skip)
    timed = tuple(i for i, c in enumerate(columns) if isinstance(c.type, (DateTime, Date)))
    return _Shape(columns, tuple(c.name for c in columns), timed)


def _keyset(conn: Connection, table: Table, shape: _Shape) -> Iterator[list[Any]]:
    """(id, *shape columns) rows of a table by id, a bounded chunk per query."""
    last: int | None = None
    while True:
        q = select(table.c.id, *shape.columns).order_by(table.c.id).limit(CHUNK)
        if last is not None:
            q = q.where(table.c.id > last)
        rows = conn.execute(q).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _by_parent(conn: Connection, table: Table, parent: str, ids: Sequence[int], drop: frozenset[str] = frozenset(), order: Any = None) -> dict[int, list[dict[str, Any]]]:
    """Rows of ``table`` whose ``parent`` column is one of ``ids``, grouped by it (in ``order``)."""
    shape = _shape(table, drop | {parent})
    out: dict[int, list[dict[str, Any]]] = {}
    q = select(table.c[parent], *shape.columns).where(table.c[parent].in_(list(ids)))
    if order is not None:
        q = q.order_by(*order)
    for row in conn.execute(q):
        out.setdefault(row[0], []).append(shape.line(row[1:]))
    return out


def _sorted(groups: dict[int, list[dict[str, Any]]], *keys: str) -> dict[int, list[dict[str, Any]]]:
    # strings are ordered here, not by the database, whose collation may differ between servers
    for items in groups.values():
        items.sort(key=lambda d: tuple(d[k] for k in keys))
    return groups


def _external_ids(conn: Connection, kind: str, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    t = ExternalIdRow.__table__
    out: dict[int, list[dict[str, Any]]] = {}
    q = select(t.c.entity_id, t.c.scheme, t.c.value, t.c.raw_record_id).where(t.c.entity_kind == kind, t.c.entity_id.in_(list(ids)))
    for eid, scheme, value, raw in conn.execute(q):
        out.setdefault(eid, []).append({"scheme": scheme, "value": value, "raw_record_id": raw})
    return _sorted(out, "scheme", "value")


def _raw_lines(conn: Connection) -> Iterator[bytes]:
    t = RawRecord.__table__
    q = select(t).order_by(t.c.id).execution_options(yield_per=CHUNK)
    for r in conn.execute(q):
        yield fmt.dumps_line({
            "kind": "raw",
            "id": r.id,
            "source": r.source,
            "source_id": r.source_id,
            "payload_hash": r.payload_hash,
            "retrieved_at": fmt.time_text(r.retrieved_at),
            "ingested_at": fmt.time_text(r.ingested_at),
            **fmt.encode_payload(unpack(r.payload, r.payload_codec, f"raw record {r.id}")),
        })


def _quarantine_lines(conn: Connection) -> Iterator[bytes]:
    t = Quarantine.__table__
    shape = _shape(t, frozenset({"id", "payload"}))
    q = select(t.c.payload, *shape.columns).order_by(t.c.id).execution_options(yield_per=CHUNK)
    for r in conn.execute(q):
        line = {"kind": "quarantine", **shape.line(r[1:])}
        if r[0] is not None:
            line.update(fmt.encode_payload(bytes(r[0])))
        yield fmt.dumps_line(line)


def _checkpoint_lines(conn: Connection) -> Iterator[bytes]:
    shape = _shape(IngestCheckpoint.__table__)
    lines = [shape.line(r) for r in conn.execute(select(*shape.columns))]
    for line in sorted(lines, key=lambda d: d["stream"]):
        yield fmt.dumps_line({"kind": "checkpoint", **line})


def _work_lines(conn: Connection) -> Iterator[bytes]:
    w_t, a_t, aff_t, loc_t = Work.__table__, Authorship.__table__, AuthorshipAffiliation.__table__, Location.__table__
    work, ship, aff = _shape(w_t), _shape(a_t, frozenset({"id", "work_id"})), _shape(aff_t, frozenset({"id", "authorship_id"}))
    for rows in _keyset(conn, w_t, work):
        wids = [r[0] for r in rows]
        ids = _external_ids(conn, "work", wids)
        ships: dict[int, list[dict[str, Any]]] = {}
        ship_of: dict[int, dict[str, Any]] = {}
        q = select(a_t.c.id, a_t.c.work_id, *ship.columns).where(a_t.c.work_id.in_(wids)).order_by(a_t.c.work_id, a_t.c.position)
        for row in conn.execute(q):
            d = {**ship.line(row[2:]), "affiliations": []}
            ships.setdefault(row[1], []).append(d)
            ship_of[row[0]] = d
        ship_ids = list(ship_of)
        for start in range(0, len(ship_ids), CHUNK):
            q = select(aff_t.c.authorship_id, *aff.columns).where(aff_t.c.authorship_id.in_(ship_ids[start : start + CHUNK])).order_by(aff_t.c.id)
            for row in conn.execute(q):
                ship_of[row[0]]["affiliations"].append(aff.line(row[1:]))
        locations = _by_parent(conn, loc_t, "work_id", wids, frozenset({"id"}), (loc_t.c.id,))
        topics = _sorted(_by_parent(conn, WorkTopic.__table__, "work_id", wids), "topic_id")
        refs = _sorted(_by_parent(conn, Citation.__table__, "citing_work_id", wids), "cited_scheme", "cited_value")
        contributions = _sorted(_by_parent(conn, WorkRecordRow.__table__, "work_id", wids), "source", "source_id")
        conflicts = _sorted(_by_parent(conn, WorkConflict.__table__, "work_id", wids), "field")
        signals = _sorted(_by_parent(conn, WorkSignal.__table__, "work_id", wids), "source", "kind", "observed_on")
        for r in rows:
            wid = r[0]
            yield fmt.dumps_line({
                "kind": "work",
                **work.line(r[1:]),
                "ids": ids.get(wid, []),
                "authorships": ships.get(wid, []),
                "locations": locations.get(wid, []),
                "topics": topics.get(wid, []),
                "references": refs.get(wid, []),
                "contributions": contributions.get(wid, []),
                "conflicts": conflicts.get(wid, []),
                "signals": signals.get(wid, []),
            })


def _author_lines(conn: Connection) -> Iterator[bytes]:
    au_t, n_t = Author.__table__, AuthorName.__table__
    author = _shape(au_t)
    for rows in _keyset(conn, au_t, author):
        aids = [r[0] for r in rows]
        ids = _external_ids(conn, "author", aids)
        names: dict[int, list[str]] = {}
        for aid, name in conn.execute(select(n_t.c.author_id, n_t.c.name).where(n_t.c.author_id.in_(aids))):
            names.setdefault(aid, []).append(name)
        refs = _sorted(_by_parent(conn, AuthorWorkRef.__table__, "author_id", aids), "scheme", "value")
        for r in rows:
            yield fmt.dumps_line({
                "kind": "author",
                **author.line(r[1:]),
                "ids": ids.get(r[0], []),
                "names": sorted(names.get(r[0], [])),
                "work_refs": refs.get(r[0], []),
            })


def _entity_lines(kind: str) -> Callable[[Connection], Iterator[bytes]]:
    table = ENTITY_TABLES[kind].__table__

    def lines(conn: Connection) -> Iterator[bytes]:
        shape = _shape(table)
        for rows in _keyset(conn, table, shape):
            ids = _external_ids(conn, kind, [r[0] for r in rows])
            for r in rows:
                yield fmt.dumps_line({"kind": kind, **shape.line(r[1:]), "ids": ids.get(r[0], [])})

    return lines


def _redirect_lines(conn: Connection) -> Iterator[bytes]:
    t = Redirect.__table__
    shape = _shape(t)
    for entity_kind in sorted(k for (k,) in conn.execute(select(t.c.entity_kind).distinct())):
        last = None
        while True:
            q = select(t.c.old_id, *shape.columns).where(t.c.entity_kind == entity_kind).order_by(t.c.old_id).limit(CHUNK)
            if last is not None:
                q = q.where(t.c.old_id > last)
            rows = conn.execute(q).all()
            if not rows:
                break
            for r in rows:
                yield fmt.dumps_line({"kind": "redirect", **shape.line(r[1:])})
            last = rows[-1][0]


LINES: dict[str, Callable[[Connection], Iterator[bytes]]] = {
    "raw": _raw_lines,
    "quarantine": _quarantine_lines,
    "checkpoint": _checkpoint_lines,
    "work": _work_lines,
    "author": _author_lines,
    "source": _entity_lines("source"),
    "institution": _entity_lines("institution"),
    "topic": _entity_lines("topic"),
    "redirect": _redirect_lines,
}


@contextmanager
def _writer(path: Path, gz: bool) -> Iterator[IO[bytes]]:
    with path.open("wb") as raw:
        if not gz:
            yield raw
            return
        # no file name and no time in the gzip header: the same graph gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as zipped:
            buffered = io.BufferedWriter(zipped, 1 << 20)  # type: ignore[arg-type]
            yield buffered
            buffered.flush()


def export_jsonl(store: Store, out: Path, *, progress: Progress | None = None, exported_at: datetime | None = None) -> ExportReport:
    """Write the whole store to ``out`` (gzip when the name ends in ``.gz``); the file appears
    only when complete."""
    start = time.perf_counter()
    revision = store.current_revision()
    tmp = out.with_name(out.name + ".part")
    lines: dict[str, int] = {}
    try:
        with _snapshot(store) as conn:
            counts = export_counts(conn)
            header = {"kind": fmt.HEADER_KIND, "format": fmt.FORMAT, "schema_revision": revision, "exported_at": fmt.time_text(exported_at or _now()), "counts": counts}
            with _writer(tmp, out.name.endswith(".gz")) as f:
                f.write(fmt.dumps_line(header))
                pending = 0
                for kind in fmt.KINDS:
                    n = 0
                    for line in LINES[kind](conn):
                        f.write(line)
                        n += 1
                        pending += 1
                        if progress and pending >= PROGRESS_EVERY:
                            progress(pending)
                            pending = 0
                    if n != counts[kind]:  # the read transaction should make this impossible
                        raise StoreError(f"export of {store.describe()}: counted {counts[kind]} {kind} rows, read {n}")
                    lines[kind] = n
                if progress and pending:
                    progress(pending)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportReport(str(out), lines, out.stat().st_size, time.perf_counter() - start)


# --- reading an export ---------------------------------------------------------------------------


def _file_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a plain or gzip file; a damaged or cut gzip stream is an InputError."""
    try:
        with path.open("rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            f: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw  # type: ignore[assignment]
            yield from enumerate(f, 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(f"{path}: the gzip stream is cut short or damaged ({exc}): the export is truncated or corrupt") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _text(line: dict[str, Any], name: str, where: str, limit: int | None = None, *, optional: bool = False) -> str | None:
    value = line.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: field {name!r} must be text, found {value!r}")
    if limit is not None and len(value) > limit:
        raise InputError(f"{where}: field {name!r} is longer than {limit} characters")
    return value


def _int(line: dict[str, Any], name: str, where: str) -> int:
    value = line.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"{where}: field {name!r} must be an integer, found {value!r}")
    return value


def raw_row(line: dict[str, Any], where: str) -> dict[str, Any]:
    """A ``raw`` line as the raw_records row it stands for (payload checked against its hash)."""
    rid = _int(line, "id", where)
    if rid <= 0:
        raise InputError(f"{where}: raw record id must be positive, found {rid}")
    payload = fmt.decode_payload(line, where)
    assert payload is not None
    digest = _text(line, "payload_hash", where, 40)
    if payload_hash(payload) != digest:
        raise InputError(f"{where}: the payload does not match its payload_hash: the line is altered or damaged")
    return {
        "id": rid,
        "source": _text(line, "source", where, 32),
        "source_id": _text(line, "source_id", where, 255),
        "payload_hash": digest,
        **payload_columns(payload),
        "retrieved_at": fmt.parse_time(line.get("retrieved_at"), f"{where}: retrieved_at"),
        "ingested_at": fmt.parse_time(line.get("ingested_at"), f"{where}: ingested_at"),
    }


def quarantine_row(line: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "fingerprint": _text(line, "fingerprint", where, 40),
        "source": _text(line, "source", where, 32),
        "location": _text(line, "location", where),
        "reason": _text(line, "reason", where),
        "payload": fmt.decode_payload(line, where, required=False),
        "created_at": fmt.parse_time(line.get("created_at"), f"{where}: created_at"),
    }


def checkpoint_row(line: dict[str, Any], where: str) -> dict[str, Any]:
    finished = line.get("finished")
    if not isinstance(finished, bool):
        raise InputError(f"{where}: field 'finished' must be true or false")
    return {
        "stream": _text(line, "stream", where, 255),
        "source": _text(line, "source", where, 32),
        "description": _text(line, "description", where),
        "cursor": _text(line, "cursor", where, optional=True),
        "records": _int(line, "records", where),
        "finished": finished,
        "updated_at": fmt.parse_time(line.get("updated_at"), f"{where}: updated_at"),
    }


ROWS = {"raw": raw_row, "quarantine": quarantine_row, "checkpoint": checkpoint_row}


def _export_lines(path: Path) -> Iterator[tuple[str, dict[str, Any], str, bytes]]:
    """(kind, line, where, bytes) of every line, the header first; shape errors are InputErrors."""
    order = {kind: i for i, kind in enumerate(fmt.KINDS)}
    seen = -1
    for n, data in _file_lines(path):
        where = f"{path}: line {n}"
        if not data.endswith(b"\n"):
            raise InputError(f"{where}: the last line is cut short: the export is truncated")
        try:
            line = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if n == 1:
                raise InputError(f"{where}: not a Peerscope export: the first line is not JSON ({exc})") from None
            raise InputError(f"{where}: not a JSON object ({exc}): the export is damaged") from None
        if n == 1:
            fmt.read_header(line, where)
            yield fmt.HEADER_KIND, line, where, data
            continue
        kind = line.get("kind") if isinstance(line, dict) else None
        if kind not in order:
            raise InputError(f"{where}: unknown line kind {kind!r} (format {fmt.FORMAT} has {', '.join(fmt.KINDS)})")
        if order[kind] < seen:
            raise InputError(f"{where}: a {kind!r} line after {fmt.KINDS[seen]!r} lines: lines are out of order")
        seen = order[kind]
        yield kind, line, where, data


@dataclass(frozen=True, slots=True)
class ExportScan:
    """What reading an export through found: it is whole and well formed."""

    path: Path
    header: fmt.Header
    key: str  # the import's checkpoint stream, from the header's bytes
    counts: dict[str, int]
    raw_ids_increasing: bool


def check_export(path: Path, *, progress: Progress | None = None) -> ExportScan:
    """Read an export through, writing nothing: InputError unless the header is there in a
    known format, every line is well formed, every payload matches its hash and the file holds
    as many lines of each kind as the header announces (so a truncated file is refused)."""
    header: fmt.Header | None = None
    key = ""
    counts = dict.fromkeys(fmt.KINDS, 0)
    last_raw = 0
    increasing = True
    pending = 0
    for kind, line, where, data in _export_lines(path):
        if kind == fmt.HEADER_KIND:
            header = fmt.read_header(line, where)
            key = f"{fmt.SOURCE}:{hashlib.sha1(data).hexdigest()[:16]}"
            continue
        counts[kind] += 1
        if kind in ROWS:
            row = ROWS[kind](line, where)
            if kind == "raw":
                increasing = increasing and row["id"] > last_raw
                last_raw = row["id"]
        pending += 1
        if progress and pending >= PROGRESS_EVERY:
            progress(pending)
            pending = 0
    if progress and pending:
        progress(pending)
    if header is None:
        raise InputError(f"{path}: empty file: not a Peerscope export (no header line)")
    missing = [f"{header.counts[k]} {k} lines, found {counts[k]}" for k in fmt.KINDS if counts[k] != header.counts[k]]
    if missing:
        raise InputError(f"{path}: the header announces " + "; ".join(missing) + ": the export is truncated or altered")
    return ExportScan(path, header, key, counts, increasing)


# --- import ----------------------------------------------------------------------------------------


@dataclass
class Staged:
    """What ``stage_import`` stored."""

    raw_inserted: int = 0
    raw_present: int = 0  # raw lines the store held already (same source, source id and hash)
    raw_ids_kept: bool = False
    quarantine_read: int = 0
    checkpoints_written: int = 0
    pending: int = 0  # raw records waiting to be replayed (this import's, and an earlier cut-short one's)


def _stored_keys(conn: Connection, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str, str]]:
    t = RawRecord.__table__
    by_source: dict[str, set[str]] = {}
    for r in rows:
        by_source.setdefault(r["source"], set()).add(r["source_id"])
    found: set[tuple[str, str, str]] = set()
    for source, ids in by_source.items():
        q = select(t.c.source, t.c.source_id, t.c.payload_hash).where(t.c.source == source, t.c.source_id.in_(sorted(ids)))
        found.update((a, b, c) for a, b, c in conn.execute(q))
    return found


def _cursor(ranges: list[list[int]], after: int) -> str:
    return orjson.dumps({"ranges": ranges, "after": after}).decode()


def _pending_of(row: Any) -> tuple[list[list[int]], int]:
    try:
        state = orjson.loads(row.cursor or "{}")
        return [[int(a), int(b)] for a, b in state["ranges"]], int(state["after"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return [], 0


def _pending_count(conn: Connection, ranges: list[list[int]], after: int) -> int:
    t = RawRecord.__table__
    return sum(
        int(conn.execute(select(func.count()).select_from(t).where(t.c.id > max(after, a - 1), t.c.id <= b)).scalar_one())
        for a, b in ranges
    )


def stage_import(store: Store, scan: ExportScan, *, progress: Progress | None = None) -> Staged:
    """Store an export's raw, quarantine and checkpoint lines in one transaction.

    Raw lines the store holds already are skipped. Into a store without raw records the raw
    records keep their ids (the canonical lines' ``raw_record_id`` then still name them);
    otherwise they take new ids in the file's order. The transaction also writes a checkpoint
    (stream ``scan.key``) naming the records still to replay, which ``replay_pending`` consumes.
    """
    raw_t, q_t, c_t = RawRecord.__table__, Quarantine.__table__, IngestCheckpoint.__table__
    staged = Staged()
    first: int | None = None
    last: int | None = None
    with store.begin(write=True) as conn:
        staged.raw_ids_kept = scan.raw_ids_increasing and conn.execute(select(raw_t.c.id).limit(1)).first() is None
        buffers: dict[str, list[dict[str, Any]]] = {"raw": [], "quarantine": [], "checkpoint": []}

        def flush(kind: str) -> None:
            nonlocal first, last
            rows = buffers[kind]
            if not rows:
                return
            buffers[kind] = []
            if kind == "raw":
                stored = _stored_keys(conn, rows)
                fresh: dict[tuple[str, str, str], dict[str, Any]] = {}
                for r in rows:
                    k = (r["source"], r["source_id"], r["payload_hash"])
                    if k not in stored and k not in fresh:
                        fresh[k] = r
                staged.raw_present += len(rows) - len(fresh)
                if not fresh:
                    return
                if staged.raw_ids_kept:
                    insert_rows(conn, raw_t, list(fresh.values()))
                    ids = [r["id"] for r in fresh.values()]
                else:
                    ids = insert_with_ids(conn, raw_t, [{k: v for k, v in r.items() if k != "id"} for r in fresh.values()])
                staged.raw_inserted += len(ids)
                first = min(ids) if first is None else min(first, *ids)
                last = max(ids) if last is None else max(last, *ids)
            elif kind == "quarantine":
                staged.quarantine_read += len(rows)
                insert_rows(conn, q_t, rows, ignore_conflicts=True)
            else:
                streams = [r["stream"] for r in rows]
                held = dict(conn.execute(select(c_t.c.stream, c_t.c.updated_at).where(c_t.c.stream.in_(streams))).all())
                newer = [r for r in rows if r["stream"] not in held or r["updated_at"] > held[r["stream"]]]
                staged.checkpoints_written += len(newer)
                insert_rows(conn, c_t, newer, update_on=("stream",))

        pending = 0
        for kind, line, where, _data in _export_lines(scan.path):
            if kind not in ROWS:
                continue
            buffers[kind].append(ROWS[kind](line, where))
            if len(buffers[kind]) >= CHUNK:
                flush(kind)
            if kind == "raw":
                pending += 1
                if progress and pending >= PROGRESS_EVERY:
                    progress(pending)
                    pending = 0
        for kind in ROWS:
            flush(kind)
        if progress and pending:
            progress(pending)
        if staged.raw_ids_kept and staged.raw_inserted and not store.is_sqlite:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('raw_records', 'id'), (SELECT max(id) FROM raw_records))")
        held_row = conn.execute(select(c_t).where(c_t.c.stream == scan.key)).first()
        ranges, after = _pending_of(held_row) if held_row is not None and not held_row.finished else ([], 0)
        if first is not None and last is not None:
            ranges.append([first, last])
        if ranges:
            staged.pending = _pending_count(conn, ranges, after)
            insert_rows(
                conn,
                c_t,
                [{
                    "stream": scan.key,
                    "source": fmt.SOURCE,
                    "description": f"import of {scan.path.name} (exported {scan.header.exported_at}): raw records still to replay",
                    "cursor": _cursor(ranges, after),
                    "records": staged.pending,
                    "finished": False,
                    "updated_at": _now(),
                }],
                update_on=("stream",),
            )
    return staged


# --- replay ----------------------------------------------------------------------------------------


@dataclass
class ReplayReport:
    """What replaying raw records did."""

    replayed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    entities: int = 0
    deferred: int = 0
    merged: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "replayed": self.replayed,
            "failed": self.failed,
            "errors": list(self.errors),
            "inserted": self.inserted,
            "updated": self.updated,
            "entities": self.entities,
            "deferred": self.deferred,
            "merged": self.merged,
            "replay_seconds": round(self.seconds, 3),
            "records_per_second": round((self.replayed + self.failed) / self.seconds, 1) if self.seconds > 0 else 0.0,
        }


class _Replayer:
    """Replays batches with one Writer (its id cache spans batches); a batch that fails is
    replayed record by record, and a record that fails is reported and skipped."""

    def __init__(self, store: Store, report: ReplayReport) -> None:
        self.store = store
        self.writer = Writer(store)
        self.report = report

    def _add(self, result: BatchResult, count: int) -> None:
        r = self.report
        r.replayed += count
        r.inserted += result.inserted
        r.updated += result.updated
        r.entities += result.entities
        r.deferred += result.deferred
        r.merged += result.merged

    def _fail(self, rid: int, exc: Exception) -> None:
        self.writer = Writer(self.store)  # ids cached in a rolled-back transaction are gone
        self.report.failed += 1
        if len(self.report.errors) >= MAX_ERRORS:
            return
        message = exc.message if isinstance(exc, PeerscopeError) else f"{type(exc).__name__}: {exc}"
        message = message.splitlines()[0] if message else type(exc).__name__
        message = message.removeprefix(f"raw record {rid}: ")[:500]
        t = RawRecord.__table__
        with self.store.connect() as conn:
            found = conn.execute(select(t.c.source, t.c.source_id).where(t.c.id == rid)).first()
        what = f" ({found.source} {found.source_id})" if found else ""
        self.report.errors.append(f"raw record {rid}{what}: {message}")

    def run(self, batch: list[int]) -> None:
        try:
            self._add(self.writer.replay(batch), len(batch))
            return
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
            if len(batch) == 1:
                self._fail(batch[0], exc)
                return
            self.writer = Writer(self.store)
        for rid in batch:
            try:
                self._add(self.writer.replay([rid]), 1)
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001
                self._fail(rid, exc)


def replay_batches(store: Store, after: int, upto: int, batch_size: int) -> Iterator[list[int]]:
    """Raw record ids in (``after``, ``upto``] in id order, cut where ``ingested_at`` changes
    (the batches they were written in) and at ``batch_size``."""
    t = RawRecord.__table__
    while True:
        with store.connect() as conn:
            rows = conn.execute(select(t.c.id, t.c.ingested_at).where(t.c.id > after, t.c.id <= upto).order_by(t.c.id).limit(batch_size)).all()
        if not rows:
            return
        groups: list[list[int]] = [[rows[0].id]]
        for prev, row in itertools.pairwise(rows):
            if row.ingested_at == prev.ingested_at:
                groups[-1].append(row.id)
            else:
                groups.append([row.id])
        if len(rows) == batch_size and len(groups) > 1:
            groups.pop()  # may go on past this window: read it again with the rest
        yield from groups
        after = groups[-1][-1]


def replay_pending(store: Store, key: str, *, batch_size: int = 2000, progress: Progress | None = None) -> ReplayReport:
    """Replay the raw records an import's checkpoint names, recording progress in it as batches
    commit, and remove it when every one is done."""
    start = time.perf_counter()
    report = ReplayReport()
    c_t = IngestCheckpoint.__table__
    with store.connect() as conn:
        row = conn.execute(select(c_t).where(c_t.c.stream == key)).first()
    if row is None or row.finished:
        return report
    ranges, after = _pending_of(row)
    replayer = _Replayer(store, report)
    for a, b in ranges:
        for batch in replay_batches(store, max(after, a - 1), b, batch_size):
            replayer.run(batch)
            after = batch[-1]
            with store.begin(write=True) as conn:
                conn.execute(update(c_t).where(c_t.c.stream == key).values(cursor=_cursor(ranges, after), updated_at=_now()))
            if progress:
                progress(len(batch))
    with store.begin(write=True) as conn:
        conn.execute(delete(c_t).where(c_t.c.stream == key))
    report.seconds = time.perf_counter() - start
    return report


def clear_graph(store: Store) -> dict[str, int]:
    """Delete every canonical and derived row (all tables but raw records, quarantine and
    checkpoints, and the title index) in one transaction; returns the rows deleted per table.
    Ids start again from 1. Imports waiting to replay are dropped: a rebuild replays everything."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with store.begin(write=True) as conn:
        deleted = {t.name: _count(conn, t) for t in tables}
        if store.is_sqlite:
            for t in tables:
                conn.execute(delete(t))
            if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'works_fts'").first():
                conn.exec_driver_sql("DELETE FROM works_fts")
        else:
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY")
        c_t = IngestCheckpoint.__table__
        conn.execute(delete(c_t).where(c_t.c.source == fmt.SOURCE, c_t.c.finished.is_(False)))
    return deleted


def raw_count(store: Store) -> int:
    with store.connect() as conn:
        return _count(conn, RawRecord.__table__)


def replay_all(store: Store, *, batch_size: int = 2000, progress: Progress | None = None) -> ReplayReport:
    """Replay every raw record in id order (after ``clear_graph``)."""
    start = time.perf_counter()
    report = ReplayReport()
    t = RawRecord.__table__
    with store.connect() as conn:
        top = conn.execute(select(func.max(t.c.id))).scalar_one()
    replayer = _Replayer(store, report)
    for batch in replay_batches(store, 0, top or 0, batch_size):
        replayer.run(batch)
        if progress:
            progress(len(batch))
    report.seconds = time.perf_counter() - start
    return report
