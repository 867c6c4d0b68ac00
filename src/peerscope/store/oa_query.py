"""OpenAlex-style list queries: a parsed filter (the small AST below) turned into SQLAlchemy Core
over the existing tables, plus sorting, keyset paging, group-by counts and seeded samples.

The serve stage parses ``filter=``/``sort=``/``group_by=`` into these nodes, naming each field
by a *store key* (``"works.publication_year"``); every key the API may use is declared in
``FIELDS`` below, so an unknown key is a programming error, never a user input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, and_, case, exists, false, func, literal, not_, or_, select, true

from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    Authorship,
    AuthorshipAffiliation,
    AuthorStats,
    Citation,
    ExternalIdRow,
    FlagSubject,
    Institution,
    Source,
    Topic,
    TrustCurrent,
    Work,
    WorkTopic,
)

W, A, AFF, I = Work.__table__, Authorship.__table__, AuthorshipAffiliation.__table__, Institution.__table__
AU, ST, TC, S = Author.__table__, AuthorStats.__table__, TrustCurrent.__table__, Source.__table__
T, WT, C, X, FS = Topic.__table__, WorkTopic.__table__, Citation.__table__, ExternalIdRow.__table__, FlagSubject.__table__


# --- the AST ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IdRef:
    """An entity named in a filter value: by our number, or by an external id to look up."""

    kind: str
    number: int | None = None
    scheme: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """One comparison. ``op``: eq, ne, gt, lt, ge, le, range (value..high), null, notnull, in_ids."""

    op: str
    value: Any = None
    high: Any = None


@dataclass(frozen=True, slots=True)
class Clause:
    """A field and its terms, joined by OR (``a|b``) or AND (``a+b``, ``!a``)."""

    key: str
    terms: tuple[Term, ...]
    join: str = "or"


@dataclass(frozen=True, slots=True)
class Order:
    key: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class ListQuery:
    entity: str
    clauses: tuple[Clause, ...] = ()
    within_ids: tuple[int, ...] | None = None  # from a search index; None = no restriction


# --- the fields ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldSQL:
    """How a store key reads: a column of the entity's row (``expr``), or a set of (entity id,
    value) pairs for many-valued fields (``pairs``). ``id_kind``: values are ids of that kind."""

    expr: Callable[[], ColumnElement] | None = None
    pairs: Callable[[], Select] | None = None
    id_kind: str | None = None


@dataclass(frozen=True, slots=True)
class EntitySQL:
    table: Any
    kind: str
    base: Callable[[], Any] = field(default=lambda: None)  # the FROM clause, with 1:1 joins
    where: Callable[[], ColumnElement] | None = None


def _pairs(*cols: ColumnElement, frm: Any = None, where: Any = None) -> Callable[[], Select]:
    def build() -> Select:
        q = select(cols[0].label("eid"), cols[1].label("v"))
        if frm is not None:
            q = q.select_from(frm)
        return q.where(where) if where is not None else q

    return build


def _ext(kind: str, scheme: str, owner: Any) -> ColumnElement:
    return exists().where(X.c.entity_kind == kind, X.c.scheme == scheme, X.c.entity_id == owner)


ENTITIES: dict[str, EntitySQL] = {
    "works": EntitySQL(W, "work", lambda: W),
    "authors": EntitySQL(AU, "author", lambda: AU.outerjoin(ST, ST.c.author_id == AU.c.id).outerjoin(TC, TC.c.author_id == AU.c.id)),
    "institutions": EntitySQL(I, "institution", lambda: I),
    "sources": EntitySQL(S, "source", lambda: S),
    "topics": EntitySQL(T, "topic", lambda: T, lambda: T.c.level == "topic"),
}

FIELDS: dict[str, FieldSQL] = {
    # works
    "works.id": FieldSQL(lambda: W.c.id, id_kind="work"),
    "works.publication_year": FieldSQL(lambda: W.c.publication_year),
    "works.publication_date": FieldSQL(lambda: W.c.publication_date),
    "works.created_date": FieldSQL(lambda: W.c.created_at),
    "works.updated_date": FieldSQL(lambda: W.c.updated_at),
    "works.type": FieldSQL(lambda: W.c.type),
    "works.language": FieldSQL(lambda: W.c.language),
    "works.is_oa": FieldSQL(lambda: W.c.is_oa),
    "works.oa_status": FieldSQL(lambda: W.c.oa_status),
    "works.is_retracted": FieldSQL(lambda: W.c.is_retracted),
    "works.cited_by_count": FieldSQL(lambda: W.c.cited_by_count),
    "works.title": FieldSQL(lambda: W.c.title),
    "works.has_abstract": FieldSQL(lambda: and_(W.c.abstract.is_not(None), W.c.abstract != "")),
    "works.has_doi": FieldSQL(lambda: _ext("work", "doi", W.c.id)),
    "works.has_flags": FieldSQL(lambda: exists().where(FS.c.entity_kind == "work", FS.c.entity_id == W.c.id)),
    "works.doi": FieldSQL(pairs=_pairs(X.c.entity_id, X.c.value, where=and_(X.c.entity_kind == "work", X.c.scheme == "doi"))),
    "works.source_id": FieldSQL(lambda: W.c.primary_source_id, id_kind="source"),
    "works.source_type": FieldSQL(pairs=_pairs(W.c.id, S.c.type, frm=W.join(S, S.c.id == W.c.primary_source_id))),
    "works.author_id": FieldSQL(pairs=_pairs(A.c.work_id, A.c.author_id, where=A.c.author_id.is_not(None)), id_kind="author"),
    "works.institution_id": FieldSQL(pairs=_pairs(A.c.work_id, AFF.c.institution_id, frm=A.join(AFF, AFF.c.authorship_id == A.c.id), where=AFF.c.institution_id.is_not(None)), id_kind="institution"),
    "works.institution_country": FieldSQL(pairs=_pairs(A.c.work_id, I.c.country_code, frm=A.join(AFF, AFF.c.authorship_id == A.c.id).join(I, I.c.id == AFF.c.institution_id))),
    "works.institution_type": FieldSQL(pairs=_pairs(A.c.work_id, I.c.type, frm=A.join(AFF, AFF.c.authorship_id == A.c.id).join(I, I.c.id == AFF.c.institution_id))),
    "works.topic_id": FieldSQL(pairs=_pairs(WT.c.work_id, WT.c.topic_id), id_kind="topic"),
    "works.cites": FieldSQL(pairs=_pairs(C.c.citing_work_id, C.c.cited_work_id, where=C.c.cited_work_id.is_not(None)), id_kind="work"),
    "works.cited_by": FieldSQL(pairs=_pairs(C.c.cited_work_id, C.c.citing_work_id, where=C.c.cited_work_id.is_not(None)), id_kind="work"),
    # authors (author_stats and trust_current are joined 1:1)
    "authors.id": FieldSQL(lambda: AU.c.id, id_kind="author"),
    "authors.display_name": FieldSQL(lambda: AU.c.display_name),
    "authors.orcid": FieldSQL(lambda: AU.c.orcid),
    "authors.has_orcid": FieldSQL(lambda: AU.c.orcid.is_not(None)),
    "authors.works_count": FieldSQL(lambda: func.coalesce(ST.c.works_count, 0)),
    "authors.institution_id": FieldSQL(lambda: ST.c.last_institution_id, id_kind="institution"),
    "authors.institution_country": FieldSQL(pairs=_pairs(ST.c.author_id, I.c.country_code, frm=ST.join(I, I.c.id == ST.c.last_institution_id))),
    "authors.institution_type": FieldSQL(pairs=_pairs(ST.c.author_id, I.c.type, frm=ST.join(I, I.c.id == ST.c.last_institution_id))),
    "authors.created_date": FieldSQL(lambda: AU.c.created_at),
    "authors.updated_date": FieldSQL(lambda: AU.c.updated_at),
    "authors.trust_band": FieldSQL(lambda: TC.c.band),
    "authors.trust_score": FieldSQL(lambda: TC.c.score),
    "authors.verification_level": FieldSQL(lambda: TC.c.verification_level),
    "authors.claimed": FieldSQL(lambda: TC.c.claimed),
    # institutions
    "institutions.id": FieldSQL(lambda: I.c.id, id_kind="institution"),
    "institutions.display_name": FieldSQL(lambda: I.c.display_name),
    "institutions.country_code": FieldSQL(lambda: I.c.country_code),
    "institutions.type": FieldSQL(lambda: I.c.type),
    "institutions.ror": FieldSQL(pairs=_pairs(X.c.entity_id, X.c.value, where=and_(X.c.entity_kind == "institution", X.c.scheme == "ror"))),
    "institutions.has_ror": FieldSQL(lambda: _ext("institution", "ror", I.c.id)),
    # sources
    "sources.id": FieldSQL(lambda: S.c.id, id_kind="source"),
    "sources.display_name": FieldSQL(lambda: S.c.display_name),
    "sources.type": FieldSQL(lambda: S.c.type),
    "sources.issn_l": FieldSQL(lambda: S.c.issn_l),
    "sources.has_issn": FieldSQL(lambda: S.c.issn_l.is_not(None)),
    # topics
    "topics.id": FieldSQL(lambda: T.c.id, id_kind="topic"),
    "topics.display_name": FieldSQL(lambda: T.c.display_name),
}


# --- conditions ---------------------------------------------------------------------------------
def _id_value(ref: IdRef) -> Any:
    if ref.number is not None:
        return literal(ref.number)
    return select(X.c.entity_id).where(X.c.entity_kind == ref.kind, X.c.scheme == ref.scheme, X.c.value == ref.value).scalar_subquery()


def _compare(col: ColumnElement, term: Term) -> ColumnElement:
    v = _id_value(term.value) if isinstance(term.value, IdRef) else term.value
    if isinstance(col.type, DateTime) and type(v) is date:  # a day against a timestamp: the whole day
        start, end = datetime.combine(v, time.min), datetime.combine(v, time.max)
        if term.op == "eq":
            return col.between(start, end)
        if term.op == "ne":
            return not_(col.between(start, end))
        v = {"gt": end, "le": end}.get(term.op, start)
        if term.op == "range" and type(term.high) is date:
            return col.between(start, datetime.combine(term.high, time.max))
    match term.op:
        case "eq":
            return col == v
        case "ne":
            return or_(col != v, col.is_(None))
        case "gt":
            return col > v
        case "lt":
            return col < v
        case "ge":
            return col >= v
        case "le":
            return col <= v
        case "range":
            return col.between(v, term.high)
        case "null":
            return col.is_(None)
        case "notnull":
            return col.is_not(None)
    raise ValueError(f"unknown operator {term.op}")


def _boolean(col: ColumnElement, term: Term) -> ColumnElement:
    # boolean expressions (EXISTS, IS NOT NULL) compare by truth, not with "=" on both dialects
    want = bool(term.value) if term.op == "eq" else not bool(term.value)
    return col if want else not_(col)


def _clause_sql(entity: EntitySQL, clause: Clause) -> ColumnElement:
    spec = FIELDS[clause.key]
    owner = entity.table.c.id
    parts: list[ColumnElement] = []
    for term in clause.terms:
        if spec.pairs is not None:
            pairs = spec.pairs().subquery()
            negated = term.op in ("ne", "null")
            positive = Term("eq", term.value) if term.op == "ne" else term
            if term.op in ("null", "notnull"):
                cond = exists().where(pairs.c.eid == owner)
            else:
                cond = exists().where(pairs.c.eid == owner, _compare(pairs.c.v, positive))
            parts.append(not_(cond) if negated else cond)
            continue
        col = spec.expr()  # type: ignore[misc]
        if isinstance(term.value, bool) and term.op in ("eq", "ne"):
            parts.append(_boolean(col, term))
        else:
            parts.append(_compare(col, term))
    return or_(*parts) if clause.join == "or" else and_(*parts)


def _where(q: ListQuery) -> list[ColumnElement]:
    entity = ENTITIES[q.entity]
    conds = [_clause_sql(entity, c) for c in q.clauses]
    if entity.where is not None:
        conds.append(entity.where())
    if q.within_ids is not None:
        conds.append(entity.table.c.id.in_(list(q.within_ids)) if q.within_ids else false())
    return conds


def _base(q: ListQuery, *cols: Any) -> Select:
    entity = ENTITIES[q.entity]
    return select(*cols).select_from(entity.base()).where(*_where(q))


# boolean expressions (EXISTS, IS NOT NULL) rather than columns: grouped through CASE
PREDICATES = {"works.has_abstract", "works.has_doi", "works.has_flags", "authors.has_orcid", "institutions.has_ror", "sources.has_issn"}


# --- queries ------------------------------------------------------------------------------------
def count(store: Store, q: ListQuery) -> int:
    with store.connect() as conn:
        return int(conn.execute(_base(q, func.count())).scalar_one())


def _order_cols(q: ListQuery, order: Sequence[Order]) -> list[tuple[ColumnElement, bool]]:
    cols = []
    for o in order:
        spec = FIELDS[o.key]
        if spec.expr is None:
            raise ValueError(f"{o.key} cannot be sorted on")
        cols.append((spec.expr(), o.descending))
    cols.append((ENTITIES[q.entity].table.c.id, False))
    return cols


def _after(cols: list[tuple[ColumnElement, bool]], values: Sequence[Any]) -> ColumnElement:
    """Rows after ``values`` in (c1 [desc] nulls last, ..., id) order: the keyset condition."""
    (col, desc), rest = cols[0], cols[1:]
    v = values[0]
    if not rest:
        return col < v if desc else col > v
    tail = _after(rest, values[1:])
    if v is None:
        return and_(col.is_(None), tail)
    beyond = col < v if desc else col > v
    return or_(beyond, and_(col == v, tail), col.is_(None))


def page(store: Store, q: ListQuery, order: Sequence[Order], limit: int, offset: int = 0, after: Sequence[Any] | None = None) -> list[tuple]:
    """Rows of (id, sort values...) in order; ``after`` is the last row of the previous page."""
    cols = _order_cols(q, order)
    stmt = _base(q, ENTITIES[q.entity].table.c.id, *[c for c, _ in cols[:-1]])
    if after is not None:
        stmt = stmt.where(_after(cols, after))
    stmt = stmt.order_by(*[(c.desc() if d else c.asc()).nulls_last() for c, d in cols]).limit(limit).offset(offset)
    with store.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt)]


@dataclass(frozen=True)
class Groups:
    """Group-by counts, most frequent first (nulls left out), and the number of matching
    entities when the grouping query counted them on the way (``None``: count them apart)."""

    rows: list[tuple[Any, int]]
    total: int | None


def group_counts(store: Store, q: ListQuery, key: str, limit: int) -> Groups:
    """(value, count) for the entities that match. A field of the entity's own row is grouped
    with its nulls kept as one more group, so the sum over all groups (a window over the
    grouped rows, taken before the limit) is the number of matching entities: one scan answers
    both the groups and the list's ``count``. A many-valued field counts an entity once per
    value, so its total is left to :func:`count`."""
    spec = FIELDS[key]
    owner = ENTITIES[q.entity].table.c.id
    if spec.pairs is not None:
        pairs = spec.pairs().subquery()
        matching = _base(q, owner)
        n = func.count(func.distinct(pairs.c.eid))
        stmt = select(pairs.c.v, n).where(pairs.c.v.is_not(None))
        if q.clauses or q.within_ids is not None or ENTITIES[q.entity].where is not None:
            stmt = stmt.where(pairs.c.eid.in_(matching))
        stmt = stmt.group_by(pairs.c.v).order_by(n.desc(), literal(1)).limit(limit)
        with store.connect() as conn:
            rows = [(r[0], int(r[1])) for r in conn.execute(stmt)]
        total = None
    else:
        col = spec.expr()  # type: ignore[misc]
        value = case((col, true()), else_=false()) if key in PREDICATES else col
        n = func.count()
        stmt = _base(q, value.label("v"), n, func.sum(n).over()).group_by(value).order_by(n.desc(), literal(1)).limit(limit + 1)
        with store.connect() as conn:
            found = conn.execute(stmt).all()
        total = int(found[0][2]) if found else 0
        rows = [(r[0], int(r[1])) for r in found if r[0] is not None][:limit]
    return Groups(sorted(rows, key=lambda r: (-r[1], str(r[0]))), total)


def sample(store: Store, q: ListQuery, n: int, seed: int) -> list[int]:
    """``n`` matching ids chosen by a seeded hash of the id: the same seed gives the same sample."""
    owner = ENTITIES[q.entity].table.c.id
    mixed = (owner * 2654435761 + (seed % 1_000_003) * 40503) % 4294967291
    with store.connect() as conn:
        return [r[0] for r in conn.execute(_base(q, owner).order_by(mixed, owner).limit(n))]


def names(store: Store, kind: str, ids: Sequence[int]) -> dict[int, str]:
    """Display names of entities of one kind (group-by labels)."""
    table = {"work": W, "author": AU, "institution": I, "source": S, "topic": T}[kind]
    col = W.c.title if kind == "work" else table.c.display_name
    if not ids:
        return {}
    with store.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(table.c.id, col).where(table.c.id.in_(list(ids))))}
