"""Crossref REST payloads -> canonical records.

One payload is one Crossref work object (an item of ``/works`` or the ``message`` of
``/works/{doi}``), or, for anything that is not a work, ``{"message-type": kind, "message": item}``
(a member, a journal, a funder: kept as ``OtherRecord(kind)``). A whole single-work response
body (``{"message-type": "work", "message": {...}}``) is accepted as well.

Choices, per field:

- **ids**: the DOI (lower-case); an arXiv id when the DOI is an arXiv DOI (``10.48550/arXiv.…``);
  a PMID or arXiv id from ``relation`` (``is-identical-to``/``is-same-as`` only) or from an
  explicitly prefixed ``alternative-id`` (``PMID:…``, ``arXiv:…``), and only when exactly one value
  of that scheme is found. Bare numbers in ``alternative-id`` are publishers' internal ids, never
  taken for PMIDs; ``relation`` links to preprints, reviews or versions name other works.
- **title**: ``title[0]`` with markup removed. The ``subtitle`` is *not* appended: Crossref's
  subtitle field often carries a running head (``MICROBIAL CONTAMINATION IN PEELED CHESTNUTS``,
  ``Cerebral edema in DKA``) rather than a subtitle, and the bare title is what other sources
  (and title matching) use.
- **abstract**: JATS/HTML markup parsed by a tokenizer that only recognises tags, comments and
  entities (nothing is fetched, evaluated or expanded beyond the named HTML entities); block
  elements become paragraph breaks (``\\n\\n``), MathML keeps its text, annotations and scripts
  are dropped, a leading "Abstract" heading is dropped.
- **type** (Crossref -> ours):

  ======================================================  =========================
  journal-article                                         article
  proceedings-article                                     article (venue: conference)
  posted-content                                          preprint (subtype dissertation
                                                          / report: those)
  book-chapter, book-section, book-part, book-track       book-chapter
  book, monograph, edited-book, reference-book,           book
  proceedings
  dataset, database                                       dataset
  dissertation                                            dissertation
  report, report-component                                report
  peer-review                                             peer-review
  reference-entry                                         reference-entry
  standard                                                standard
  component                                               supplementary-materials
  other, anything unknown                                 other
  a notice (``update-to`` retraction / correction)         retraction / erratum
  journal, journal-volume, journal-issue, book-series,    not a work: OtherRecord(type)
  book-set, proceedings-series, report-series, grant
  ======================================================  =========================

- **dates**: the first of ``published``, ``published-print``, ``published-online``, ``issued``,
  ``posted`` that has a year gives ``publication_year``. ``publication_date`` is set only from a
  complete year-month-day: that field's own, or a later field's complete date agreeing with it
  (same year, and month when given). A year-only or year-month date leaves it ``None``: a
  printed issue of ``2012-03`` is not the first of March.
- **authors**: in order, ``sequence: first`` ones first (Crossref's array order otherwise);
  ``given family suffix`` for people, ``name`` for organisations; the ORCID iD whether or not
  Crossref marks it ``authenticated-orcid``; each affiliation name as
  ``AffiliationRecord(raw, None)``.
- **venue**: ``container-title[0]`` (for posted content without one, the posting
  ``institution``), with ids ``issn`` for every valid ISSN (print, then electronic, then others);
  with no ISSN, ``crossref_venue`` = the lower-cased, whitespace-collapsed name, so one name is
  one venue. Type ``journal`` / ``conference`` / ``repository`` by the work type.
- **location**: one primary location: the venue, ``resource.primary.URL`` (else
  ``https://doi.org/<doi>``), the first ``application/pdf`` link (version-of-record first), the
  licence of the version of record (``vor``, else ``unspecified``, else ``am``; a text-mining-only
  licence is not a reading licence and gives ``None``), version ``publishedVersion``
  (``submittedVersion`` for a preprint). ``is_oa`` is True only when that licence is a Creative
  Commons licence in force from publication (``delay-in-days`` 0): Crossref says nothing else
  about access, so anything else is False (unknown, not closed).
- **notices**: ``updated-by`` retraction / withdrawal / removal -> ``retraction`` (and
  ``is_retracted``), expression_of_concern -> ``expression_of_concern``, correction / erratum /
  corrigendum / partial_retraction -> ``correction``.
- **references**: every reference with a valid DOI, in order, de-duplicated.
- ``cited_by_count`` = ``is-referenced-by-count``; ``categories`` = ``subject``;
  ``updated_date`` = ``deposited``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError
from peerscope.normalize.ids import (
    normalize_arxiv,
    normalize_doi,
    normalize_issn,
    normalize_orcid,
    normalize_pmid,
)
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

SOURCE = "crossref"
MAX_TITLE = 2000
MAX_ABSTRACT = 100_000
MAX_MARKUP = 1_000_000  # raw markup longer than this is not an abstract: refused before parsing

# --------------------------------------------------------------------------------------------
# Markup to text
# --------------------------------------------------------------------------------------------

_ATTRS = r"""(?:\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"'=`]+))?)*"""
_TOKEN = re.compile(
    r"<(?:"
    r"!--.*?(?:-->|\Z)"  # comment (an unterminated one runs to the end)
    r"|!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|![^>]*(?:>|\Z)"  # declaration
    r"|\?[^>]*(?:>|\Z)"  # processing instruction
    r"|(?P<close>/)?(?P<name>[A-Za-z][\w.:-]*)" + _ATTRS + r"\s*(?P<selfclose>/)?>"
    r")",
    re.DOTALL,
)
# Tags left behind once entities are decoded (double-escaped markup such as ``&lt;i&gt;``):
# only names that are markup for sure, with attribute syntax, so ``0<x and y>1`` stays text.
_KNOWN_NAMES = (
    r"[A-Za-z][\w.-]*:[A-Za-z][\w.-]*|a|b|i|u|s|em|strong|sup|sub|sc|small|big|span|p|br|hr|div|"
    r"font|tt|code|h[1-6]|ul|ol|li|italic|bold|underline|title|sec|inline-formula|math|mi|mo|mn|"
    r"mrow|msup|msub|mtext|mfrac|mstyle|scp|strike"
)
_KNOWN_TAG = re.compile(
    r"</?(?:" + _KNOWN_NAMES + r")(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))*\s*/?>", re.IGNORECASE
)
_BLOCK = frozenset(
    [
        "p", "div", "br", "hr", "title", "sec", "section", "li", "list-item", "list", "ul", "ol",
        "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "abstract", "trans-abstract",
        "disp-quote", "caption", "fig", "statement", "def-list", "def-item", "disp-formula", "boxed-text",
    ]
)  # fmt: skip
_DROP = frozenset(["script", "style", "annotation", "annotation-xml", "object-id", "head"])
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\ufeff]")
_ABSTRACT_HEAD = re.compile(r"^(?:(?i:abstract)\s*[:.\-\u2013\u2014]\s*|ABSTRACT\s+)")
_ROUNDS = 4


