"""Reading recorded source payloads from files: JSON Lines (optionally gzip) or one JSON document.

A path may be a file or a folder (read recursively, in name order). Each payload comes with a
``where`` label (``file:line``) so a fault can be reported precisely.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from peerscope.errors import InputError

SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".gz")


@dataclass(frozen=True, slots=True)
class Payload:
    raw: bytes  # the bytes of this one record, as stored in raw_records
    data: object  # parsed JSON
    where: str
    retrieved_at: datetime


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Stands for a payload that could not be parsed (``Payload.data``), with the reason: the
    pipeline quarantines it and goes on."""

    reason: str


def _why_not_json(line: bytes, exc: Exception) -> str:
    head = line[:200].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page where JSON was expected"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as enc:
        return f"not UTF-8 text (byte {enc.start}); JSON must be UTF-8"
    return f"not valid JSON ({exc})"


def list_inputs(path: Path) -> list[Path]:
    """The files a path stands for; InputError when it does not exist or holds no data files."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES) and not p.name.startswith("."))
    if not files:
        raise InputError(f"{path}: folder holds no .json, .jsonl or .jsonl.gz files")
    return files


def _open_bytes(path: Path) -> io.BufferedIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def iter_payloads(path: Path, *, tolerant: bool = False) -> Iterator[Payload]:
    """Every record in ``path``. Malformed JSON raises InputError naming file and line, or with
    ``tolerant`` comes as a payload whose data is ``Unreadable`` (and an unreadable file, such as
    a truncated gzip stream, as one such payload after the records read before the fault)."""
    for file in list_inputs(path):
        retrieved = datetime.fromtimestamp(file.stat().st_mtime, UTC).replace(tzinfo=None)
        if not tolerant:
            yield from _iter_file(file, retrieved, False)
            continue
        try:
            yield from _iter_file(file, retrieved, True)
        except InputError as exc:
            yield Payload(b"", Unreadable(exc.message.removeprefix(f"{file}: ")), file.name, retrieved)


def _iter_file(file: Path, retrieved: datetime, tolerant: bool) -> Iterator[Payload]:
    lineno = 0
    try:
        with _open_bytes(file) as fh:
            first = fh.peek(64)[:64] if hasattr(fh, "peek") else b""
            stripped = first.lstrip()
            if stripped.startswith(b"[") or _is_document(file):
                body = fh.read()
                yield from _iter_document(file, body, retrieved)
                return
            for lineno, line in enumerate(fh, start=1):
                line = line.strip()
                if not line:
                    continue
                try:
                    data = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    if not tolerant:
                        raise InputError(f"{file}:{lineno}: {_why_not_json(line, exc)}") from None
                    data = Unreadable(_why_not_json(line, exc))
                yield Payload(line, data, f"{file.name}:{lineno}", retrieved)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        after = f" after line {lineno}" if lineno else ""
        raise InputError(f"{file}: cannot read{after} ({exc or type(exc).__name__})") from None


def _is_document(file: Path) -> bool:
    """A ``.json`` file is one document whatever it starts with (an HTML error page saved under
    that name is one bad input, not a bad line per line of markup); ``.jsonl`` and bare ``.gz``
    files are JSON Lines unless they open with an array."""
    return file.name.endswith((".json", ".json.gz"))


def _iter_document(file: Path, body: bytes, retrieved: datetime) -> Iterator[Payload]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{file}: {_why_not_json(body, exc)}") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        items = data["results"]  # an API list response: {"meta": ..., "results": [...]}
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    for n, item in enumerate(items, start=1):
        yield Payload(orjson.dumps(item, option=orjson.OPT_SORT_KEYS), item, f"{file.name}#{n}", retrieved)
