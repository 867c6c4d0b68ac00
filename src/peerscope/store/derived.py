"""Reads the derive stage needs, and writes of what it computes (author stats, topics, collaborators)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from peerscope.store.bulk import insert_rows
from peerscope.store.db import Store
from peerscope.store.models import (
    Authorship,
    AuthorshipAffiliation,
    AuthorStats,
    AuthorTopic,
    Collaborator,
    Work,
    WorkTopic,
)

CHUNK = 500


@dataclass(frozen=True, slots=True)
class WorkFact:
    """One work of one author, as the derive stage needs it."""

    work_id: int
    year: int | None
    author_ids: tuple[int, ...]  # everyone on the byline, in order (None-resolved slots skipped)
    byline_size: int
    topics: tuple[tuple[int, float], ...]
    institutions: tuple[int, ...]  # the author's own institutions on this work


@dataclass(frozen=True, slots=True)
class AuthorDerived:
    author_id: int
    works_count: int
    topics_count: int
    close_collaborators_count: int
    first_year: int | None
    last_year: int | None
    last_institution_id: int | None
    code_version: str
    inputs_hash: str
    topics: tuple[tuple[int, int, float], ...]  # (topic id, works, score)
    collaborators: tuple[tuple[int, int, int | None, int | None, bool], ...]  # (coauthor, joint, first, last, close)


def all_author_ids(store: Store) -> list[int]:
    a = Authorship.__table__
    with store.connect() as conn:
        return [r[0] for r in conn.execute(select(a.c.author_id).where(a.c.author_id.is_not(None)).distinct().order_by(a.c.author_id))]


def author_work_facts(store: Store, author_ids: Sequence[int]) -> Iterator[tuple[int, list[WorkFact]]]:
    """(author id, their works) for each given author, in chunks (memory stays bounded)."""
    a, w, wt, aff = Authorship.__table__, Work.__table__, WorkTopic.__table__, AuthorshipAffiliation.__table__
    with store.connect() as conn:
        for start in range(0, len(author_ids), CHUNK):
            chunk = list(author_ids[start : start + CHUNK])
            mine = conn.execute(select(a.c.author_id, a.c.work_id, a.c.id).where(a.c.author_id.in_(chunk))).all()
            work_ids = sorted({r.work_id for r in mine})
            years: dict[int, int | None] = {}
            bylines: dict[int, list[tuple[int, int | None]]] = {}
            topics: dict[int, list[tuple[int, float]]] = {}
            insts: dict[int, list[int]] = {}
            for ws in range(0, len(work_ids), CHUNK):
                wchunk = work_ids[ws : ws + CHUNK]
                for wid, year in conn.execute(select(w.c.id, w.c.publication_year).where(w.c.id.in_(wchunk))):
                    years[wid] = year
                for wid, pos, aid in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id).where(a.c.work_id.in_(wchunk))):
                    bylines.setdefault(wid, []).append((pos, aid))
                for wid, tid, score in conn.execute(select(wt.c.work_id, wt.c.topic_id, wt.c.score).where(wt.c.work_id.in_(wchunk))):
                    topics.setdefault(wid, []).append((tid, score))
            ship_ids = [r.id for r in mine]
            for ss in range(0, len(ship_ids), CHUNK):
                for sid, iid in conn.execute(
                    select(aff.c.authorship_id, aff.c.institution_id).where(
                        aff.c.authorship_id.in_(ship_ids[ss : ss + CHUNK]), aff.c.institution_id.is_not(None)
                    )
                ):
                    insts.setdefault(sid, []).append(iid)
            per_author: dict[int, list[WorkFact]] = {aid: [] for aid in chunk}
            for r in sorted(mine, key=lambda r: (r.author_id, r.work_id)):
                byline = sorted(bylines.get(r.work_id, []))
                per_author[r.author_id].append(
                    WorkFact(
                        work_id=r.work_id,
                        year=years.get(r.work_id),
                        author_ids=tuple(aid for _, aid in byline if aid is not None),
                        byline_size=len(byline),
                        topics=tuple(sorted(topics.get(r.work_id, []))),
                        institutions=tuple(sorted(set(insts.get(r.id, [])))),
                    )
                )
            yield from per_author.items()


def stored_hashes(store: Store, author_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    s = AuthorStats.__table__
    ids = list(author_ids)
    out: dict[int, tuple[str, str]] = {}
    with store.connect() as conn:
        for start in range(0, len(ids), CHUNK):
            q = select(s.c.author_id, s.c.code_version, s.c.inputs_hash).where(s.c.author_id.in_(ids[start : start + CHUNK]))
            out.update({aid: (ver, h) for aid, ver, h in conn.execute(q)})
    return out


def write_author_derived(store: Store, rows: Sequence[AuthorDerived], removed: Sequence[int], computed_at) -> None:  # type: ignore[no-untyped-def]
    """Replace the derived rows of the given authors in one transaction."""
    s, t, c = AuthorStats.__table__, AuthorTopic.__table__, Collaborator.__table__
    ids = [r.author_id for r in rows] + list(removed)
    with store.begin(write=True) as conn:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for table in (s, t, c):
                conn.execute(delete(table).where(table.c.author_id.in_(chunk)))
        if rows:
            insert_rows(
                conn,
                s,
                [
                    {
                        "author_id": r.author_id,
                        "works_count": r.works_count,
                        "topics_count": r.topics_count,
                        "close_collaborators_count": r.close_collaborators_count,
                        "first_year": r.first_year,
                        "last_year": r.last_year,
                        "last_institution_id": r.last_institution_id,
                        "code_version": r.code_version,
                        "inputs_hash": r.inputs_hash,
                        "computed_at": computed_at,
                    }
                    for r in rows
                ],
            )
            topic_rows = [{"author_id": r.author_id, "topic_id": tid, "works_count": n, "score": sc} for r in rows for tid, n, sc in r.topics]
            insert_rows(conn, t, topic_rows)
            collab_rows = [
                {"author_id": r.author_id, "coauthor_id": co, "joint_works": n, "first_year": fy, "last_year": ly, "is_close": close}
                for r in rows
                for co, n, fy, ly, close in r.collaborators
            ]
            insert_rows(conn, c, collab_rows)
