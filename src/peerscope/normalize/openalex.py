"""OpenAlex work payload -> WorkRecord.

Follows the shape of OpenAlex's ``/works/{id}`` responses and snapshot lines. Abstracts arrive as
an inverted index ({word: [positions]}) and are rebuilt here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError
from peerscope.normalize.ids import external_id, normalize_arxiv, normalize_doi, normalize_openalex
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import (
    AffiliationRecord,
    AuthorRecord,
    AuthorRef,
    EntityRecord,
    OtherRecord,
    SourceItem,
    AuthorshipRecord,
    ExternalId,
    InstitutionRecord,
    LocationRecord,
    MergedIdRecord,
    Provenance,
    SourceRecord,
    TopicRecord,
    WorkRecord,
    WorkTopicRecord,
)

SOURCE = "openalex"


def rebuild_abstract(inverted: Any) -> str | None:
    """Rebuild text from OpenAlex's ``abstract_inverted_index``; None when absent or malformed."""
    if not isinstance(inverted, dict) or not inverted:
        return None
    size = 0
    for positions in inverted.values():
        if not isinstance(positions, list):
            return None
        size += len(positions)
    slots: list[Any] = [None] * size
    overflow: list[tuple[int, str]] = []
    for word, positions in inverted.items():
        for pos in positions:
            if type(pos) is not int or not 0 <= pos < 1_000_000:
                continue
            if pos < size:
                if slots[pos] is None:  # a position claimed twice keeps its first word
                    slots[pos] = word
            else:  # sparse positions: keep their order
                overflow.append((pos, word))
    overflow.sort()
    words = [str(w) for w in slots if w is not None] + [str(w) for _, w in overflow]
    if not words:
        return None
    return " ".join(words)  # an oversized abstract is refused whole by normalize.limits


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        day = _date(value)
        return datetime(day.year, day.month, day.day) if day else None


def _ids(*pairs: tuple[str, Any]) -> tuple[ExternalId, ...]:
    out: dict[tuple[str, str], ExternalId] = {}
    for scheme, value in pairs:
        if value is None or value == "":
            continue
        ext = external_id(scheme, value)
        if ext is not None:
            out.setdefault((ext.scheme, ext.value), ext)
    return tuple(out.values())


# Venues, institutions and topics repeat across millions of works: their records are frozen, so one
# built record is shared by every work that names the same entity the same way.
_CACHE_LIMIT = 200_000
_cache: dict[tuple, Any] = {}


def _cached(key: tuple, build: Any) -> Any:
    try:
        return _cache[key]
    except KeyError:
        pass
    except TypeError:  # unhashable field values: build without caching
        return build()
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    value = _cache[key] = build()
    return value


def _institution(raw: dict[str, Any]) -> InstitutionRecord | None:
    key = ("I", raw.get("id"), raw.get("display_name"), raw.get("ror"), raw.get("country_code"), raw.get("type"))
    return _cached(key, lambda: _build_institution(raw))


def _build_institution(raw: dict[str, Any]) -> InstitutionRecord | None:
    name = raw.get("display_name")
    ids = _ids(("openalex", raw.get("id")), ("ror", raw.get("ror")))
    if not name or not ids:
        return None
    return InstitutionRecord(ids=ids, display_name=str(name), country_code=raw.get("country_code"), type=raw.get("type"))


def _source(raw: Any) -> SourceRecord | None:
    if not isinstance(raw, dict) or not raw.get("display_name"):
        return None
    issn = raw.get("issn")
    key = ("S", raw.get("id"), raw.get("display_name"), raw.get("issn_l"), tuple(issn) if isinstance(issn, list) else issn, raw.get("type"), raw.get("host_organization_name"))
    return _cached(key, lambda: _build_source(raw))


def _build_source(raw: dict[str, Any]) -> SourceRecord | None:
    issns = raw.get("issn") or []
    ids = _ids(("openalex", raw.get("id")), ("issn", raw.get("issn_l")), *(("issn", i) for i in issns if isinstance(i, str)))
    if not ids:
        return None
    return SourceRecord(
        ids=ids,
        display_name=str(raw["display_name"]),
        type=raw.get("type"),
        issn_l=raw.get("issn_l"),
        publisher=raw.get("host_organization_name"),
    )


