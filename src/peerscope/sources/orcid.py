"""ORCID connector: recorded ORCID public API v3.0 answers, and the API itself.

- ``read(path)``: ``.json`` and ``.xml`` files (bare or gzip, bare bodies or recorded-response
  envelopes), a Page per file holding one Payload per document: a whole record is one payload,
  and so is a person, activities, works, employments or work document. ``Payload.raw`` is the
  document's bytes as received (JSON or XML); ``Payload.data`` is the parsed JSON object or the
  XML root element, which ``peerscope.normalize.orcid.normalize`` reads. A search answer holds
  iDs only and gives an empty page (:func:`parse_search` reads its iDs); a 404 or 410 answer (no
  such record, or a deactivated one), or an ORCID error document saying so, gives an empty page
  naming the iD in ``not_found``; any other non-200 answer or error document is a SourceError.
- ``fetch_record(client, orcid)`` / ``fetch_works(client, orcid)``: ``GET /{orcid}/record`` and
  ``GET /{orcid}/works``, one page of one payload (none, and the iD in ``not_found``, on 404 or
  410).
- ``search(client, query, *, rows=100, cursor=None)``: ``GET /search?q=…&start=…&rows=…``, a page
  per search page holding the whole record of every iD found; the cursor is the ``start`` of the
  next search page. ORCID serves search results up to ``start`` 10,000.

The client is a ``PoliteClient`` for the ORCID API base (``https://pub.orcid.org/v3.0``). ORCID
answers in JSON when the request carries ``Accept: application/json`` (a client-wide header:
``PoliteClient(..., headers={"Accept": "application/json"})``) and in XML otherwise; both are
read and stored as received.

XML is parsed with defusedxml: a document that declares entities is refused, never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, Recording, read_recordings
from peerscope.sources.files import Payload
from peerscope.sources.http import PoliteClient

SUFFIXES = (".json", ".json.gz", ".xml", ".xml.gz", ".gz")
GONE = frozenset({404, 410})
MAX_ROWS = 1000
MAX_START = 10_000

# the shape of an iD (the normaliser checks its check character)
_ORCID = re.compile(r"(?<![\d-])(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dXx])(?![\d-])")
_ORCID_INPUT = re.compile(r"^(?:https?://(?:www\.|sandbox\.)?orcid\.org/|orcid:\s*)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])/?$", re.IGNORECASE)
_HTML = (b"<!doctype html", b"<html")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _iD(groups: tuple[str, ...]) -> str:
    return "-".join(groups).upper()


def _orcid_named(*texts: str | None) -> str | None:
    """The first thing shaped like an ORCID iD in a URL or a file name."""
    for text in texts:
        m = _ORCID.search(text or "")
        if m:
            return _iD(m.groups())
    return None


def parse_document(body: bytes, where: str) -> Any:
    """A document's parsed form: the JSON object, or the XML root element; InputError naming
    ``where`` when the bytes are neither."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:64].lower().startswith(_HTML):
        raise InputError(f"{where}: an HTML page, not an ORCID document")
    if head.startswith(b"<"):
        try:
            return fromstring(body)
        except DefusedXmlException as exc:
            raise InputError(f"{where}: XML refused ({type(exc).__name__}: entities and external references are not read)") from None
        except (ParseError, ValueError) as exc:
            raise InputError(f"{where}: not well-formed XML ({exc})") from None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc})") from None


def _kind(doc: Any) -> str:
    """``search``, ``error`` or ``document`` (anything else, for the normaliser to judge)."""
    if isinstance(doc, Element):
        name = _local(doc.tag)
        return name if name in ("search", "error") else "document"
    if isinstance(doc, dict):
        if "num-found" in doc and ("result" in doc or "expanded-result" in doc):
            return "search"
        if "response-code" in doc and ("developer-message" in doc or "error-code" in doc):
            return "error"
    return "document"


def _error_code(doc: Any) -> int | None:
    if isinstance(doc, Element):
        code: Any = next((el.text for el in doc.iter() if _local(el.tag) == "response-code"), None)
    else:
        code = doc.get("response-code") if isinstance(doc, dict) else None
    try:
        return int(str(code).strip()) if code is not None else None
    except ValueError:
        return None


def parse_search_page(body: bytes, where: str = "ORCID search") -> tuple[list[str], int | None]:
    """The iDs an ORCID search answer (JSON or XML) lists, in order, and its ``num-found``."""
    doc = parse_document(body, where)
    if _kind(doc) != "search":
        raise InputError(f"{where}: not an ORCID search result")
    found: list[str] = []
    if isinstance(doc, Element):
        total_text: Any = doc.get("num-found")
        for ident in doc.iter():
            if _local(ident.tag) in ("orcid-identifier", "orcid-id"):
                texts = [el.text or "" for el in ident.iter() if _local(el.tag) in ("path", "uri", "orcid-id")]
                found.extend(t for t in (_orcid_named(t.strip()) for t in texts) if t)
    else:
        total_text = doc.get("num-found")
        results = [r for key in ("result", "expanded-result") for r in (doc.get(key) or []) if isinstance(r, dict)]
        for result in results:
            ident = result.get("orcid-identifier")
            texts = [ident.get("path"), ident.get("uri")] if isinstance(ident, dict) else [result.get("orcid-id")]
            found.extend(t for t in (_orcid_named(x) for x in texts if isinstance(x, str)) if t)
    try:
        total = int(str(total_text).strip()) if total_text is not None else None
    except ValueError:
        total = None
    return list(dict.fromkeys(found)), total


