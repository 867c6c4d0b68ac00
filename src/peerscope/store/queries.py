"""Read queries for pages and the API. Each returns view records from ``views``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import orjson
from sqlalchemy import Connection, func, select

from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    AuthorName,
    Authorship,
    AuthorshipAffiliation,
    AuthorStats,
    AuthorTopic,
    Citation,
    Collaborator,
    ExternalIdRow,
    Institution,
    Location,
    RawRecord,
    Redirect,
    Source,
    Topic,
    Work,
    WorkConflict,
    WorkRecordRow,
    WorkSignal,
    WorkTopic,
)
from peerscope.store.views import (
    AuthorProfile,
    AuthorStatsView,
    AuthorSummary,
    BylineEntry,
    CollaboratorView,
    ConflictView,
    IdView,
    InstitutionView,
    LocationView,
    VersionNote,
    Page,
    ProvenanceView,
    Ref,
    SignalView,
    TopicView,
    VenueView,
    WorkDetail,
    WorkSummary,
)

W, A, S = Work.__table__, Authorship.__table__, Source.__table__
AU, X, I = Author.__table__, ExternalIdRow.__table__, Institution.__table__
AFF, T, WT = AuthorshipAffiliation.__table__, Topic.__table__, WorkTopic.__table__
ST, AT, CO = AuthorStats.__table__, AuthorTopic.__table__, Collaborator.__table__


# --- identifiers -------------------------------------------------------------------------------
def find_by_external_id(store: Store, kind: str, scheme: str, value: str) -> int | None:
    with store.connect() as conn:
        return conn.execute(
            select(X.c.entity_id).where(X.c.entity_kind == kind, X.c.scheme == scheme, X.c.value == value)
        ).scalar()


def redirect_target(store: Store, kind: str, old_id: int) -> int | None:
    """Follow redirect records (merges) to the surviving id; None when ``old_id`` was never merged."""
    r = Redirect.__table__
    seen: set[int] = set()
    current = old_id
    with store.connect() as conn:
        while current not in seen:
            seen.add(current)
            nxt = conn.execute(select(r.c.new_id).where(r.c.entity_kind == kind, r.c.old_id == current)).scalar()
            if nxt is None:
                break
            current = nxt
    return current if current != old_id else None


def exists(store: Store, kind: str, entity_id: int) -> bool:
    table = {"work": W, "author": AU, "institution": I, "source": S, "topic": T}[kind]
    cond = table.c.id == entity_id  # any level of the topic hierarchy is a topic page
    with store.connect() as conn:
        return conn.execute(select(table.c.id).where(cond)).first() is not None


def _ids_of(conn: Connection, kind: str, entity_ids: Sequence[int]) -> dict[int, tuple[IdView, ...]]:
    out: dict[int, list[IdView]] = {}
    if not entity_ids:
        return {}
    q = select(X.c.entity_id, X.c.scheme, X.c.value).where(X.c.entity_kind == kind, X.c.entity_id.in_(list(entity_ids)), X.c.scheme != "mention")
    for eid, scheme, value in conn.execute(q.order_by(X.c.entity_id, X.c.scheme, X.c.value)):
        out.setdefault(eid, []).append(IdView(scheme, value))
    return {k: tuple(v) for k, v in out.items()}


# --- works ------------------------------------------------------------------------------------
def _bylines(conn: Connection, work_ids: Sequence[int], with_affiliations: bool) -> dict[int, tuple[BylineEntry, ...]]:
    if not work_ids:
        return {}
    rows = conn.execute(
        select(A.c.id, A.c.work_id, A.c.position, A.c.raw_author_name, A.c.author_id, A.c.is_corresponding, AU.c.display_name, AU.c.orcid)
        .select_from(A.outerjoin(AU, AU.c.id == A.c.author_id))
        .where(A.c.work_id.in_(list(work_ids)))
        .order_by(A.c.work_id, A.c.position)
    ).all()
    affs: dict[int, list[tuple[str | None, InstitutionView | None]]] = {}
    if with_affiliations and rows:
        q = (
            select(AFF.c.authorship_id, AFF.c.raw_affiliation, I.c.id, I.c.display_name, I.c.country_code, I.c.type)
            .select_from(AFF.outerjoin(I, I.c.id == AFF.c.institution_id))
            .where(AFF.c.authorship_id.in_([r.id for r in rows]))
            .order_by(AFF.c.id)
        )
        found = conn.execute(q).all()
        inst_ids = _ids_of(conn, "institution", sorted({r[2] for r in found if r[2] is not None}))
        for sid, raw, iid, iname, cc, itype in found:
            inst = InstitutionView(iid, iname, cc, itype, inst_ids.get(iid, ())) if iid is not None else None
            affs.setdefault(sid, []).append((raw, inst))
    out: dict[int, list[BylineEntry]] = {}
    for r in rows:
        items = affs.get(r.id, [])
        insts: list[InstitutionView] = []
        for _, inst in items:
            if inst is not None and inst not in insts:
                insts.append(inst)
        out.setdefault(r.work_id, []).append(
            BylineEntry(
                position=r.position,
                name=r.raw_author_name,
                author=Ref(r.author_id, r.display_name) if r.author_id is not None else None,
                orcid=r.orcid,
                is_corresponding=r.is_corresponding,
                raw_affiliations=tuple(dict.fromkeys(raw for raw, _ in items if raw)),
                institutions=tuple(insts),
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def _summaries(conn: Connection, work_ids: Sequence[int], with_affiliations: bool = False) -> list[WorkSummary]:
    if not work_ids:
        return []
    rows = {
        r.id: r
        for r in conn.execute(
            select(W, S.c.display_name.label("venue_name"), S.c.type.label("venue_type"))
            .select_from(W.outerjoin(S, S.c.id == W.c.primary_source_id))
            .where(W.c.id.in_(list(work_ids)))
        )
    }
    bylines = _bylines(conn, list(rows), with_affiliations)
    versions = _other_versions(conn, list(rows))
    out = []
    for wid in work_ids:
        r = rows.get(wid)
        if r is None:
            continue
        out.append(
            WorkSummary(
                id=r.id,
                title=r.title,
                abstract=r.abstract,
                type=r.type,
                publication_year=r.publication_year,
                publication_date=r.publication_date,
                venue=Ref(r.primary_source_id, r.venue_name) if r.primary_source_id else None,
                venue_type=r.venue_type,
                is_oa=r.is_oa,
                is_retracted=r.is_retracted,
                cited_by_count=r.cited_by_count,
                byline=bylines.get(r.id, ()),
                other_versions=versions.get(r.id, ()),
            )
        )
    return out


def _other_versions(conn: Connection, work_ids: list[int]) -> dict[int, tuple[VersionNote, ...]]:
    """Each work's locations besides the primary one, with their venue: a preprint and its
    published version folded into one work show both."""
    loc = Location.__table__
    out: dict[int, list[VersionNote]] = {}
    rows = conn.execute(
        select(loc.c.work_id, loc.c.version, S.c.display_name)
        .select_from(loc.outerjoin(S, S.c.id == loc.c.source_id))
        .where(loc.c.work_id.in_(work_ids), loc.c.is_primary.is_(False))
        .order_by(loc.c.work_id, loc.c.id)
    )
    for work_id, version, venue in rows:
        note = VersionNote(version, venue)
        if note not in out.setdefault(work_id, []):
            out[work_id].append(note)
    return {k: tuple(v) for k, v in out.items()}


def work_summaries(store: Store, work_ids: Sequence[int]) -> list[WorkSummary]:
    """Summaries in the order of ``work_ids`` (unknown ids are left out)."""
    with store.connect() as conn:
        return _summaries(conn, work_ids)


def get_work(store: Store, work_id: int) -> WorkDetail | None:
    with store.connect() as conn:
        found = _summaries(conn, [work_id], with_affiliations=True)
        if not found:
            return None
        summary = found[0]
        w = conn.execute(select(W).where(W.c.id == work_id)).one()
        raw = conn.execute(select(RawRecord.__table__.c.source, RawRecord.__table__.c.source_id, RawRecord.__table__.c.retrieved_at, RawRecord.__table__.c.ingested_at).where(RawRecord.__table__.c.id == w.raw_record_id)).one()
        L = Location.__table__
        locs = tuple(
            LocationView(
                venue=VenueView(r.sid, r.sname, r.stype, r.issn_l, r.publisher) if r.sid else None,
                landing_page_url=r.landing_page_url,
                pdf_url=r.pdf_url,
                is_oa=r.is_oa,
                version=r.version,
                license=r.license,
                is_primary=r.is_primary,
            )
            for r in conn.execute(
                select(L, S.c.id.label("sid"), S.c.display_name.label("sname"), S.c.type.label("stype"), S.c.issn_l, S.c.publisher)
                .select_from(L.outerjoin(S, S.c.id == L.c.source_id))
                .where(L.c.work_id == work_id)
                .order_by(L.c.is_primary.desc(), L.c.id)
            )
        )
        topics = tuple(
            TopicView(tid, name, level, score=score, lineage=lineage_of(conn, parent))
            for tid, name, level, parent, score in conn.execute(
                select(T.c.id, T.c.display_name, T.c.level, T.c.parent_id, WT.c.score)
                .select_from(WT.join(T, T.c.id == WT.c.topic_id))
                .where(WT.c.work_id == work_id)
                .order_by(WT.c.score.desc(), T.c.id)
            )
        )
        C = Citation.__table__
        refs = tuple(
            Ref(r.id, r.title)
            for r in conn.execute(
                select(W.c.id, W.c.title).select_from(C.join(W, W.c.id == C.c.cited_work_id)).where(C.c.citing_work_id == work_id).order_by(W.c.publication_year.desc(), W.c.id)
            )
        )
        ref_count = conn.execute(select(func.count()).select_from(C).where(C.c.citing_work_id == work_id)).scalar_one()
        cited_by = conn.execute(select(func.count()).select_from(C).where(C.c.cited_work_id == work_id)).scalar_one()
        R, RR = WorkRecordRow.__table__, RawRecord.__table__
        records = tuple(
            ProvenanceView(r.source, r.source_id, r.retrieved_at, r.ingested_at)
            for r in conn.execute(
                select(RR.c.source, RR.c.source_id, RR.c.retrieved_at, RR.c.ingested_at)
                .select_from(R.join(RR, RR.c.id == R.c.raw_record_id))
                .where(R.c.work_id == work_id)
                .order_by(RR.c.source, RR.c.source_id)
            )
        )
        WC, WS = WorkConflict.__table__, WorkSignal.__table__
        conflicts = tuple(
            ConflictView(r.field, r.chosen_source, orjson.loads(r.values_json))
            for r in conn.execute(select(WC).where(WC.c.work_id == work_id).order_by(WC.c.field))
        )
        signals = tuple(
            SignalView(r.source, r.kind, r.observed_on, r.value, r.actor)
            for r in conn.execute(select(WS).where(WS.c.work_id == work_id).order_by(WS.c.observed_on.desc(), WS.c.kind))
        )
        return WorkDetail(
            records=records,
            field_sources=orjson.loads(w.field_sources) if w.field_sources else None,
            conflicts=conflicts,
            signals=signals,
            categories=tuple(orjson.loads(w.categories)) if w.categories else (),
            journal_ref=w.journal_ref,
            notices=tuple(n for n in (w.notices or "").split(",") if n),
            summary=summary,
            ids=_ids_of(conn, "work", [work_id]).get(work_id, ()),
            language=w.language,
            oa_status=w.oa_status,
            oa_url=w.oa_url,
            locations=locs,
            topics=topics,
            references=refs,
            references_count=ref_count,
            cited_by_in_graph=cited_by,
            provenance=ProvenanceView(raw.source, raw.source_id, raw.retrieved_at, raw.ingested_at),
            source_updated_at=w.source_updated_at,
            created_at=w.created_at,
            updated_at=w.updated_at,
        )


def lineage_of(conn: Connection, parent_id: int | None) -> tuple[Ref, ...]:
    """The ancestors of a topic whose parent is ``parent_id``, root first (at most 6)."""
    chain: list[Ref] = []
    while parent_id is not None and len(chain) < 6:
        row = conn.execute(select(T.c.id, T.c.display_name, T.c.parent_id).where(T.c.id == parent_id)).first()
        if row is None:
            break
        chain.append(Ref(row.id, row.display_name))
        parent_id = row.parent_id
    return tuple(reversed(chain))


def list_works(store: Store, offset: int, limit: int, sort: str = "id") -> Page:
    order = {
        "id": [W.c.id],
        "publication_date": [W.c.publication_date.desc(), W.c.id],
        "cited_by_count": [W.c.cited_by_count.desc(), W.c.id],
    }[sort]
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(W)).scalar_one()
        ids = [r[0] for r in conn.execute(select(W.c.id).order_by(*order).limit(limit).offset(offset))]
        return Page(tuple(_summaries(conn, ids)), total)


def works_on_day(store: Store, day: date, limit: int = 100) -> list[WorkSummary]:
    with store.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                select(W.c.id).where(W.c.publication_date == day).order_by(W.c.cited_by_count.desc(), W.c.id).limit(limit)
            )
        ]
        return _summaries(conn, ids)


def day_neighbours(store: Store, day: date) -> tuple[date | None, date | None, date | None]:
    """(previous day with works, next day with works, latest day with works)."""
    with store.connect() as conn:
        prev = conn.execute(select(func.max(W.c.publication_date)).where(W.c.publication_date < day)).scalar()
        nxt = conn.execute(select(func.min(W.c.publication_date)).where(W.c.publication_date > day)).scalar()
        latest = conn.execute(select(func.max(W.c.publication_date))).scalar()
        return prev, nxt, latest


# --- authors ----------------------------------------------------------------------------------
def get_author(store: Store, author_id: int, topics_limit: int = 12, collaborators_limit: int = 12) -> AuthorProfile | None:
    with store.connect() as conn:
        a = conn.execute(select(AU).where(AU.c.id == author_id)).first()
        if a is None:
            return None
        stats_row = conn.execute(select(ST).where(ST.c.author_id == author_id)).first()
        stats = (
            AuthorStatsView(
                stats_row.works_count,
                stats_row.topics_count,
                stats_row.close_collaborators_count,
                stats_row.first_year,
                stats_row.last_year,
                stats_row.code_version,
                stats_row.computed_at,
            )
            if stats_row
            else None
        )
        affiliation = None
        if stats_row and stats_row.last_institution_id:
            inst = conn.execute(select(I).where(I.c.id == stats_row.last_institution_id)).first()
            if inst:
                affiliation = InstitutionView(inst.id, inst.display_name, inst.country_code, inst.type, _ids_of(conn, "institution", [inst.id]).get(inst.id, ()))
        topics = tuple(
            TopicView(tid, name, level, score=score, works_count=n)
            for tid, name, level, n, score in conn.execute(
                select(T.c.id, T.c.display_name, T.c.level, AT.c.works_count, AT.c.score)
                .select_from(AT.join(T, T.c.id == AT.c.topic_id))
                .where(AT.c.author_id == author_id)
                .order_by(AT.c.works_count.desc(), AT.c.score.desc(), T.c.id)
                .limit(topics_limit)
            )
        )
        collaborators = tuple(
            CollaboratorView(Ref(r.coauthor_id, r.display_name), r.joint_works, r.first_year, r.last_year, r.is_close)
            for r in conn.execute(
                select(CO.c.coauthor_id, AU.c.display_name, CO.c.joint_works, CO.c.first_year, CO.c.last_year, CO.c.is_close)
                .select_from(CO.join(AU, AU.c.id == CO.c.coauthor_id))
                .where(CO.c.author_id == author_id)
                .order_by(CO.c.is_close.desc(), CO.c.joint_works.desc(), CO.c.coauthor_id)
                .limit(collaborators_limit)
            )
        )
        names = tuple(r[0] for r in conn.execute(select(AuthorName.__table__.c.name).where(AuthorName.__table__.c.author_id == author_id).order_by(AuthorName.__table__.c.name)))
        cited = conn.execute(
            select(func.coalesce(func.sum(W.c.cited_by_count), 0)).where(W.c.id.in_(select(A.c.work_id).where(A.c.author_id == author_id)))
        ).scalar_one()
        return AuthorProfile(
            id=a.id,
            display_name=a.display_name,
            orcid=a.orcid,
            ids=_ids_of(conn, "author", [author_id]).get(author_id, ()),
            name_variants=tuple(n for n in names if n != a.display_name),
            description=a.description,
            open_to_collaborate=a.open_to_collaborate,
            affiliation=affiliation,
            stats=stats,
            topics=topics,
            collaborators=collaborators,
            cited_by_count=int(cited),
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


def author_works(store: Store, author_id: int, offset: int, limit: int) -> Page:
    """The author's works, newest first."""
    cond = W.c.id.in_(select(A.c.work_id).where(A.c.author_id == author_id))
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(W).where(cond)).scalar_one()
        ids = [
            r[0]
            for r in conn.execute(
                select(W.c.id).where(cond).order_by(W.c.publication_date.desc().nulls_last(), W.c.id.desc()).limit(limit).offset(offset)
            )
        ]
        return Page(tuple(_summaries(conn, ids)), total)


