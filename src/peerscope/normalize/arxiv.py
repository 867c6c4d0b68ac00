"""arXiv records -> WorkRecord.

One stored payload is the XML of one record: an Atom ``<entry>`` of the arXiv API, or an OAI-PMH
``<record>`` (header plus metadata in one of arXiv's formats: ``arXiv``, ``arXivRaw`` or
``oai_dc``). ``decode`` parses those bytes; ``normalize`` turns the element into a canonical record.

What every format gives the same way:

- the work is known by its version-less arXiv id (``2101.00001``, ``hep-th/9901002``); the id and
  DOIs the record names are its external ids;
- titles and abstracts have their whitespace collapsed and keep TeX as written (``$A_r$``);
- the publication date is the first version's date, ``version`` the latest version known;
- the one location is arXiv itself, open access, as submitted (not the published version).

An OAI header marked ``status="deleted"`` means the work was withdrawn from arXiv's feed: it becomes
an ``OtherRecord(kind="deleted")``.

Author lists come three ways: structured names (arXiv format, Atom), ``Last, First`` strings
(oai_dc) and one free-text string (arXivRaw: ``A. One (1), B. Two, Jr. and C. Three (2) ((1) Uni
A, (2) Uni B)``), which ``split_authors`` takes apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from peerscope.errors import InputError
from peerscope.normalize.ids import normalize_arxiv, normalize_doi
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AffiliationRecord,
    AuthorRef,
    AuthorshipRecord,
    ExternalId,
    LocationRecord,
    OtherRecord,
    Provenance,
    SourceItem,
    SourceRecord,
    WorkRecord,
)
from peerscope.normalize.text import repair_mojibake

SOURCE = "arxiv"

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_ATOM = "{http://arxiv.org/schemas/atom}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV_FMT = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"

ABS_URL = "https://arxiv.org/abs/"
PDF_URL = "https://arxiv.org/pdf/"

ARXIV_VENUE = SourceRecord(
    ids=(ExternalId("openalex", "S4306400194"),),
    display_name="arXiv (Cornell University)",
    type="repository",
)

MAX_TITLE = 2000
MAX_ABSTRACT = 100_000

_SPACES = re.compile(r"\s+")
_VERSION = re.compile(r"v(\d+)$")
_OAI_ID_PREFIX = re.compile(r"^oai:arxiv\.org:", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# bytes -> element


def decode(raw: bytes) -> Element:
    """One stored record's XML bytes to its element. Entities are never expanded (harvested XML
    has no business declaring any); malformed or hostile XML is an InputError."""
    try:
        return SafeET.fromstring(raw)
    except ParseError as exc:
        raise InputError(f"stored arXiv record is not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise InputError(f"stored arXiv record declares entities or a DTD, which are refused ({exc!r})") from None


# --------------------------------------------------------------------------------------------
# element -> record


def normalize(data: Element, retrieved_at: datetime, where: str) -> SourceItem:
    """An Atom ``<entry>`` or an OAI-PMH ``<record>`` to a WorkRecord (or, for a deleted OAI
    record, an ``OtherRecord(kind="deleted")``). InputError names ``where`` and the fault."""
    if not isinstance(data, Element):
        raise InputError(f"{where}: expected an XML element, got {type(data).__name__}")
    if data.tag == ATOM + "entry":
        return _from_atom(data, retrieved_at, where)
    if data.tag == OAI + "record":
        return _from_oai(data, retrieved_at, where)
    raise InputError(f"{where}: <{_local(data.tag)}> is neither an Atom entry nor an OAI-PMH record")


@dataclass(frozen=True, slots=True)
class _Work:
    """What the three formats and Atom agree on, before it becomes a WorkRecord."""

    arxiv_id: str
    title: str
    abstract: str | None
    authors: tuple[AuthorshipRecord, ...]
    published: date | None
    updated: datetime | None
    version: str | None
    categories: tuple[str, ...]
    dois: tuple[str, ...]
    journal_ref: str | None
    license: str | None


def _record(work: _Work, retrieved_at: datetime) -> WorkRecord:
    abs_url = ABS_URL + work.arxiv_id
    ids = (ExternalId("arxiv", work.arxiv_id), *(ExternalId("doi", d) for d in work.dois))
    location = LocationRecord(
        source=ARXIV_VENUE,
        landing_page_url=abs_url,
        pdf_url=PDF_URL + work.arxiv_id,
        is_oa=True,
        version="submittedVersion",
        license=work.license,
        is_primary=True,
    )
    return WorkRecord(
        ids=ids,
        title=work.title,
        provenance=Provenance(SOURCE, work.arxiv_id, retrieved_at),
        abstract=work.abstract,
        type="preprint",
        publication_year=work.published.year if work.published else None,
        publication_date=work.published,
        is_oa=True,
        oa_status="green",
        oa_url=abs_url,
        locations=(location,),
        authorships=work.authors,
        updated_date=work.updated,
        categories=work.categories,
        journal_ref=work.journal_ref,
        notices=(),
        version=work.version,
    )


# --------------------------------------------------------------------------------------------
# Atom


def _from_atom(entry: Element, retrieved_at: datetime, where: str) -> WorkRecord:
    raw_id = _text(entry.find(ATOM + "id"))
    if raw_id and "/api/errors" in raw_id:
        summary = _collapse(_text(entry.find(ATOM + "summary"))) or raw_id
        raise InputError(f"{where}: an arXiv API error entry, not a work ({summary})")
    arxiv_id = _arxiv_id(raw_id, where, "id")
    title = _title(_text(entry.find(ATOM + "title")), where)
    authors = []
    for author in entry.findall(ATOM + "author"):
        name = _collapse(_text(author.find(ATOM + "name")))
        if not name:
            continue
        affs = tuple(a for a in (_collapse(_text(e)) for e in author.findall(ARXIV_ATOM + "affiliation")) if a)
        authors.append((name, name, affs))
    primary = entry.find(ARXIV_ATOM + "primary_category")
    terms = [primary.get("term") if primary is not None else None]
    terms += [c.get("term") for c in entry.findall(ATOM + "category")]
    license_url = _collapse(_text(entry.find(ATOM + "rights")))
    for link in entry.findall(ATOM + "link"):
        if link.get("rel") == "license" and link.get("href"):
            license_url = link.get("href")
    version = _VERSION.search(raw_id.strip()) if raw_id else None
    return _record(
        _Work(
            arxiv_id=arxiv_id,
            title=title,
            abstract=_abstract(_text(entry.find(ATOM + "summary"))),
            authors=_authorships(authors),
            published=_date(_text(entry.find(ATOM + "published"))),
            updated=_datetime(_text(entry.find(ATOM + "updated"))),
            version=f"v{int(version.group(1))}" if version else None,
            categories=_unique(terms),
            dois=_dois(" ".join(_text(e) or "" for e in entry.findall(ARXIV_ATOM + "doi"))),
            journal_ref=_collapse(_text(entry.find(ARXIV_ATOM + "journal_ref"))),
            license=license_url,
        ),
        retrieved_at,
    )


# --------------------------------------------------------------------------------------------
# OAI-PMH


def _from_oai(record: Element, retrieved_at: datetime, where: str) -> SourceItem:
    header = record.find(OAI + "header")
    if header is None:
        raise InputError(f"{where}: OAI-PMH record has no header")
    identifier = _text(header.find(OAI + "identifier"))
    if header.get("status") == "deleted":
        arxiv_id = _arxiv_id(_OAI_ID_PREFIX.sub("", identifier.strip()) if identifier else None, where, "header identifier")
        return OtherRecord(kind="deleted", provenance=Provenance(SOURCE, arxiv_id, retrieved_at))
    metadata = record.find(OAI + "metadata")
    body = next(iter(metadata), None) if metadata is not None else None
    if body is None:
        raise InputError(f"{where}: OAI-PMH record has no metadata")
    if body.tag == ARXIV_FMT + "arXiv":
        work = _from_arxiv_format(body, where)
    elif body.tag == ARXIV_RAW + "arXivRaw":
        work = _from_arxiv_raw(body, where)
    elif body.tag == OAI_DC + "dc":
        work = _from_oai_dc(body, header, identifier, where)
    else:
        raise InputError(f"{where}: metadata format <{body.tag}> is not one of arXiv, arXivRaw, oai_dc")
    return _record(work, retrieved_at)


def _from_arxiv_format(md: Element, where: str) -> _Work:
    ns = ARXIV_FMT
    arxiv_id = _arxiv_id(_text(md.find(ns + "id")), where, "id")
    authors = []
    block = md.find(ns + "authors")
    for author in block.findall(ns + "author") if block is not None else ():
        keyname = (_collapse(_text(author.find(ns + "keyname"))) or "").rstrip(",").strip()
        forenames = _collapse(_text(author.find(ns + "forenames"))) or ""
        suffix = _collapse(_text(author.find(ns + "suffix"))) or ""
        name = " ".join(p for p in (forenames, keyname, suffix) if p)
        if not name:
            continue
        affs = tuple(a for a in (_collapse(_text(e)) for e in author.findall(ns + "affiliation")) if a)
        authors.append((name, name, affs))
    created = _date(_text(md.find(ns + "created")))
    updated = _datetime(_text(md.find(ns + "updated")))
    if updated is None and created is not None:
        updated = datetime(created.year, created.month, created.day)
    return _Work(
        arxiv_id=arxiv_id,
        title=_title(_text(md.find(ns + "title")), where),
        abstract=_abstract(_text(md.find(ns + "abstract"))),
        authors=_authorships(authors),
        published=created,
        updated=updated,
        version=None,  # the arXiv format does not say which version it describes
        categories=_unique((_text(md.find(ns + "categories")) or "").split()),
        dois=_dois(_text(md.find(ns + "doi"))),
        journal_ref=_collapse(_text(md.find(ns + "journal-ref"))),
        license=_collapse(_text(md.find(ns + "license"))),
    )


def _from_arxiv_raw(md: Element, where: str) -> _Work:
    ns = ARXIV_RAW
    arxiv_id = _arxiv_id(_text(md.find(ns + "id")), where, "id")
    versions: list[tuple[int, datetime | None]] = []
    for v in md.findall(ns + "version"):
        m = re.fullmatch(r"v(\d+)", (v.get("version") or "").strip())
        if m:
            versions.append((int(m.group(1)), _rfc2822(_text(v.find(ns + "date")))))
    versions.sort(key=lambda pair: pair[0])
    first = versions[0][1] if versions else None
    latest = versions[-1] if versions else None
    authors = [(a.display_name, a.raw, a.affiliations) for a in split_authors(_text(md.find(ns + "authors")) or "")]
    return _Work(
        arxiv_id=arxiv_id,
        title=_title(_text(md.find(ns + "title")), where),
        abstract=_abstract(_text(md.find(ns + "abstract"))),
        authors=_authorships(authors),
        published=first.date() if first else None,
        updated=latest[1] if latest else None,
        version=f"v{latest[0]}" if latest else None,
        categories=_unique((_text(md.find(ns + "categories")) or "").split()),
        dois=_dois(_text(md.find(ns + "doi"))),
        journal_ref=_collapse(_text(md.find(ns + "journal-ref"))),
        license=_collapse(_text(md.find(ns + "license"))),
    )


def _from_oai_dc(md: Element, header: Element, identifier: str | None, where: str) -> _Work:
    """Dublin Core: ``dc:identifier`` holds the abs URL, ``doi:`` ids and the journal reference;
    ``dc:date`` one date per version; categories come from the header's sets
    (``math:math:CO`` -> ``math.CO``) since ``dc:subject`` has only their names."""
    identifiers = [_collapse(_text(e)) or "" for e in md.findall(DC + "identifier")]
    arxiv_id = next((a for a in (normalize_arxiv(i) for i in identifiers if "arxiv.org/abs/" in i.lower()) if a), None)
    if arxiv_id is None:
        arxiv_id = _arxiv_id(_OAI_ID_PREFIX.sub("", identifier.strip()) if identifier else None, where, "identifier")
    doi_text = " ".join(i[4:] for i in identifiers if i.lower().startswith("doi:"))
    journal_ref = next(
        (i for i in identifiers if i and not i.lower().startswith(("doi:", "http://", "https://", "urn:", "info:"))),
        None,
    )
    authors = []
    for creator in md.findall(DC + "creator"):
        raw = _collapse(_text(creator))
        if raw:
            authors.append((_dc_name(raw), raw, ()))
    dates = sorted(d for d in (_date(_text(e)) for e in md.findall(DC + "date")) if d)
    descriptions = md.findall(DC + "description")
    rights = [r for r in (_collapse(_text(e)) for e in md.findall(DC + "rights")) if r]
    license_url = next((r for r in rights if r.startswith(("http://", "https://"))), None)
    return _Work(
        arxiv_id=arxiv_id,
        title=_title(_text(md.find(DC + "title")), where),
        abstract=_abstract(_text(descriptions[0])) if descriptions else None,
        authors=_authorships(authors),
        published=dates[0] if dates else None,
        updated=datetime(dates[-1].year, dates[-1].month, dates[-1].day) if dates else None,
        version=None,
        categories=_unique(set_category(_text(s) or "") for s in header.findall(OAI + "setSpec")),
        dois=_dois(doi_text),
        journal_ref=journal_ref,
        license=license_url,
    )


def _dc_name(raw: str) -> str:
    """``Di Francesco, P.`` -> ``P. Di Francesco``; ``Forney, G. David, Jr.`` -> ``G. David Forney Jr.``."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) == 3 and all(parts) and parts[2].lower() in _SUFFIXES:
        return f"{parts[1]} {parts[0]} {parts[2]}"
    return clean_name(raw) or raw


