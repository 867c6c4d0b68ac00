"""Storage side of similar works: what the derivation reads (every work's text, the citations
between works, every work's topics), the ranked lists it writes (``similar_works``, only the
works whose list changed), the record of its last build, and a work's list as pages show it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import Connection, delete, func, select

from peerscope.store.bulk import insert_rows
from peerscope.store.db import Store
from peerscope.store.models import SimilarBuild, SimilarWork, Topic, Work

CHUNK = 500
W, T = Work.__table__, Topic.__table__
SW, SB = SimilarWork.__table__, SimilarBuild.__table__

Entry = tuple[int, float, str]  # (similar work, score, evidence as JSON text)


@dataclass(frozen=True, slots=True)
class SimilarInputs:
    work_ids: list[int]  # in id order
    texts: list[str]  # "title. abstract", one per work
    citations: list[tuple[int, int]]  # (citing, cited), both works in the store, in order
    topics: list[tuple[int, int, float]]  # (work, topic, score) from sources and derived, in order


@dataclass(frozen=True, slots=True)
class BuildRecord:
    code_version: str
    inputs_hash: str
    works: int
    listed: int
    seconds: float
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class SimilarEntry:
    """One entry of a work's list, as read for a page or the API."""

    rank: int
    work_id: int
    title: str
    publication_year: int | None
    type: str | None
    score: float
    evidence: Mapping[str, object]


_INPUTS = {
    "works": "SELECT id, title, abstract FROM works ORDER BY id",
    "citations": "SELECT DISTINCT citing_work_id, cited_work_id FROM citations WHERE cited_work_id IS NOT NULL "
                 "AND cited_work_id <> citing_work_id ORDER BY citing_work_id, cited_work_id",
    "topics": "SELECT work_id, topic_id, MAX(score) FROM (SELECT work_id, topic_id, score FROM work_topics UNION ALL "
              "SELECT work_id, topic_id, score FROM work_topic_assignments) t GROUP BY work_id, topic_id ORDER BY work_id, topic_id",
}


def _raw_rows(conn: Connection, sql: str, batch: int = 50_000) -> Iterator[tuple]:
    """Rows straight from the driver's cursor: for the whole-table reads below, SQLAlchemy's
    per-row work would cost more than the database."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(batch):
            yield from chunk
    finally:
        cursor.close()


def read_inputs(store: Store) -> SimilarInputs:
    """Everything the lists are computed from, in a fixed order (so equal stores hash equal)."""
    with store.connect() as conn:
        ids, texts = [], []
        for wid, title, abstract in _raw_rows(conn, _INPUTS["works"]):
            ids.append(int(wid))
            texts.append(f"{title or ''}. {abstract or ''}")
        citations = [(int(a), int(b)) for a, b in _raw_rows(conn, _INPUTS["citations"])]
        topics = [(int(w), int(t), float(sc)) for w, t, sc in _raw_rows(conn, _INPUTS["topics"])]
    return SimilarInputs(ids, texts, citations, topics)


def _stored(conn: Connection) -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = {}
    for wid, sid, score, evidence in _raw_rows(conn, "SELECT work_id, similar_work_id, score, evidence FROM similar_works ORDER BY work_id, rank"):
        out.setdefault(int(wid), []).append((int(sid), float(score), evidence))
    return out


def stored_lists(store: Store) -> dict[int, list[Entry]]:
    with store.connect() as conn:
        return _stored(conn)


def write_lists(store: Store, lists: Mapping[int, Sequence[Entry]]) -> tuple[int, int]:
    """Make ``similar_works`` hold exactly ``lists`` (work -> entries, best first), rewriting
    only the works whose list changed, in one transaction; (works rewritten, works removed)."""
    with store.begin(write=True) as conn:
        old = _stored(conn)
        changed = sorted(w for w, entries in lists.items() if entries and old.get(w) != list(entries))
        removed = sorted(w for w in old if not lists.get(w))
        gone = changed + removed
        for start in range(0, len(gone), CHUNK):
            conn.execute(delete(SW).where(SW.c.work_id.in_(gone[start : start + CHUNK])))
        rows = [{"work_id": w, "rank": r, "similar_work_id": s, "score": score, "evidence": ev}
                for w in changed for r, (s, score, ev) in enumerate(lists[w], start=1)]
        for start in range(0, len(rows), 10_000):
            insert_rows(conn, SW, rows[start : start + 10_000])
        if not store.is_sqlite and rows:
            conn.exec_driver_sql("ANALYZE similar_works")
    return len(changed), len(removed)


def last_build(store: Store) -> BuildRecord | None:
    with store.connect() as conn:
        r = conn.execute(select(SB).order_by(SB.c.id.desc()).limit(1)).first()
    if r is None:
        return None
    return BuildRecord(r.code_version, r.inputs_hash, r.works, r.listed, r.seconds, r.computed_at)


def record_build(store: Store, record: BuildRecord) -> None:
    with store.begin(write=True) as conn:
        conn.execute(SB.delete())
        conn.execute(SB.insert().values(id=1, code_version=record.code_version, inputs_hash=record.inputs_hash, works=record.works,
                                        listed=record.listed, seconds=record.seconds, computed_at=record.computed_at))


def similar_of(store: Store, work_id: int, limit: int) -> tuple[list[SimilarEntry], dict[int, str]]:
    """A work's list, best first, with the works still in the store, and the names of the
    topics its evidence names."""
    with store.connect() as conn:
        rows = conn.execute(
            select(SW.c.rank, SW.c.similar_work_id, W.c.title, W.c.publication_year, W.c.type, SW.c.score, SW.c.evidence)
            .select_from(SW.join(W, W.c.id == SW.c.similar_work_id)).where(SW.c.work_id == work_id).order_by(SW.c.rank).limit(limit)
        ).all()
        entries = [SimilarEntry(int(r[0]), int(r[1]), r[2], r[3], r[4], float(r[5]), orjson.loads(r[6])) for r in rows]
        wanted = sorted({int(t) for e in entries for t in e.evidence.get("topics", ()) or ()})  # type: ignore[union-attr]
        names = dict(conn.execute(select(T.c.id, T.c.display_name).where(T.c.id.in_(wanted))).all()) if wanted else {}
    return entries, {int(k): v for k, v in names.items()}


def entry_count(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(SW)).scalar_one())


def listed_work_ids(store: Store, limit: int | None = None) -> list[int]:
    """Works that have a list, in id order (for benchmarks and checks)."""
    with store.connect() as conn:
        q = select(SW.c.work_id).where(SW.c.rank == 1).order_by(SW.c.work_id)
        return [int(r[0]) for r in conn.execute(q.limit(limit) if limit else q)]


def work_title(store: Store, work_id: int) -> str | None:
    with store.connect() as conn:
        return conn.execute(select(W.c.title).where(W.c.id == work_id)).scalar()