def parse_search(body: bytes) -> list[str]:
    """The ORCID iDs an ORCID search answer lists, in order."""
    return parse_search_page(body)[0]


def _page(rec: Recording) -> Page:
    ident = _orcid_named(rec.url, rec.where)
    if rec.status in GONE:
        return Page([], None, not_found=[ident] if ident else [])
    if not 200 <= rec.status < 300:
        raise SourceError(f"{rec.where}: recorded ORCID answer has status {rec.status}", status=rec.status)
    doc = parse_document(rec.body, rec.where)
    kind = _kind(doc)
    if kind == "search":
        return Page([], None)
    if kind == "error":
        code = _error_code(doc)
        if code in GONE:
            return Page([], None, not_found=[ident] if ident else [])
        raise SourceError(f"{rec.where}: recorded ORCID error document (response-code {code})", status=code)
    return Page([Payload(rec.body, doc, rec.where, rec.retrieved_at)], None)


def read(path: Path) -> Iterator[Page]:
    """A Page per recorded ORCID answer under ``path`` (see the module notes)."""
    for rec in read_recordings(Path(path), SUFFIXES):
        yield _page(rec)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _require_orcid(orcid: str) -> str:
    m = _ORCID_INPUT.match(orcid.strip()) if isinstance(orcid, str) else None
    if m is None:
        raise InputError(f"{orcid!r} is not an ORCID iD (such as 0000-0002-1825-0097)")
    return _iD(m.groups())


def _fetch(client: PoliteClient, ident: str, section: str) -> Page:
    try:
        response = client.get(f"{ident}/{section}", accept="bytes")
    except SourceError as exc:
        if exc.status in GONE:
            return Page([], None, not_found=[ident])
        raise
    try:
        doc = parse_document(response.body, response.url)
    except InputError as exc:
        raise SourceError(f"orcid: {exc.message}", status=response.status) from None
    kind = _kind(doc)
    if kind == "error":
        code = _error_code(doc)
        if code in GONE:
            return Page([], None, not_found=[ident])
        raise SourceError(f"orcid: {response.url} answered with an error document (response-code {code})", status=code)
    if kind == "search":
        raise SourceError(f"orcid: {response.url} answered with a search result where a {section} document was expected", status=response.status)
    return Page([Payload(response.body, doc, response.url, _now())], None)


def fetch_record(client: PoliteClient, orcid: str) -> Iterator[Page]:
    """The whole public record of one person: one page of one payload, or ``not_found``."""
    yield _fetch(client, _require_orcid(orcid), "record")


def fetch_works(client: PoliteClient, orcid: str) -> Iterator[Page]:
    """The works section of one person's record: one page of one payload, or ``not_found``."""
    yield _fetch(client, _require_orcid(orcid), "works")


def search(client: PoliteClient, query: str, *, rows: int = 100, cursor: str | None = None) -> Iterator[Page]:
    """The records of the people an ORCID search finds, a page per search page (``rows`` iDs,
    1 to 1000); ``cursor`` is the ``start`` to resume from, as a page's cursor gives it."""
    if not isinstance(query, str) or not query.strip():
        raise InputError("ORCID search: the query is empty")
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= MAX_ROWS:
        raise InputError(f"ORCID search: rows must be 1 to {MAX_ROWS}, got {rows!r}")
    if cursor is None:
        start = 0
    elif isinstance(cursor, str) and cursor.isdigit():
        start = int(cursor)
    else:
        raise InputError(f"ORCID search: cursor {cursor!r} is not a start offset")
    while start <= MAX_START:
        response = client.get("search", {"q": query.strip(), "start": start, "rows": rows}, accept="bytes")
        try:
            ids, total = parse_search_page(response.body, response.url)
        except InputError as exc:
            raise SourceError(f"orcid: {exc.message}", status=response.status) from None
        payloads: list[Payload] = []
        missing: list[str] = []
        for ident in ids:
            page = _fetch(client, ident, "record")
            payloads.extend(page.payloads)
            missing.extend(page.not_found)
        following = start + rows
        done = len(ids) < rows or (total is not None and following >= total) or following > MAX_START
        yield Page(payloads, None if done else str(following), not_found=missing)
        if done:
            return
        start = following