def set_category(spec: str) -> str | None:
    """An OAI set of arXiv to its category: ``math:math:CO`` -> ``math.CO``,
    ``physics:hep-th`` -> ``hep-th``; a bare group (``math``) names no category."""
    parts = [p for p in spec.strip().split(":") if p]
    if len(parts) == 2:
        return parts[1]
    if len(parts) == 3:
        return f"{parts[1]}.{parts[2]}"
    return None


# --------------------------------------------------------------------------------------------
# the arXivRaw author string


@dataclass(frozen=True, slots=True)
class SplitAuthor:
    """One name taken from a free-text author list."""

    display_name: str  # the name with a suffix joined by a space: "G. David Forney Jr."
    raw: str  # the name as written, affiliations left out: "G. David Forney, Jr."
    affiliations: tuple[str, ...] = ()


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"}
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|and\s+others|others)$", re.IGNORECASE)
_MARKERS = re.compile(r"^\s*\d+(?:\s*(?:,|and|&)\s*\d+)*\s*$", re.IGNORECASE)
_NUMBERED_BLOCK = re.compile(r"^\s*\(\s*\d+\s*\)")
_NUMBER_LABEL = re.compile(r"\(\s*(\d+)\s*\)")
# parentheses that annotate a byline without naming an affiliation
_NOT_AFFILIATION = re.compile(r"^(?:eds?\.?|editors?|with\b|for\b|and\b|on behalf of\b)", re.IGNORECASE)
_AND = re.compile(r"\band\b")