def has_markup(text: str) -> bool:
    """Whether ``text`` holds a tag that is markup for sure (see ``strip_markup``)."""
    return bool(_KNOWN_TAG.search(text))


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


def _paragraphs(text: str) -> list[str]:
    """The text blocks of a marked-up string, entities decoded, whitespace not yet collapsed."""
    blocks: list[str] = []
    current: list[str] = []
    dropping: list[str] = []  # open elements whose content is not text (scripts, annotations)
    pos = 0

    def flush() -> None:
        if current:
            blocks.append("".join(current))
            current.clear()

    for m in _TOKEN.finditer(text):
        if m.start() > pos and not dropping:
            current.append(html.unescape(text[pos : m.start()]))
        pos = m.end()
        cdata = m.group("cdata")
        if cdata is not None:
            if not dropping:
                current.append(cdata)
            continue
        name = m.group("name")
        if name is None:  # comment, declaration, processing instruction
            continue
        local = _local(name)
        closing = m.group("close") is not None
        if local in _DROP and not m.group("selfclose"):
            if closing:
                if local in dropping:
                    while dropping and dropping.pop() != local:
                        pass
            elif len(dropping) < 256:
                dropping.append(local)
            continue
        if dropping:
            continue
        if local in _BLOCK:
            flush()
    if pos < len(text) and not dropping:
        current.append(html.unescape(text[pos:]))
    flush()
    return blocks


def _clean_text(text: str) -> str:
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    return _SPACE.sub(" ", text).strip()