def list_authors(store: Store, offset: int, limit: int, sort: str = "id") -> Page:
    order = {"id": [AU.c.id], "works_count": [func.coalesce(ST.c.works_count, 0).desc(), AU.c.id]}[sort]
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(AU)).scalar_one()
        rows = conn.execute(
            select(AU.c.id, AU.c.display_name, AU.c.orcid, ST.c.works_count, I.c.id.label("iid"), I.c.display_name.label("iname"))
            .select_from(AU.outerjoin(ST, ST.c.author_id == AU.c.id).outerjoin(I, I.c.id == ST.c.last_institution_id))
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        items = tuple(
            AuthorSummary(r.id, r.display_name, r.orcid, r.works_count or 0, Ref(r.iid, r.iname) if r.iid else None) for r in rows
        )
        return Page(items, total)


def busiest_author(store: Store) -> int | None:
    """The author with the most works (the demo opens their profile)."""
    with store.connect() as conn:
        return conn.execute(select(ST.c.author_id).order_by(ST.c.works_count.desc(), ST.c.author_id).limit(1)).scalar()


def counts(store: Store) -> dict[str, int]:
    with store.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for name, t in (("works", W), ("authors", AU), ("institutions", I), ("sources", S), ("citations", Citation.__table__))
        } | {"topics": conn.execute(select(func.count()).select_from(T).where(T.c.level == "topic")).scalar_one()}
