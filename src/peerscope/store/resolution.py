"""Storage side of author resolution: read bylines with their context, apply a resolution
plan in one transaction (with what an undo needs), undo a run, keep constraints.

Bylines are named by (work id, position): work ids are stable, and authorship rows are
rewritten whenever their work changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, delete, insert, select, update

from peerscope.errors import InputError
from peerscope.resolve.author_plan import Byline, ResolutionPlan
from peerscope.store import derived as store_derived
from peerscope.store.bulk import insert_rows, insert_with_ids
from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    AuthorInstitutionRef,
    AuthorLink,
    AuthorName,
    Authorship,
    AuthorshipAffiliation,
    AuthorStats,
    AuthorTopic,
    AuthorWorkRef,
    Collaborator,
    ExternalIdRow,
    Redirect,
    ResolutionChange,
    ResolutionConstraint,
    ResolutionRun,
    RetiredAuthor,
    Source,
    Topic,
    Work,
    WorkMatchRow,
    WorkRecordRow,
    WorkTopic,
)




def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class BylineContext:
    """One byline and what tells its person apart from namesakes."""

    work_id: int
    position: int
    author_id: int
    name: str  # as printed on the work
    orcid: str | None  # asserted on this byline, or held by its author
    held: bool  # its author is more than this byline: a source's author id, an ORCID iD, other bylines
    coauthors: tuple[str, ...]
    affiliations: tuple[str, ...]
    emails: tuple[str, ...]
    title: str
    year: int | None
    venue: str | None
    topics: tuple[str, ...]
    language: str | None


def byline_contexts(store: Store) -> list[BylineContext]:
    """Every byline of the graph with its context, ordered by work and position."""
    a, w, au = Authorship.__table__, Work.__table__, Author.__table__
    aff, src, wt, tp = AuthorshipAffiliation.__table__, Source.__table__, WorkTopic.__table__, Topic.__table__
    with store.connect() as conn:
        rows = conn.execute(
            select(a.c.id, a.c.work_id, a.c.position, a.c.author_id, a.c.raw_author_name, a.c.orcid, au.c.orcid, a.c.emails)
            .join(au, au.c.id == a.c.author_id)
            .order_by(a.c.work_id, a.c.position)
        ).all()
        works = {
            r[0]: r[1:]
            for r in conn.execute(
                select(w.c.id, w.c.title, w.c.publication_year, src.c.display_name, w.c.language).outerjoin(src, src.c.id == w.c.primary_source_id)
            )
        }
        affiliations: dict[int, list[str]] = defaultdict(list)
        for ship, raw in conn.execute(select(aff.c.authorship_id, aff.c.raw_affiliation).where(aff.c.raw_affiliation.is_not(None)).order_by(aff.c.id)):
            affiliations[ship].append(raw)
        topics: dict[int, list[str]] = defaultdict(list)
        for work_id, name in conn.execute(select(wt.c.work_id, tp.c.display_name).join(tp, tp.c.id == wt.c.topic_id).order_by(wt.c.work_id, wt.c.score.desc())):
            topics[work_id].append(name)
        x = ExternalIdRow.__table__
        identified = set(
            conn.execute(select(x.c.entity_id).where(x.c.entity_kind == "author", x.c.scheme != "mention").distinct()).scalars()
        )
    byline_count: dict[int, int] = defaultdict(int)
    for r in rows:
        byline_count[r[3]] += 1
    names_on: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        names_on[r[1]].append(r[4])
    out = []
    for ship, work_id, position, author_id, name, ship_orcid, author_orcid, emails in rows:
        title, year, venue, language = works[work_id]
        others = names_on[work_id]
        out.append(
            BylineContext(
                work_id=work_id,
                position=position,
                author_id=author_id,
                name=name,
                orcid=ship_orcid or author_orcid,
                held=author_id in identified or byline_count[author_id] > 1 or bool(ship_orcid or author_orcid),
                coauthors=tuple(n for i, n in enumerate(others) if i != position and n),
                affiliations=tuple(affiliations.get(ship, ())),
                emails=tuple(e for e in (emails or "").split(",") if e),
                title=title,
                year=year,
                venue=venue,
                topics=tuple(topics.get(work_id, ())),
                language=language,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class AppliedRun:
    run_id: int
    moved: int
    created: tuple[int, ...]
    merged: tuple[tuple[int, int], ...]  # (old id, survivor id)
    split: tuple[int, ...]


def _snapshot_author(conn: Connection, author_id: int) -> dict:
    au, n, x = Author.__table__, AuthorName.__table__, ExternalIdRow.__table__
    row = conn.execute(select(au).where(au.c.id == author_id)).mappings().one()
    return {
        "author": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()},
        "names": sorted(conn.execute(select(n.c.name).where(n.c.author_id == author_id)).scalars()),
        "external_ids": [
            [s, v, raw]
            for s, v, raw in conn.execute(
                select(x.c.scheme, x.c.value, x.c.raw_record_id).where(x.c.entity_kind == "author", x.c.entity_id == author_id).order_by(x.c.scheme, x.c.value)
            )
        ],
    }


def _drop_derived(conn: Connection, author_ids: Sequence[int]) -> None:
    """Derived rows of authors that are about to go (rebuilt for the survivors by derive)."""
    for t, col in ((AuthorStats.__table__, "author_id"), (AuthorTopic.__table__, "author_id")):
        conn.execute(delete(t).where(t.c[col].in_(author_ids)))
    c = Collaborator.__table__
    conn.execute(delete(c).where(c.c.author_id.in_(author_ids) | c.c.coauthor_id.in_(author_ids)))


def _retire(conn: Connection, run_id: int, old: int, survivor: int, now: datetime) -> None:
    """``old`` is merged into ``survivor``: its identifiers, names and evidence move, its row
    goes, and a redirect answers for it."""
    snapshot = _snapshot_author(conn, old)
    insert_rows(conn, RetiredAuthor.__table__, [{"run_id": run_id, "author_id": old, "survivor_id": survivor, "snapshot": orjson.dumps(snapshot).decode()}])
    x, n = ExternalIdRow.__table__, AuthorName.__table__
    conn.execute(update(x).where(x.c.entity_kind == "author", x.c.entity_id == old).values(entity_id=survivor))
    insert_rows(conn, n, [{"author_id": survivor, "name": name} for name in snapshot["names"]], ignore_conflicts=True)
    conn.execute(delete(n).where(n.c.author_id == old))
    for t in (AuthorWorkRef.__table__, AuthorInstitutionRef.__table__):
        rows = [dict(r) for r in conn.execute(select(t).where(t.c.author_id == old)).mappings()]
        insert_rows(conn, t, [{**r, "author_id": survivor} for r in rows], ignore_conflicts=True)
        conn.execute(delete(t).where(t.c.author_id == old))
    au = Author.__table__
    survivor_orcid = conn.execute(select(au.c.orcid).where(au.c.id == survivor)).scalar()
    _drop_derived(conn, [old])
    conn.execute(delete(AuthorLink.__table__).where(AuthorLink.__table__.c.author_id == old))
    conn.execute(delete(au).where(au.c.id == old))
    if survivor_orcid is None and snapshot["author"]["orcid"]:
        conn.execute(update(au).where(au.c.id == survivor).values(orcid=snapshot["author"]["orcid"]))
    rd = Redirect.__table__
    conn.execute(update(rd).where(rd.c.entity_kind == "author", rd.c.new_id == old).values(new_id=survivor))
    conn.execute(delete(rd).where(rd.c.entity_kind == "author", rd.c.old_id == survivor))
    insert_rows(conn, rd, [{"entity_kind": "author", "old_id": old, "new_id": survivor, "reason": f"merged by resolution run {run_id}", "created_at": now}])


def apply_plan(store: Store, plan: ResolutionPlan, started_at: datetime | None = None) -> AppliedRun:
    """Store a resolution plan in one transaction: bylines moved, new authors created, merged
    authors retired with redirects, every byline's link (why it is on its profile) written,
    and the authors and works whose derived rows change queued for the derive stage."""
    now = _now()
    a, au = Authorship.__table__, Author.__table__
    with store.begin(write=True) as conn:
        run_id = insert_with_ids(
            conn,
            ResolutionRun.__table__,
            [{"stage": "authors", "resolver_version": plan.resolver_version, "started_at": started_at or now, "finished_at": now, "summary": "{}", "undoes_run": None, "undone_by_run": None}],
        )[0]
        placeholders = sorted(plan.new_authors, reverse=True)  # -1, -2, ...
        real = insert_with_ids(
            conn,
            au,
            [{"display_name": plan.new_authors[p][0][:500], "orcid": None, "description": None, "open_to_collaborate": False, "created_at": now, "updated_at": now} for p in placeholders],
        )
        real_of = dict(zip(placeholders, real))

        def resolved(author_id: int) -> int:
            return real_of.get(author_id, author_id)

        current = {(w, p): aid for w, p, aid in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id))}
        changes = []
        for byline, target in plan.assignment.items():
            to = resolved(target)
            before = current.get(byline)
            if before is not None and before != to:
                changes.append({"run_id": run_id, "work_id": byline[0], "position": byline[1], "from_author_id": before, "to_author_id": to})
        insert_rows(conn, ResolutionChange.__table__, changes)
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        if changes:
            conn.exec_driver_sql(
                f"UPDATE authorships SET author_id = {mark} WHERE work_id = {mark} AND position = {mark}",
                [(c["to_author_id"], c["work_id"], c["position"]) for c in changes],
            )
        merged = []
        for old, survivor, _count in plan.merges:
            _retire(conn, run_id, old, resolved(survivor), now)
            merged.append((old, resolved(survivor)))
        # an ORCID iD that made a new cluster goes with it, unless another author holds it
        for p, (_name, orcid) in plan.new_authors.items():
            if orcid and conn.execute(select(au.c.id).where(au.c.orcid == orcid)).first() is None:
                conn.execute(update(au).where(au.c.id == real_of[p]).values(orcid=orcid))
        link_t = AuthorLink.__table__
        link_rows = [
            {
                "work_id": w,
                "position": p,
                "author_id": resolved(plan.assignment[(w, p)]),
                "rule": link.rule,
                "score": link.score,
                "evidence": orjson.dumps(list(link.evidence)).decode(),
                "run_id": run_id,
            }
            for (w, p), link in plan.links.items()
        ]
        insert_rows(conn, link_t, link_rows, update_on=("work_id", "position"))
        touched = {c["from_author_id"] for c in changes} | {c["to_author_id"] for c in changes} | set(real)
        touched -= {old for old, _s in merged}
        store_derived.mark_pending(conn, touched, {c["work_id"] for c in changes})
        summary = {
            **plan.summary,
            "moved": len(changes),
            "created": real,
            "merged": [list(m) for m in merged],
            "split": sorted({old for old, _parts in plan.splits}),
        }
        conn.execute(update(ResolutionRun.__table__).where(ResolutionRun.__table__.c.id == run_id).values(summary=orjson.dumps(summary).decode()))
    return AppliedRun(run_id, len(changes), tuple(real), tuple(merged), tuple(summary["split"]))


def runs(store: Store, limit: int = 50) -> list[dict]:
    """The latest runs, newest first."""
    t = ResolutionRun.__table__
    with store.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings().all()
    return [{**dict(r), "summary": orjson.loads(r["summary"]), "started_at": r["started_at"].isoformat(), "finished_at": r["finished_at"].isoformat()} for r in rows]


def undo_run(store: Store, run_id: int) -> AppliedRun:
    """Reverse a resolution run: merged authors come back under their ids with their names and
    identifiers, moved bylines go back, authors the run created and that are left empty go.

    Only the newest run still in effect can be undone (later runs built on it); the undo is
    itself a run, recorded and explained.
    """
    t = ResolutionRun.__table__
    now = _now()
    with store.begin(write=True) as conn:
        run = conn.execute(select(t).where(t.c.id == run_id)).mappings().first()
        if run is None:
            raise InputError(f"no resolution run {run_id}")
        if run["stage"] != "authors":
            raise InputError(f"run {run_id} is an undo; run resolution again instead of undoing an undo")
        if run["undone_by_run"] is not None:
            raise InputError(f"run {run_id} was already undone by run {run['undone_by_run']}")
        later = conn.execute(select(t.c.id).where(t.c.id > run_id, t.c.stage == "authors", t.c.undone_by_run.is_(None)).order_by(t.c.id)).scalars().first()
        if later is not None:
            raise InputError(f"run {run_id} cannot be undone while run {later} builds on it: undo run {later} first")
        undo_id = insert_with_ids(
            conn, t, [{"stage": "undo", "resolver_version": run["resolver_version"], "started_at": now, "finished_at": now, "summary": "{}", "undoes_run": run_id, "undone_by_run": None}]
        )[0]
        au, x, n, rd = Author.__table__, ExternalIdRow.__table__, AuthorName.__table__, Redirect.__table__
        retired = conn.execute(select(RetiredAuthor.__table__).where(RetiredAuthor.__table__.c.run_id == run_id)).mappings().all()
        for r in retired:
            snap = orjson.loads(r["snapshot"])
            row = dict(snap["author"])
            for k in ("created_at", "updated_at"):
                row[k] = datetime.fromisoformat(row[k])
            orcid = row.pop("orcid")
            insert_rows(conn, au, [{**row, "orcid": None}])
            if orcid:
                conn.execute(update(au).where(au.c.id == r["survivor_id"], au.c.orcid == orcid).values(orcid=None))
                conn.execute(update(au).where(au.c.id == row["id"]).values(orcid=orcid))
            for scheme, value, _raw in snap["external_ids"]:
                conn.execute(update(x).where(x.c.entity_kind == "author", x.c.scheme == scheme, x.c.value == value).values(entity_id=row["id"]))
            insert_rows(conn, n, [{"author_id": row["id"], "name": name} for name in snap["names"]], ignore_conflicts=True)
            conn.execute(delete(rd).where(rd.c.entity_kind == "author", rd.c.old_id == row["id"]))
        changes = conn.execute(select(ResolutionChange.__table__).where(ResolutionChange.__table__.c.run_id == run_id)).mappings().all()
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        back = [(c["from_author_id"], c["work_id"], c["position"], c["to_author_id"]) for c in changes]
        if back:
            conn.exec_driver_sql(f"UPDATE authorships SET author_id = {mark} WHERE work_id = {mark} AND position = {mark} AND author_id = {mark}", back)
        insert_rows(
            conn,
            ResolutionChange.__table__,
            [{"run_id": undo_id, "work_id": c["work_id"], "position": c["position"], "from_author_id": c["to_author_id"], "to_author_id": c["from_author_id"]} for c in changes],
        )
        link_t = AuthorLink.__table__
        insert_rows(
            conn,
            link_t,
            [
                {"work_id": c["work_id"], "position": c["position"], "author_id": c["from_author_id"], "rule": "undo", "score": None,
                 "evidence": orjson.dumps([{"kind": "undo", "detail": f"restored by undoing resolution run {run_id}"}]).decode(), "run_id": undo_id}
                for c in changes
            ],
            update_on=("work_id", "position"),
        )
        created = orjson.loads(run["summary"]).get("created", [])
        a = Authorship.__table__
        still_used = set(conn.execute(select(a.c.author_id).where(a.c.author_id.in_(created)).distinct()).scalars()) if created else set()
        empty = [c for c in created if c not in still_used]
        if empty:
            _drop_derived(conn, empty)
            conn.execute(delete(link_t).where(link_t.c.author_id.in_(empty)))
            conn.execute(update(x).where(x.c.entity_kind == "author", x.c.entity_id.in_(empty)).values(entity_id=-1))
            conn.execute(delete(x).where(x.c.entity_kind == "author", x.c.entity_id == -1))
            conn.execute(delete(n).where(n.c.author_id.in_(empty)))
            conn.execute(delete(au).where(au.c.id.in_(empty)))
        touched = {c["from_author_id"] for c in changes} | {r["author_id"] for r in retired} | {r["survivor_id"] for r in retired}
        touched -= set(empty)
        store_derived.mark_pending(conn, touched, {c["work_id"] for c in changes})
        conn.execute(update(t).where(t.c.id == run_id).values(undone_by_run=undo_id))
        summary = {"undoes": run_id, "moved": len(changes), "restored": [r["author_id"] for r in retired], "removed": empty}
        conn.execute(update(t).where(t.c.id == undo_id).values(summary=orjson.dumps(summary).decode()))
    return AppliedRun(undo_id, len(changes), (), (), ())


def add_constraint(store: Store, kind: str, a: Byline, b: Byline, reason: str, created_by: str | None = None) -> int:
    """Record that two bylines are the same person (``must``) or not (``cannot``)."""
    if kind not in ("must", "cannot"):
        raise InputError(f"constraint kind must be 'must' or 'cannot', not {kind!r}")
    if a == b:
        raise InputError("a constraint needs two different bylines")
    s = Authorship.__table__
    with store.begin(write=True) as conn:
        for w, p in (a, b):
            if conn.execute(select(s.c.id).where(s.c.work_id == w, s.c.position == p)).first() is None:
                raise InputError(f"no byline at position {p} of work {w}")
        return insert_with_ids(
            conn,
            ResolutionConstraint.__table__,
            [{"kind": kind, "work_a": a[0], "position_a": a[1], "work_b": b[0], "position_b": b[1], "reason": reason, "created_by": created_by, "created_at": _now()}],
        )[0]


def constraints(store: Store) -> list[tuple[str, Byline, Byline]]:
    t = ResolutionConstraint.__table__
    with store.connect() as conn:
        return [(k, (wa, pa), (wb, pb)) for k, wa, pa, wb, pb in conn.execute(select(t.c.kind, t.c.work_a, t.c.position_a, t.c.work_b, t.c.position_b).order_by(t.c.id))]


def bylines_of(store: Store, author_id: int) -> list[Byline]:
    a = Authorship.__table__
    with store.connect() as conn:
        return [(w, p) for w, p in conn.execute(select(a.c.work_id, a.c.position).where(a.c.author_id == author_id).order_by(a.c.work_id, a.c.position))]


def why(store: Store, author_id: int, work_id: int) -> list[dict]:
    """Why the work is on the author's profile: for each of the author's bylines on it, the rule,
    score and evidence of the run that put it there, or that the source said so."""
    a, link_t, r = Authorship.__table__, AuthorLink.__table__, ResolutionRun.__table__
    with store.connect() as conn:
        rows = conn.execute(
            select(a.c.position, a.c.raw_author_name, link_t.c.rule, link_t.c.score, link_t.c.evidence, link_t.c.run_id, r.c.resolver_version, r.c.finished_at)
            .outerjoin(link_t, (link_t.c.work_id == a.c.work_id) & (link_t.c.position == a.c.position) & (link_t.c.author_id == a.c.author_id))
            .outerjoin(r, r.c.id == link_t.c.run_id)
            .where(a.c.work_id == work_id, a.c.author_id == author_id)
            .order_by(a.c.position)
        ).all()
    out = []
    for position, name, rule, score, evidence, run_id, version, at in rows:
        if rule is None:
            out.append({"position": position, "name": name, "rule": "source", "score": None, "evidence": [{"kind": "source", "detail": "the source's own author id or ORCID iD on this byline; not yet re-resolved"}], "run": None})
        else:
            out.append({"position": position, "name": name, "rule": rule, "score": score, "evidence": orjson.loads(evidence), "run": {"id": run_id, "resolver_version": version, "at": at.isoformat()}})
    return out



# --- works -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkMatchContext:
    """What work matching needs of a stored work."""

    work_id: int
    title: str
    year: int | None
    type: str | None
    names: tuple[str, ...]  # the byline in order, by the authors' display names
    ids: tuple[tuple[str, str], ...]  # (scheme, value)
    venue: str | None
    sources: tuple[str, ...]  # the sources that describe it


def work_match_contexts(store: Store) -> list[WorkMatchContext]:
    w, a, x, src = Work.__table__, Authorship.__table__, ExternalIdRow.__table__, Source.__table__
    r = WorkRecordRow.__table__
    with store.connect() as conn:
        names: dict[int, list[str]] = defaultdict(list)
        au = Author.__table__
        # the author's display name (a source's canonical spelling) before the name as printed
        for work_id, shown, printed in conn.execute(
            select(a.c.work_id, au.c.display_name, a.c.raw_author_name).outerjoin(au, au.c.id == a.c.author_id).order_by(a.c.work_id, a.c.position)
        ):
            names[work_id].append(shown or printed)
        ids: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for work_id, scheme, value in conn.execute(select(x.c.entity_id, x.c.scheme, x.c.value).where(x.c.entity_kind == "work").order_by(x.c.entity_id, x.c.scheme, x.c.value)):
            ids[work_id].append((scheme, value))
        sources: dict[int, set[str]] = defaultdict(set)
        for work_id, source in conn.execute(select(r.c.work_id, r.c.source)):
            sources[work_id].add(source)
        rows = conn.execute(
            select(w.c.id, w.c.title, w.c.publication_year, w.c.type, src.c.display_name).outerjoin(src, src.c.id == w.c.primary_source_id).order_by(w.c.id)
        ).all()
    return [
        WorkMatchContext(wid, title, year, kind, tuple(names.get(wid, ())), tuple(ids.get(wid, ())), venue, tuple(sorted(sources.get(wid, ()))))
        for wid, title, year, kind, venue in rows
    ]


def work_matches_of(store: Store, work_id: int) -> list[dict]:
    """Why works were folded into ``work_id``: one decision per folded work."""
    t = WorkMatchRow.__table__
    with store.connect() as conn:
        rows = conn.execute(select(t).where(t.c.survivor_id == work_id).order_by(t.c.folded_id)).mappings().all()
    return [{**dict(r), "evidence": orjson.loads(r["evidence"]), "created_at": r["created_at"].isoformat()} for r in rows]


def byline_authors(store: Store) -> dict[Byline, int]:
    """Every byline's current author."""
    a = Authorship.__table__
    with store.connect() as conn:
        return {(w, p): aid for w, p, aid in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id))}


def source_ids_of_works(store: Store, source: str) -> dict[int, set[str]]:
    """Each work's record ids at one source (several once works are folded together)."""
    r = WorkRecordRow.__table__
    out: dict[int, set[str]] = {}
    with store.connect() as conn:
        for work_id, source_id in conn.execute(select(r.c.work_id, r.c.source_id).where(r.c.source == source)):
            out.setdefault(work_id, set()).add(source_id)
    return out