def _drop_known_tags(text: str) -> str:
    for _ in range(_ROUNDS):
        if not _KNOWN_TAG.search(text):
            return text
        text = _KNOWN_TAG.sub(" ", text)
    # markup nested beyond any real use: give up on the angle brackets rather than loop
    return text.replace("<", "") if _KNOWN_TAG.search(text) else text


def strip_markup(text: Any, *, paragraphs: bool = True) -> str:
    """Plain text of a JATS / HTML / MathML fragment; never raises, never leaves markup.

    Block elements become paragraph breaks (``\\n\\n``) when ``paragraphs``, else single spaces;
    whitespace inside a paragraph is collapsed; named and numeric entities are decoded (and
    nothing else: no external entity, no DTD is read); markup that was escaped twice is removed
    after decoding as well.
    """
    if not isinstance(text, str) or not text:
        return ""
    return _join(_blocks(text), "\n\n" if paragraphs else " ")


def _blocks(text: str) -> list[str]:
    blocks = (_SPACE.sub(" ", _drop_known_tags(_clean_text(b))).strip() for b in _paragraphs(text))
    return [b for b in blocks if b]


def _join(blocks: list[str], sep: str) -> str:
    text = sep.join(blocks)
    if has_markup(text):  # a tag split across two blocks
        text = _drop_known_tags(text)
        parts = text.split("\n\n") if sep == "\n\n" else [text]
        text = sep.join(p for p in (_SPACE.sub(" ", part).strip() for part in parts) if p)
    return text


def abstract_text(markup: Any, where: str = "record") -> str | None:
    """An abstract as plain text without its leading "Abstract" heading; None when empty.
    InputError when absurdly long."""
    if not isinstance(markup, str) or not markup.strip():
        return None
    if len(markup) > MAX_MARKUP:
        raise InputError(f"{where}: abstract of {len(markup):,} characters is not an abstract")
    blocks = _blocks(markup)
    if blocks and blocks[0].rstrip(":.").strip().lower() == "abstract":
        blocks = blocks[1:]
    if blocks:
        blocks[0] = _ABSTRACT_HEAD.sub("", blocks[0], count=1).strip()
    text = _join([b for b in blocks if b], "\n\n")
    if len(text) > MAX_ABSTRACT:
        raise InputError(f"{where}: abstract of {len(text):,} characters exceeds {MAX_ABSTRACT:,}")
    return text or None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        return int(value.strip())
    return None