def split_authors(text: str) -> list[SplitAuthor]:
    """Take apart an arXiv author string: names separated by commas, semicolons and ``and``;
    ``(Affiliation)`` after a name; numbered markers ``(1,2)`` resolved through a closing block
    ``((1) Uni A, (2) Uni B)``; ``, Jr.`` joined to the name before it; a leading
    ``Collaboration:`` kept as the first name; ``et al`` dropped. Commas inside parentheses or TeX
    braces never split. Never raises: odd input yields fewer or odder names, not an error."""
    text = _SPACES.sub(" ", text or "").strip()
    if not text:
        return []
    parens = _balanced(text, "(", ")")
    text, numbered = _numbered_block(text) if parens else (text, {})

    pieces = _split_top(text, parens)
    out: list[SplitAuthor] = []
    for piece in pieces:
        name, notes = _name_and_notes(piece, parens)
        affiliations: list[str] = []
        for note in notes:
            if _MARKERS.match(note):
                for number in re.findall(r"\d+", note):
                    aff = numbered.get(int(number))
                    if aff and aff not in affiliations:
                        affiliations.append(aff)
            elif note and not _NOT_AFFILIATION.match(note) and note not in affiliations:
                affiliations.append(note)
        if not name:
            if out and affiliations:  # "(Uni)" standing alone after a separator belongs to the name before
                prev = out[-1]
                out[-1] = SplitAuthor(prev.display_name, prev.raw, _merge(prev.affiliations, affiliations))
            continue
        if _ET_AL.match(name):
            continue
        if out and name.lower() in _SUFFIXES:
            prev = out[-1]
            out[-1] = SplitAuthor(f"{prev.display_name} {name}", f"{prev.raw}, {name}", _merge(prev.affiliations, affiliations))
            continue
        out.append(SplitAuthor(name, name, tuple(affiliations)))
    return out


