"""Storage side of the trust model: the graph facts it reads, in bulk, and its snapshots
(``trust_snapshots``: the history; ``trust_current``: the latest per author)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import and_, func, select

from peerscope.store.bulk import insert_rows, insert_with_ids
from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    AuthorLink,
    Authorship,
    AuthorStats,
    AuthorWorkRef,
    Citation,
    ExternalIdRow,
    FlagSubject,
    Institution,
    IntegrityFlag,
    RawRecord,
    ResolutionChange,
    ResolutionRun,
    RetiredAuthor,
    TrustCurrent,
    TrustSnapshot,
    Work,
    WorkConflict,
    WorkRecordRow,
)
from peerscope.store.views import AuthorSummary, Page, Ref

CHUNK = 500


@dataclass(frozen=True, slots=True)
class GraphWork:
    id: int
    year: int | None
    month: str | None
    type: str | None
    has_abstract: bool
    retracted: bool
    notices: tuple[str, ...]
    field: str  # its first subject label, or its type when it has none
    retrieved: str | None
    sources: tuple[str, ...]  # sources still describing it; none means deleted upstream


@dataclass(frozen=True, slots=True)
class GraphByline:
    position: int
    author_id: int | None
    orcid: str | None
    source: str  # the source of the record the byline came from


@dataclass(frozen=True, slots=True)
class TrustGraph:
    """Everything the trust model reads, for the whole graph."""

    works: Mapping[int, GraphWork]
    bylines: Mapping[int, tuple[GraphByline, ...]]
    citations: Sequence[tuple[int, int]]  # (citing work, cited work), linked, never a work citing itself
    conflicts: Mapping[int, int]
    links: Mapping[tuple[int, int], tuple[str, float | None]]  # (work, position) -> (rule, score)
    merges: Mapping[int, int]
    splits: Mapping[int, int]
    last_run: Mapping[int, str]
    flags: Mapping[int, tuple[tuple[int, str, str, str, str, bool], ...]]  # author -> (flag id, kind, severity, created, role, from a document)
    self_asserted: Mapping[int, int]
    author_ids: Sequence[int] = field(default=())


def _iso(d: datetime | None) -> str | None:
    return d.date().isoformat() if d else None


def read_trust_graph(store: Store) -> TrustGraph:
    w, raw, a, wr = Work.__table__, RawRecord.__table__, Authorship.__table__, WorkRecordRow.__table__
    with store.connect() as conn:
        sources: dict[int, list[str]] = defaultdict(list)
        for wid, source in conn.execute(select(wr.c.work_id, wr.c.source).distinct()):
            sources[wid].append(source)
        works: dict[int, GraphWork] = {}
        q = select(w.c.id, w.c.publication_year, w.c.publication_date, w.c.type, w.c.abstract.is_not(None), w.c.is_retracted, w.c.notices, w.c.categories, raw.c.retrieved_at, raw.c.source).join(raw, raw.c.id == w.c.raw_record_id)
        for wid, year, day, wtype, has_abstract, retracted, notices, categories, retrieved, own_source in conn.execute(q):
            labels = orjson.loads(categories) if categories else []
            works[wid] = GraphWork(
                wid, year, day.strftime("%Y-%m") if day else None, wtype, bool(has_abstract), bool(retracted),
                tuple(n for n in (notices or "").split(",") if n), str(labels[0]) if labels else (wtype or "unknown"),
                _iso(retrieved), tuple(sorted(set(sources.get(wid, ()))))
            )
        bylines: dict[int, list[GraphByline]] = defaultdict(list)
        for wid, pos, aid, orcid, source in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id, a.c.orcid, raw.c.source).join(raw, raw.c.id == a.c.raw_record_id)):
            bylines[wid].append(GraphByline(pos, aid, orcid, source))
        c = Citation.__table__
        citations = [(x, y) for x, y in conn.execute(select(c.c.citing_work_id, c.c.cited_work_id).where(c.c.cited_work_id.is_not(None), c.c.cited_work_id != c.c.citing_work_id).distinct())]
        wc = WorkConflict.__table__
        conflicts = {wid: n for wid, n in conn.execute(select(wc.c.work_id, func.count()).group_by(wc.c.work_id))}
        al, rr = AuthorLink.__table__, ResolutionRun.__table__
        links: dict[tuple[int, int], tuple[str, float | None]] = {}
        last_run: dict[int, str] = {}
        for wid, pos, aid, rule, score_, finished in conn.execute(select(al.c.work_id, al.c.position, al.c.author_id, al.c.rule, al.c.score, rr.c.finished_at).join(rr, rr.c.id == al.c.run_id)):
            links[(wid, pos)] = (rule, score_)
            day = _iso(finished)
            if day and day > last_run.get(aid, ""):
                last_run[aid] = day
        ra = RetiredAuthor.__table__
        live = rr.c.undone_by_run.is_(None)
        merges = dict(conn.execute(select(ra.c.survivor_id, func.count()).join(rr, rr.c.id == ra.c.run_id).where(live).group_by(ra.c.survivor_id)).all())
        ch, au = ResolutionChange.__table__, Author.__table__
        splits = dict(conn.execute(
            select(ch.c.from_author_id, func.count()).join(rr, rr.c.id == ch.c.run_id).join(au, au.c.id == ch.c.from_author_id)
            .where(live, rr.c.stage == "authors", ch.c.from_author_id != ch.c.to_author_id).group_by(ch.c.from_author_id)
        ).all())
        f, s = IntegrityFlag.__table__, FlagSubject.__table__
        flags: dict[int, list[tuple[int, str, str, str, str, bool]]] = defaultdict(list)
        for aid, fid, kind, severity, created, role, document_id in conn.execute(
            select(s.c.entity_id, f.c.id, f.c.kind, f.c.severity, f.c.created_at, s.c.role, f.c.document_id).join(f, f.c.id == s.c.flag_id)
            .where(s.c.entity_kind == "author", f.c.status == "open").order_by(s.c.entity_id, f.c.id)
        ):
            flags[int(aid)].append((int(fid), kind, severity, _iso(created) or "", role or "subject", document_id is not None))
        e, ref = ExternalIdRow.__table__, AuthorWorkRef.__table__
        self_asserted: Counter[int] = Counter()
        for aid, n in conn.execute(select(e.c.entity_id, func.count()).join(raw, raw.c.id == e.c.raw_record_id).where(e.c.entity_kind == "author", raw.c.source == "orcid").group_by(e.c.entity_id)):
            self_asserted[int(aid)] += n
        for aid, n in conn.execute(select(ref.c.author_id, func.count()).where(ref.c.asserted_by == "").group_by(ref.c.author_id)):
            self_asserted[int(aid)] += n
        author_ids = [r[0] for r in conn.execute(select(au.c.id).order_by(au.c.id))]
    return TrustGraph(
        works, {k: tuple(sorted(v, key=lambda b: b.position)) for k, v in bylines.items()}, citations, conflicts,
        links, merges, splits, last_run, {k: tuple(v) for k, v in flags.items()}, dict(self_asserted), author_ids,
    )


# --- snapshots -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """A snapshot to store: the score's fields with its components and changes as plain data."""

    author_id: int
    model_version: str
    inputs_hash: str
    score: int
    band: str
    verification_level: str
    claimed: bool
    components: list
    changes: list


