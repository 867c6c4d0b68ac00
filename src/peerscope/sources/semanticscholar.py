"""Semantic Scholar Graph API: recorded responses and live requests, as pages of payloads.

Payloads are paper objects, author objects, and, for a references page, one payload
``{"citing": <the paper id the request named>, "offset": n, "references": [citedPaper objects]}``
(``peerscope.normalize.semanticscholar`` turns it into a ReferenceListRecord).

Responses understood: a paper; an author; a batch (a JSON list, where ``null`` marks an id
Semantic Scholar does not have); pages with ``data`` (a paper's authors or references, an
author's papers, a citations page, search and title-match results, bulk search pages with a
``token``). Not found: a recorded 404 gives the id of its request URI (``author:<id>`` for an
author, so it reads like the author's provenance id); a ``null`` in a recorded batch gives
``#<position>`` (1-based, as the payload labels ``file#n``), since the request body with the ids
is not recorded; a live batch gives the id asked for. Any other error status is a SourceError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import orjson

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, Recording, read_recordings
from peerscope.sources.files import Payload

SOURCE = "s2"
BATCH_SIZE = 500
PAPER_FIELDS = (
    "paperId", "corpusId", "externalIds", "url", "title", "abstract", "venue", "publicationVenue", "year",
    "referenceCount", "citationCount", "influentialCitationCount", "isOpenAccess", "openAccessPdf",
    "fieldsOfStudy", "s2FieldsOfStudy", "publicationTypes", "publicationDate", "journal", "authors",
)  # fmt: skip
AUTHOR_FIELDS = ("authorId", "externalIds", "url", "name", "aliases", "affiliations", "homepage", "paperCount", "citationCount", "hIndex")
REFERENCE_FIELDS = ("paperId",)

_TARGET = re.compile(r"^(?:.*?/graph/v1)?/(paper|author)/(.+?)(?:/(references|citations|authors|papers))?/?$")
_NOT_IDS = frozenset({"batch", "search", "search/bulk", "search/match", "autocomplete"})


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _payload(item: Any, where: str, retrieved_at: datetime) -> Payload:
    return Payload(orjson.dumps(item, option=orjson.OPT_SORT_KEYS), item, where, retrieved_at)


def request_target(url: str | None) -> tuple[str, str, str | None] | None:
    """(``paper`` | ``author``, the id as asked, the sub-resource) of a Graph API request URL;
    None for a batch or search request or a URL of another shape."""
    if not url:
        return None
    m = _TARGET.match(unquote(urlsplit(url).path))
    if not m or m.group(2) in _NOT_IDS:
        return None
    return m.group(1), m.group(2), m.group(3)


def references_payload(citing: str, offset: Any, data: Any, where: str, retrieved_at: datetime) -> Payload:
    cited = [d.get("citedPaper") for d in data if isinstance(d, dict)] if isinstance(data, list) else []
    item = {"citing": citing, "offset": offset if isinstance(offset, int) and offset >= 0 else 0, "references": [c for c in cited if isinstance(c, dict)]}
    return _payload(item, where, retrieved_at)


def payloads_of(body: Any, url: str | None, where: str, retrieved_at: datetime) -> tuple[list[Payload], list[str]]:
    """(payloads, not found) of one Semantic Scholar response body (parsed JSON)."""
    if isinstance(body, list):
        payloads: list[Payload] = []
        missing: list[str] = []
        for n, item in enumerate(body, start=1):
            if item is None:
                missing.append(f"#{n}")
            elif isinstance(item, dict):
                payloads.append(_payload(item, f"{where}#{n}", retrieved_at))
        return payloads, missing
    if not isinstance(body, dict):
        raise InputError(f"{where}: not a Semantic Scholar response (a JSON {type(body).__name__})")
    if "data" in body and isinstance(body["data"], list):
        data = body["data"]
        target = request_target(url)
        if (target and target[2] == "references") or any(isinstance(d, dict) and "citedPaper" in d for d in data):
            if not target or target[0] != "paper":
                raise InputError(f"{where}: a references page without the request URI naming the citing paper")
            return [references_payload(target[1], body.get("offset"), data, where, retrieved_at)], []
        items = [d.get("citingPaper") if isinstance(d, dict) and "citingPaper" in d else d for d in data]
        return [_payload(item, f"{where}#{n}", retrieved_at) for n, item in enumerate(items, start=1) if isinstance(item, dict)], []
    if "paperId" in body or "authorId" in body:
        return [_payload(body, where, retrieved_at)], []
    if "error" in body or "message" in body:
        raise SourceError(f"{where}: Semantic Scholar answered with an error: {str(body.get('error') or body.get('message'))[:300]}")
    raise InputError(f"{where}: not a Semantic Scholar response (no paperId, authorId or data)")


def not_found_id(url: str | None) -> str | None:
    """The id a request that was answered 404 asked for (``author:<id>`` for an author)."""
    target = request_target(url)
    if target is None:
        return None
    kind, asked, _ = target
    return f"author:{asked}" if kind == "author" else asked


def page_of(rec: Recording) -> Page:
    """The page a recorded response stands for (files carry no resume cursor)."""
    if rec.status == 404:
        asked = not_found_id(rec.url)
        return Page([], None, [asked] if asked else [])
    if not 200 <= rec.status < 300:
        raise SourceError(f"{rec.where}: Semantic Scholar answered {rec.status} for {rec.url or 'the recorded request'}", status=rec.status)
    try:
        body = orjson.loads(rec.body)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{rec.where}: not valid JSON ({exc})") from None
    payloads, missing = payloads_of(body, rec.url, rec.where, rec.retrieved_at)
    return Page(payloads, None, missing)


def read(path: Path) -> Iterator[Page]:
    """A page per recorded Semantic Scholar response under ``path``."""
    for rec in read_recordings(path):
        yield page_of(rec)


# -- live ------------------------------------------------------------------------------------


def _quote(paper_or_author_id: str) -> str:
    return quote(str(paper_or_author_id).strip(), safe="/:")


def _start(cursor: str | None, what: str) -> int:
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise InputError(f"s2: cursor {cursor!r} is not {what}") from None
    if start < 0:
        raise InputError(f"s2: cursor {cursor!r} is not {what}")
    return start


def fetch_papers(client: Any, ids: Sequence[str], *, fields: Sequence[str] = PAPER_FIELDS, cursor: str | None = None) -> Iterator[Page]:
    """Papers by id (paperIds, ``DOI:…``, ``arXiv:…``, ``CorpusId:…``, …) through
    ``POST /paper/batch``, at most 500 a request; the ids Semantic Scholar does not have go to
    ``not_found`` as asked. The cursor counts the ids done."""
    ids = list(ids)
    start = _start(cursor, "a count of ids done")
    for at in range(start, len(ids), BATCH_SIZE):
        chunk = ids[at : at + BATCH_SIZE]
        response = client.post("paper/batch", {"fields": ",".join(fields)}, json={"ids": chunk})
        body = response.json()
        if not isinstance(body, list) or len(body) != len(chunk):
            raise SourceError(f"s2: {response.url} answered a batch of {len(chunk)} ids with something other than a list of {len(chunk)}")
        now = _now()
        payloads = [_payload(item, f"s2 paper/batch {asked}", now) for asked, item in zip(chunk, body) if isinstance(item, dict)]
        missing = [str(asked) for asked, item in zip(chunk, body) if item is None]
        done = at + len(chunk)
        yield Page(payloads, str(done) if done < len(ids) else None, missing)


def _paged(client: Any, path: str, params: dict[str, Any], offset: int, missing: str, build: Any) -> Iterator[Page]:
    while True:
        try:
            response = client.get(path, {**params, "offset": offset})
        except SourceError as exc:
            if exc.status == 404:
                yield Page([], None, [missing])
                return
            raise
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SourceError(f"s2: {response.url} did not answer with a page of data")
        following = body.get("next")
        after = following if isinstance(following, int) and not isinstance(following, bool) and following > offset else None
        yield Page(build(body, offset, f"s2 {response.url}", _now()), str(after) if after is not None else None)
        if after is None:
            return
        offset = after


def fetch_paper_references(client: Any, paper_id: str, *, cursor: str | None = None, limit: int = 1000) -> Iterator[Page]:
    """A paper's references, a page (one reference-list payload) per request; the cursor is
    the offset of the next page."""

    def build(body: dict[str, Any], asked: int, where: str, now: datetime) -> list[Payload]:
        return [references_payload(paper_id, body.get("offset", asked), body["data"], where, now)]

    offset = _start(cursor, "an offset")
    params = {"fields": ",".join(REFERENCE_FIELDS), "limit": limit}
    yield from _paged(client, f"paper/{_quote(paper_id)}/references", params, offset, paper_id, build)


def _data_payloads(body: dict[str, Any], _offset: int, where: str, now: datetime) -> list[Payload]:
    return [_payload(item, f"{where}#{n}", now) for n, item in enumerate(body["data"], start=1) if isinstance(item, dict)]


def fetch_author(client: Any, author_id: str, *, fields: Sequence[str] = AUTHOR_FIELDS) -> Iterator[Page]:
    """One author; a 404 gives ``not_found == ["author:<id>"]``."""
    try:
        response = client.get(f"author/{_quote(author_id)}", {"fields": ",".join(fields)})
    except SourceError as exc:
        if exc.status == 404:
            yield Page([], None, [f"author:{author_id}"])
            return
        raise
    body = response.json()
    if not isinstance(body, dict) or "authorId" not in body:
        raise SourceError(f"s2: {response.url} did not answer with an author")
    yield Page([_payload(body, f"s2 {response.url}", _now())], None)


def fetch_author_papers(
    client: Any, author_id: str, *, cursor: str | None = None, fields: Sequence[str] = PAPER_FIELDS, limit: int = 100
) -> Iterator[Page]:
    """An author's papers, a page per request; the cursor is the offset of the next page."""
    offset = _start(cursor, "an offset")
    params = {"fields": ",".join(fields), "limit": limit}
    yield from _paged(client, f"author/{_quote(author_id)}/papers", params, offset, f"author:{author_id}", _data_payloads)


def fetch_search_bulk(
    client: Any,
    query: str,
    *,
    cursor: str | None = None,
    fields: Sequence[str] = PAPER_FIELDS,
    filters: Mapping[str, Any] | None = None,
) -> Iterator[Page]:
    """Every paper matching a bulk search (``/paper/search/bulk``), a page per request; the
    cursor is the continuation token Semantic Scholar returns (None after the last page)."""
    params: dict[str, Any] = {"query": query, "fields": ",".join(fields), **(filters or {})}
    token = cursor
    while True:
        response = client.get("paper/search/bulk", {**params, "token": token})
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SourceError(f"s2: {response.url} did not answer with a page of search results")
        following = body.get("token")
        token = following if isinstance(following, str) and following else None
        yield Page(_data_payloads(body, 0, f"s2 {response.url}", _now()), token)
        if token is None:
            return
