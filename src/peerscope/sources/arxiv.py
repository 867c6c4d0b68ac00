"""arXiv: the search API (Atom feeds) and the OAI-PMH interface (bulk metadata).

Recorded responses are read with ``read``: JSON envelopes of Atom bodies
(``{url, status_code, body}``) and bare OAI-PMH XML files (``.xml``, ``.xml.gz``). The network is
read with ``fetch_atom`` (a query or a list of ids, paged by ``start``) and ``fetch_oai``
(``ListRecords`` of a set and date range, paged by resumption token).

Each record becomes one ``Payload`` whose ``raw`` is the record element serialised on its own (an
Atom ``<entry>`` or an OAI ``<record>``, carrying its namespace declarations) so
``peerscope.normalize.arxiv.decode`` can parse it again; ``data`` is the element itself.

What arXiv answers that is not a record:

- an Atom feed whose only entry is titled "Error" (arXiv's answer to a malformed id) is a
  SourceError carrying arXiv's message;
- an OAI-PMH ``<error>``: ``noRecordsMatch`` is an empty page; ``idDoesNotExist`` puts the id asked
  for in ``Page.not_found``; ``badResumptionToken`` (the token expired) and the protocol errors
  (``badArgument``, ``badVerb``, ``cannotDisseminateFormat``, ``noSetHierarchy``,
  ``noMetadataFormats``) are SourceErrors naming the code;
- ``Identify``, ``ListSets``, ``ListMetadataFormats`` and ``ListIdentifiers`` answers hold no
  records (``read`` yields an empty page for them); ``identify`` and ``list_sets`` read the first
  two, e.g. to check a ``--set`` before harvesting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import tostring as _tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from peerscope.errors import InputError, SourceError
from peerscope.sources.base import Page, read_recordings
from peerscope.sources.files import Payload

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"

SUFFIXES = (".json", ".json.gz", ".xml", ".xml.gz", ".atom", ".atom.gz")
METADATA_PREFIXES = ("arXiv", "arXivRaw", "oai_dc")
ATOM_PATH = "query"
ATOM_MAX_PAGE = 2000  # the most entries arXiv's search API returns in one answer

# OAI-PMH error codes that stop a harvest, with what to tell the user
_OAI_FATAL = {
    "badResumptionToken": "the resumption token has expired or is not valid; rerun without --resume to start the harvest again",
    "cannotDisseminateFormat": "arXiv cannot give records in that metadata format (use arXiv, arXivRaw or oai_dc)",
    "badArgument": "the request's arguments are not valid OAI-PMH (check --set, --from and --until)",
    "badVerb": "the request's verb is not an OAI-PMH verb",
    "noSetHierarchy": "arXiv says it has no sets",
    "noMetadataFormats": "arXiv has no metadata formats for that item",
}
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*$")


# arXiv ids as the answers write them (sources stand left of normalize, so this is kept small
# here): "http://arxiv.org/abs/2101.00001v2", "oai:arXiv.org:hep-th/9901002", "2101.00001"
_ID_PREFIX = re.compile(r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|oai:arxiv\.org:|arxiv:)", re.IGNORECASE)
_ID_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$", re.ASCII)
_ID_OLD = re.compile(r"^([a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE | re.ASCII)


def bare_id(text: str | None) -> str | None:
    """The version-less arXiv id a text names, or None."""
    text = _ID_PREFIX.sub("", (text or "").strip())
    m = _ID_NEW.match(text)
    if m:
        return m.group(1)
    m = _ID_OLD.match(text)
    return m.group(1).lower() if m else None


class _Client(Protocol):
    base_url: str

    def get(self, path_or_url: str, params: Mapping[str, Any] | None = None, *, accept: str = "json") -> Any: ...


# --------------------------------------------------------------------------------------------
# parsed answers


@dataclass(frozen=True, slots=True)
class ResumptionToken:
    """Where an OAI-PMH list continues: the token, and the position and total arXiv reports."""

    token: str
    cursor: int | None = None
    complete_list_size: int | None = None


@dataclass(frozen=True, slots=True)
class OaiAnswer:
    verb: str | None  # "ListRecords", "GetRecord", "Identify", ... (None for an error answer)
    payloads: list[Payload]
    not_found: list[str] = field(default_factory=list)
    token: ResumptionToken | None = None
    root: Element | None = None


@dataclass(frozen=True, slots=True)
class AtomAnswer:
    payloads: list[Payload]
    total: int | None  # opensearch:totalResults
    start: int  # opensearch:startIndex
    ids: list[str]  # the version-less arXiv ids of the entries, in order


def _parse(body: bytes, where: str, status: int = 200) -> Element:
    try:
        return SafeET.fromstring(body)
    except ParseError as exc:
        if status >= 400:
            raise SourceError(f"{where}: arXiv answered {status} with a body that is not XML", status=status) from None
        raise InputError(f"{where}: not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise InputError(f"{where}: XML declares entities or a DTD, which are refused ({exc!r})") from None


def _serialise(el: Element) -> bytes:
    """The element alone, with its namespace declarations, without the whitespace after it."""
    tail, el.tail = el.tail, None
    try:
        return _tostring(el, encoding="utf-8", xml_declaration=False)
    finally:
        el.tail = tail


def _text(el: Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def parse_atom(body: bytes, where: str, retrieved_at: datetime, *, status: int = 200) -> AtomAnswer:
    """An arXiv API Atom feed: a payload per entry. SourceError for arXiv's error entry (with its
    message) and for an error status."""
    root = _parse(body, where, status)
    if root.tag != ATOM + "feed":
        if status >= 400:
            raise SourceError(f"{where}: arXiv answered {status}", status=status)
        raise InputError(f"{where}: <{root.tag}> is not an Atom feed")
    entries = root.findall(ATOM + "entry")
    for entry in entries:
        entry_id = _text(entry.find(ATOM + "id"))
        if "/api/errors" in entry_id or (_text(entry.find(ATOM + "title")) == "Error" and bare_id(entry_id) is None):
            message = _text(entry.find(ATOM + "summary")) or entry_id
            raise SourceError(f"arXiv refused the query: {message} ({where})", status=status if status >= 400 else None)
    if status >= 400:
        raise SourceError(f"{where}: arXiv answered {status}", status=status)
    payloads = [Payload(_serialise(e), e, f"{where}#{n}", retrieved_at) for n, e in enumerate(entries, start=1)]
    ids = [i for i in (bare_id(_text(e.find(ATOM + "id"))) for e in entries) if i]
    start = _int(_text(root.find(OPENSEARCH + "startIndex"))) or 0
    return AtomAnswer(payloads, _int(_text(root.find(OPENSEARCH + "totalResults"))), start, ids)


def parse_oai(body: bytes, where: str, retrieved_at: datetime, *, asked_id: str | None = None, status: int = 200) -> OaiAnswer:
    """An OAI-PMH answer: a payload per ``<record>``, the resumption token, and the errors as the
    module docstring says. ``asked_id`` is the identifier a GetRecord asked for (read from the
    answer's ``<request>`` when not given)."""
    root = _parse(body, where, status)
    if root.tag != OAI + "OAI-PMH":
        if status >= 400:
            raise SourceError(f"{where}: arXiv answered {status}", status=status)
        raise InputError(f"{where}: <{root.tag}> is not an OAI-PMH answer")
    errors = root.findall(OAI + "error")
    if errors:
        return _oai_errors(root, errors, where, asked_id)
    if status >= 400:
        raise SourceError(f"{where}: arXiv answered {status}", status=status)
    verb_el = next((child for child in root if child.tag not in (OAI + "responseDate", OAI + "request")), None)
    verb = verb_el.tag.removeprefix(OAI) if verb_el is not None else None
    payloads: list[Payload] = []
    if verb in ("ListRecords", "GetRecord") and verb_el is not None:
        records = verb_el.findall(OAI + "record")
        payloads = [Payload(_serialise(r), r, f"{where}#{n}", retrieved_at) for n, r in enumerate(records, start=1)]
    token = None
    token_el = verb_el.find(OAI + "resumptionToken") if verb_el is not None else None
    if token_el is not None and _text(token_el):
        token = ResumptionToken(_text(token_el), _int(token_el.get("cursor")), _int(token_el.get("completeListSize")))
    return OaiAnswer(verb, payloads, [], token, root)


def _oai_errors(root: Element, errors: list[Element], where: str, asked_id: str | None) -> OaiAnswer:
    not_found: list[str] = []
    for error in errors:
        code = error.get("code") or "unknown"
        message = _text(error)
        if code == "noRecordsMatch":
            continue
        if code == "idDoesNotExist":
            request = root.find(OAI + "request")
            asked = asked_id or (request.get("identifier") if request is not None else None)
            if asked:
                not_found.append(bare_id(asked) or asked.strip())
            continue
        hint = _OAI_FATAL.get(code, "arXiv's OAI-PMH interface refused the request")
        raise SourceError(f"arXiv OAI-PMH error {code}: {hint} ({where}: {message})")
    return OaiAnswer(None, [], not_found, None, root)


def _is_feed(body: bytes) -> bool:
    head = body[:2048]
    return b"<feed" in head and b"http://www.w3.org/2005/Atom" in head


# --------------------------------------------------------------------------------------------
# recorded responses


def read(path: Path) -> Iterator[Page]:
    """The records in recorded arXiv responses (a file or a folder of them), a page per response.
    Pages read from files carry no cursor."""
    for rec in read_recordings(path, SUFFIXES):
        body = rec.body
        if _is_feed(body):
            answer = parse_atom(body, rec.where, rec.retrieved_at, status=rec.status)
            yield Page(answer.payloads, None, _atom_missing(rec.url, answer))
            continue
        oai = parse_oai(body, rec.where, rec.retrieved_at, status=rec.status)
        yield Page(oai.payloads, None, oai.not_found)


def _atom_missing(url: str | None, answer: AtomAnswer) -> list[str]:
    """Ids an ``id_list`` query asked for that the (complete) answer does not hold."""
    if not url:
        return []
    asked = parse_qs(urlsplit(url).query).get("id_list", [""])[0]
    if not asked or answer.start != 0 or (answer.total is not None and answer.total > len(answer.payloads)):
        return []
    return _missing(asked.split(","), answer.ids)


def _missing(asked: list[str], got: list[str]) -> list[str]:
    seen = set(got)
    out = []
    for raw in asked:
        raw = raw.strip()
        if not raw:
            continue
        norm = bare_id(raw) or raw
        if norm not in seen and norm not in out:
            out.append(norm)
    return out


# --------------------------------------------------------------------------------------------
# the network


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def fetch_atom(
    client: _Client,
    *,
    query: str | None = None,
    id_list: list[str] | str | None = None,
    start: int = 0,
    max_results: int = 100,
    page_size: int = 100,
) -> Iterator[Page]:
    """Works of an arXiv search (``query``, arXiv's ``search_query`` syntax) or a list of ids,
    ``page_size`` at a time from ``start`` until ``max_results`` entries (counted from ``start``;
    0 asks for nothing) or the end of the results. Each page's cursor is the ``start`` that
    continues after it; ids asked for that arXiv does not have are reported in the last page's
    ``not_found``."""
    ids = [i.strip() for i in (id_list.split(",") if isinstance(id_list, str) else id_list or []) if i and i.strip()]
    if not query and not ids:
        raise InputError("arXiv search: give a query or a list of arXiv ids")
    malformed = [i for i in ids if bare_id(i) is None]
    if malformed:  # arXiv would answer 400 with an error entry; say so before asking
        raise InputError(f"arXiv search: not arXiv ids: {', '.join(malformed)}")
    if start < 0 or max_results < 0 or page_size < 1:
        raise InputError("arXiv search: start and max_results must be 0 or more, page_size at least 1")
    page_size = min(page_size, ATOM_MAX_PAGE)
    end = start + max_results
    position = start
    seen: list[str] = []
    while position < end:
        n = min(page_size, end - position)
        params = {"search_query": query or "", "id_list": ",".join(ids), "start": position, "max_results": n}
        where = f"arxiv query start={position}"
        response = client.get(ATOM_PATH, params, accept="xml")
        answer = parse_atom(response.body, where, _now(), status=getattr(response, "status", 200))
        seen.extend(answer.ids)
        got = len(answer.payloads)
        total = answer.total if answer.total is not None else position + got
        next_start = position + got
        done = next_start >= min(end, total) or got == 0
        if got == 0 and position < min(end, total):
            raise SourceError(
                f"arXiv search answered an empty page at start={position} of {total} results; try again later "
                f"(resume from start={position})",
                retriable=True,
            )
        not_found = _missing(ids, seen) if done and ids else []
        yield Page(answer.payloads, None if done else str(next_start), not_found)
        if done:
            return
        position = next_start


def _day(value: date | str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        date.fromisoformat(text)
    except ValueError:
        raise InputError(f"arXiv OAI-PMH: {name} must be a date YYYY-MM-DD, got {value!r}") from None
    if len(text) != 10:
        raise InputError(f"arXiv OAI-PMH: {name} must be a date YYYY-MM-DD, got {value!r}")
    return text


def fetch_oai(
    client: _Client,
    *,
    set: str | None = None,  # the OAI-PMH argument's name
    from_: date | str | None = None,
    until: date | str | None = None,
    metadata_prefix: str = "arXiv",
    cursor: str | None = None,
) -> Iterator[Page]:
    """Records of arXiv's OAI-PMH ``ListRecords`` (a set such as ``cs`` or ``physics:hep-th``,
    a datestamp range), a page per answer; each page's cursor is the resumption token that
    continues after it (tokens expire: an expired one is a SourceError asking to start again)."""
    if metadata_prefix not in METADATA_PREFIXES:
        raise InputError(f"arXiv OAI-PMH: metadata format {metadata_prefix!r} is not one of {', '.join(METADATA_PREFIXES)}")
    if set is not None and not _SET_SPEC.match(set):
        raise InputError(f"arXiv OAI-PMH: {set!r} is not a set name (e.g. cs, math, physics:hep-th)")
    first = _day(from_, "from")
    last = _day(until, "until")
    if first and last and first > last:
        raise InputError(f"arXiv OAI-PMH: from {first} is after until {last}")
    token = cursor
    while True:
        if token:
            params: dict[str, Any] = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix, "set": set, "from": first, "until": last}
            params = {k: v for k, v in params.items() if v is not None}
        where = f"arxiv ListRecords {'resumptionToken=' + token if token else metadata_prefix}"
        response = client.get(_oai_url(client), params, accept="xml")
        answer = parse_oai(response.body, where, _now(), status=getattr(response, "status", 200))
        next_token = answer.token.token if answer.token else None
        yield Page(answer.payloads, next_token, answer.not_found)
        if not next_token:
            return
        token = next_token


def _oai_url(client: _Client) -> str:
    return getattr(client, "base_url", "") or ""


def fetch_record(client: _Client, arxiv_id: str, *, metadata_prefix: str = "arXiv") -> Page:
    """One record by id (OAI-PMH ``GetRecord``); an id arXiv does not have is in ``not_found``."""
    if metadata_prefix not in METADATA_PREFIXES:
        raise InputError(f"arXiv OAI-PMH: metadata format {metadata_prefix!r} is not one of {', '.join(METADATA_PREFIXES)}")
    norm = bare_id(arxiv_id)
    if norm is None:
        raise InputError(f"{arxiv_id!r} is not an arXiv id")
    params = {"verb": "GetRecord", "identifier": f"oai:arXiv.org:{norm}", "metadataPrefix": metadata_prefix}
    response = client.get(_oai_url(client), params, accept="xml")
    answer = parse_oai(response.body, f"arxiv GetRecord {norm}", _now(), asked_id=norm, status=getattr(response, "status", 200))
    return Page(answer.payloads, None, answer.not_found)


# --------------------------------------------------------------------------------------------
# Identify and ListSets


def parse_identify(body: bytes, where: str = "Identify") -> dict[str, str]:
    """The repository's description: repositoryName, baseURL, earliestDatestamp, granularity,
    deletedRecord, ... (the simple fields of an Identify answer)."""
    answer = parse_oai(body, where, _now())
    root = answer.root
    ident = root.find(OAI + "Identify") if root is not None else None
    if ident is None:
        raise InputError(f"{where}: not an Identify answer")
    out: dict[str, str] = {}
    for child in ident:
        name = child.tag.removeprefix(OAI)
        if name != "description" and name not in out:
            out[name] = _text(child)
    return out


def parse_sets(body: bytes, where: str = "ListSets") -> tuple[dict[str, str], str | None]:
    """``{setSpec: setName}`` of a ListSets answer, and its resumption token."""
    answer = parse_oai(body, where, _now())
    root = answer.root
    block = root.find(OAI + "ListSets") if root is not None else None
    if block is None:
        raise InputError(f"{where}: not a ListSets answer")
    sets = {}
    for s in block.findall(OAI + "set"):
        spec = _text(s.find(OAI + "setSpec"))
        if spec:
            sets[spec] = _text(s.find(OAI + "setName"))
    return sets, answer.token.token if answer.token else None


def identify(client: _Client) -> dict[str, str]:
    response = client.get(_oai_url(client), {"verb": "Identify"}, accept="xml")
    return parse_identify(response.body, "arxiv Identify")


def list_sets(client: _Client) -> dict[str, str]:
    """Every set arXiv offers, ``{setSpec: setName}`` (following resumption tokens)."""
    out: dict[str, str] = {}
    params: dict[str, Any] = {"verb": "ListSets"}
    for _ in range(1000):
        response = client.get(_oai_url(client), params, accept="xml")
        sets, token = parse_sets(response.body, "arxiv ListSets")
        out.update(sets)
        if not token:
            return out
        params = {"verb": "ListSets", "resumptionToken": token}
    raise SourceError("arXiv ListSets: more than 1000 pages; giving up")


def check_set(set_spec: str, sets: Mapping[str, str]) -> None:
    """InputError naming the known sets when ``set_spec`` is not one of them."""
    if set_spec not in sets:
        tops = sorted(s for s in sets if ":" not in s)
        raise InputError(f"arXiv has no set {set_spec!r}; its sets include {', '.join(tops)} and their subsets such as physics:hep-th")
