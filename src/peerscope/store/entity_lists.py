"""Rows of the OpenAlex-style lists by id: authors, institutions, sources (venues) and topics,
and prefix matches for autocomplete. Returns view records, in the order of the ids asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from peerscope.store.db import Store
from peerscope.store.models import Author, Authorship, AuthorshipAffiliation, AuthorStats, ExternalIdRow, Institution, Source, Topic, Work, WorkTopic
from peerscope.store.queries import _ids_of
from peerscope.store.views import AuthorSummary, IdView, Ref

W, A, AFF, I = Work.__table__, Authorship.__table__, AuthorshipAffiliation.__table__, Institution.__table__
AU, ST, S, T, WT, X = Author.__table__, AuthorStats.__table__, Source.__table__, Topic.__table__, WorkTopic.__table__, ExternalIdRow.__table__


@dataclass(frozen=True, slots=True)
class EntityRow:
    """An institution, source or topic as lists show it."""

    id: int
    display_name: str
    works_count: int
    ids: tuple[IdView, ...]
    country_code: str | None = None
    type: str | None = None
    issn_l: str | None = None
    publisher: str | None = None
    level: str | None = None
    parent: Ref | None = None


def _like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (the escape character is a backslash)."""
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def external_ids(store: Store, kind: str, ids: Sequence[int]) -> dict[int, tuple[IdView, ...]]:
    """Every external id of the given entities (list rows show them as OpenAlex does)."""
    if not ids:
        return {}
    with store.connect() as conn:
        return _ids_of(conn, kind, ids)


def author_summaries(store: Store, ids: Sequence[int]) -> list[AuthorSummary]:
    if not ids:
        return []
    with store.connect() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(AU.c.id, AU.c.display_name, AU.c.orcid, ST.c.works_count, I.c.id.label("iid"), I.c.display_name.label("iname"))
                .select_from(AU.outerjoin(ST, ST.c.author_id == AU.c.id).outerjoin(I, I.c.id == ST.c.last_institution_id))
                .where(AU.c.id.in_(list(ids)))
            )
        }
    return [
        AuthorSummary(r.id, r.display_name, r.orcid, r.works_count or 0, Ref(r.iid, r.iname) if r.iid else None)
        for r in (rows.get(i) for i in ids)
        if r is not None
    ]


def entity_rows(store: Store, kind: str, ids: Sequence[int]) -> list[EntityRow]:
    """Institutions, sources or topics by id, with how many works in the graph each has."""
    if not ids:
        return []
    wanted = list(ids)
    with store.connect() as conn:
        if kind == "institution":
            counted = (
                select(AFF.c.institution_id, func.count(func.distinct(A.c.work_id)))
                .select_from(AFF.join(A, A.c.id == AFF.c.authorship_id))
                .where(AFF.c.institution_id.in_(wanted))
                .group_by(AFF.c.institution_id)
            )
            rows = conn.execute(select(I).where(I.c.id.in_(wanted))).all()
        elif kind == "source":
            counted = select(W.c.primary_source_id, func.count()).where(W.c.primary_source_id.in_(wanted)).group_by(W.c.primary_source_id)
            rows = conn.execute(select(S).where(S.c.id.in_(wanted))).all()
        elif kind == "topic":
            counted = select(WT.c.topic_id, func.count()).where(WT.c.topic_id.in_(wanted)).group_by(WT.c.topic_id)
            rows = conn.execute(select(T).where(T.c.id.in_(wanted))).all()
        else:
            raise ValueError(f"no list rows for {kind}")
        counts = {k: int(n) for k, n in conn.execute(counted)}
        ext = _ids_of(conn, kind, wanted)
        parents: dict[int, str] = {}
        if kind == "topic":
            pids = sorted({r.parent_id for r in rows if r.parent_id is not None})
            parents = {r[0]: r[1] for r in conn.execute(select(T.c.id, T.c.display_name).where(T.c.id.in_(pids)))} if pids else {}
    by_id = {}
    for r in rows:
        m = r._mapping
        by_id[r.id] = EntityRow(
            id=r.id,
            display_name=r.display_name,
            works_count=counts.get(r.id, 0),
            ids=ext.get(r.id, ()),
            country_code=m.get("country_code"),
            type=m.get("type"),
            issn_l=m.get("issn_l"),
            publisher=m.get("publisher"),
            level=m.get("level"),
            parent=Ref(r.parent_id, parents.get(r.parent_id, "")) if m.get("parent_id") is not None else None,
        )
    return [by_id[i] for i in ids if i in by_id]


def name_prefix(store: Store, kind: str, text: str, limit: int) -> list[tuple[int, str]]:
    """Entities whose name starts with ``text`` (case-insensitive), shortest names first."""
    table = {"author": AU, "institution": I, "source": S, "topic": T}[kind]
    name = table.c.display_name
    pattern = _like(text) + "%"
    stmt = select(table.c.id, name).where(func.lower(name).like(pattern, escape="\\"))
    if kind == "topic":
        stmt = stmt.where(T.c.level == "topic")
    with store.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(stmt.order_by(func.length(name), table.c.id).limit(limit))]


def name_contains_ids(store: Store, kind: str, words: Sequence[str], cap: int) -> list[int]:
    """Ids of entities whose name contains every word (case-insensitive), at most ``cap``."""
    table = {"author": AU, "institution": I, "source": S, "topic": T}[kind]
    name = func.lower(table.c.display_name)
    conds = [name.like("%" + _like(w) + "%", escape="\\") for w in words]
    with store.connect() as conn:
        return [r[0] for r in conn.execute(select(table.c.id).where(*conds).order_by(table.c.id).limit(cap))]
