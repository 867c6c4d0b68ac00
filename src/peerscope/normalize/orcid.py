"""ORCID public API v3.0 documents (JSON or XML) -> AuthorRecord.

Documents understood, as the API serves them under ``/{orcid}/…``:

- ``record`` (the whole record), ``person``, ``activities``, ``works``, ``employments``: the
  person, the works their record lists and their employments;
- ``work`` (one full work): carried as an AuthorRecord for the record's owner whose only content
  is that work;
- ``search`` (``/search?q=…``) lists iDs only: ``normalize`` refuses it (the connector reads
  it).

One parsing path serves both formats: :func:`decode` turns XML into the same nested shape as the
JSON (element local names as keys, attributes as keys, repeated elements as lists, a leaf that
carries attributes as ``{"value": text, …attributes}``, the root element's name under
``"_element"``). The accessors here accept a value bare or wrapped in ``{"value": …}``, and one
element or a list, which is where the two formats differ. XML is parsed with defusedxml: a
document that declares entities is refused, never expanded.

Mapping:

- the iD comes from the document itself: ``orcid-identifier``, else the ``path`` attribute of the
  document or of its parts (``/0000-0002-1825-0097/works``). A document that names its owner
  nowhere is attributed to the ORCID iD of its sources when they all name the same person (the
  schema's sample documents are like that); otherwise it is refused. Sandbox iDs pass: they
  follow the same checksum.
- ``Provenance("orcid", iD)`` for a whole record; ``iD:section`` for a part (``:person``,
  ``:works``, ``:employments``, ``:activities``, ``:work/{put-code}``) so the parts of one person
  are kept side by side.
- Only public items are carried. An item marked ``private`` or ``limited`` (the public API never
  serves them; a member-API export may) is left out; an item without a visibility is taken as
  served publicly, except e-mail addresses, which must be marked ``public``.
- ``display_name``: the credit name, else given names + family name; ``""`` when the document has
  no name part (the store then keeps the name it has). ``name_variants``: the other names that
  hold a letter, cleaned, without repeats.
- ``ids``: the ORCID iD and the person's external identifiers of the kinds in
  :data:`PERSON_ID_TYPES` (Scopus Author ID -> ``scopus``, ResearcherID -> ``researcherid``,
  Loop profile -> ``loop``, ISNI -> ``isni``, GND -> ``gnd``); other kinds are dropped.
- ``last_known_institutions``: employing organisations, the current ones (no end date, or one not
  yet reached when the document was retrieved) first in the record's order, then past ones, the
  latest ending first. Each with its name, country and disambiguated ids: ROR -> ``ror``,
  RINGGOLD -> ``ringgold``, GRID -> ``grid``, FUNDREF -> ``fundref`` (the Funder Registry number,
  e.g. ``100000001``), LEI -> ``lei``; an identifier that does not look like its kind is dropped.
- ``works``: one WorkRef per work summary (a group holds one per asserting source), with the ids
  the summary marks ``self`` (``doi``, ``arxiv``, ``pmid``, ``pmc`` -> ``pmcid``, ``eid`` ->
  ``scopus_eid``, ``isbn``, ``bibcode``; a ``version-of`` or ``part-of`` id names another work),
  the title, the publication year, ORCID's work type (``journal-article``; the upper-case form of
  older documents is lower-cased) and ``source_name``: who asserted it at ORCID (a member's
  client such as ``Crossref Metadata Search``, or the person's own name). A summary with neither
  an id nor a title is dropped.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from peerscope.errors import InputError
from peerscope.normalize.ids import (
    normalize_arxiv,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    normalize_ror,
)
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AuthorRecord,
    ExternalId,
    InstitutionRecord,
    Provenance,
    WorkRef,
)

SOURCE = "orcid"
MAX_TITLE = 2000
MAX_XML_DEPTH = 64

KINDS = ("record", "person", "activities", "works", "employments", "work")

# person external-identifier types (as ORCID names them, compared case-insensitively) -> scheme
PERSON_ID_TYPES = {
    "scopus author id": "scopus",
    "researcherid": "researcherid",
    "loop profile": "loop",
    "isni": "isni",
    "gnd": "gnd",
}

# work external-id types -> scheme
WORK_ID_TYPES = {
    "doi": "doi",
    "arxiv": "arxiv",
    "pmid": "pmid",
    "pmc": "pmcid",
    "eid": "scopus_eid",
    "isbn": "isbn",
    "bibcode": "bibcode",
}

ORG_ID_SOURCES = {"ror": "ror", "ringgold": "ringgold", "grid": "grid", "fundref": "fundref", "lei": "lei"}

_SPACES = re.compile(r"\s+")
_PATH_ORCID = re.compile(r"^/?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])(?:/|$)", re.IGNORECASE)
_SCOPUS_AUTHOR = re.compile(r"^\d{5,15}$")
_RESEARCHER_ID = re.compile(r"^[A-Z]{1,3}-\d{4}-\d{4}$")
_ISNI = re.compile(r"^\d{15}[\dX]$")
_LOOP = re.compile(r"^\d{1,12}$")
_GND = re.compile(r"^[0-9][0-9X-]{3,14}$", re.IGNORECASE)
_EID = re.compile(r"^2-s2\.0-\d{6,15}$")
_ISBN = re.compile(r"^(?:\d{9}[\dX]|\d{13})$")
_BIBCODE = re.compile(r"^\d{4}[A-Za-z0-9&.]{14}[A-Z.]$")
_GRID = re.compile(r"^grid\.\d{1,8}\.[0-9a-f]{1,3}$", re.IGNORECASE)
_RINGGOLD = re.compile(r"^\d{1,10}$")
_FUNDREF = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(?:10\.13039/)?(\d{5,15})$", re.IGNORECASE)
_LEI = re.compile(r"^[A-Z0-9]{18}\d{2}$", re.IGNORECASE)


# -- decoding -----------------------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _tree(element: Element, depth: int = 0) -> Any:
    if depth > MAX_XML_DEPTH:
        raise InputError("ORCID document: XML nested too deeply")
    attrs = {_local(k): v for k, v in element.attrib.items()}
    children = [c for c in element if isinstance(c.tag, str)]  # no comments or processing instructions
    if not children:
        text = (element.text or "").strip()
        return {"value": text, **attrs} if attrs else text
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(_local(child.tag), []).append(_tree(child, depth + 1))
    return {**attrs, **{key: values[0] if len(values) == 1 else values for key, values in grouped.items()}}


def _xml_tree(raw: bytes) -> dict[str, Any]:
    try:
        root = fromstring(raw)
    except DefusedXmlException as exc:
        raise InputError(f"ORCID document: XML refused ({type(exc).__name__}: entities and external references are not read)") from None
    except (ParseError, ValueError) as exc:
        raise InputError(f"ORCID document: not well-formed XML ({exc})") from None
    return _element_tree(root)


def _element_tree(root: Element) -> dict[str, Any]:
    tree = _tree(root)
    if not isinstance(tree, dict):
        tree = {"value": tree}
    return {"_element": _local(root.tag), **tree}


def decode(raw: bytes) -> Any:
    """One stored ORCID document (JSON or XML bytes) -> its nested form; InputError when it is
    neither well-formed JSON nor well-formed XML."""
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _xml_tree(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"ORCID document: not valid JSON ({exc})") from None


# -- accessors ----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A leaf's text, bare or wrapped as ``{"value": …}``; None when absent or blank."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in _list(value) if isinstance(v, dict)]


def _visible(item: dict[str, Any]) -> bool:
    vis = item.get("visibility")
    return vis is None or (isinstance(vis, str) and vis.strip().lower() == "public")


def _public(item: dict[str, Any]) -> bool:
    vis = item.get("visibility")
    return isinstance(vis, str) and vis.strip().lower() == "public"


# -- document kind and owner --------------------------------------------------------------------


def document_kind(doc: Any) -> str | None:
    """``record``, ``person``, ``activities``, ``works``, ``employments``, ``work``, ``search``,
    ``error``, or None for anything else."""
    if not isinstance(doc, dict):
        return None
    element = doc.get("_element")
    if isinstance(element, str):
        mapping = {"activities-summary": "activities"}
        kind = mapping.get(element, element)
        return kind if kind in KINDS or kind in ("search", "error") else None
    if "response-code" in doc and ("developer-message" in doc or "error-code" in doc):
        return "error"
    if "num-found" in doc and ("result" in doc or "expanded-result" in doc):
        return "search"
    if isinstance(doc.get("orcid-identifier"), dict) and ("person" in doc or "activities-summary" in doc):
        return "record"
    path = doc.get("path") if isinstance(doc.get("path"), str) else ""
    tail = path.rstrip("/").rsplit("/", 1)[-1] if path else ""
    if tail in ("works", "employments", "person", "activities"):
        return tail
    if "works" in doc and "employments" in doc:
        return "activities"
    if any("work-summary" in g for g in _dicts(doc.get("group"))):
        return "works"
    if "affiliation-group" in doc:
        return "employments"
    if "title" in doc and ("put-code" in doc or "type" in doc or "external-ids" in doc):
        return "work"
    if any(k in doc for k in ("name", "other-names", "emails", "external-identifiers")):
        return "person"
    return None


_NOT_OWNER = {"source", "contributors", "contributor", "contributor-orcid", "assertion-origin-orcid"}


def _orcid_in_path(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = _PATH_ORCID.match(value.strip())
    return normalize_orcid(m.group(1)) if m else None


def _owner_from_paths(doc: dict[str, Any]) -> str | None:
    """The first valid iD among the ``path`` attributes, breadth first, outside source and
    contributor parts (those name other people)."""
    queue: list[Any] = [doc]
    seen = 0
    while queue and seen < 10_000:
        node = queue.pop(0)
        seen += 1
        if isinstance(node, list):
            queue.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        found = _orcid_in_path(node.get("path"))
        if found:
            return found
        for key, value in node.items():
            if key not in _NOT_OWNER and isinstance(value, (dict, list)):
                queue.append(value)
    return None


def _source_orcids(node: Any, found: set[str], depth: int = 0) -> None:
    if depth > MAX_XML_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            _source_orcids(item, found, depth + 1)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, dict):
                holder = value.get("source-orcid")
                ident = normalize_orcid(_text(_get(holder, "path")) or _text(_get(holder, "uri")))
                if ident:
                    found.add(ident)
            elif isinstance(value, (dict, list)) and key not in ("contributors",):
                _source_orcids(value, found, depth + 1)


def owner_of(doc: dict[str, Any]) -> str | None:
    """The ORCID iD a document belongs to (see the module notes), or None."""
    ident = _get(doc, "orcid-identifier")
    found = normalize_orcid(_text(_get(ident, "path"))) or normalize_orcid(_text(_get(ident, "uri")))
    if found:
        return found
    found = _orcid_in_path(doc.get("path")) or _owner_from_paths(doc)
    if found:
        return found
    sources: set[str] = set()
    _source_orcids(doc, sources)
    return sources.pop() if len(sources) == 1 else None


# -- parts --------------------------------------------------------------------------------------


def _year(value: Any) -> int | None:
    text = _text(_get(value, "year"))
    if text is None or not text.isdigit():
        return None
    year = int(text)
    return year if 1000 <= year <= 3000 else None


def _date_key(value: Any) -> tuple[int, int, int] | None:
    """(year, month, day) of an ORCID fuzzy date, a missing month or day read as the latest."""
    year = _year(value)
    if year is None:
        return None
    parts = []
    for key, top in (("month", 12), ("day", 31)):
        text = _text(_get(value, key))
        n = int(text) if text and text.isdigit() else top
        parts.append(n if 1 <= n <= top else top)
    return (year, parts[0], parts[1])


def _display_name(name: Any) -> str:
    if not isinstance(name, dict) or not _visible(name):
        return ""
    credit = clean_name(_text(name.get("credit-name")))
    if credit:
        return credit
    given = _text(name.get("given-names")) or ""
    family = _text(name.get("family-name")) or ""
    return clean_name(f"{given} {family}".strip())


def _other_names(person: dict[str, Any], display: str) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for item in _dicts(_get(person, "other-names", "other-name")):
        if not _visible(item):
            continue
        name = clean_name(_text(item.get("content")))
        if name and name != display and any(ch.isalpha() for ch in name):
            out.setdefault(name, None)
    return tuple(out)


def _emails(person: dict[str, Any]) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for item in _dicts(_get(person, "emails", "email")):
        if not _public(item):
            continue
        text = _text(item.get("email"))
        if text and "@" in text and " " not in text and len(text) <= 320:
            out.setdefault(text.lower(), text)
    return tuple(out.values())


def _person_id(kind: str | None, value: str | None) -> ExternalId | None:
    if kind is None or value is None:
        return None
    scheme = PERSON_ID_TYPES.get(kind.strip().lower())
    if scheme is None:
        return None
    text = value.strip()
    if scheme == "scopus":
        ok = bool(_SCOPUS_AUTHOR.match(text))
    elif scheme == "researcherid":
        text = text.upper()
        ok = bool(_RESEARCHER_ID.match(text))
    elif scheme == "isni":
        text = re.sub(r"[\s-]", "", text).upper().removeprefix("HTTPS://ISNI.ORG/ISNI/").removeprefix("ISNI")
        ok = bool(_ISNI.match(text))
    elif scheme == "loop":
        ok = bool(_LOOP.match(text))
    else:
        ok = bool(_GND.match(text))
    return ExternalId(scheme, text) if ok else None


def _person_ids(person: dict[str, Any]) -> list[ExternalId]:
    out: list[ExternalId] = []
    for item in _dicts(_get(person, "external-identifiers", "external-identifier")):
        if not _visible(item):
            continue
        ext = _person_id(_text(item.get("external-id-type")), _text(item.get("external-id-value")))
        if ext and ext not in out:
            out.append(ext)
    return out


def _org_id(source: str | None, value: str | None) -> ExternalId | None:
    if source is None or value is None:
        return None
    scheme = ORG_ID_SOURCES.get(source.strip().lower())
    text = value.strip()
    if scheme == "ror":
        ror = normalize_ror(text)
        return ExternalId("ror", ror) if ror else None
    if scheme == "grid":
        return ExternalId("grid", text.lower()) if _GRID.match(text) else None
    if scheme == "ringgold":
        return ExternalId("ringgold", str(int(text))) if _RINGGOLD.match(text) else None
    if scheme == "fundref":
        m = _FUNDREF.match(text)
        return ExternalId("fundref", m.group(1)) if m else None
    if scheme == "lei":
        return ExternalId("lei", text.upper()) if _LEI.match(text) else None
    return None


def _institution(org: Any) -> InstitutionRecord | None:
    if not isinstance(org, dict):
        return None
    name = _text(org.get("name"))
    if not name:
        return None
    country = _text(_get(org, "address", "country"))
    country = country.upper() if country and len(country) == 2 and country.isalpha() else None
    disamb = org.get("disambiguated-organization")
    ext = _org_id(_text(_get(disamb, "disambiguation-source")), _text(_get(disamb, "disambiguated-organization-identifier")))
    return InstitutionRecord(ids=(ext,) if ext else (), display_name=name, country_code=country)


def _employment_summaries(section: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for group in _dicts(_get(section, "affiliation-group")):
        for wrapper in _dicts(group.get("summaries")):
            out.extend(_dicts(wrapper.get("employment-summary")))
        out.extend(_dicts(group.get("employment-summary")))
    out.extend(_dicts(_get(section, "employment-summary")))  # a flat list, as older documents have it
    return out


def _employments(section: Any, retrieved_at: datetime) -> tuple[InstitutionRecord, ...]:
    today = (retrieved_at.year, retrieved_at.month, retrieved_at.day)
    ranked: list[tuple[tuple[int, int, int, int], int, InstitutionRecord]] = []
    for n, item in enumerate(_employment_summaries(section)):
        if not _visible(item):
            continue
        inst = _institution(item.get("organization"))
        if inst is None:
            continue
        end = _date_key(item.get("end-date"))
        if end is None or end >= today:
            rank = (0, 0, 0, 0)
        else:
            rank = (1, -end[0], -end[1], -end[2])
        ranked.append((rank, n, inst))
    ranked.sort(key=lambda r: (r[0], r[1]))
    out: list[InstitutionRecord] = []
    for _, _, inst in ranked:
        if inst not in out:
            out.append(inst)
    return tuple(out)


def _work_id(kind: str | None, values: list[str | None]) -> ExternalId | None:
    scheme = WORK_ID_TYPES.get(kind.strip().lower()) if kind else None
    if scheme is None:
        return None
    for value in values:
        if not value:
            continue
        norm: str | None
        if scheme == "doi":
            norm = normalize_doi(value)
        elif scheme == "arxiv":
            norm = normalize_arxiv(value)
        elif scheme == "pmid":
            norm = normalize_pmid(value)
        elif scheme == "pmcid":
            norm = normalize_pmcid(value)
        elif scheme == "scopus_eid":
            norm = value if _EID.match(value) else None
        elif scheme == "isbn":
            digits = re.sub(r"[\s-]", "", value).upper().removeprefix("ISBN:").removeprefix("ISBN")
            norm = digits if _ISBN.match(digits) else None
        else:
            norm = value if _BIBCODE.match(value) else None
        if norm:
            return ExternalId(scheme, norm)
    return None


def _work_ids(work: dict[str, Any]) -> tuple[ExternalId, ...]:
    out: list[ExternalId] = []
    for item in _dicts(_get(work, "external-ids", "external-id")):
        relationship = _text(item.get("external-id-relationship"))
        if relationship is not None and relationship.lower() != "self":
            continue
        values = [
            _text(item.get("external-id-value")),
            _text(item.get("external-id-normalized")),
            _text(item.get("external-id-url")),
        ]
        ext = _work_id(_text(item.get("external-id-type")), values)
        if ext and ext not in out:
            out.append(ext)
    return tuple(out)


def _work_ref(work: Any) -> WorkRef | None:
    if not isinstance(work, dict) or not _visible(work):
        return None
    ids = _work_ids(work)
    title = _text(_get(work, "title", "title"))
    if not ids and not title:
        return None
    kind = _text(work.get("type"))
    return WorkRef(
        ids=ids,
        title=title[:MAX_TITLE] if title else None,
        publication_year=_year(work.get("publication-date")),
        type=kind.lower().replace("_", "-") if kind else None,
        source_name=_text(_get(work, "source", "source-name")),
    )


def _works(section: Any) -> tuple[WorkRef, ...]:
    out: list[WorkRef] = []
    for group in _dicts(_get(section, "group")):
        for summary in _dicts(group.get("work-summary")):
            ref = _work_ref(summary)
            if ref and ref not in out:
                out.append(ref)
    return tuple(out)


# -- documents ----------------------------------------------------------------------------------


def normalize(data: Any, retrieved_at: datetime, where: str = "record") -> AuthorRecord:
    """Map one ORCID document to an AuthorRecord; InputError naming ``where`` when it is not one
    of the documents this module reads or names no ORCID iD.

    ``data`` is the decoded form (:func:`decode`), a parsed JSON object, or the root element of a
    parsed XML document (as the connector hands it)."""
    if isinstance(data, Element):
        data = _element_tree(data)
    elif isinstance(data, (bytes, bytearray)):
        data = decode(bytes(data))
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected an ORCID document (a JSON object or an XML element), got {type(data).__name__}")
    kind = document_kind(data)
    if kind == "search":
        raise InputError(f"{where}: an ORCID search result lists iDs only, not a record")
    if kind == "error":
        code = _text(data.get("response-code")) or "?"
        raise InputError(f"{where}: an ORCID error document (response-code {code}), not a record")
    if kind is None:
        raise InputError(f"{where}: not an ORCID record, person, activities, works, employments or work document")
    orcid = owner_of(data)
    if orcid is None:
        raise InputError(f"{where}: ORCID {kind} document has no ORCID iD (orcid-identifier or path)")

    person: Any = None
    works: Any = None
    employments: Any = None
    refs: tuple[WorkRef, ...] = ()
    if kind == "record":
        person = data.get("person")
        works = _get(data, "activities-summary", "works")
        employments = _get(data, "activities-summary", "employments")
    elif kind == "person":
        person = data
    elif kind == "activities":
        works, employments = data.get("works"), data.get("employments")
    elif kind == "works":
        works = data
    elif kind == "employments":
        employments = data
    else:  # one full work
        ref = _work_ref(data)
        refs = (ref,) if ref else ()

    display = ""
    variants: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    ids = [ExternalId("orcid", orcid)]
    if isinstance(person, dict):
        display = _display_name(person.get("name"))
        variants = _other_names(person, display)
        emails = _emails(person)
        ids.extend(i for i in _person_ids(person) if i not in ids)
    if works is not None:
        refs = _works(works)

    if kind == "record":
        source_id = orcid
    elif kind == "work":
        put_code = _text(data.get("put-code"))
        source_id = f"{orcid}:work/{put_code}" if put_code else f"{orcid}:work"
    else:
        source_id = f"{orcid}:{kind}"
    return AuthorRecord(
        ids=tuple(ids),
        display_name=display,
        provenance=Provenance(SOURCE, source_id, retrieved_at),
        orcid=orcid,
        name_variants=variants,
        last_known_institutions=_employments(employments, retrieved_at) if employments is not None else (),
        works=refs,
        emails=emails,
    )
