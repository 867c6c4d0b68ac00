"""Crossref REST API: recorded responses and live requests, as pages of per-record payloads.

A work's payload is the work object itself (``orjson`` with sorted keys); anything else a
response lists (members, journals, funders, a work's registration agency) is kept as
``{"message-type": <kind>, "message": <item>}`` so its normaliser can tell what it is
(``peerscope.normalize.crossref``).

Responses understood: a single work (``message-type: work``), a work list (``work-list``: its
``items``; its ``next-cursor`` continues a cursor listing), any other list (``member-list``, …)
or single entity, a bare list of works or ``{"items": [...]}`` (a snapshot file). A recorded 404
is the DOI of its request URI reported as not found; any other error status is a SourceError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import orjson

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, Recording, read_recordings
from peerscope.sources.files import Payload

SOURCE = "crossref"
MAX_ROWS = 1000


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def doi_text(value: object) -> str | None:
    """A DOI as text to ask for and report (resolver prefix dropped, lower-case); None when it
    does not have a DOI's form. (Normalising stays with the normaliser: connectors come first.)"""
    text = _DOI_PREFIX.sub("", str(value or "").strip()).strip()
    return text.lower() if _DOI.match(text) else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _raw(item: Any) -> bytes:
    return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)


def _payload(item: Any, where: str, retrieved_at: datetime) -> Payload:
    return Payload(_raw(item), item, where, retrieved_at)


def _list(items: Any, where: str, retrieved_at: datetime, kind: str | None = None) -> list[Payload]:
    if not isinstance(items, list):
        raise InputError(f"{where}: Crossref list without an items array")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        data = item if kind is None else {"message-type": kind, "message": item}
        out.append(_payload(data, f"{where}#{n}", retrieved_at))
    return out


def payloads_of(body: Any, where: str, retrieved_at: datetime) -> list[Payload]:
    """The per-record payloads of one Crossref response body (parsed JSON)."""
    if isinstance(body, list):
        return _list(body, where, retrieved_at)
    if not isinstance(body, dict):
        raise InputError(f"{where}: not a Crossref response (a JSON {type(body).__name__})")
    if body.get("status") == "failed":
        raise SourceError(f"{where}: Crossref answered with an error: {str(body.get('message'))[:300]}")
    kind = body.get("message-type")
    if isinstance(kind, str) and "message" in body:
        message = body["message"]
        if kind == "work":
            if not isinstance(message, dict):
                raise InputError(f"{where}: Crossref work message is not a JSON object")
            return [_payload(message, where, retrieved_at)]
        if kind == "work-list":
            return _list((message or {}).get("items") if isinstance(message, dict) else None, where, retrieved_at)
        if kind.endswith("-list"):
            return _list((message or {}).get("items") if isinstance(message, dict) else None, where, retrieved_at, kind[: -len("-list")])
        return [_payload({"message-type": kind, "message": message}, where, retrieved_at)]
    if isinstance(body.get("items"), list):
        return _list(body["items"], where, retrieved_at)
    if "DOI" in body:
        return [_payload(body, where, retrieved_at)]
    raise InputError(f"{where}: not a Crossref response (no message-type, items or DOI)")


def next_cursor(body: Any) -> str | None:
    """The ``next-cursor`` of a work-list body, if it has one."""
    message = body.get("message") if isinstance(body, dict) else None
    cursor = message.get("next-cursor") if isinstance(message, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None


def doi_of_url(url: str | None) -> str | None:
    """The DOI a ``/works/{doi}`` request asked for (normalised when valid)."""
    if not url:
        return None
    path = unquote(urlsplit(url).path)
    marker = "/works/"
    at = path.find(marker)
    if at < 0:
        return None
    asked = path[at + len(marker) :].removesuffix("/agency").strip("/")
    return doi_text(asked) or asked or None


def _decode(rec: Recording) -> Any:
    try:
        return orjson.loads(rec.body)
    except orjson.JSONDecodeError as exc:
        lines = [line for line in rec.body.splitlines() if line.strip()]
        if len(lines) > 1:  # JSON Lines: one work per line
            try:
                return [orjson.loads(line) for line in lines]
            except orjson.JSONDecodeError:
                pass
        raise InputError(f"{rec.where}: not valid JSON ({exc})") from None


def page_of(rec: Recording) -> Page:
    """The page a recorded response stands for (files carry no resume cursor)."""
    if rec.status == 404:
        doi = doi_of_url(rec.url)
        return Page([], None, [doi] if doi else [])
    if not 200 <= rec.status < 300:
        raise SourceError(f"{rec.where}: Crossref answered {rec.status} for {rec.url or 'the recorded request'}", status=rec.status)
    return Page(payloads_of(_decode(rec), rec.where, rec.retrieved_at), None)


def read(path: Path) -> Iterator[Page]:
    """A page per recorded Crossref response under ``path`` (a file, a gzip file or a folder)."""
    for rec in read_recordings(path):
        yield page_of(rec)


# -- live ------------------------------------------------------------------------------------


def _quote_doi(doi: str) -> str:
    return quote(doi, safe="/:;()")


def fetch_dois(client: Any, dois: list[str], *, cursor: str | None = None) -> Iterator[Page]:
    """One page per DOI from ``GET /works/{doi}``; a DOI Crossref does not have (404), or that is
    not a DOI at all, goes to ``not_found``. The cursor counts the DOIs done."""
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise InputError(f"crossref: cursor {cursor!r} is not a count of DOIs done") from None
    for i in range(start, len(dois)):
        after = str(i + 1) if i + 1 < len(dois) else None
        doi = doi_text(dois[i])
        if not doi:
            yield Page([], after, [str(dois[i])])
            continue
        try:
            response = client.get(f"works/{_quote_doi(doi)}")
        except SourceError as exc:
            if exc.status == 404:
                yield Page([], after, [doi])
                continue
            raise
        yield Page(payloads_of(response.json(), f"crossref {response.url}", _now()), after)


def _filter_param(value: str | Mapping[str, Any] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    return ",".join(f"{k}:{v}" for k, v in value.items())


def fetch_works(
    client: Any,
    *,
    filter: str | Mapping[str, Any] | None = None,
    query: str | None = None,
    rows: int = 100,
    cursor: str | None = None,
    mailto: str | None = None,
    path: str = "works",
) -> Iterator[Page]:
    """Every work of a listing (``/works`` or e.g. ``members/98/works``) by cursor paging:
    ``cursor=*`` first, then each answer's ``next-cursor``. Each page carries the cursor that
    continues after it; the listing ends with an empty page whose cursor is None."""
    if not 1 <= rows <= MAX_ROWS:
        raise InputError(f"crossref: rows must be between 1 and {MAX_ROWS}, got {rows}")
    params: dict[str, Any] = {"filter": _filter_param(filter), "query": query, "rows": rows, "cursor": cursor or "*", "mailto": mailto}
    while True:
        response = client.get(path, params)
        body = response.json()
        if not isinstance(body, dict) or body.get("message-type") != "work-list":
            raise SourceError(f"crossref: {response.url} did not answer with a work list")
        payloads = payloads_of(body, f"crossref {response.url}", _now())
        after = next_cursor(body)
        if not payloads:
            yield Page([], None)
            return
        yield Page(payloads, after)
        if after is None:
            return
        params["cursor"] = after
