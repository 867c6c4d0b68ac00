"""The reads and writes of the graph-level integrity checks: the linked citation graph with
bylines, years and source notices in, flags with their subjects and per-entity input hashes out.

Graph-level flags have no document; each names the work or author it is about as a subject
with role "subject", which is how a rerun finds the flags it replaces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import and_, delete, insert, select

from peerscope.documents.records import Flag
from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    Authorship,
    Citation,
    FlagSubject,
    IntegrityDerived,
    IntegrityFlag,
    RawRecord,
    Work,
    WorkTopic,
    WorkTopicAssignment,
)

CHUNK = 500

Subject = tuple[str, int, str]  # (entity kind, id, role)


@dataclass(frozen=True, slots=True)
class GraphWork:
    id: int
    title: str
    year: int | None
    authors: frozenset[int]
    is_retracted: bool
    notices: tuple[str, ...]
    source: str | None  # the source the work's record came from
    abstract: str | None = None
    topic: int | None = None  # its primary topic: the sources' highest-scored, else the derived one


@dataclass(frozen=True, slots=True)
class CitationGraph:
    works: Mapping[int, GraphWork]
    cited_by: Mapping[int, tuple[int, ...]]  # work -> the works citing it (linked, never itself)
    names: Mapping[int, str]  # author id -> display name


@dataclass(frozen=True, slots=True)
class Derived:
    """The graph checks' result for one work or author: its flags, each with its subjects."""

    entity_kind: str
    entity_id: int
    inputs_hash: str
    flags: tuple[tuple[Flag, tuple[Subject, ...]], ...]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _primary_topics(conn) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """work -> its primary topic: the highest-scored topic its sources give (lowest topic id on a
    tie), else the highest-scored derived assignment (for works that came without topics)."""
    out: dict[int, int] = {}
    for table in (WorkTopic.__table__, WorkTopicAssignment.__table__):
        rows = conn.execute(select(table.c.work_id, table.c.topic_id, table.c.score).order_by(table.c.work_id, table.c.score.desc(), table.c.topic_id))
        found: dict[int, int] = {}
        for wid, tid, _score in rows:
            found.setdefault(int(wid), int(tid))
        for wid, tid in found.items():
            out.setdefault(wid, tid)
    return out


def citation_graph(store: Store) -> CitationGraph:
    """Every work with its year, byline, notices, source and abstract; every linked citation between two
    different works; every author's name."""
    w, a, c, r, au = Work.__table__, Authorship.__table__, Citation.__table__, RawRecord.__table__, Author.__table__
    authors: dict[int, set[int]] = defaultdict(set)
    cited_by: dict[int, set[int]] = defaultdict(set)
    works: dict[int, GraphWork] = {}
    with store.connect() as conn:
        for wid, aid in conn.execute(select(a.c.work_id, a.c.author_id).where(a.c.author_id.is_not(None))):
            authors[int(wid)].add(int(aid))
        topics = _primary_topics(conn)
        rows = conn.execute(
            select(w.c.id, w.c.title, w.c.publication_year, w.c.is_retracted, w.c.notices, r.c.source, w.c.abstract).select_from(w.outerjoin(r, r.c.id == w.c.raw_record_id))
        )
        for wid, title, year, retracted, notices, source, abstract in rows:
            notes = tuple(sorted(n.strip() for n in (notices or "").split(",") if n.strip()))
            works[int(wid)] = GraphWork(int(wid), title, year, frozenset(authors.get(int(wid), ())), bool(retracted), notes, source, abstract, topics.get(int(wid)))
        q = select(c.c.citing_work_id, c.c.cited_work_id).where(c.c.cited_work_id.is_not(None), c.c.cited_work_id != c.c.citing_work_id)
        for citing, cited in conn.execute(q):
            if int(citing) in works and int(cited) in works:
                cited_by[int(cited)].add(int(citing))
        names = {int(i): n for i, n in conn.execute(select(au.c.id, au.c.display_name))}
    return CitationGraph(works, {k: tuple(sorted(v)) for k, v in cited_by.items()}, names)


def derived_states(store: Store) -> dict[tuple[str, int], tuple[str, str]]:
    """(entity kind, id) -> (code version, inputs hash) of the last graph-level checks."""
    t = IntegrityDerived.__table__
    with store.connect() as conn:
        return {(k, int(i)): (v, h) for k, i, v, h in conn.execute(select(t.c.entity_kind, t.c.entity_id, t.c.code_version, t.c.inputs_hash))}


@dataclass(frozen=True, slots=True)
class GraphFlagsWritten:
    entities: int  # works and authors whose flags were rewritten
    flags: int  # flags written for them
    removed: int  # entities no longer in the graph, their flags dropped


def _drop_flags(conn, keys: list[tuple[str, int]]) -> None:  # type: ignore[no-untyped-def]
    f, s, t = IntegrityFlag.__table__, FlagSubject.__table__, IntegrityDerived.__table__
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, eid in keys:
        by_kind[kind].append(eid)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            flag_ids = [int(x) for (x,) in conn.execute(
                select(s.c.flag_id).join(f, f.c.id == s.c.flag_id).where(
                    f.c.document_id.is_(None), s.c.role == "subject", s.c.entity_kind == kind, s.c.entity_id.in_(part)
                )
            )]
            for fs in range(0, len(flag_ids), CHUNK):
                conn.execute(delete(s).where(s.c.flag_id.in_(flag_ids[fs : fs + CHUNK])))
                conn.execute(delete(f).where(f.c.id.in_(flag_ids[fs : fs + CHUNK])))
            conn.execute(delete(t).where(and_(t.c.entity_kind == kind, t.c.entity_id.in_(part))))


def write_graph_flags(store: Store, changed: Iterable[Derived], removed: Iterable[tuple[str, int]], code_version: str) -> GraphFlagsWritten:
    """Replace the graph-level flags and input hashes of the ``changed`` entities, and drop those
    of ``removed`` ones, in one transaction."""
    f, s, t = IntegrityFlag.__table__, FlagSubject.__table__, IntegrityDerived.__table__
    changed = list(changed)
    removed = list(removed)
    now = _now()
    written = 0
    with store.begin(write=True) as conn:
        _drop_flags(conn, [(d.entity_kind, d.entity_id) for d in changed] + removed)
        for d in changed:
            conn.execute(insert(t).values(entity_kind=d.entity_kind, entity_id=d.entity_id, code_version=code_version, inputs_hash=d.inputs_hash, computed_at=now))
            for flag, subjects in d.flags:
                flag_id = conn.execute(
                    insert(f).values(
                        document_id=None, kind=flag.kind, severity=flag.severity, summary=flag.summary,
                        evidence=orjson.dumps(list(flag.evidence)).decode(), status="open", checks_version=code_version, created_at=now,
                    ).returning(f.c.id)
                ).scalar_one()
                rows = {(k, i): role for k, i, role in reversed(subjects)}  # the first role given for a subject wins
                conn.execute(insert(s), [{"flag_id": flag_id, "entity_kind": k, "entity_id": i, "role": role} for (k, i), role in rows.items()])
                written += 1
    return GraphFlagsWritten(len(changed), written, len(removed))
