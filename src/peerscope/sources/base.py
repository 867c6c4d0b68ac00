"""What every connector hands to the pipeline: pages of per-record payloads with a resume cursor,
and the recorded-response envelope the tests and offline users feed connectors with.

A connector module (``peerscope.sources.<name>``) offers:

- ``read(path: Path) -> Iterator[Page]``: the records in recorded responses (a file, a gzip
  file or a folder of them), a ``Page`` per recorded response and one ``Payload`` per record;
  ``Payload.raw`` is that record's own bytes (for XML, the serialised record element), which is
  what ``raw_records`` keeps. A reader's pages have ``cursor=None``: the pipeline resumes files
  by counting records.
- ``fetch(client: PoliteClient, ..., cursor: str | None) -> Iterator[Page]``: the same from the
  network, a page at a time, each page carrying the cursor that resumes *after* it.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from peerscope.errors import InputError
from peerscope.sources.files import Payload


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a source's answer: its records and the cursor that continues after it
    (``None`` when this was the last page)."""

    payloads: list[Payload]
    cursor: str | None
    not_found: list[str] = field(default_factory=list)  # ids the source said it does not have


@dataclass(frozen=True, slots=True)
class Recording:
    """A recorded HTTP exchange: the request URL, the status and the body bytes.

    Files in ``../shared/data`` wrap responses as ``{"request_uri"|"url", "status"|"status_code",
    "body"}``; a file that is not such an envelope is taken as a bare 200 body.
    """

    url: str | None
    status: int
    body: bytes
    where: str
    retrieved_at: datetime


RECORDING_SUFFIXES = (".json", ".json.gz", ".xml", ".xml.gz", ".jsonl", ".jsonl.gz", ".gz", ".atom")


def file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def recording_files(path: Path, suffixes: tuple[str, ...] = RECORDING_SUFFIXES) -> list[Path]:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes) and not p.name.startswith("."))
    if not files:
        raise InputError(f"{path}: folder holds no recorded responses ({', '.join(suffixes)})")
    return files


def read_bytes(path: Path) -> bytes:
    """A file's bytes, gunzipped when it is gzip; InputError naming the file when it cannot be read
    (a truncated gzip stream included)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return data
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None


def read_recordings(path: Path, suffixes: tuple[str, ...] = RECORDING_SUFFIXES) -> Iterator[Recording]:
    """Every recorded response under ``path``, unwrapped from its envelope when it has one."""
    for file in recording_files(path, suffixes):
        data = read_bytes(file)
        yield unwrap(data, file.name, file_time(file))


def unwrap(data: bytes, where: str, retrieved_at: datetime) -> Recording:
    head = data[:4096].lstrip()
    if head.startswith(b"{") and (b'"body"' in data[:200_000]):
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            doc = None
        if isinstance(doc, dict) and "body" in doc and ("status" in doc or "status_code" in doc):
            body = doc["body"]
            raw = body.encode("utf-8") if isinstance(body, str) else orjson.dumps(body)
            status = doc.get("status", doc.get("status_code"))
            url = doc.get("request_uri") or doc.get("url")
            return Recording(url if isinstance(url, str) else None, int(status or 200), raw, where, retrieved_at)
    return Recording(None, 200, data, where, retrieved_at)
