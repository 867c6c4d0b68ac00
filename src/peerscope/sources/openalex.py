"""OpenAlex: the API (cursor paging) and the bulk snapshot (gzip JSON Lines partitions).

``fetch(client, ...)`` pages through an OpenAlex list endpoint with cursor paging and yields one
``Page`` per answer; ``Page.cursor`` resumes after it. ``read_snapshot(root, ...)`` reads a
downloaded OpenAlex snapshot (``openalex-snapshot/data/...``) partition by partition, including
the merged-id lists, and yields pages whose cursor resumes after them.

Both hand the pipeline ``Payload``s whose ``data`` is one OpenAlex entity object (or, for a
merged id, ``{"entity", "id", "merge_into_id", "merge_date"}``), ready for
``peerscope.normalize.openalex``.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, file_time
from peerscope.sources.files import Payload
from peerscope.sources.http import PoliteClient

log = logging.getLogger(__name__)

SOURCE = "openalex"
MAX_PER_PAGE = 200
SNAPSHOT_ENTITIES = ("works", "authors", "sources", "institutions", "topics")
SNAPSHOT_CHUNK = 2000
CANDIDATES_SHOWN = 10

_ENTITY = re.compile(r"^[a-z][a-z_-]{0,40}$")
_ORCID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/|orcid:\s*)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_AUTHOR_ID = re.compile(r"^(?:https?://(?:api\.)?openalex\.org/(?:authors/)?)?A(\d{1,12})$", re.IGNORECASE)
_PARTITION_DIR = re.compile(r"^updated_date=(\d{4}-\d{2}-\d{2})$")
_PART = re.compile(r"^part_(\d+)\.gz$")
_MERGED_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.csv\.gz$")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# -- the API -----------------------------------------------------------------------------------


def fetch(
    client: PoliteClient,
    *,
    entity: str = "works",
    filter: str | Mapping[str, Any] | None = None,  # OpenAlex's own parameter name
    search: str | None = None,
    author: str | None = None,
    since: date | None = None,
    per_page: int = MAX_PER_PAGE,
    cursor: str | None = None,
    mailto: str | None = None,
    api_key: Any = None,
) -> Iterator[Page]:
    """Every result of ``GET /<entity>`` with cursor paging, a ``Page`` per answer.

    - ``filter``: OpenAlex filter text (``"type:article,is_oa:true"``) or a mapping of filter
      names to values; combined with the filters below by ``,`` (all must hold).
    - ``search``: OpenAlex full-text search.
    - ``author`` (works only): an ORCID iD (filter ``authorships.author.orcid``), an OpenAlex
      author id (``authorships.author.id``) or a name, looked up with ``/authors?search=``; a name
      that does not pick out one author raises InputError listing the candidates.
    - ``since``: only records updated on or after that day (``from_updated_date``). OpenAlex may
      answer this filter only for requests with an API key (``api_key``); without one it can
      refuse with 403, which surfaces as SourceError(status=403).
    - ``cursor``: the ``Page.cursor`` of an earlier run, to resume after that page.
    - ``mailto``/``api_key``: sent as query parameters (the polite pool and the key's quota).

    ``Page.cursor`` is OpenAlex's ``next_cursor``; it is None on the last page.
    """
    if not _ENTITY.match(entity or ""):
        raise InputError(f"OpenAlex entity must be a plain name such as 'works', got {entity!r}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    key = api_key.get_secret_value() if hasattr(api_key, "get_secret_value") else api_key
    common: dict[str, Any] = {}
    if mailto:
        common["mailto"] = mailto
    if key:
        common["api_key"] = key

    filters = _filter_parts(filter)
    if author:
        if entity != "works":
            raise InputError(f"an author filter applies to works, not {entity}")
        filters.append(_author_filter(client, author, common))
    if since is not None:
        filters.append(f"from_updated_date:{_day(since)}")

    params: dict[str, Any] = {**common, "per-page": per_page}
    if filters:
        params["filter"] = ",".join(filters)
    if search:
        params["search"] = search

    current = cursor or "*"
    number = 0
    while True:
        response = client.get(entity, {**params, "cursor": current})
        body = response.json()
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise SourceError(f"{SOURCE}: {response.url} answered without a results list")
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        next_cursor = meta.get("next_cursor")
        if not isinstance(next_cursor, str) or not next_cursor:
            next_cursor = None
        if not results:
            return
        number += 1
        retrieved = _now()
        payloads = [
            Payload(orjson.dumps(item, option=orjson.OPT_SORT_KEYS), item, f"{entity} page {number} #{i}", retrieved)
            for i, item in enumerate(results, start=1)
        ]
        yield Page(payloads, next_cursor)
        if next_cursor is None:
            return
        if next_cursor == current:
            raise SourceError(f"{SOURCE}: {response.url} returned its own cursor as the next one; stopping to avoid a loop")
        current = next_cursor


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(f"since must be a date (YYYY-MM-DD), got {value!r}") from None


def _filter_parts(value: str | Mapping[str, Any] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        parts = []
        for name, v in value.items():
            if v is None:
                continue
            text = "|".join(str(x) for x in v) if isinstance(v, list | tuple) else str(v).lower() if isinstance(v, bool) else str(v)
            parts.append(f"{name}:{text}")
        return parts
    text = str(value).strip().strip(",")
    return [text] if text else []


def _orcid(text: str) -> str | None:
    m = _ORCID.match(text.strip())
    if not m:
        return None
    digits = "".join(m.groups()).upper()
    total = 0
    for ch in digits[:15]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    if ("X" if check == 10 else str(check)) != digits[15]:
        return None
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:16]}"


def fold(text: str) -> str:
    """A name for comparison: accents folded, case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _short(openalex_url: Any) -> str:
    text = str(openalex_url or "")
    return text.rsplit("/", 1)[-1]


def _author_filter(client: PoliteClient, author: str, common: Mapping[str, Any]) -> str:
    text = author.strip()
    orcid = _orcid(text)
    if orcid:
        return f"authorships.author.orcid:{orcid}"
    m = _AUTHOR_ID.match(text)
    if m:
        return f"authorships.author.id:A{int(m.group(1))}"
    if not text:
        raise InputError("author is empty: give an ORCID iD, an OpenAlex author id (A…) or a name")
    return f"authorships.author.id:{resolve_author(client, text, common)}"


def resolve_author(client: PoliteClient, name: str, params: Mapping[str, Any] | None = None) -> str:
    """The OpenAlex id (``A…``) of the one author a name stands for: the only search result, or
    the only one whose display name equals the name (ignoring case and accents). InputError listing
    candidates otherwise."""
    response = client.get("authors", {**(params or {}), "search": name, "per-page": 25})
    body = response.json()
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise SourceError(f"{SOURCE}: {response.url} answered without a results list")
    authors = [r for r in results if isinstance(r, dict) and r.get("id")]
    if len(authors) == 1:
        return _short(authors[0]["id"])
    wanted = fold(name)
    exact = [r for r in authors if fold(str(r.get("display_name") or "")) == wanted]
    if len(exact) == 1:
        return _short(exact[0]["id"])
    if not authors:
        raise InputError(f"no OpenAlex author matches {name!r}; give an ORCID iD or an OpenAlex author id (A…)")
    total = body.get("meta", {}).get("count") if isinstance(body.get("meta"), dict) else None
    shown = (exact or authors)[:CANDIDATES_SHOWN]
    lines = []
    for r in shown:
        insts = r.get("last_known_institutions") or []
        inst = insts[0].get("display_name") if insts and isinstance(insts[0], dict) else None
        lines.append(f"  {_short(r['id'])}  {r.get('display_name') or '?'}  ({inst or 'no institution'}; {r.get('works_count', '?')} works)")
    how_many = f"{len(exact)} authors are named" if len(exact) > 1 else f"{total or len(authors)} authors match"
    raise InputError(
        f"{how_many} {name!r} in OpenAlex; give the id of the one you mean (or an ORCID iD):\n" + "\n".join(lines)
    )


# -- the snapshot ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    """One file of the snapshot, in reading order."""

    key: tuple[int, int, str, int]  # (entity position, 0 partition | 1 merged ids, date, part number)
    rel: str  # path under data/, as cursors name it
    path: Path
    entity: str
    day: str
    listed: Mapping[str, Any] | None = None  # the manifest entry's meta (partitions only)


def read_snapshot(
    root: Path,
    *,
    entities: Iterable[str] = SNAPSHOT_ENTITIES,
    since: date | None = None,
    cursor: str | None = None,
    chunk_size: int = SNAPSHOT_CHUNK,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Page]:
    """The records of an OpenAlex snapshot under ``root`` (the folder holding ``data/``).

    For each entity in order: its partitions ``data/<entity>/updated_date=DAY/part_NNN.gz`` by
    day and part number, then its merged ids ``data/merged_ids/<entity>/DAY.csv.gz``. A partition
    the entity's ``manifest`` does not list is still being written or left over from an
    interrupted download: it is skipped with a warning. ``since`` skips partitions and merged-id
    files of earlier days.

    A page holds up to ``chunk_size`` records of one file; its cursor is ``<file>:<line>`` after
    the chunk and ``<file>:done`` at the end of the file; ``cursor`` resumes strictly after it.
    Warnings (unlisted or missing partitions, record counts that differ from the manifest) go to
    the log and to ``on_warning``. A damaged gzip file raises InputError naming the file and the
    last line read, after the records before it were yielded.
    """
    wanted = list(dict.fromkeys(entities))
    for entity in wanted:
        if not _ENTITY.match(entity):
            raise InputError(f"not an OpenAlex snapshot entity: {entity!r}")
    if chunk_size < 1:
        raise InputError(f"chunk_size must be positive, got {chunk_size}")
    data = root / "data" if (root / "data").is_dir() else root if root.name == "data" and root.is_dir() else None
    if data is None:
        raise InputError(f"{root}: not an OpenAlex snapshot (no data/ folder)")
    since_day = _day(since) if since is not None else None

    def warn(message: str) -> None:
        log.warning("%s", message)
        if on_warning is not None:
            on_warning(message)

    units: list[_Unit] = []
    found = False
    for position, entity in enumerate(wanted):
        entity_units, present = _entity_units(data, position, entity, warn)
        merged = _merged_units(data, position, entity)
        found = found or present or bool(merged)
        units += entity_units + merged
    if not found:
        raise InputError(f"{data}: holds none of {', '.join(wanted)}")

    start_key, start_line = _parse_cursor(cursor, wanted) if cursor else (None, 0)
    for unit in units:
        if since_day and unit.day < since_day:
            continue
        after = 0
        if start_key is not None:
            if unit.key < start_key:
                continue
            if unit.key == start_key:
                if start_line is None:  # the file was done
                    continue
                after = start_line
        if unit.key[1] == 0:
            yield from _partition_pages(unit, after, chunk_size, warn)
        else:
            yield from _merged_pages(unit, after, chunk_size)


def _entity_units(data: Path, position: int, entity: str, warn: Callable[[str], None]) -> tuple[list[_Unit], bool]:
    folder = data / entity
    if not folder.is_dir():
        log.info("%s: no %s in this snapshot", data, entity)
        return [], False
    files = sorted(p for p in folder.glob("updated_date=*/*.gz") if p.is_file())
    manifest = _manifest(folder, entity) if files or (folder / "manifest").exists() else {}
    if files and manifest is None:
        raise InputError(
            f"{folder}: partitions without a manifest: the download is incomplete (sync the snapshot again)"
        )
    manifest = manifest or {}
    units = []
    on_disk = set()
    for path in files:
        rel = f"{entity}/{path.parent.name}/{path.name}"
        on_disk.add(rel)
        day_match = _PARTITION_DIR.match(path.parent.name)
        part_match = _PART.match(path.name)
        if not day_match:
            warn(f"{path}: not in an updated_date=YYYY-MM-DD folder; skipped")
            continue
        if rel not in manifest:
            warn(f"{path}: not listed in {folder / 'manifest'}; skipped as incomplete")
            continue
        part = int(part_match.group(1)) if part_match else -1
        units.append(_Unit((position, 0, day_match.group(1), part), rel, path, entity, day_match.group(1), manifest[rel]))
    for rel in sorted(set(manifest) - on_disk):
        warn(f"{data / rel}: listed in {folder / 'manifest'} but missing; download it again")
    units.sort(key=lambda u: (u.key, u.rel))
    return units, True


def _manifest(folder: Path, entity: str) -> dict[str, Mapping[str, Any]] | None:
    path = folder / "manifest"
    if not path.is_file():
        return None
    try:
        doc = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc})") from None
    entries = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: manifest has no entries list")
    listed: dict[str, Mapping[str, Any]] = {}
    marker = f"data/{entity}/"
    for n, entry in enumerate(entries, start=1):
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            raise InputError(f"{path}: entry {n} has no url")
        tail = url.split(marker, 1)[1] if marker in url else "/".join(url.rstrip("/").split("/")[-2:])
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        listed[f"{entity}/{tail}"] = meta
    return listed


