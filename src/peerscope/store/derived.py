"""Reads the derive stage needs, and writes of what it computes (author stats, topics, collaborators)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, text

from peerscope.store.db import Store
from peerscope.store.models import (
    Authorship,
    AuthorshipAffiliation,
    AuthorStats,
    AuthorTopic,
    Collaborator,
    DerivePending,
    Work,
    WorkTopic,
    WorkTopicAssignment,
)

CHUNK = 500

# The topics of every work: those its sources gave, else those ``derive topics`` placed it in.
# Derived topics are only made for works without source topics; a work that gained source topics
# since the last derivation is read with those alone.
def work_topics_sql(within: str | None = None) -> str:
    """That rule as a query of (work_id, topic_id, score); ``within`` names a table of work ids
    (a ``work_id`` column) to read only those works' topics through the indexes."""
    def only(alias: str, glue: str) -> str:  # IN, not a join: SQLite then searches by the key
        return f" {glue} {alias}.work_id IN (SELECT work_id FROM {within})" if within else ""

    return (
        f"SELECT t.work_id, t.topic_id, t.score FROM work_topics t{only('t', 'WHERE')} "
        "UNION ALL SELECT d.work_id, d.topic_id, d.score FROM work_topic_assignments d "
        f"WHERE NOT EXISTS (SELECT 1 FROM work_topics s WHERE s.work_id = d.work_id){only('d', 'AND')}"
    )


WORK_TOPICS_SQL = work_topics_sql()


@dataclass(frozen=True, slots=True)
class WorkFact:
    """One work of one author, as the derive stage needs it."""

    work_id: int
    year: int | None
    author_ids: tuple[int, ...]  # everyone on the byline, in order (None-resolved slots skipped)
    byline_size: int
    topics: tuple[tuple[int, float], ...]
    institutions: tuple[int, ...]  # the author's own institutions on this work, as listed


@dataclass(frozen=True, slots=True)
class AuthorDerived:
    """What the profile-count rules yield for one author (the reference computation's output)."""

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


PENDING_KINDS = ("author", "work")


def mark_pending(conn: Connection, author_ids: Iterable[int], work_ids: Iterable[int]) -> None:
    """Queue authors and works for the derive stage, inside the caller's transaction (the batch
    that changed them), so the queue is committed exactly when the change is."""
    rows = [("author", a) for a in sorted(set(author_ids))] + [("work", w) for w in sorted(set(work_ids))]
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        sql = "INSERT OR IGNORE INTO derive_pending (entity_kind, entity_id) VALUES (?, ?)"
    else:
        sql = "INSERT INTO derive_pending (entity_kind, entity_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    for start in range(0, len(rows), 20 * CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + 20 * CHUNK])


def pending(store: Store) -> dict[str, list[int]]:
    """The queued ids, by kind ("author", "work"), in id order."""
    t = DerivePending.__table__
    out: dict[str, list[int]] = {kind: [] for kind in PENDING_KINDS}
    with store.connect() as conn:
        for kind, eid in conn.execute(select(t.c.entity_kind, t.c.entity_id).order_by(t.c.entity_kind, t.c.entity_id)):
            out.setdefault(kind, []).append(eid)
    return out


def clear_pending(store: Store, kind: str, ids: Sequence[int]) -> None:
    """Take the given ids of one kind off the queue, once their derived rows are committed."""
    t = DerivePending.__table__
    with store.begin(write=True) as conn:
        for start in range(0, len(ids), CHUNK):
            conn.execute(delete(t).where(t.c.entity_kind == kind, t.c.entity_id.in_(list(ids[start : start + CHUNK]))))


def all_author_ids(store: Store) -> list[int]:
    a = Authorship.__table__
    with store.connect() as conn:
        return [r[0] for r in conn.execute(select(a.c.author_id).where(a.c.author_id.is_not(None)).distinct().order_by(a.c.author_id))]