def _location(raw: Any, primary: bool) -> LocationRecord | None:
    if not isinstance(raw, dict):
        return None
    return LocationRecord(
        source=_source(raw.get("source")),
        landing_page_url=raw.get("landing_page_url"),
        pdf_url=raw.get("pdf_url"),
        is_oa=bool(raw.get("is_oa")),
        version=raw.get("version"),
        license=raw.get("license"),
        is_primary=primary,
    )


def _same_location(a: LocationRecord, b: LocationRecord) -> bool:
    return a.landing_page_url == b.landing_page_url and (a.source and a.source.ids) == (b.source and b.source.ids)


def _hierarchy_id(url: str) -> str:
    """``https://openalex.org/subfields/1804`` -> ``subfields/1804``."""
    parts = url.rstrip("/").split("/")
    return "/".join(parts[-2:])


def _topic(raw: Any) -> WorkTopicRecord | None:
    if not isinstance(raw, dict) or not raw.get("display_name"):
        return None
    try:
        score = float(raw.get("score") or 0.0)
    except (TypeError, ValueError):
        score = 0.0
    key = ("T", raw.get("id"), raw.get("display_name"))  # a topic id fixes its place in the hierarchy
    topic = _cached(key, lambda: _build_topic(raw))
    return WorkTopicRecord(topic, score) if topic else None


def _build_topic(raw: dict[str, Any]) -> TopicRecord | None:
    ids = _ids(("openalex", raw.get("id")))
    if not ids:
        return None
    lineage: list[tuple[ExternalId, str, str]] = []
    for level in ("domain", "field", "subfield"):
        node = raw.get(level)
        if isinstance(node, dict) and node.get("id") and node.get("display_name"):
            lineage.append((ExternalId("openalex", _hierarchy_id(str(node["id"]))), str(node["display_name"]), level))
    return TopicRecord(ids=ids, display_name=str(raw["display_name"]), lineage=tuple(lineage))


def _affiliations(raw: dict[str, Any]) -> tuple[AffiliationRecord, ...]:
    """Pair each printed affiliation string with its institutions, using OpenAlex's ``affiliations``
    list when present; institutions or strings left unpaired stand alone."""
    institutions: dict[str, InstitutionRecord] = {}
    for item in raw.get("institutions") or []:
        inst = _institution(item) if isinstance(item, dict) else None
        if inst:
            institutions[inst.ids[0].value] = inst
    out: list[AffiliationRecord] = []
    used: set[str] = set()
    seen_raw: set[str] = set()
    for item in raw.get("affiliations") or []:
        if not isinstance(item, dict) or not isinstance(item.get("raw_affiliation_string"), str):
            continue
        text = item["raw_affiliation_string"].strip()
        if not text:
            continue
        seen_raw.add(text)
        keys = [normalize_openalex(i, kind="I") for i in item.get("institution_ids") or []]
        matched = [institutions[k] for k in keys if k in institutions]
        if not matched:
            out.append(AffiliationRecord(text, None))
        for inst in matched:
            used.add(inst.ids[0].value)
            out.append(AffiliationRecord(text, inst))
    for text in raw.get("raw_affiliation_strings") or []:
        if isinstance(text, str) and text.strip() and text.strip() not in seen_raw:
            seen_raw.add(text.strip())
            out.append(AffiliationRecord(text.strip(), None))
    for key, inst in institutions.items():
        if key not in used:
            out.append(AffiliationRecord(None, inst))
    return tuple(out)


def _authorship(raw: Any, position: int) -> AuthorshipRecord | None:
    if not isinstance(raw, dict):
        return None
    author = raw.get("author") or {}
    if not isinstance(author, dict):
        author = {}
    name = clean_name(author.get("display_name") or raw.get("raw_author_name"))
    raw_name = clean_name(raw.get("raw_author_name")) or name
    if not name and not raw_name:
        return None
    ids = _ids(("openalex", author.get("id")), ("orcid", author.get("orcid")))
    orcid = next((i.value for i in ids if i.scheme == "orcid"), None)
    affiliations = _affiliations(raw)
    return AuthorshipRecord(
        position=position,
        author=AuthorRef(ids=tuple(i for i in ids if i.scheme != "orcid"), display_name=name or raw_name, orcid=orcid),
        raw_author_name=raw_name,
        affiliations=affiliations,
        is_corresponding=bool(raw.get("is_corresponding")),
    )