def _merged_units(data: Path, position: int, entity: str) -> list[_Unit]:
    folder = data / "merged_ids" / entity
    if not folder.is_dir():
        return []
    units = []
    for path in sorted(folder.glob("*.csv.gz")):
        m = _MERGED_FILE.match(path.name)
        if not m:
            log.warning("%s: merged-id file not named YYYY-MM-DD.csv.gz; skipped", path)
            continue
        units.append(_Unit((position, 1, m.group(1), 0), f"merged_ids/{entity}/{path.name}", path, entity, m.group(1)))
    return units


def _parse_cursor(cursor: str, entities: list[str]) -> tuple[tuple[int, int, str, int], int | None]:
    bad = InputError(f"not an OpenAlex snapshot cursor: {cursor!r} (expected <entity>/updated_date=DAY/part_NNN.gz:<line|done>)")
    rel, sep, position = cursor.rpartition(":")
    if not sep:
        raise bad
    if position == "done":
        line = None
    elif position.isdigit():
        line = int(position)
    else:
        raise bad
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == "merged_ids":
        entity, m = parts[1], _MERGED_FILE.match(parts[2])
        if not m:
            raise bad
        kind, day, part = 1, m.group(1), 0
    elif len(parts) == 3:
        entity, d, p = parts[0], _PARTITION_DIR.match(parts[1]), _PART.match(parts[2])
        if not d:
            raise bad
        kind, day, part = 0, d.group(1), int(p.group(1)) if p else -1
    else:
        raise bad
    if entity not in entities:
        raise InputError(f"cursor {cursor!r} names {entity!r}, which is not among the entities read ({', '.join(entities)})")
    return (entities.index(entity), kind, day, part), line


