"""Hugging Face daily papers: recorded lists, and ``/api/daily_papers?date=YYYY-MM-DD``.

- ``read(path)``: a daily list (a JSON list of entries), bare or in a recorded-response envelope,
  plain or gzip; a Page per file with one Payload per entry. The list's day comes from the
  envelope URL's ``date=`` parameter, else from a file name ``daily_papers_YYYY-MM-DD.json``;
  when neither names it, entries are stored as they are (the normaliser then takes the day an
  entry was listed from its ``publishedAt``). A 404 answer gives an empty page naming the day in
  ``not_found``; any other non-200 answer is a SourceError.
- ``fetch_day(client, day)``: one day's list, one page.
- ``fetch_days(client, start, end, cursor=None)``: every day from ``start`` to ``end``
  (inclusive), a page per day; a page's cursor is the day it holds (ISO) and resumes with the
  next day, the last page's cursor is None.

Each payload's ``raw`` is the entry with the list's day added under :data:`DAY_KEY`
(``"_peerscope_day": "2024-10-25"``, keys sorted), so the stored bytes alone give the same record;
``data`` is those bytes parsed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, read_recordings
from peerscope.sources.files import Payload
from peerscope.sources.http import PoliteClient

SUFFIXES = (".json", ".json.gz", ".gz")
DAY_KEY = "_peerscope_day"  # the list's day in a stored entry; peerscope.normalize.hf reads it
PATH = "api/daily_papers"

_DAY_IN_NAME = re.compile(r"daily_papers[_-](\d{4}-\d{2}-\d{2})")


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def day_of(url: str | None, where: str | None = None) -> date | None:
    """The day a recorded list was for: the URL's ``date`` parameter, else the file name's."""
    if url:
        values = parse_qs(urlsplit(url).query).get("date")
        found = _parse_day(values[0]) if values else None
        if found:
            return found
    m = _DAY_IN_NAME.search(where or "")
    return _parse_day(m.group(1)) if m else None


def _entries(body: bytes, where: str) -> list[Any]:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc})") from None
    if isinstance(doc, dict) and isinstance(doc.get("papers"), list):
        doc = doc["papers"]
    if not isinstance(doc, list):
        raise InputError(f"{where}: expected a JSON list of daily-papers entries, got {type(doc).__name__}")
    return doc


def with_day(entry: Any, day: date | None) -> bytes:
    """The bytes stored for one entry: the entry with the list's day under :data:`DAY_KEY`, keys
    sorted (so the same entry read twice is stored once)."""
    if isinstance(entry, dict) and day is not None:
        entry = {**entry, DAY_KEY: day.isoformat()}
    return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)


def _payloads(body: bytes, where: str, day: date | None, retrieved_at: datetime) -> list[Payload]:
    out = []
    for n, entry in enumerate(_entries(body, where), start=1):
        raw = with_day(entry, day)
        out.append(Payload(raw, orjson.loads(raw), f"{where}#{n}", retrieved_at))
    return out


def read(path: Path) -> Iterator[Page]:
    """A Page per recorded daily list under ``path`` (see the module notes)."""
    for rec in read_recordings(Path(path), SUFFIXES):
        day = day_of(rec.url, rec.where)
        if rec.status == 404:
            yield Page([], None, not_found=[day.isoformat()] if day else [])
            continue
        if not 200 <= rec.status < 300:
            raise SourceError(f"{rec.where}: recorded Hugging Face answer has status {rec.status}", status=rec.status)
        yield Page(_payloads(rec.body, rec.where, day, rec.retrieved_at), None)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _day_page(client: PoliteClient, day: date, cursor: str | None) -> Page:
    try:
        response = client.get(PATH, {"date": day.isoformat()}, accept="json")
    except SourceError as exc:
        if exc.status == 404:
            return Page([], cursor, not_found=[day.isoformat()])
        raise
    try:
        payloads = _payloads(response.body, response.url, day, _now())
    except InputError as exc:
        raise SourceError(f"hf: {exc.message}", status=response.status) from None
    return Page(payloads, cursor)


def _as_day(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise InputError(f"Hugging Face daily papers: {name} {value!r} is not a date")
    return value


def fetch_day(client: PoliteClient, day: date) -> Iterator[Page]:
    """One day's list of papers: one page."""
    yield _day_page(client, _as_day(day, "day"), None)


def fetch_days(client: PoliteClient, start: date, end: date, cursor: str | None = None) -> Iterator[Page]:
    """The lists of every day from ``start`` to ``end``, a page per day; ``cursor`` (a day, as a
    page's cursor gives it) resumes with the day after it."""
    start, end = _as_day(start, "start"), _as_day(end, "end")
    if start > end:
        raise InputError(f"Hugging Face daily papers: start {start} is after end {end}")
    day = start
    if cursor is not None:
        done = _parse_day(cursor)
        if done is None or len(cursor.strip()) != 10:
            raise InputError(f"Hugging Face daily papers: cursor {cursor!r} is not a day (YYYY-MM-DD)")
        day = max(start, done + timedelta(days=1))
    while day <= end:
        yield _day_page(client, day, None if day == end else day.isoformat())
        day += timedelta(days=1)