def date_parts(value: Any) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a Crossref date object (``{"date-parts": [[2012, 3, 21]]}``), each
    None when absent or out of range (a bad month drops the day too)."""
    if not isinstance(value, dict):
        return None, None, None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None, None, None
    first = parts[0]
    year = _int(first[0]) if len(first) > 0 else None
    if year is None or not 1000 <= year <= 2999:
        return None, None, None
    month = _int(first[1]) if len(first) > 1 else None
    if month is None or not 1 <= month <= 12:
        return year, None, None
    day = _int(first[2]) if len(first) > 2 else None
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            day = None
    return year, month, day


DATE_FIELDS = ("published", "published-print", "published-online", "issued", "posted")


def publication_when(work: dict[str, Any]) -> tuple[int | None, date | None]:
    """(publication_year, publication_date) by the rule in the module docstring."""
    first: tuple[int, int | None] | None = None
    for key in DATE_FIELDS:
        year, month, day = date_parts(work.get(key))
        if year is None:
            continue
        if first is None:
            first = (year, month)
        if month is not None and day is not None and year == first[0] and first[1] in (None, month):
            return first[0], date(year, month, day)
    return (first[0], None) if first else (None, None)


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, dict):
        return None
    text = value.get("date-time")
    if isinstance(text, str):
        try:
            parsed = datetime.fromisoformat(text)
            return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
        except (ValueError, OverflowError):
            pass
    year, month, day = date_parts(value)
    return datetime(year, month, day) if year and month and day else None


# --------------------------------------------------------------------------------------------
# Works
# --------------------------------------------------------------------------------------------

TYPES = {
    "journal-article": "article",
    "proceedings-article": "article",
    "posted-content": "preprint",
    "book-chapter": "book-chapter",
    "book-section": "book-chapter",
    "book-part": "book-chapter",
    "book-track": "book-chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "proceedings": "book",
    "dataset": "dataset",
    "database": "dataset",
    "dissertation": "dissertation",
    "report": "report",
    "report-component": "report",
    "peer-review": "peer-review",
    "reference-entry": "reference-entry",
    "standard": "standard",
    "component": "supplementary-materials",
    "other": "other",
}
CONTAINER_TYPES = frozenset(
    {"journal", "journal-volume", "journal-issue", "book-series", "book-set", "proceedings-series", "report-series", "grant"}
)
VENUE_TYPES = {"journal-article": "journal", "proceedings-article": "conference", "posted-content": "repository"}
NOTICES = {
    "retraction": "retraction",
    "withdrawal": "retraction",
    "removal": "retraction",
    "expression_of_concern": "expression_of_concern",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
    "partial_retraction": "correction",
}
_NOTICE_TYPES = {"retraction": "retraction", "withdrawal": "retraction", "removal": "retraction",
                 "correction": "erratum", "erratum": "erratum", "corrigendum": "erratum"}
_SAME_WORK_RELATIONS = ("is-identical-to", "is-same-as")
_READING_LICENCES = ("vor", "unspecified", "am")


def _items(value: Any) -> list[Any]:
    """A field that should be a list, or nothing."""
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first_str(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.strip():
                return item.strip()
    return ""


def work_type(work: dict[str, Any]) -> str:
    crossref_type = _str(work.get("type"))
    for update in _items(work.get("update-to")):
        if isinstance(update, dict) and update.get("type") in _NOTICE_TYPES:
            return _NOTICE_TYPES[update["type"]]
    if crossref_type == "posted-content" and work.get("subtype") in ("dissertation", "report"):
        return str(work["subtype"])
    return TYPES.get(crossref_type, "other")


def _unique(scheme: str, values: list[str | None]) -> ExternalId | None:
    found = {v for v in values if v}
    return ExternalId(scheme, found.pop()) if len(found) == 1 else None


def _own_ids(work: dict[str, Any], doi: str) -> tuple[ExternalId, ...]:
    pmids: list[str | None] = []
    arxivs: list[str | None] = [normalize_arxiv(doi)] if doi.startswith("10.48550/") else []
    relation = work.get("relation") if isinstance(work.get("relation"), dict) else {}
    for rel in _SAME_WORK_RELATIONS:
        for item in _items(relation.get(rel)):
            if not isinstance(item, dict):
                continue
            kind = _str(item.get("id-type")).lower()
            value = item.get("id")
            if kind == "pmid":
                pmids.append(normalize_pmid(value))
            elif kind == "arxiv":
                arxivs.append(normalize_arxiv(value))
            elif kind == "doi":
                other = normalize_doi(value)
                if other and other.startswith("10.48550/"):
                    arxivs.append(normalize_arxiv(other))
    for alt in _items(work.get("alternative-id")):
        text = _str(alt)
        lowered = text.lower()
        if lowered.startswith(("pmid:", "pmid ")):
            pmids.append(normalize_pmid(text[5:].strip()))
        elif lowered.startswith("arxiv:") or "arxiv.org/" in lowered:
            arxivs.append(normalize_arxiv(text))
    ids = [ExternalId("doi", doi)]
    for ext in (_unique("arxiv", arxivs), _unique("pmid", pmids)):
        if ext:
            ids.append(ext)
    return tuple(ids)


def venue_key(name: str) -> str:
    """The ``crossref_venue`` id of a venue name: lower-cased, whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip().lower()


def _issns(work: dict[str, Any]) -> list[str]:
    typed: dict[str, list[Any]] = {}
    for item in _items(work.get("issn-type")):
        if isinstance(item, dict):
            typed.setdefault(_str(item.get("type")), []).append(item.get("value"))
    ordered = typed.pop("print", []) + typed.pop("electronic", []) + [v for vs in typed.values() for v in vs]
    ordered += _items(work.get("ISSN"))
    return list(dict.fromkeys(i for i in (normalize_issn(v) for v in ordered) if i))