def work_from_openalex(payload: Any, retrieved_at: datetime, where: str = "record") -> WorkRecord:
    """Map one OpenAlex work object to a WorkRecord.

    Raises InputError naming ``where`` (e.g. ``works.jsonl.gz line 12``) when the payload is not a
    work: not an object, no OpenAlex work id, or no title.
    """
    if not isinstance(payload, dict):
        raise InputError(f"{where}: expected a JSON object for an OpenAlex work, got {type(payload).__name__}")
    work_id = normalize_openalex(payload.get("id"), kind="W")
    if not work_id:
        raise InputError(f"{where}: missing or malformed OpenAlex work id {payload.get('id')!r}")
    title = payload.get("title") or payload.get("display_name")
    if not isinstance(title, str) or not title.strip():
        raise InputError(f"{where}: work {work_id} has no title")
    raw_ids = payload.get("ids") if isinstance(payload.get("ids"), dict) else {}
    doi = normalize_doi(payload.get("doi") or raw_ids.get("doi"))
    arxiv = normalize_arxiv(doi) if doi and doi.startswith("10.48550/") else None
    ids = (ExternalId("openalex", work_id),) + _ids(
        ("doi", doi),
        ("arxiv", arxiv),
        ("pmid", raw_ids.get("pmid")),
        ("pmcid", raw_ids.get("pmcid")),
        ("mag", raw_ids.get("mag")),
    )
    primary = _location(payload.get("primary_location"), primary=True)
    locations: list[LocationRecord] = [primary] if primary else []
    for raw_loc in payload.get("locations") or []:
        loc = _location(raw_loc, primary=False)
        if loc and not any(_same_location(loc, seen) for seen in locations):
            locations.append(loc)
    authorships = tuple(
        a for a in (_authorship(raw, i) for i, raw in enumerate(payload.get("authorships") or [])) if a
    )
    topics = tuple(t for t in (_topic(raw) for raw in payload.get("topics") or []) if t)
    refs = _ids(*(("openalex", r) for r in payload.get("referenced_works") or [] if isinstance(r, str)))
    open_access = payload.get("open_access") if isinstance(payload.get("open_access"), dict) else {}
    pub_date = _date(payload.get("publication_date"))
    year = payload.get("publication_year")
    if not isinstance(year, int) or not (1000 <= year <= 3000):
        year = pub_date.year if pub_date else None
    try:
        cited = max(0, int(payload.get("cited_by_count") or 0))
    except (TypeError, ValueError):
        cited = 0
    return WorkRecord(
        ids=ids,
        title=title.strip(),
        provenance=Provenance(SOURCE, work_id, retrieved_at),
        abstract=rebuild_abstract(payload.get("abstract_inverted_index")),
        type=payload.get("type") if isinstance(payload.get("type"), str) else None,
        publication_year=year,
        publication_date=pub_date,
        language=payload.get("language") if isinstance(payload.get("language"), str) else None,
        is_oa=bool(open_access.get("is_oa")),
        oa_status=open_access.get("oa_status"),
        oa_url=open_access.get("oa_url"),
        is_retracted=bool(payload.get("is_retracted")),
        cited_by_count=cited,
        locations=tuple(locations),
        authorships=authorships,
        topics=topics,
        referenced_works=refs,
        updated_date=_datetime(payload.get("updated_date")),
    )


OTHER_KINDS = {"C": "concept", "F": "funder", "P": "publisher"}
KINDS = {"W": "work", "A": "author", "I": "institution", "S": "source", "T": "topic", **OTHER_KINDS}