@dataclass(frozen=True, slots=True)
class SnapshotView(SnapshotRow):
    """A stored snapshot: the row as written, with its id and time."""

    id: int
    computed_at: datetime


def current_states(store: Store) -> dict[int, tuple[str, str]]:
    """author -> (model version, inputs hash) of their latest snapshot."""
    t = TrustCurrent.__table__
    with store.connect() as conn:
        return {aid: (v, h) for aid, v, h in conn.execute(select(t.c.author_id, t.c.model_version, t.c.inputs_hash))}


def latest_components(store: Store, author_ids: Sequence[int]) -> dict[int, tuple[int, list]]:
    """author -> (score, components) of their latest snapshot, to explain what changed."""
    t, cur = TrustSnapshot.__table__, TrustCurrent.__table__
    out: dict[int, tuple[int, list]] = {}
    with store.connect() as conn:
        for start in range(0, len(author_ids), CHUNK):
            chunk = list(author_ids[start : start + CHUNK])
            q = select(t.c.author_id, t.c.score, t.c.components).join(cur, cur.c.snapshot_id == t.c.id).where(cur.c.author_id.in_(chunk))
            out.update({aid: (score, orjson.loads(comps)) for aid, score, comps in conn.execute(q)})
    return out


def write_snapshots(store: Store, rows: Sequence[SnapshotRow], removed: Sequence[int], computed_at: datetime) -> None:
    """Append the snapshots and point each author's current row at theirs, in one transaction;
    authors no longer in the graph leave ``trust_current`` (their history stays)."""
    s, cur = TrustSnapshot.__table__, TrustCurrent.__table__
    with store.begin(write=True) as conn:
        for start in range(0, len(removed), CHUNK):
            conn.execute(cur.delete().where(cur.c.author_id.in_(list(removed[start : start + CHUNK]))))
        if not rows:
            return
        values = [
            {"author_id": r.author_id, "model_version": r.model_version, "inputs_hash": r.inputs_hash, "score": r.score, "band": r.band,
             "verification_level": r.verification_level, "claimed": r.claimed, "components": orjson.dumps(r.components).decode(),
             "changes": orjson.dumps(r.changes).decode(), "computed_at": computed_at}
            for r in rows
        ]
        ids = insert_with_ids(conn, s, values)
        current = [
            {"author_id": r.author_id, "snapshot_id": i, "score": r.score, "band": r.band, "verification_level": r.verification_level,
             "claimed": r.claimed, "model_version": r.model_version, "inputs_hash": r.inputs_hash, "computed_at": computed_at}
            for r, i in zip(rows, ids)
        ]
        insert_rows(conn, cur, current, update_on=("author_id",))