def _venue(work: dict[str, Any], publisher: str | None) -> SourceRecord | None:
    crossref_type = _str(work.get("type"))
    name = strip_markup(_first_str(work.get("container-title")), paragraphs=False)
    if not name and crossref_type == "posted-content":
        for inst in _items(work.get("institution")):
            if isinstance(inst, dict) and _str(inst.get("name")):
                name = strip_markup(inst["name"], paragraphs=False)
                break
    if not name:
        return None
    issns = _issns(work)
    ids = tuple(ExternalId("issn", i) for i in issns) or (ExternalId("crossref_venue", venue_key(name)),)
    return SourceRecord(ids=ids, display_name=name[:500], type=VENUE_TYPES.get(crossref_type), publisher=publisher)


def _licence(work: dict[str, Any]) -> tuple[str | None, bool]:
    """(licence URL of the version of record, whether it is open from publication)."""
    by_version: dict[str, dict[str, Any]] = {}
    for item in _items(work.get("license")):
        if isinstance(item, dict) and _str(item.get("URL")):
            by_version.setdefault(_str(item.get("content-version")).lower(), item)
    for version in _READING_LICENCES:
        item = by_version.get(version)
        if item:
            url = _str(item["URL"])
            delay = _int(item.get("delay-in-days"))
            is_open = "creativecommons.org" in url.lower() and version != "am" and (delay is None or delay == 0)
            return url, is_open
    return None, False


def _pdf(work: dict[str, Any]) -> str | None:
    pdfs = [
        item for item in _items(work.get("link"))
        if isinstance(item, dict) and _str(item.get("content-type")).lower() == "application/pdf" and _str(item.get("URL"))
    ]
    pdfs.sort(key=lambda item: item.get("content-version") != "vor")  # stable: keeps order otherwise
    return _str(pdfs[0]["URL"]) if pdfs else None


def _landing(work: dict[str, Any], doi: str) -> str:
    resource = work.get("resource") if isinstance(work.get("resource"), dict) else {}
    primary = resource.get("primary") if isinstance(resource.get("primary"), dict) else {}
    url = _str(primary.get("URL"))
    return url if url.lower().startswith(("http://", "https://")) else f"https://doi.org/{doi}"


def _person_name(author: dict[str, Any]) -> str:
    given = clean_name(_str(author.get("given")))
    family = clean_name(_str(author.get("family")))
    suffix = clean_name(_str(author.get("suffix")))
    if given or family:
        return " ".join(p for p in (given, family, suffix) if p)
    return _clean_text(_str(author.get("name")))  # an organisation: no name reordering


def _authorships(work: dict[str, Any]) -> tuple[AuthorshipRecord, ...]:
    raw = [a for a in _items(work.get("author")) if isinstance(a, dict)]
    raw.sort(key=lambda a: a.get("sequence") != "first")  # stable: Crossref's order otherwise
    out: list[AuthorshipRecord] = []
    for author in raw:
        name = _person_name(author)
        if not name:
            continue
        affiliations = tuple(
            AffiliationRecord(text, None)
            for text in dict.fromkeys(
                _clean_text(a["name"]) for a in _items(author.get("affiliation")) if isinstance(a, dict) and isinstance(a.get("name"), str)
            )
            if text
        )
        out.append(
            AuthorshipRecord(
                position=len(out),
                author=AuthorRef(ids=(), display_name=name, orcid=normalize_orcid(author.get("ORCID"))),
                raw_author_name=name,
                affiliations=affiliations,
            )
        )
    return tuple(out)


def _references(work: dict[str, Any]) -> tuple[ExternalId, ...]:
    found = (normalize_doi(r.get("DOI")) for r in _items(work.get("reference")) if isinstance(r, dict) and r.get("DOI"))
    return tuple(ExternalId("doi", d) for d in dict.fromkeys(d for d in found if d))


def _notices(work: dict[str, Any]) -> tuple[str, ...]:
    kinds = (NOTICES.get(_str(u.get("type")).lower()) for u in _items(work.get("updated-by")) if isinstance(u, dict))
    return tuple(dict.fromkeys(k for k in kinds if k))


def _count(value: Any) -> int:
    number = _int(value)
    return max(0, number) if number is not None else 0