def merged_id_from_openalex(payload: dict[str, Any], retrieved_at: datetime, where: str = "record") -> MergedIdRecord:
    """A row of OpenAlex's merged_ids lists (``{"entity", "id", "merge_into_id", "merge_date"}``)
    -> MergedIdRecord: the old id now stands for the new one."""
    old = normalize_openalex(payload.get("id"))
    new = normalize_openalex(payload.get("merge_into_id"))
    if not old:
        raise InputError(f"{where}: merged id has a missing or malformed OpenAlex id {payload.get('id')!r}")
    if not new:
        raise InputError(f"{where}: merged id {old} has a missing or malformed merge_into_id {payload.get('merge_into_id')!r}")
    if old[0] != new[0]:
        raise InputError(f"{where}: {old} cannot be merged into {new}, an id of another kind")
    if old == new:
        raise InputError(f"{where}: {old} is merged into itself")
    kind = KINDS[old[0]]
    stated = payload.get("entity")
    if stated is not None and str(stated).lower().rstrip("s") != kind:
        raise InputError(f"{where}: merged id {old} is a {kind} id but the row says {stated!r}")
    merged_on = None
    raw_date = payload.get("merge_date")
    if raw_date not in (None, ""):
        merged_on = _date(raw_date)
        if merged_on is None:
            raise InputError(f"{where}: merged id {old} has a malformed merge_date {raw_date!r}")
    return MergedIdRecord(
        kind=kind,
        old=ExternalId("openalex", old),
        new=ExternalId("openalex", new),
        provenance=Provenance(SOURCE, f"merged:{old}", retrieved_at),
        merged_on=merged_on,
    )


def _require_name(payload: dict[str, Any], entity: str, where: str) -> str:
    name = payload.get("display_name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}: {entity} has no display_name")
    return clean_name(name) if entity.startswith("A") else name.strip()


def record_from_openalex(payload: Any, retrieved_at: datetime, where: str = "record") -> SourceItem:
    """Map any OpenAlex entity object (work, author, institution, source, topic, …) to a record,
    telling the kind by its id letter."""
    if not isinstance(payload, dict):
        raise InputError(f"{where}: expected a JSON object for an OpenAlex entity, got {type(payload).__name__}")
    if "merge_into_id" in payload:
        return merged_id_from_openalex(payload, retrieved_at, where)
    entity = normalize_openalex(payload.get("id"))
    if not entity:
        raise InputError(f"{where}: missing or malformed OpenAlex id {payload.get('id')!r}")
    letter = entity[0]
    if letter == "W":
        return work_from_openalex(payload, retrieved_at, where)
    prov = Provenance(SOURCE, entity, retrieved_at)
    name = _require_name(payload, entity, where)
    raw_ids = payload.get("ids") if isinstance(payload.get("ids"), dict) else {}
    if letter == "A":
        ids = _ids(("openalex", entity), ("orcid", payload.get("orcid") or raw_ids.get("orcid")))
        orcid = next((i.value for i in ids if i.scheme == "orcid"), None)
        variants = tuple(
            clean_name(v) for v in payload.get("display_name_alternatives") or [] if isinstance(v, str) and clean_name(v)
        )
        insts = tuple(i for i in (_institution(x) for x in payload.get("last_known_institutions") or [] if isinstance(x, dict)) if i)
        return AuthorRecord(
            ids=tuple(i for i in ids if i.scheme != "orcid"),
            display_name=name,
            provenance=prov,
            orcid=orcid,
            name_variants=tuple(dict.fromkeys(v for v in variants if v != name)),
            last_known_institutions=insts,
        )
    if letter == "I":
        inst = _institution({**payload, "id": entity, "ror": payload.get("ror") or raw_ids.get("ror")})
        assert inst is not None  # id and name were checked above
        return EntityRecord("institution", inst, prov)
    if letter == "S":
        source = _source({**payload, "id": entity})
        assert source is not None
        return EntityRecord("source", source, prov)
    if letter == "T":
        topic = _topic({**payload, "id": entity, "score": 1.0})
        assert topic is not None
        return EntityRecord("topic", topic.topic, prov)
    return OtherRecord(OTHER_KINDS.get(letter, letter), prov)


def decode(raw: bytes) -> Any:
    return orjson.loads(raw)


normalize = record_from_openalex