def _merge(a: tuple[str, ...], b: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))


def _balanced(text: str, open_: str, close: str) -> bool:
    depth = 0
    for ch in text:
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _depths(text: str, parens: bool) -> list[int]:
    """Nesting depth before each character, counting braces always and parentheses when they
    balance (unbalanced ones are then plain text)."""
    depths = []
    depth = 0
    braces = _balanced(text, "{", "}")
    for ch in text:
        if (ch == ")" and parens) or (ch == "}" and braces):
            depth = max(depth - 1, 0)
        depths.append(depth)
        if (ch == "(" and parens) or (ch == "{" and braces):
            depth += 1
    return depths


def _numbered_block(text: str) -> tuple[str, dict[int, str]]:
    """Cut a closing ``((1) Uni A, (2) Uni B)`` off the string and map its numbers."""
    if not text.endswith(")"):
        return text, {}
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                start = i
                break
    else:
        return text, {}
    inner = text[start + 1 : -1]
    if not _NUMBERED_BLOCK.match(inner):
        return text, {}
    parts = _NUMBER_LABEL.split(inner)
    # parts: ["", "1", " Uni A, ", "2", " Uni B"]; a label's text runs up to the next label,
    # unless that "label" sits inside the affiliation's own parentheses
    numbered: dict[int, str] = {}
    for k in range(1, len(parts) - 1, 2):
        aff = parts[k + 1].strip().strip(",;").strip()
        if aff:
            numbered.setdefault(int(parts[k]), aff)
    return text[:start].rstrip().rstrip(",;").rstrip(), numbered


