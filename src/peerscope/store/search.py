"""Search inside the database and the reads the search index is built from.

Title search: SQLite FTS5, or PostgreSQL full-text search; its index tables are derived
(rebuildable from ``works``) and live outside the table models. ``search_documents`` hands the
embedded search index (``peerscope.index``) what it indexes, in batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import func, select, text

from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    Authorship,
    AuthorshipAffiliation,
    FlagSubject,
    Institution,
    IntegrityFlag,
    Source,
    Topic,
    Work,
    WorkTopic,
    WorkTopicAssignment,
)
from peerscope.store.views import SearchDocument

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _fts5_query(q: str) -> str:
    # Every word must match (prefix on the last one, for search-as-you-type); quoting each token
    # keeps FTS5 syntax characters typed by users from being interpreted.
    tokens = _TOKEN.findall(q)
    if not tokens:
        return ""
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def ensure_title_index(store: Store) -> None:
    with store.begin() as conn:
        if store.is_sqlite:
            conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS works_fts USING fts5(title, tokenize='unicode61 remove_diacritics 2')"))
        else:
            conn.execute(text("CREATE INDEX IF NOT EXISTS works_fts_title ON works USING gin (to_tsvector('simple', title))"))


def index_titles(store: Store, work_ids: Iterable[int] | None = None) -> int:
    """(Re)index the titles of the given works (all when None); returns how many were indexed."""
    ensure_title_index(store)
    if not store.is_sqlite:
        return 0  # PostgreSQL's expression index follows the table by itself
    with store.begin() as conn:
        if work_ids is None:
            conn.execute(text("DELETE FROM works_fts"))
            res = conn.execute(text("INSERT INTO works_fts(rowid, title) SELECT id, title FROM works"))
            return res.rowcount or 0
        ids = sorted(set(work_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            params = {f"p{i}": v for i, v in enumerate(chunk)}
            marks = ",".join(f":p{i}" for i in range(len(chunk)))
            conn.execute(text(f"DELETE FROM works_fts WHERE rowid IN ({marks})"), params)
            conn.execute(text(f"INSERT INTO works_fts(rowid, title) SELECT id, title FROM works WHERE id IN ({marks})"), params)
        return len(ids)


def search_titles(store: Store, q: str, limit: int, offset: int = 0) -> tuple[list[int], int]:
    """Work ids whose title matches every word of ``q``, best first, and the total count."""
    with store.connect() as conn:
        if store.is_sqlite:
            match = _fts5_query(q)
            if not match:
                return [], 0
            exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='works_fts'")).first()
            if not exists:
                return [], 0
            total = conn.execute(text("SELECT count(*) FROM works_fts WHERE works_fts MATCH :q"), {"q": match}).scalar_one()
            rows = conn.execute(
                text("SELECT rowid FROM works_fts WHERE works_fts MATCH :q ORDER BY rank LIMIT :limit OFFSET :offset"),
                {"q": match, "limit": limit, "offset": offset},
            )
            return [r[0] for r in rows], int(total)
        words = " & ".join(t + ":*" for t in _TOKEN.findall(q.lower()))
        if not words:
            return [], 0
        cond = "to_tsvector('simple', title) @@ to_tsquery('simple', :q)"
        total = conn.execute(text(f"SELECT count(*) FROM works WHERE {cond}"), {"q": words}).scalar_one()
        rows = conn.execute(
            text(
                f"SELECT id FROM works WHERE {cond} "
                "ORDER BY ts_rank(to_tsvector('simple', title), to_tsquery('simple', :q)) DESC, id LIMIT :limit OFFSET :offset"
            ),
            {"q": words, "limit": limit, "offset": offset},
        )
        return [r[0] for r in rows], int(total)


# --- what the search index is built from --------------------------------------------------------

W, A, AU, AFF = Work.__table__, Authorship.__table__, Author.__table__, AuthorshipAffiliation.__table__
CHUNK = 500


def work_count(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(W)).scalar_one())


def all_work_ids(store: Store) -> list[int]:
    with store.connect() as conn:
        return [r[0] for r in conn.execute(select(W.c.id).order_by(W.c.id))]


def search_documents(store: Store, work_ids: Iterable[int] | None = None, batch: int = 2000) -> Iterator[list[SearchDocument]]:
    """The search documents of the given works (every work when None), ``batch`` at a time, in
    id order; ids with no work are left out (the caller deletes them from its index)."""
    ids = all_work_ids(store) if work_ids is None else sorted(set(work_ids))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with store.connect() as conn:
            docs: list[SearchDocument] = []
            for part in range(0, len(chunk), CHUNK):
                docs.extend(_documents(conn, chunk[part : part + CHUNK]))
        yield docs


def _documents(conn, ids: Sequence[int]) -> list[SearchDocument]:  # type: ignore[no-untyped-def]
    S = Source.__table__
    works = conn.execute(
        select(W.c.id, W.c.title, W.c.abstract, W.c.type, W.c.publication_year, W.c.is_oa, W.c.is_retracted, W.c.cited_by_count, W.c.notices, W.c.primary_source_id, S.c.display_name)
        .select_from(W.outerjoin(S, S.c.id == W.c.primary_source_id))
        .where(W.c.id.in_(ids))
        .order_by(W.c.id)
    ).all()
    names: dict[int, list[str]] = {}
    for wid, raw, display in conn.execute(
        select(A.c.work_id, A.c.raw_author_name, AU.c.display_name).select_from(A.outerjoin(AU, AU.c.id == A.c.author_id)).where(A.c.work_id.in_(ids)).order_by(A.c.work_id, A.c.position)
    ):
        bucket = names.setdefault(wid, [])
        for n in (raw, display):
            if n and n not in bucket:
                bucket.append(n)
    insts: dict[int, set[int]] = {}
    for wid, iid in conn.execute(
        select(A.c.work_id, AFF.c.institution_id).select_from(A.join(AFF, AFF.c.authorship_id == A.c.id)).where(A.c.work_id.in_(ids), AFF.c.institution_id.is_not(None))
    ):
        insts.setdefault(wid, set()).add(iid)
    topics: dict[int, set[int]] = {}
    WT, WA = WorkTopic.__table__, WorkTopicAssignment.__table__
    for wid, tid in conn.execute(select(WT.c.work_id, WT.c.topic_id).where(WT.c.work_id.in_(ids))):
        topics.setdefault(wid, set()).add(tid)
    sourced = set(topics)  # derived topics stand in for works without source topics
    for wid, tid in conn.execute(select(WA.c.work_id, WA.c.topic_id).where(WA.c.work_id.in_(ids))):
        if wid not in sourced:
            topics.setdefault(wid, set()).add(tid)
    flags: dict[int, set[str]] = {}
    FS, IF = FlagSubject.__table__, IntegrityFlag.__table__
    for wid, kind in conn.execute(
        select(FS.c.entity_id, IF.c.kind).select_from(FS.join(IF, IF.c.id == FS.c.flag_id)).where(FS.c.entity_kind == "work", FS.c.entity_id.in_(ids), IF.c.status != "withdrawn")
    ):
        flags.setdefault(wid, set()).add(kind)
    out = []
    for r in works:
        kinds = flags.get(r.id, set())
        kinds.update(n for n in (r.notices or "").split(",") if n)
        if r.is_retracted:
            kinds.add("retracted")
        out.append(
            SearchDocument(
                id=r.id,
                title=r.title or "",
                abstract=r.abstract or "",
                authors=tuple(names.get(r.id, ())),
                venue=r.display_name or "",
                venue_id=r.primary_source_id,
                year=r.publication_year,
                type=r.type or "other",
                topic_ids=tuple(sorted(topics.get(r.id, ()))),
                institution_ids=tuple(sorted(insts.get(r.id, ()))),
                flags=tuple(sorted(kinds)),
                is_oa=bool(r.is_oa),
                cited_by_count=int(r.cited_by_count or 0),
            )
        )
    return out


def entity_labels(store: Store, kind: str, ids: Sequence[int]) -> dict[int, str]:
    """Display names of topics, institutions or venues, for facet buckets."""
    table = {"topic": Topic, "institution": Institution, "venue": Source}[kind].__table__
    out: dict[int, str] = {}
    ids = sorted(set(ids))
    with store.connect() as conn:
        for start in range(0, len(ids), CHUNK):
            q = select(table.c.id, table.c.display_name).where(table.c.id.in_(ids[start : start + CHUNK]))
            out.update({r[0]: r[1] for r in conn.execute(q)})
    return out


def latest_update(store: Store):  # type: ignore[no-untyped-def]
    """The latest ``updated_at`` of any work (None for an empty store): an index built after
    reading it holds every work changed up to then."""
    with store.connect() as conn:
        return conn.execute(select(func.max(W.c.updated_at))).scalar_one()


def works_changed_since(store: Store, since) -> list[int]:  # type: ignore[no-untyped-def]
    """Works written after ``since``."""
    with store.connect() as conn:
        return [r[0] for r in conn.execute(select(W.c.id).where(W.c.updated_at > since).order_by(W.c.id))]


def flag_kinds(store: Store, work_ids: Sequence[int]) -> dict[int, list[str]]:
    """The kinds of the open or answered integrity flags on each given work."""
    FS, IF = FlagSubject.__table__, IntegrityFlag.__table__
    out: dict[int, list[str]] = {}
    ids = sorted(set(work_ids))
    with store.connect() as conn:
        for start in range(0, len(ids), CHUNK):
            q = (
                select(FS.c.entity_id, IF.c.kind)
                .select_from(FS.join(IF, IF.c.id == FS.c.flag_id))
                .where(FS.c.entity_kind == "work", FS.c.entity_id.in_(ids[start : start + CHUNK]), IF.c.status != "withdrawn")
                .distinct()
                .order_by(FS.c.entity_id, IF.c.kind)
            )
            for wid, kind in conn.execute(q):
                out.setdefault(wid, []).append(kind)
    return out
