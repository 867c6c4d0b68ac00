"""Semantic Scholar Graph API payloads -> canonical records.

A payload is one of: a paper object (has ``paperId``) -> WorkRecord; an author object (has
``authorId`` and no ``paperId``) -> AuthorRecord; a references page as the connector stores it,
``{"citing": <paper id as asked>, "offset": n, "references": [citedPaper objects]}`` ->
ReferenceListRecord.

Choices, per field:

- **paper ids**: ``s2`` (the 40-hex paperId), ``corpusid``, and from ``externalIds``: DOI,
  ArXiv -> ``arxiv``, PubMed -> ``pmid``, PubMedCentral -> ``pmcid``, MAG -> ``mag``, DBLP ->
  ``dblp`` (a dblp record key such as ``journals/corr/abs-1706-03762``), ACL -> ``acl`` (an ACL
  Anthology id such as ``P19-1001`` or ``2020.acl-main.1``). Each is normalised; one that does
  not have its scheme's form is dropped. An arXiv DOI (``10.48550/arXiv.…``) gives the arXiv id.
- **title / abstract**: plain text in Semantic Scholar; markup is removed only when some is
  present (a known tag or an HTML entity), whitespace collapsed. A title over 2,000 or an abstract
  over 100,000 characters is refused (InputError).
- **type**, from ``publicationTypes`` (the most specific one wins, in this order):

  =============================  ============================
  Review, MetaAnalysis           review
  Editorial                      editorial
  LettersAndComments             letter
  BookSection                    book-chapter
  Book                           book
  Dataset                        dataset
  Conference                     article (venue: conference)
  JournalArticle, CaseReport,    article
  ClinicalTrial, Study
  News                           other
  none, with an arXiv id         preprint
  none otherwise                 None (unknown)
  =============================  ============================

- **venue**: ``publicationVenue`` when it has an id or a name: ids ``issn`` (its ISSN, then
  alternate ISSNs) and ``s2_venue`` (its id), its name and type (``journal`` / ``conference``,
  else ``conference`` for a Conference paper); otherwise ``journal.name`` or the ``venue``
  string, with the id ``s2_venue_name`` = the lower-cased, whitespace-collapsed name.
- **locations**: a primary location at the venue with the DOI (else arXiv) landing page when
  there is a venue or such a page. ``openAccessPdf`` is the venue's own PDF (on the primary
  location, which is then open access) when its status is GOLD, HYBRID or BRONZE; otherwise
  (GREEN: a repository copy, or no status) it is a location of its own with no venue.
  ``is_oa`` = ``isOpenAccess``; ``oa_url`` = the PDF; ``oa_status`` = the status, lower-cased.
- **authors**: in order; ``AuthorRef(ids=(s2 authorId,), display_name=name)`` (no ids when
  Semantic Scholar has no author id), the ORCID iD when the author object carries externalIds,
  affiliation strings when it carries affiliations.
- ``categories`` = ``fieldsOfStudy`` then ``s2FieldsOfStudy`` categories, de-duplicated in order;
  ``cited_by_count`` = ``citationCount``; ``referenced_works`` = the ``s2`` ids of ``references``
  when the paper object has them (entries without a paperId skipped).
- **author records**: ids ``s2`` (authorId) and ``dblp`` for each dblp person name in
  externalIds; the ORCID iD; ``aliases`` as name variants; ``paperCount`` / ``citationCount``.
  ``affiliations`` are *not* turned into institutions: they are free text ("Department of
  Physics", "MIT") without an identifier, and keying institutions by their name would make one
  institution of every department of that name. Provenance id: ``author:<authorId>``.
- **reference lists**: ``citing`` is the id the request named (a paperId, ``DOI:…``, a bare DOI,
  ``arXiv:…``, ``CorpusId:…``, ``PMID:…``, ``PMCID:…``, ``MAG:…``, ``ACL:…``); provenance id
  ``refs:<citing>:<offset>``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError
from peerscope.normalize.crossref import MAX_MARKUP, has_markup, strip_markup, venue_key
from peerscope.normalize.ids import (
    normalize_arxiv,
    normalize_doi,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AffiliationRecord,
    AuthorRecord,
    AuthorRef,
    AuthorshipRecord,
    ExternalId,
    LocationRecord,
    Provenance,
    ReferenceListRecord,
    SourceItem,
    SourceRecord,
    WorkRecord,
)

SOURCE = "s2"
MAX_TITLE = 2000
MAX_ABSTRACT = 100_000

_PAPER_ID = re.compile(r"^[0-9a-f]{40}$")
_AUTHOR_ID = re.compile(r"^[1-9]\d{0,14}$")
_DIGITS = re.compile(r"^[1-9]\d{0,14}$")
_DBLP_KEY = re.compile(r"^[a-z]+(?:/[^\s/]+){1,4}$")
_ACL = re.compile(r"^(?:[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+)$")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_VENUE_HOSTED = frozenset({"GOLD", "HYBRID", "BRONZE"})
_OA_STATUSES = frozenset({"gold", "green", "hybrid", "bronze", "diamond", "closed"})

TYPE_ORDER = (
    ("Review", "review"),
    ("MetaAnalysis", "review"),
    ("Editorial", "editorial"),
    ("LettersAndComments", "letter"),
    ("BookSection", "book-chapter"),
    ("Book", "book"),
    ("Dataset", "dataset"),
    ("Conference", "article"),
    ("JournalArticle", "article"),
    ("CaseReport", "article"),
    ("ClinicalTrial", "article"),
    ("Study", "article"),
    ("News", "other"),
)


# -- identifiers ---------------------------------------------------------------------------------


def _items(value: Any) -> list[Any]:
    """A field that should be a list, or nothing."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def normalize_paper_id(value: Any) -> str | None:
    text = _text(value).lower()
    return text if _PAPER_ID.match(text) else None