def _split_top(text: str, parens: bool) -> list[str]:
    """Split at top-level commas, semicolons and the word ``and``; a leading ``X Collaboration:``
    (a group before a colon) becomes a piece of its own."""
    depths = _depths(text, parens)
    pieces: list[str] = []
    start = 0
    colon_done = False
    i = 0
    n = len(text)
    while i < n:
        if depths[i] == 0:
            ch = text[i]
            if ch in ",;":
                pieces.append(text[start:i])
                start = i + 1
            elif ch == ":" and not colon_done and not pieces and _AND.search(text[start:i]) is None:
                pieces.append(text[start:i])
                start = i + 1
                colon_done = True
            elif ch == "a" and (i == 0 or text[i - 1] == " ") and text.startswith("and ", i) and depths[i + 3] == 0:
                pieces.append(text[start:i])
                start = i + 4
                i += 3
        i += 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _name_and_notes(piece: str, parens: bool) -> tuple[str, list[str]]:
    """``Name (1,2) (Uni)`` -> ("Name", ["1,2", "Uni"])."""
    if not parens or "(" not in piece:
        return _collapse(piece) or "", []
    name_chars: list[str] = []
    notes: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in piece:
        if ch == "(":
            if depth:
                current.append(ch)
            else:
                current = []
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth:
                current.append(ch)
            else:
                notes.append(_collapse("".join(current)) or "")
        elif depth:
            current.append(ch)
        else:
            name_chars.append(ch)
    return _collapse("".join(name_chars)) or "", [n for n in notes if n]


# --------------------------------------------------------------------------------------------
# small helpers


def _authorships(names: list[tuple[str, str, tuple[str, ...]]]) -> tuple[AuthorshipRecord, ...]:
    return tuple(
        AuthorshipRecord(
            position=i,
            author=AuthorRef(ids=(), display_name=display),
            raw_author_name=raw,
            affiliations=tuple(AffiliationRecord(a, None) for a in affs),
        )
        for i, (display, raw, affs) in enumerate(names)
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    return "".join(el.itertext())


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    out = _SPACES.sub(" ", repair_mojibake(text)).strip()
    return out or None


def _title(text: str | None, where: str) -> str:
    title = _collapse(text)
    if not title:
        raise InputError(f"{where}: record has no title")
    return title[:MAX_TITLE]


def _abstract(text: str | None) -> str | None:
    abstract = _collapse(text)
    return abstract[:MAX_ABSTRACT] if abstract else None


def _arxiv_id(text: str | None, where: str, field: str) -> str:
    if not text or not text.strip():
        raise InputError(f"{where}: record has no arXiv id ({field} missing)")
    arxiv_id = normalize_arxiv(text.strip())
    if arxiv_id is None:
        raise InputError(f"{where}: {field} {text.strip()!r} is not an arXiv id")
    return arxiv_id


def _dois(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    found = (normalize_doi(part) for part in re.split(r"[\s,;]+", text) if part)
    return tuple(dict.fromkeys(d for d in found if d))


def _unique(values) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _date(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _datetime(text: str | None) -> datetime | None:
    """ISO date or timestamp -> naive UTC datetime."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        day = _date(text)
        return datetime(day.year, day.month, day.day) if day else None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _rfc2822(text: str | None) -> datetime | None:
    """``Thu, 18 Jun 2009 12:03:57 GMT`` -> naive UTC datetime."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value
