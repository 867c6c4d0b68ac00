"""The canonical JSON Lines export format (``peerscope export``, ``peerscope ingest jsonl``).

An export is one JSON object per line (keys sorted, UTF-8, ``\\n`` after every line): a header
line, then the lines an import needs (``raw``, ``quarantine``, ``checkpoint``), then the
canonical graph for consumers (``work``, ``author``, ``source``, ``institution``, ``topic``,
``redirect``). docs/canonical-jsonl.md describes every kind and field.

This module holds what the format is, with no I/O: the version, the line kinds in file order,
how a payload's bytes are written into a line and read back exactly, how times are written, and
the check of a header line. Raw lines keep the source they were read from, so an import replays
them with that source's normaliser: there is no normaliser for the format itself, and
``decode``/``normalize`` refuse (the registry maps ``"jsonl"`` here so the refusal names why).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError
from peerscope.normalize.records import SourceItem

SOURCE = "jsonl"
FORMAT = 1  # raise when a line kind or a field changes meaning; an import refuses other formats
HEADER_KIND = "peerscope-export"
IMPORT_KINDS = ("raw", "quarantine", "checkpoint")  # what an import reads
GRAPH_KINDS = ("work", "author", "source", "institution", "topic", "redirect")  # for consumers
KINDS = (*IMPORT_KINDS, *GRAPH_KINDS)  # the order of the lines after the header
PAYLOAD_FIELDS = ("payload", "payload_text", "payload_b64")
LINE_OPTIONS = orjson.OPT_SORT_KEYS


def dumps_line(obj: dict[str, Any]) -> bytes:
    """One line of an export: sorted keys, compact, newline-terminated."""
    return orjson.dumps(obj, option=LINE_OPTIONS) + b"\n"


def time_text(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as written in an export: ISO 8601, microseconds, ``Z``."""
    return None if value is None else value.isoformat(timespec="microseconds") + "Z"


def parse_time(value: Any, where: str) -> datetime:
    """A time written by :func:`time_text`, back to the naive UTC value the store keeps."""
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a time, found {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is not None:
        offset = parsed.utcoffset()
        if offset:
            parsed = parsed - offset
        parsed = parsed.replace(tzinfo=None)
    return parsed


def value_text(value: Any) -> Any:
    """A stored column value as written in a line (times and dates as ISO 8601 text)."""
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def encode_payload(payload: bytes) -> dict[str, Any]:
    """The fields that carry a payload's bytes exactly.

    ``payload``: the JSON value, when the bytes are JSON that a line writes back byte for byte
    (compact, keys sorted); ``payload_text``: the text, for any other UTF-8 payload (XML, JSON
    with other spacing or key order); ``payload_b64``: base64, for anything else.
    """
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        pass
    else:
        if orjson.dumps(value, option=LINE_OPTIONS) == payload:
            return {"payload": value}
    try:
        return {"payload_text": payload.decode("utf-8")}
    except UnicodeDecodeError:
        return {"payload_b64": base64.b64encode(payload).decode("ascii")}


def decode_payload(line: dict[str, Any], where: str, *, required: bool = True) -> bytes | None:
    """The payload bytes a line carries (None when it carries none and none is required)."""
    present = [f for f in PAYLOAD_FIELDS if f in line]
    if len(present) > 1:
        raise InputError(f"{where}: a line carries one of {', '.join(PAYLOAD_FIELDS)}, found {', '.join(present)}")
    if not present:
        if required:
            raise InputError(f"{where}: no payload (one of {', '.join(PAYLOAD_FIELDS)})")
        return None
    name = present[0]
    value = line[name]
    if name == "payload":
        return orjson.dumps(value, option=LINE_OPTIONS)
    if not isinstance(value, str):
        raise InputError(f"{where}: {name} must be a string")
    if name == "payload_text":
        return value.encode("utf-8")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{where}: payload_b64 is not base64") from None


@dataclass(frozen=True, slots=True)
class Header:
    """The first line of an export."""

    format: int
    schema_revision: str | None
    exported_at: str
    counts: dict[str, int]


def read_header(line: Any, where: str) -> Header:
    """Check the first line of a file is an export header of a format this code reads."""
    if not isinstance(line, dict) or line.get("kind") != HEADER_KIND:
        found = line.get("kind") if isinstance(line, dict) else type(line).__name__
        raise InputError(f"{where}: not a Peerscope export: the first line must be the {HEADER_KIND!r} header (found kind {found!r})")
    fmt = line.get("format")
    if fmt != FORMAT:
        raise InputError(f"{where}: export format {fmt!r} is unknown; this Peerscope reads format {FORMAT}")
    counts = line.get("counts")
    if not isinstance(counts, dict) or set(counts) != set(KINDS) or not all(isinstance(n, int) and n >= 0 for n in counts.values()):
        raise InputError(f"{where}: the header's counts must give the number of lines of each kind ({', '.join(KINDS)})")
    revision = line.get("schema_revision")
    exported_at = line.get("exported_at")
    if not isinstance(exported_at, str):
        raise InputError(f"{where}: the header has no exported_at time")
    parse_time(exported_at, where)
    return Header(FORMAT, revision if isinstance(revision, str) else None, exported_at, dict(counts))


def decode(raw: bytes) -> Any:
    raise InputError("canonical lines are replayed, not normalised: import an export with `peerscope ingest jsonl`")


def normalize(data: Any, retrieved_at: datetime, where: str = "record") -> SourceItem:
    raise InputError(f"{where}: canonical lines are replayed, not normalised: import an export with `peerscope ingest jsonl`")