def normalize_author_id(value: Any) -> str | None:
    text = _text(value)
    return text if _AUTHOR_ID.match(text) else None


def _number(value: Any) -> str | None:
    text = _text(value)
    return text if _DIGITS.match(text) else None


def _dblp_key(value: Any) -> str | None:
    text = _text(value)
    return text if len(text) <= 300 and _DBLP_KEY.match(text) else None


def _acl(value: Any) -> str | None:
    text = _text(value)
    return text if _ACL.match(text) else None


EXTERNAL_IDS = (
    ("DOI", "doi", normalize_doi),
    ("ArXiv", "arxiv", normalize_arxiv),
    ("PubMed", "pmid", normalize_pmid),
    ("PubMedCentral", "pmcid", normalize_pmcid),
    ("MAG", "mag", _number),
    ("DBLP", "dblp", _dblp_key),
    ("ACL", "acl", _acl),
)


def paper_ids(paper: dict[str, Any], paper_id: str) -> tuple[ExternalId, ...]:
    """The ids of a paper object, normalised, invalid ones dropped, in a fixed scheme order."""
    external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    out: dict[tuple[str, str], ExternalId] = {}

    def add(scheme: str, value: str | None) -> None:
        if value:
            out.setdefault((scheme, value), ExternalId(scheme, value))

    add("s2", paper_id)
    add("corpusid", _number(paper.get("corpusId")) or _number(external.get("CorpusId")))
    for key, scheme, norm in EXTERNAL_IDS:
        value = norm(external.get(key))
        add(scheme, value)
        if scheme == "doi" and value and value.startswith("10.48550/"):
            add("arxiv", normalize_arxiv(value))
    return tuple(out.values())


_PREFIXED = {
    "doi": ("doi", normalize_doi),
    "arxiv": ("arxiv", normalize_arxiv),
    "corpusid": ("corpusid", _number),
    "corpus": ("corpusid", _number),
    "pmid": ("pmid", normalize_pmid),
    "pmcid": ("pmcid", normalize_pmcid),
    "mag": ("mag", _number),
    "acl": ("acl", _acl),
}