def _partition_pages(unit: _Unit, after: int, chunk_size: int, warn: Callable[[str], None]) -> Iterator[Page]:
    listed = unit.listed or {}
    expected_size = listed.get("content_length")
    if isinstance(expected_size, int) and unit.path.stat().st_size != expected_size:
        warn(f"{unit.path}: {unit.path.stat().st_size} bytes, the manifest lists {expected_size}; the partition may be incomplete")
    retrieved = file_time(unit.path)
    buffer: list[Payload] = []
    last_good = after
    count = 0
    failure: str | None = None
    try:
        with gzip.open(unit.path, "rb") as fh:
            lineno = 0
            while True:
                line = fh.readline()
                if not line:
                    break
                lineno += 1
                if lineno <= after:
                    continue
                record = line.strip()
                if not record:
                    last_good = lineno
                    continue
                try:
                    item = orjson.loads(record)
                except orjson.JSONDecodeError as exc:
                    if not line.endswith(b"\n"):
                        fh.read(1)  # a line cut short by a truncated stream raises EOFError here
                    raise InputError(f"{unit.path}:{lineno}: not valid JSON ({exc})") from None
                if len(buffer) == chunk_size:
                    yield Page(buffer, f"{unit.rel}:{last_good}")
                    buffer = []
                buffer.append(Payload(record, item, f"{unit.rel}:{lineno}", retrieved))
                last_good = lineno
                count += 1
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        failure = f"{type(exc).__name__}: {exc}"
    if failure is not None:
        if buffer:
            yield Page(buffer, f"{unit.rel}:{last_good}")
        raise InputError(
            f"{unit.path}: truncated or damaged gzip file after line {last_good} ({failure}); "
            "the records up to that line were read; download the partition again"
        )
    if buffer:
        yield Page(buffer, f"{unit.rel}:done")
    expected = listed.get("record_count")
    if after == 0 and isinstance(expected, int) and count != expected:
        warn(f"{unit.path}: {count} records, the manifest lists {expected}")


