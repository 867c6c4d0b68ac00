"""Hugging Face daily papers -> WorkRecord.

One payload is one entry of a daily list (``/api/daily_papers?date=YYYY-MM-DD``): the arXiv paper
(``paper``: id, title, summary, publishedAt, authors, upvotes) and the list's own fields
(``numComments``, ``submittedBy``, ``publishedAt``, ``title``). A bare paper object
(``/api/papers/{id}``) is read too.

The day the list was for is not part of an entry. The reader adds it to the stored payload under
:data:`DAY_KEY` (``"_peerscope_day": "2024-10-25"``, from the request's ``date`` or the file name
``daily_papers_2024-10-25.json``), so the stored bytes alone give the same record again; without
it the day is the date of the entry's ``publishedAt`` (when it was put on the list).

Mapping:

- ``ids``: the arXiv id (``paper.id``, version dropped); provenance ``("hf", arXiv id)``;
- ``title`` and ``abstract`` (``paper.summary``) with whitespace collapsed; ``type`` "preprint";
  ``publication_date``: the date of ``paper.publishedAt`` (the arXiv submission);
- the byline in order, each author with no ids (Hugging Face has none for a byline) and, when the
  slot was claimed by a Hugging Face account and is not hidden, a ClaimHint with the account, the
  slot's ``status`` as Hugging Face gives it (``claimed_verified``, ``admin_assigned``,
  ``extracted_pending``, ``extracted_confirmed``) and the account's full name. A hidden slot
  keeps its place in the byline without a hint.
- signals observed on the list's day: ``upvotes`` (``paper.upvotes``), ``comments``
  (``numComments``) and ``featured`` (1, with the submitting account as ``actor``).
- no locations: arXiv supplies them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError
from peerscope.normalize.ids import normalize_arxiv
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AuthorRef,
    AuthorshipRecord,
    ClaimHint,
    ExternalId,
    Provenance,
    SignalRecord,
    WorkRecord,
)

SOURCE = "hf"
DAY_KEY = "_peerscope_day"  # written by the connector (peerscope.sources.hf.DAY_KEY)
MAX_TITLE = 2000
MAX_ABSTRACT = 100_000
MAX_AUTHORS = 5000

_SPACES = re.compile(r"\s+")


def _collapse(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value >= 0 else None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _authorship(raw: Any, position: int) -> AuthorshipRecord | None:
    if not isinstance(raw, dict):
        return None
    user = raw.get("user") if isinstance(raw.get("user"), dict) else None
    name = clean_name(raw.get("name") if isinstance(raw.get("name"), str) else None)
    if not name and user is not None:
        name = clean_name(_text(user.get("fullname")))
    if not name:
        return None
    claim = None
    account = _text(user.get("user")) if user is not None else None
    if user is not None and account and raw.get("hidden") is not True:
        claim = ClaimHint(
            source=SOURCE,
            account=account,
            status=_text(raw.get("status")),
            display_name=clean_name(_text(user.get("fullname"))) or None,
        )
    return AuthorshipRecord(position=position, author=AuthorRef(ids=(), display_name=name), raw_author_name=name, claim=claim)


def normalize(data: Any, retrieved_at: datetime, where: str = "record") -> WorkRecord:
    """Map one daily-papers entry (or a bare paper) to a WorkRecord; InputError naming ``where``
    and the field when the paper, its arXiv id or its title is missing."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object for a Hugging Face daily-papers entry, got {type(data).__name__}")
    if "paper" in data:
        paper = data["paper"]
        entry: dict[str, Any] = data
        if not isinstance(paper, dict):
            raise InputError(f"{where}: field 'paper' is not an object")
    elif "id" in data and "authors" in data:
        paper, entry = data, {}
    else:
        raise InputError(f"{where}: missing field 'paper'")
    raw_id = paper.get("id")
    if raw_id is None or raw_id == "":
        raise InputError(f"{where}: missing field 'paper.id'")
    arxiv = normalize_arxiv(raw_id) if isinstance(raw_id, str) else None
    if arxiv is None:
        raise InputError(f"{where}: field 'paper.id' is not an arXiv id: {raw_id!r}")
    title = _collapse(paper.get("title")) or _collapse(entry.get("title"))
    if title is None:
        raise InputError(f"{where}: missing field 'paper.title' (paper {arxiv})")

    day = _date(data.get(DAY_KEY)) or _date(entry.get("publishedAt"))
    authors = paper.get("authors")
    bylines: list[AuthorshipRecord] = []
    for raw in authors[:MAX_AUTHORS] if isinstance(authors, list) else []:
        authorship = _authorship(raw, len(bylines))
        if authorship is not None:
            bylines.append(authorship)

    signals: list[SignalRecord] = []
    upvotes = _count(paper.get("upvotes"))
    if upvotes is not None:
        signals.append(SignalRecord(SOURCE, "upvotes", upvotes, observed_on=day))
    comments = _count(entry.get("numComments"))
    if comments is not None:
        signals.append(SignalRecord(SOURCE, "comments", comments, observed_on=day))
    if entry:
        submitter = entry.get("submittedBy") if isinstance(entry.get("submittedBy"), dict) else {}
        actor = _text(submitter.get("name")) or _text(submitter.get("user"))
        signals.append(SignalRecord(SOURCE, "featured", 1, observed_on=day, actor=actor))

    published = _date(paper.get("publishedAt"))
    abstract = _collapse(paper.get("summary"))
    return WorkRecord(
        ids=(ExternalId("arxiv", arxiv),),
        title=title[:MAX_TITLE],
        provenance=Provenance(SOURCE, arxiv, retrieved_at),
        abstract=abstract[:MAX_ABSTRACT] if abstract else None,
        type="preprint",
        publication_year=published.year if published else None,
        publication_date=published,
        authorships=tuple(bylines),
        signals=tuple(signals),
    )


def decode(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"Hugging Face entry: not valid JSON ({exc})") from None