def paper_ref(text: Any) -> ExternalId | None:
    """The id a request names a paper by: a paperId, ``DOI:…`` or a bare DOI, ``arXiv:…``,
    ``CorpusId:…``, ``PMID:…``, ``PMCID:…``, ``MAG:…``, ``ACL:…``; None for anything else."""
    raw = _text(text)
    paper_id = normalize_paper_id(raw)
    if paper_id:
        return ExternalId("s2", paper_id)
    prefix, sep, rest = raw.partition(":")
    if sep and prefix.lower() in _PREFIXED:
        scheme, norm = _PREFIXED[prefix.lower()]
        value = norm(rest.strip())
        return ExternalId(scheme, value) if value else None
    doi = normalize_doi(raw)
    return ExternalId("doi", doi) if doi else None


# -- text --------------------------------------------------------------------------------------------


def plain(value: Any, *, paragraphs: bool = False) -> str:
    """Semantic Scholar text: markup removed only when there is some, whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    if has_markup(value) or _ENTITY.search(value):
        return strip_markup(value, paragraphs=paragraphs)
    return _SPACE.sub(" ", value).strip()


def _year(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999 else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return day if 1000 <= day.year <= 2999 else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def work_type(paper: dict[str, Any], ids: tuple[ExternalId, ...]) -> str | None:
    types = {t for t in _items(paper.get("publicationTypes")) if isinstance(t, str)}
    for name, ours in TYPE_ORDER:
        if name in types:
            return ours
    if not types and any(i.scheme == "arxiv" for i in ids):
        return "preprint"
    return None


# -- venues and locations ----------------------------------------------------------------------------


def _venue(paper: dict[str, Any]) -> SourceRecord | None:
    types = _items(paper.get("publicationTypes"))
    conference = isinstance(types, list) and "Conference" in types
    pv = paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"), dict) else {}
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    venue_id = _text(pv.get("id"))
    name = plain(pv.get("name")) or plain(journal.get("name")) or plain(paper.get("venue"))
    if not name:
        return None
    if pv and (venue_id or plain(pv.get("name"))):
        alternates = pv.get("alternate_issns") if isinstance(pv.get("alternate_issns"), list) else []
        issns = dict.fromkeys(i for i in (normalize_issn(v) for v in [pv.get("issn"), *alternates]) if i)
        ids = tuple(ExternalId("issn", i) for i in issns)
        if venue_id:
            ids += (ExternalId("s2_venue", venue_id),)
        kind = _text(pv.get("type")).lower() or None
        if ids:
            return SourceRecord(ids=ids, display_name=name[:500], type=kind or ("conference" if conference else None))
    return SourceRecord(
        ids=(ExternalId("s2_venue_name", venue_key(name)),),
        display_name=name[:500],
        type="conference" if conference else None,
    )


def _locations(paper: dict[str, Any], ids: tuple[ExternalId, ...], venue: SourceRecord | None) -> tuple[LocationRecord, ...]:
    doi = next((i.value for i in ids if i.scheme == "doi"), None)
    arxiv = next((i.value for i in ids if i.scheme == "arxiv"), None)
    landing = f"https://doi.org/{doi}" if doi else f"https://arxiv.org/abs/{arxiv}" if arxiv else None
    pdf_info = paper.get("openAccessPdf") if isinstance(paper.get("openAccessPdf"), dict) else {}
    pdf = _text(pdf_info.get("url")) or None
    status = _text(pdf_info.get("status")).upper()
    licence = _text(pdf_info.get("license")) or None
    out: list[LocationRecord] = []
    hosted = bool(pdf) and status in _VENUE_HOSTED
    if venue or landing:
        out.append(
            LocationRecord(
                source=venue,
                landing_page_url=landing,
                pdf_url=pdf if hosted else None,
                is_oa=hosted,
                version="publishedVersion" if hosted else None,
                license=licence if hosted else None,
                is_primary=True,
            )
        )
    if pdf and not (hosted and out):
        out.append(LocationRecord(source=None, landing_page_url=None, pdf_url=pdf, is_oa=True, version=None, license=licence, is_primary=not out))
    return tuple(out)


# -- authors -----------------------------------------------------------------------------------------


def _orcid(obj: dict[str, Any]) -> str | None:
    external = obj.get("externalIds") if isinstance(obj.get("externalIds"), dict) else {}
    value = external.get("ORCID")
    if isinstance(value, list):
        found = {o for o in (normalize_orcid(v) for v in value) if o}
        return found.pop() if len(found) == 1 else None
    return normalize_orcid(value)


def _affiliations(obj: dict[str, Any]) -> tuple[AffiliationRecord, ...]:
    names = (plain(a) if isinstance(a, str) else plain(a.get("name")) if isinstance(a, dict) else "" for a in _items(obj.get("affiliations")))
    return tuple(AffiliationRecord(n, None) for n in dict.fromkeys(n for n in names if n))


def _authorships(paper: dict[str, Any]) -> tuple[AuthorshipRecord, ...]:
    out: list[AuthorshipRecord] = []
    for raw in _items(paper.get("authors")):
        if not isinstance(raw, dict):
            continue
        name = clean_name(_text(raw.get("name")))
        if not name:
            continue
        author_id = normalize_author_id(raw.get("authorId"))
        out.append(
            AuthorshipRecord(
                position=len(out),
                author=AuthorRef(ids=(ExternalId("s2", author_id),) if author_id else (), display_name=name, orcid=_orcid(raw)),
                raw_author_name=name,
                affiliations=_affiliations(raw),
            )
        )
    return tuple(out)


def _categories(paper: dict[str, Any]) -> tuple[str, ...]:
    found = [f for f in _items(paper.get("fieldsOfStudy")) if isinstance(f, str)]
    found += [f.get("category") for f in _items(paper.get("s2FieldsOfStudy")) if isinstance(f, dict) and isinstance(f.get("category"), str)]
    return tuple(dict.fromkeys(f.strip() for f in found if f and f.strip()))


def _references(items: Any) -> tuple[ExternalId, ...]:
    found = []
    for item in items if isinstance(items, list) else []:
        value = item.get("paperId") if isinstance(item, dict) else item
        paper_id = normalize_paper_id(value)
        if paper_id:
            found.append(paper_id)
    return tuple(ExternalId("s2", p) for p in dict.fromkeys(found))


# -- records -----------------------------------------------------------------------------------------


def work_from_s2(paper: Any, retrieved_at: datetime, where: str = "record") -> WorkRecord:
    """Map one Semantic Scholar paper object to a WorkRecord (rules in the module docstring).

    InputError naming ``where`` when it has no valid paperId or no title, or absurd sizes."""
    if not isinstance(paper, dict):
        raise InputError(f"{where}: expected a JSON object for a Semantic Scholar paper, got {type(paper).__name__}")
    paper_id = normalize_paper_id(paper.get("paperId"))
    if not paper_id:
        raise InputError(f"{where}: Semantic Scholar paper without a valid paperId ({paper.get('paperId')!r})")
    raw_title = paper.get("title")
    if isinstance(raw_title, str) and len(raw_title) > MAX_MARKUP:
        raise InputError(f"{where}: paper {paper_id} has a title of {len(raw_title):,} characters")
    title = plain(raw_title)
    # A paper fetched without its title (a batch asked for authors only) is a partial record: it
    # adds what it has to the paper once the paper is in the graph, and waits for it until then.
    # Its own source id keeps it from replacing the full record of the same paper.
    record_id = paper_id if title else f"{paper_id}:partial"
    if len(title) > MAX_TITLE:
        raise InputError(f"{where}: paper {paper_id} has a title of {len(title):,} characters (more than {MAX_TITLE:,})")
    raw_abstract = paper.get("abstract")
    if isinstance(raw_abstract, str) and len(raw_abstract) > MAX_MARKUP:
        raise InputError(f"{where}: paper {paper_id} has an abstract of {len(raw_abstract):,} characters")
    abstract = plain(raw_abstract, paragraphs=True) or None
    if abstract and len(abstract) > MAX_ABSTRACT:
        raise InputError(f"{where}: paper {paper_id} has an abstract of {len(abstract):,} characters (more than {MAX_ABSTRACT:,})")
    ids = paper_ids(paper, paper_id)
    published = _date(paper.get("publicationDate"))
    year = _year(paper.get("year")) or (published.year if published else None)
    venue = _venue(paper)
    pdf_info = paper.get("openAccessPdf") if isinstance(paper.get("openAccessPdf"), dict) else {}
    status = _text(pdf_info.get("status")).lower()
    return WorkRecord(
        ids=ids,
        title=title,
        provenance=Provenance(SOURCE, record_id, retrieved_at),
        abstract=abstract,
        type=work_type(paper, ids),
        publication_year=year,
        publication_date=published,
        is_oa=paper.get("isOpenAccess") is True,
        oa_status=status if status in _OA_STATUSES else None,
        oa_url=_text(pdf_info.get("url")) or None,
        cited_by_count=_count(paper.get("citationCount")) or 0,
        locations=_locations(paper, ids, venue),
        authorships=_authorships(paper),
        referenced_works=_references(paper.get("references")),
        categories=_categories(paper),
    )


def author_from_s2(author: Any, retrieved_at: datetime, where: str = "record") -> AuthorRecord:
    """Map one Semantic Scholar author object to an AuthorRecord."""
    if not isinstance(author, dict):
        raise InputError(f"{where}: expected a JSON object for a Semantic Scholar author, got {type(author).__name__}")
    author_id = normalize_author_id(author.get("authorId"))
    if not author_id:
        raise InputError(f"{where}: Semantic Scholar author without a valid authorId ({author.get('authorId')!r})")
    name = clean_name(_text(author.get("name")))
    if not name:
        raise InputError(f"{where}: Semantic Scholar author {author_id} has no name")
    external = author.get("externalIds") if isinstance(author.get("externalIds"), dict) else {}
    dblp = external.get("DBLP")
    dblp_names = [clean_name(_text(d)) for d in (dblp if isinstance(dblp, list) else [dblp])]
    ids = (ExternalId("s2", author_id),) + tuple(ExternalId("dblp", d) for d in dict.fromkeys(d for d in dblp_names if d and len(d) <= 200))
    variants = (clean_name(_text(a)) for a in _items(author.get("aliases")))
    return AuthorRecord(
        ids=ids,
        display_name=name,
        provenance=Provenance(SOURCE, f"author:{author_id}", retrieved_at),
        orcid=_orcid(author),
        name_variants=tuple(dict.fromkeys(v for v in variants if v and v != name)),
        works_count=_count(author.get("paperCount")),
        cited_by_count=_count(author.get("citationCount")),
    )


def references_from_s2(data: dict[str, Any], retrieved_at: datetime, where: str = "record") -> ReferenceListRecord:
    """Map a stored references page (``{"citing", "offset", "references"}``)."""
    citing_text = _text(data.get("citing"))
    citing = paper_ref(citing_text)
    if citing is None:
        raise InputError(f"{where}: references page of an unrecognised paper id {data.get('citing')!r}")
    offset = _count(data.get("offset")) or 0
    return ReferenceListRecord(
        citing=(citing,),
        references=_references(data.get("references")),
        provenance=Provenance(SOURCE, f"refs:{citing_text}:{offset}", retrieved_at),
        offset=offset,
    )


def record_from_s2(data: Any, retrieved_at: datetime, where: str = "record") -> SourceItem:
    """Map one stored Semantic Scholar payload (paper, author or references page) to a record."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object for a Semantic Scholar record, got {type(data).__name__}")
    if "citing" in data and "references" in data and "paperId" not in data:
        return references_from_s2(data, retrieved_at, where)
    if "paperId" in data:
        return work_from_s2(data, retrieved_at, where)
    if "authorId" in data:
        return author_from_s2(data, retrieved_at, where)
    raise InputError(f"{where}: not a Semantic Scholar paper, author or references page")


def decode(raw: bytes) -> Any:
    return orjson.loads(raw)


normalize = record_from_s2