def author_work_facts(store: Store, author_ids: Sequence[int]) -> Iterator[tuple[int, list[WorkFact]]]:
    """(author id, their works) for each given author, in chunks (memory stays bounded)."""
    a, w, wt, aff = Authorship.__table__, Work.__table__, WorkTopic.__table__, AuthorshipAffiliation.__table__
    wa = WorkTopicAssignment.__table__
    with store.connect() as conn:
        for start in range(0, len(author_ids), CHUNK):
            chunk = list(author_ids[start : start + CHUNK])
            mine = conn.execute(select(a.c.author_id, a.c.work_id, a.c.id).where(a.c.author_id.in_(chunk))).all()
            work_ids = sorted({r.work_id for r in mine})
            years: dict[int, int | None] = {}
            bylines: dict[int, list[tuple[int, int | None]]] = {}
            topics: dict[int, list[tuple[int, float]]] = {}
            derived_only: set[int] = set()
            insts: dict[int, list[int]] = {}
            for ws in range(0, len(work_ids), CHUNK):
                wchunk = work_ids[ws : ws + CHUNK]
                for wid, year in conn.execute(select(w.c.id, w.c.publication_year).where(w.c.id.in_(wchunk))):
                    years[wid] = year
                for wid, pos, aid in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id).where(a.c.work_id.in_(wchunk))):
                    bylines.setdefault(wid, []).append((pos, aid))
                for wid, tid, score in conn.execute(select(wt.c.work_id, wt.c.topic_id, wt.c.score).where(wt.c.work_id.in_(wchunk))):
                    topics.setdefault(wid, []).append((tid, score))
                for wid, tid, score in conn.execute(select(wa.c.work_id, wa.c.topic_id, wa.c.score).where(wa.c.work_id.in_(wchunk))):
                    if wid not in topics or wid in derived_only:  # derived topics stand in for missing source topics
                        derived_only.add(wid)
                        topics.setdefault(wid, []).append((tid, score))
            ship_ids = [r.id for r in mine]
            for ss in range(0, len(ship_ids), CHUNK):
                for sid, iid in conn.execute(
                    select(aff.c.authorship_id, aff.c.institution_id).where(
                        aff.c.authorship_id.in_(ship_ids[ss : ss + CHUNK]), aff.c.institution_id.is_not(None)
                    ).order_by(aff.c.id)
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
                        institutions=tuple(dict.fromkeys(insts.get(r.id, []))),
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


def author_input_keys(store: Store, author_ids: Sequence[int]) -> dict[int, list[tuple[int, int, str]]]:
    """For each author, their works, the raw record each work was last built from and the
    topics ``derive topics`` gave it ("" for none).

    Every other input of the profile counts (byline, year, source topics, affiliations) comes
    from that payload, so this list changes exactly when the counts' inputs change.
    """
    a, w, wa = Authorship.__table__, Work.__table__, WorkTopicAssignment.__table__
    out: dict[int, list[tuple[int, int, str]]] = {}
    with store.connect() as conn:
        for start in range(0, len(author_ids), 5 * CHUNK):
            chunk = list(author_ids[start : start + 5 * CHUNK])
            q = (
                select(a.c.author_id, a.c.work_id, w.c.raw_record_id)
                .select_from(a.join(w, w.c.id == a.c.work_id))
                .where(a.c.author_id.in_(chunk))
                .distinct()
            )
            rows = conn.execute(q).all()
            placed: dict[int, list[str]] = {}
            q = (
                select(wa.c.work_id, wa.c.topic_id, wa.c.score)
                .where(wa.c.work_id.in_(select(a.c.work_id).where(a.c.author_id.in_(chunk))))
                .order_by(wa.c.work_id, wa.c.topic_id)
            )
            for wid, tid, score in conn.execute(q):
                placed.setdefault(wid, []).append(f"{tid}={score:.6g}")
            for aid, wid, raw in rows:
                out.setdefault(aid, []).append((wid, raw, ",".join(placed.get(wid, ()))))
    for keys in out.values():
        keys.sort()
    return out


@dataclass(frozen=True, slots=True)
class CountRule:
    """Parameters of the profile-count rules (see ``peerscope.derive.profile_counts``)."""

    code_version: str
    topic_min_score: float
    min_joint_works: int
    max_authors: int


_TARGETS = "derive_targets"  # the chunk's authors and their inputs hashes
_PAIRS = "derive_pairs"  # (author, work) for every work of those authors
_BYLINES = "derive_bylines"  # those works and the length of each byline

# The chunk's works are read once, through the authorship indexes, into the two tables above;
# every statement after reads them. Joining the authors' table to authorships directly let SQLite
# read the whole authorships index per chunk, so each chunk cost as much as the whole store.
_PAIRS_SQL = f"""
INSERT INTO {_PAIRS} (author_id, work_id)
SELECT DISTINCT a.author_id, a.work_id FROM authorships a WHERE a.author_id IN (SELECT author_id FROM {_TARGETS})
"""

_BYLINES_SQL = f"""
INSERT INTO {_BYLINES} (work_id, n)
SELECT x.work_id, count(*) FROM authorships x WHERE x.work_id IN (SELECT work_id FROM {_PAIRS}) GROUP BY x.work_id
"""

_COLLABORATORS_SQL = f"""
INSERT INTO collaborators (author_id, coauthor_id, joint_works, first_year, last_year, is_close)
SELECT aw.author_id, b.author_id, count(DISTINCT aw.work_id), min(w.publication_year), max(w.publication_year),
       count(DISTINCT CASE WHEN s.n <= :max_authors THEN aw.work_id END) >= :min_joint
FROM {_PAIRS} aw
JOIN authorships b ON b.work_id = aw.work_id AND b.author_id IS NOT NULL AND b.author_id <> aw.author_id
JOIN works w ON w.id = aw.work_id
JOIN {_BYLINES} s ON s.work_id = aw.work_id
GROUP BY aw.author_id, b.author_id
"""

_TOPICS_SQL = f"""
INSERT INTO author_topics (author_id, topic_id, works_count, score)
SELECT aw.author_id, wt.topic_id, count(*), sum(wt.score)
FROM {_PAIRS} aw
JOIN ({work_topics_sql(_BYLINES)}) wt ON wt.work_id = aw.work_id
WHERE wt.score >= :min_score
GROUP BY aw.author_id, wt.topic_id
"""

_STATS_SQL = f"""
INSERT INTO author_stats (author_id, works_count, topics_count, close_collaborators_count, first_year, last_year,
                          last_institution_id, code_version, inputs_hash, computed_at)
SELECT t.author_id, count(aw.work_id),
       (SELECT count(*) FROM author_topics x WHERE x.author_id = t.author_id),
       (SELECT count(*) FROM collaborators c WHERE c.author_id = t.author_id AND c.is_close),
       min(w.publication_year), max(w.publication_year),
       (SELECT aff.institution_id FROM authorships a2
          JOIN authorship_affiliations aff ON aff.authorship_id = a2.id
          JOIN works w2 ON w2.id = a2.work_id
         WHERE a2.author_id = t.author_id AND aff.institution_id IS NOT NULL
         ORDER BY w2.publication_year DESC NULLS LAST, a2.work_id DESC, aff.id
         LIMIT 1),
       :code_version, t.inputs_hash, :computed_at
FROM {_TARGETS} t
JOIN {_PAIRS} aw ON aw.author_id = t.author_id
JOIN works w ON w.id = aw.work_id
GROUP BY t.author_id, t.inputs_hash
"""

_SCRATCH = {
    _TARGETS: "author_id {int} PRIMARY KEY, inputs_hash TEXT",
    _PAIRS: "author_id {int} NOT NULL, work_id {int} NOT NULL, PRIMARY KEY (author_id, work_id)",
    _BYLINES: "work_id {int} PRIMARY KEY, n INTEGER NOT NULL",
}


def _create_scratch(conn: Connection, sqlite: bool) -> None:
    for name, columns in _SCRATCH.items():
        if sqlite:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")
            conn.exec_driver_sql(f"CREATE TEMP TABLE {name} ({columns.format(int='INTEGER')})")
        else:
            conn.exec_driver_sql(f"CREATE TEMP TABLE {name} ({columns.format(int='BIGINT')}) ON COMMIT DROP")


def _fill_scratch(conn: Connection, sqlite: bool) -> None:
    """The chunk's pairs and bylines; PostgreSQL is told the size of each table before a
    statement reads it (temporary tables have no statistics until analysed)."""
    def analyze(name: str) -> None:
        if not sqlite:
            conn.exec_driver_sql(f"ANALYZE {name}")

    analyze(_TARGETS)
    conn.exec_driver_sql(_PAIRS_SQL)
    analyze(_PAIRS)
    conn.exec_driver_sql(_BYLINES_SQL)
    analyze(_BYLINES)


def recompute_profile_counts(store: Store, targets: dict[int, str], removed: Sequence[int], rule: CountRule, computed_at) -> None:  # type: ignore[no-untyped-def]
    """Recompute author_stats, author_topics and collaborators of ``targets`` (author id ->
    inputs hash) inside the database, and drop the derived rows of ``removed`` authors.

    Same rules as ``peerscope.derive.profile_counts.compute_author`` (a test keeps the two equal),
    run as set-based SQL so a million works take seconds, not minutes.
    """
    s, t, c = AuthorStats.__table__, AuthorTopic.__table__, Collaborator.__table__
    ids = sorted(targets)
    for start in range(0, max(len(ids), 1), 20 * CHUNK):
        chunk = ids[start : start + 20 * CHUNK]
        gone = list(removed) if start == 0 else []
        with store.begin(write=True) as conn:
            for part in range(0, len(chunk) + len(gone), CHUNK):
                both = (chunk + gone)[part : part + CHUNK]
                for table in (s, t, c):
                    conn.execute(delete(table).where(table.c.author_id.in_(both)))
            if not chunk:
                continue
            _create_scratch(conn, store.is_sqlite)
            mark = "?" if store.is_sqlite else "%s"
            conn.exec_driver_sql(f"INSERT INTO {_TARGETS} VALUES ({mark}, {mark})", [(a, targets[a]) for a in chunk])
            _fill_scratch(conn, store.is_sqlite)
            params = {
                "max_authors": rule.max_authors,
                "min_joint": rule.min_joint_works,
                "min_score": rule.topic_min_score,
                "code_version": rule.code_version,
                "computed_at": computed_at,
            }
            conn.execute(text(_COLLABORATORS_SQL), params)
            conn.execute(text(_TOPICS_SQL), params)
            conn.execute(text(_STATS_SQL), params)
            if store.is_sqlite:
                for name in _SCRATCH:
                    conn.exec_driver_sql(f"DROP TABLE temp.{name}")