def singular(entity: str) -> str:
    """``works`` -> ``work``: the kind a merged id names."""
    return entity.removesuffix("s")


def _cell(row: list[str], columns: Mapping[str, int], name: str) -> str | None:
    i = columns.get(name)
    value = row[i].strip() if i is not None and i < len(row) else ""
    return value or None


def _merged_pages(unit: _Unit, after: int, chunk_size: int) -> Iterator[Page]:
    retrieved = file_time(unit.path)
    kind = singular(unit.entity)
    buffer: list[Payload] = []
    last_good = after
    failure: str | None = None
    try:
        with gzip.open(unit.path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            reader = csv.reader(text)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = {"id", "merge_into_id"} - set(header)
            if missing:
                raise InputError(f"{unit.path}: merged-id file lacks column(s) {', '.join(sorted(missing))} (header: {header})")
            col = {name: header.index(name) for name in ("id", "merge_into_id", "merge_date") if name in header}
            for row in reader:
                lineno = reader.line_num
                if lineno <= after:
                    continue
                if not any(value.strip() for value in row):
                    last_good = lineno
                    continue
                data = {
                    "entity": kind,
                    "id": _cell(row, col, "id"),
                    "merge_into_id": _cell(row, col, "merge_into_id"),
                    "merge_date": _cell(row, col, "merge_date") or unit.day,
                }
                if len(buffer) == chunk_size:
                    yield Page(buffer, f"{unit.rel}:{last_good}")
                    buffer = []
                buffer.append(Payload(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), data, f"{unit.rel}:{lineno}", retrieved))
                last_good = lineno
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError, UnicodeDecodeError, csv.Error) as exc:
        failure = f"{type(exc).__name__}: {exc}"
    if failure is not None:
        if buffer:
            yield Page(buffer, f"{unit.rel}:{last_good}")
        raise InputError(f"{unit.path}: cannot read after line {last_good} ({failure}); the records up to that line were read")
    if buffer:
        yield Page(buffer, f"{unit.rel}:done")
