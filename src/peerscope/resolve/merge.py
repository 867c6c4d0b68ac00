"""Merging several sources' records of one work into the canonical work.

Every source keeps its own record (``work_records``, with the raw payload); the canonical work is
rebuilt from all of them by the per-field policy below, so the order records arrive in never
changes the result. The policy, in words:

- **Publisher over preprint** for what describes the published paper: title, type, date and
  venue come from Crossref first, then OpenAlex, Semantic Scholar, arXiv, Hugging Face.
- **Abstract**: the publisher's when it deposited one, else arXiv's (the authors' own text), else
  OpenAlex's (rebuilt from an inverted index, so word order is all it keeps), then the rest.
- **Bylines**: OpenAlex's (it links authors and institutions), else Crossref's, Semantic
  Scholar's, arXiv's. Other sources' bylines are aligned to it (same position and family name,
  or a unique family name) and add what it lacks: ORCID iDs, author ids, e-mail addresses,
  affiliations, claim hints.
- **References**: one source's list, the longest (a source's reference pages joined), ties going
  to OpenAlex, Crossref, Semantic Scholar in that order. Lists from two sources are not mixed:
  they name the same cited paper by different identifiers and would count it twice.
- **Locations**: every source's, deduplicated; the primary one is the venue source's (one only:
  when one source gave both a preprint and its published version, the published one's).
- **One source, two versions** (a preprint and its journal version, folded by work matching):
  for title, type, date, venue and publisher the published record comes before the preprint.
- **Open access**: open when any source says so; the URL from OpenAlex, Crossref, Semantic
  Scholar, arXiv in that order.
- **Citation count**: OpenAlex, then Semantic Scholar, then Crossref.
- **Union** of identifiers, topics, subject categories, community signals and notices; a work is
  retracted when any source marks it so.

Where sources disagree on title, year, type or venue, every value is kept as a conflict, beside
the one chosen. A source not named in a field's list ranks after those that are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from peerscope.normalize.names import ascii_fold, split_name
from peerscope.resolve.works import PREPRINT_TYPES
from peerscope.normalize.records import (
    AuthorRef,
    AuthorshipRecord,
    ExternalId,
    LocationRecord,
    WorkRecord,
)

PUBLISHER_FIRST = ("crossref", "openalex", "s2", "arxiv", "hf")
POLICY: dict[str, tuple[str, ...]] = {
    "title": PUBLISHER_FIRST,
    "type": PUBLISHER_FIRST,
    "publication_date": PUBLISHER_FIRST,
    "venue": PUBLISHER_FIRST,
    "publisher": PUBLISHER_FIRST,
    "abstract": ("crossref", "arxiv", "openalex", "s2", "hf"),
    "language": ("openalex", "crossref", "s2", "arxiv"),
    "authorships": ("openalex", "crossref", "s2", "arxiv", "hf"),
    "references": ("openalex", "crossref", "s2"),
    "oa_url": ("openalex", "crossref", "s2", "arxiv"),
    "cited_by_count": ("openalex", "s2", "crossref"),
    "journal_ref": ("arxiv", "s2", "crossref", "openalex"),
    "categories": ("arxiv", "s2", "openalex", "crossref", "hf"),
}
CONFLICT_FIELDS = ("title", "publication_year", "type", "venue")


@dataclass(frozen=True, slots=True)
class MergedWork:
    record: WorkRecord
    field_sources: dict[str, str]  # field -> source it came from
    conflicts: dict[str, dict[str, str]]  # field -> {source: value} where sources disagree
    location_sources: tuple[str, ...]  # the source of each location of ``record``, in order

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.field_sources.values()))


def _rank(field: str, source: str) -> int:
    order = POLICY.get(field, PUBLISHER_FIRST)
    return order.index(source) if source in order else len(order)


# fields describing the published paper: within one source, a published record's come first
PUBLISHED_FIRST = frozenset({"title", "type", "publication_date", "venue", "publisher"})


def _is_preprint(r: WorkRecord) -> bool:
    loc = r.primary_location
    return r.type in PREPRINT_TYPES or (loc is not None and loc.version == "submittedVersion")


def _ordered(field: str, records: Sequence[WorkRecord]) -> list[WorkRecord]:
    # stable: records of equal rank keep their given order (latest retrieval first, see merge_works);
    # one source's preprint and published records of a work (folded by matching): published first
    if field in PUBLISHED_FIRST:
        return sorted(records, key=lambda r: (_rank(field, r.provenance.source), _is_preprint(r)))
    return sorted(records, key=lambda r: _rank(field, r.provenance.source))


def _venue_name(r: WorkRecord) -> str | None:
    loc = r.primary_location
    return loc.source.display_name if loc and loc.source else None


_VALUE = {
    "title": lambda r: r.title or None,
    "abstract": lambda r: r.abstract or None,
    "type": lambda r: r.type,
    "publication_date": lambda r: r.publication_date or r.publication_year,
    "language": lambda r: r.language,
    "venue": lambda r: r.primary_location if r.primary_location and r.primary_location.source else None,
    "publisher": lambda r: r.publisher,
    "oa_url": lambda r: r.oa_url if r.is_oa else None,
    "cited_by_count": lambda r: r.cited_by_count if r.cited_by_count else None,
    "journal_ref": lambda r: r.journal_ref,
    "authorships": lambda r: r.authorships or None,
    "references": lambda r: r.referenced_works or None,
}


def _pick(field: str, records: Sequence[WorkRecord]) -> tuple[object, str | None]:
    for r in _ordered(field, records):
        value = _VALUE[field](r)
        if value is not None:
            return value, r.provenance.source
    return None, None


_NON_ALNUM = re.compile(r"[\W_]+")


def _comparable(field: str, r: WorkRecord) -> str | None:
    if field == "title":
        return _NON_ALNUM.sub("", ascii_fold(r.title).casefold()) or None
    if field == "publication_year":
        return str(r.publication_year) if r.publication_year else None
    if field == "type":
        return r.type
    if field == "venue":  # a preprint server is where a version sits, not a rival venue
        loc = r.primary_location
        if loc is None or loc.source is None or loc.source.type == "repository":
            return None
        return _NON_ALNUM.sub("", ascii_fold(loc.source.display_name).casefold()) or None
    raise KeyError(field)


def _display(field: str, r: WorkRecord) -> str:
    if field == "title":
        return r.title
    if field == "venue":
        return _venue_name(r) or ""
    return _comparable(field, r) or ""


def _conflicts(records: Sequence[WorkRecord], chosen: dict[str, str | None]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for field in CONFLICT_FIELDS:
        seen: dict[str, str] = {}
        values: dict[str, str] = {}
        for r in records:
            key = _comparable(field, r)
            if key is None or r.provenance.source in values:
                continue
            seen[r.provenance.source] = key
            values[r.provenance.source] = _display(field, r)
        if len(set(seen.values())) > 1:
            out[field] = values
    return out


def _family_key(name: str) -> str:
    return _NON_ALNUM.sub("", ascii_fold(split_name(name)[1]).casefold())


def _align(base: Sequence[AuthorshipRecord], other: Sequence[AuthorshipRecord]) -> dict[int, AuthorshipRecord]:
    """Which authorship of ``other`` is the same byline as each of ``base`` (by index)."""
    out: dict[int, AuthorshipRecord] = {}
    if len(base) == len(other):
        for i, (a, b) in enumerate(zip(base, other)):
            if _family_key(a.raw_author_name) == _family_key(b.raw_author_name):
                out[i] = b
    by_family: dict[str, list[AuthorshipRecord]] = {}
    for b in other:
        by_family.setdefault(_family_key(b.raw_author_name), []).append(b)
    base_counts: dict[str, int] = {}
    for a in base:
        k = _family_key(a.raw_author_name)
        base_counts[k] = base_counts.get(k, 0) + 1
    for i, a in enumerate(base):
        k = _family_key(a.raw_author_name)
        if i not in out and k and base_counts[k] == 1 and len(by_family.get(k, ())) == 1:
            out[i] = by_family[k][0]
    return out


def _enrich(a: AuthorshipRecord, b: AuthorshipRecord) -> AuthorshipRecord:
    ids = tuple(dict.fromkeys((*a.author.ids, *b.author.ids)))
    orcid = a.author.orcid or b.author.orcid
    author = a.author
    if ids != a.author.ids or orcid != a.author.orcid:
        author = AuthorRef(ids=ids, display_name=a.author.display_name, orcid=orcid)
    return replace(
        a,
        author=author,
        affiliations=a.affiliations or b.affiliations,
        emails=tuple(dict.fromkeys((*a.emails, *b.emails))),
        claim=a.claim or b.claim,
        is_corresponding=a.is_corresponding or b.is_corresponding,
    )


def _bylines(records: Sequence[WorkRecord]) -> tuple[tuple[AuthorshipRecord, ...], str | None]:
    ordered = [r for r in _ordered("authorships", records) if r.authorships]
    if not ordered:
        return (), None
    base = list(ordered[0].authorships)
    for other in ordered[1:]:
        for i, b in _align(base, other.authorships).items():
            base[i] = _enrich(base[i], b)
    return tuple(base), ordered[0].provenance.source


def _urls(loc: LocationRecord) -> set[str]:
    return {u.rstrip("/") for u in (loc.landing_page_url, loc.pdf_url) if u}


def _locations(records: Sequence[WorkRecord], venue_source: str | None) -> tuple[tuple[LocationRecord, ...], tuple[str, ...]]:
    """One location per venue (the first source by the venue policy describes it; later ones
    fill what it lacks), plus venue-less locations at addresses no kept location has. Two
    sources' venues are one when they share an id (an ISSN) or, within this work, a name."""
    kept: list[list] = []  # [location, source, venue ids]
    for r in _ordered("venue", records):
        for loc in r.locations:
            ids = {(i.scheme, i.value) for i in loc.source.ids} if loc.source else set()
            if loc.source:  # within one work, venues of one name are one venue whatever ids sources give
                ids.add(("name", _NON_ALNUM.sub("", ascii_fold(loc.source.display_name).casefold())))
            same = next((k for k in kept if (ids & k[2]) or (_urls(loc) & _urls(k[0]))), None)
            if same is not None:
                have: LocationRecord = same[0]
                if have.source is None and loc.source is not None:  # the same address, now with its venue
                    same[0] = replace(loc, is_primary=have.is_primary, pdf_url=loc.pdf_url or have.pdf_url, is_oa=have.is_oa or loc.is_oa)
                    same[1] = r.provenance.source
                else:
                    same[0] = replace(have, pdf_url=have.pdf_url or loc.pdf_url, license=have.license or loc.license, is_oa=have.is_oa or loc.is_oa)
                same[2] |= ids
                continue
            primary = loc.is_primary and r.provenance.source == venue_source and not any(k[0].is_primary for k in kept)
            kept.append([replace(loc, is_primary=primary) if primary != loc.is_primary else loc, r.provenance.source, ids])
    if kept and not any(k[0].is_primary for k in kept):
        kept[0][0] = replace(kept[0][0], is_primary=True)
    kept.sort(key=lambda k: not k[0].is_primary)
    return tuple(k[0] for k in kept), tuple(k[1] for k in kept)