def work_from_crossref(work: Any, retrieved_at: datetime, where: str = "record") -> WorkRecord:
    """Map one Crossref work object to a WorkRecord (see the module docstring for the rules).

    InputError naming ``where`` when it is not an object, has no valid DOI or no title, or a
    title or abstract of absurd size.
    """
    if not isinstance(work, dict):
        raise InputError(f"{where}: expected a JSON object for a Crossref work, got {type(work).__name__}")
    doi = normalize_doi(work.get("DOI"))
    if not doi:
        raise InputError(f"{where}: Crossref work without a valid DOI ({work.get('DOI')!r})")
    raw_title = _first_str(work.get("title"))
    if len(raw_title) > MAX_MARKUP:
        raise InputError(f"{where}: work {doi} has a title of {len(raw_title):,} characters")
    title = strip_markup(raw_title, paragraphs=False)
    if not title:
        raise InputError(f"{where}: Crossref work {doi} has no title")
    if len(title) > MAX_TITLE:
        raise InputError(f"{where}: work {doi} has a title of {len(title):,} characters (more than {MAX_TITLE:,})")
    abstract = abstract_text(work.get("abstract"), f"{where}: work {doi}")
    publisher = _clean_text(_str(work.get("publisher"))) or None
    venue = _venue(work, publisher)
    licence, is_oa = _licence(work)
    pdf = _pdf(work)
    landing = _landing(work, doi)
    kind = work_type(work)
    location = LocationRecord(
        source=venue,
        landing_page_url=landing,
        pdf_url=pdf,
        is_oa=is_oa,
        version="submittedVersion" if kind == "preprint" else "publishedVersion",
        license=licence,
        is_primary=True,
    )
    year, published = publication_when(work)
    notices = _notices(work)
    language = _str(work.get("language")) or None
    subjects = tuple(dict.fromkeys(s.strip() for s in _items(work.get("subject")) if isinstance(s, str) and s.strip()))
    return WorkRecord(
        ids=_own_ids(work, doi),
        title=title,
        provenance=Provenance(SOURCE, doi, retrieved_at),
        abstract=abstract,
        type=kind,
        publication_year=year,
        publication_date=published,
        language=language,
        is_oa=is_oa,
        oa_url=(pdf or landing) if is_oa else None,
        is_retracted="retraction" in notices,
        cited_by_count=_count(work.get("is-referenced-by-count")),
        locations=(location,),
        authorships=_authorships(work),
        referenced_works=_references(work),
        updated_date=_datetime(work.get("deposited")),
        categories=subjects,
        notices=notices,
        publisher=publisher,
    )


# --------------------------------------------------------------------------------------------
# Anything else
# --------------------------------------------------------------------------------------------


def _other_id(kind: str, item: dict[str, Any]) -> str | None:
    if kind == "journal":
        issns = [i for i in (normalize_issn(v) for v in _items(item.get("ISSN"))) if i]
        if issns:
            return f"journal:{issns[0]}"
    for key in ("id", "DOI", "prefix", "title", "primary-name", "name"):
        value = item.get(key)
        if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip():
            return f"{kind}:{str(value).strip()}"
    return None


def record_from_crossref(data: Any, retrieved_at: datetime, where: str = "record") -> SourceItem:
    """Map one stored Crossref payload (a work, a wrapped non-work item, or a single-work
    response body) to a canonical record."""
    if isinstance(data, dict) and "message" in data and "message-type" in data:
        kind = _str(data.get("message-type"))
        message = data.get("message")
        if kind == "work":
            return record_from_crossref(message, retrieved_at, where)
        if not isinstance(message, dict):
            raise InputError(f"{where}: Crossref {kind or 'message'} is not a JSON object")
        source_id = _other_id(kind or "other", message)
        if not source_id:
            raise InputError(f"{where}: Crossref {kind or 'message'} without an id")
        return OtherRecord(kind or "other", Provenance(SOURCE, source_id, retrieved_at))
    if isinstance(data, dict) and _str(data.get("type")) in CONTAINER_TYPES:
        doi = normalize_doi(data.get("DOI"))
        if not doi:
            raise InputError(f"{where}: Crossref {data['type']} without a valid DOI ({data.get('DOI')!r})")
        return OtherRecord(_str(data["type"]), Provenance(SOURCE, doi, retrieved_at))
    return work_from_crossref(data, retrieved_at, where)


def decode(raw: bytes) -> Any:
    return orjson.loads(raw)


normalize = record_from_crossref