def _view(r) -> SnapshotView:  # type: ignore[no-untyped-def]
    return SnapshotView(int(r.author_id), r.model_version, r.inputs_hash, r.score, r.band, r.verification_level, bool(r.claimed),
                        orjson.loads(r.components), orjson.loads(r.changes), id=int(r.id), computed_at=r.computed_at)


def current_snapshot(store: Store, author_id: int) -> SnapshotView | None:
    s, cur = TrustSnapshot.__table__, TrustCurrent.__table__
    with store.connect() as conn:
        r = conn.execute(select(s).join(cur, cur.c.snapshot_id == s.c.id).where(cur.c.author_id == author_id)).first()
    return _view(r) if r else None


def history(store: Store, author_id: int, limit: int = 100) -> list[SnapshotView]:
    """The author's snapshots, oldest first (the newest ``limit``)."""
    s = TrustSnapshot.__table__
    with store.connect() as conn:
        rows = conn.execute(select(s).where(s.c.author_id == author_id).order_by(s.c.id.desc()).limit(limit)).all()
    return [_view(r) for r in reversed(rows)]


@dataclass(frozen=True, slots=True)
class TrustBadge:
    score: int
    band: str
    verification_level: str
    claimed: bool
    model_version: str
    computed_at: datetime


def badges(store: Store, author_ids: Sequence[int]) -> dict[int, TrustBadge]:
    """The latest score, band and level of each given author that has one."""
    cur = TrustCurrent.__table__
    out: dict[int, TrustBadge] = {}
    ids = sorted(set(author_ids))
    with store.connect() as conn:
        for start in range(0, len(ids), CHUNK):
            q = select(cur.c.author_id, cur.c.score, cur.c.band, cur.c.verification_level, cur.c.claimed, cur.c.model_version, cur.c.computed_at).where(cur.c.author_id.in_(ids[start : start + CHUNK]))
            out.update({r[0]: TrustBadge(r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in conn.execute(q)})
    return out


def list_authors_by_trust(store: Store, offset: int, limit: int, *, band: str | None = None, level: str | None = None, sort: str = "id", descending: bool = False) -> Page:
    """Authors with a trust snapshot, filtered by band and/or level, ordered by trust score (ties by
    id) or by id."""
    au, cur, st, inst = Author.__table__, TrustCurrent.__table__, AuthorStats.__table__, Institution.__table__
    cond = [c for c in (cur.c.band == band if band else None, cur.c.verification_level == level if level else None) if c is not None]
    where = and_(*cond) if cond else None
    if sort == "trust_score":
        order = [cur.c.score.desc() if descending else cur.c.score.asc(), au.c.id]
    elif sort == "works_count":
        order = [func.coalesce(st.c.works_count, 0).desc(), au.c.id]
    else:
        order = [au.c.id.desc() if descending else au.c.id]
    base = au.join(cur, cur.c.author_id == au.c.id)
    with store.connect() as conn:
        count_q = select(func.count()).select_from(base)
        total = conn.execute(count_q.where(where) if where is not None else count_q).scalar_one()
        q = (
            select(au.c.id, au.c.display_name, au.c.orcid, st.c.works_count, inst.c.id.label("iid"), inst.c.display_name.label("iname"))
            .select_from(base.outerjoin(st, st.c.author_id == au.c.id).outerjoin(inst, inst.c.id == st.c.last_institution_id))
            .order_by(*order).limit(limit).offset(offset)
        )
        rows = conn.execute(q.where(where) if where is not None else q).all()
    items = tuple(AuthorSummary(r.id, r.display_name, r.orcid, r.works_count or 0, Ref(r.iid, r.iname) if r.iid else None) for r in rows)
    return Page(items, total)


def distribution(store: Store) -> dict:
    """Counts of current snapshots by band and by level, and every score (for percentiles)."""
    cur = TrustCurrent.__table__
    with store.connect() as conn:
        bands = dict(conn.execute(select(cur.c.band, func.count()).group_by(cur.c.band)).all())
        levels = dict(conn.execute(select(cur.c.verification_level, func.count()).group_by(cur.c.verification_level)).all())
        scores = [r[0] for r in conn.execute(select(cur.c.score).order_by(cur.c.score))]
    return {"bands": bands, "levels": levels, "scores": scores}


def current_components(store: Store) -> list[list]:
    """The components of every current snapshot (for the calibration report)."""
    s, cur = TrustSnapshot.__table__, TrustCurrent.__table__
    with store.connect() as conn:
        return [orjson.loads(c) for (c,) in conn.execute(select(s.c.components).join(cur, cur.c.snapshot_id == s.c.id))]


def current_scores(store: Store) -> dict[int, tuple[int, str]]:
    """Every scored record's latest (score, band)."""
    cur = TrustCurrent.__table__
    with store.connect() as conn:
        return {int(aid): (score, band) for aid, score, band in conn.execute(select(cur.c.author_id, cur.c.score, cur.c.band))}