def _page_order(r: WorkRecord) -> tuple[str, int]:
    """Reference pages in order: their source ids end in the page's offset (``refs:<id>:50``)."""
    head, _, tail = r.provenance.source_id.rpartition(":")
    return (head, int(tail)) if tail.isdigit() else (r.provenance.source_id, -1)


def _references(records: Sequence[WorkRecord]) -> tuple[tuple[ExternalId, ...], str | None]:
    """The most complete source's reference list: a source's pages (several records) are joined;
    the longest list wins, ties by the policy order."""
    by_source: dict[str, list[WorkRecord]] = {}
    for r in records:
        if r.referenced_works:
            by_source.setdefault(r.provenance.source, []).append(r)
    if not by_source:
        return (), None
    lists = {
        source: tuple(dict.fromkeys(ref for r in sorted(recs, key=_page_order) for ref in r.referenced_works))
        for source, recs in by_source.items()
    }
    best = min(lists, key=lambda source: (-len(lists[source]), _rank("references", source)))
    return lists[best], best


def _union(values: Sequence[Sequence]) -> tuple:
    return tuple(dict.fromkeys(v for seq in values for v in seq))


def merge_works(records: Sequence[WorkRecord]) -> MergedWork:
    """The canonical work from its sources' records (at least one).

    Records are taken newest retrieval first, so among records of one source the newest wins.
    """
    if not records:
        raise ValueError("merge_works needs at least one record")
    records = sorted(records, key=lambda r: r.provenance.retrieved_at, reverse=True)
    if len(records) == 1:
        only = records[0]
        return MergedWork(only, {"*": only.provenance.source}, {}, tuple(only.provenance.source for _ in only.locations))
    sources: dict[str, str] = {}

    def take(field: str, default=None):
        value, source = _pick(field, records)
        if source is not None:
            sources[field] = source
            return value
        return default

    title = take("title", "")
    date_or_year = take("publication_date")
    pub_date = date_or_year if date_or_year is not None and not isinstance(date_or_year, int) else None
    year_source = next((r for r in _ordered("publication_date", records) if r.publication_year), None)
    venue_loc = take("venue")
    venue_source = sources.get("venue")
    locations, location_sources = _locations(records, venue_source)
    authorships, byline_source = _bylines(records)
    if byline_source:
        sources["authorships"] = byline_source
    references, ref_source = _references(records)
    if ref_source:
        sources["references"] = ref_source
    oa_url = take("oa_url")
    base = _ordered("title", records)[0]
    topics = tuple(dict.fromkeys(t for r in _ordered("topics", records) for t in r.topics))
    merged = WorkRecord(
        ids=_union([r.ids for r in _ordered("title", records)]),
        title=title,
        provenance=base.provenance,
        abstract=take("abstract"),
        type=take("type"),
        publication_year=(pub_date.year if pub_date else (date_or_year if isinstance(date_or_year, int) else (year_source.publication_year if year_source else None))),
        publication_date=pub_date,
        language=take("language"),
        is_oa=any(r.is_oa for r in records),
        oa_status=next((r.oa_status for r in _ordered("oa_url", records) if r.oa_status), None),
        oa_url=oa_url,
        is_retracted=any(r.is_retracted for r in records) or any("retraction" in r.notices for r in records),
        cited_by_count=take("cited_by_count", 0),
        locations=locations,
        authorships=authorships,
        topics=topics,
        referenced_works=references,
        updated_date=max((r.updated_date for r in records if r.updated_date), default=None),
        categories=_union([r.categories for r in _ordered("categories", records)]),
        journal_ref=take("journal_ref"),
        notices=_union([r.notices for r in records]),
        signals=_union([r.signals for r in records]),
        publisher=take("publisher"),
        version=next((r.version for r in records if r.version), None),
    )
    if venue_loc is None:
        sources.pop("venue", None)
    conflicts = _conflicts(records, sources)
    return MergedWork(merged, sources, conflicts, location_sources)


def reference_only(citing: Sequence[ExternalId], references: Sequence[ExternalId], provenance) -> WorkRecord:
    """A references-only record (a references page) as a work record that contributes its
    references and identifiers and nothing else to a merge."""
    return WorkRecord(ids=tuple(citing), title="", provenance=provenance, referenced_works=tuple(references))
