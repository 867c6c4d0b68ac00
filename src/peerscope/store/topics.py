"""Storage side of topics: the hierarchy's nodes found or created, the works that came without
topics, the derived assignments (``work_topic_assignments``) and cluster topics, and what a
topic page shows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, Integer, delete, desc, func, insert, literal, select, union_all

from peerscope.store.bulk import insert_rows
from peerscope.store.db import Store
from peerscope.store.derived import mark_pending
from peerscope.store.models import Author, Authorship, AuthorTopic, ExternalIdRow, Topic, TopicCluster, Work, WorkTopic, WorkTopicAssignment
from peerscope.store.queries import lineage_of
from peerscope.store.views import Ref

CHUNK = 500
T, WT, WA, TC, W = Topic.__table__, WorkTopic.__table__, WorkTopicAssignment.__table__, TopicCluster.__table__, Work.__table__
E, A, AU = ExternalIdRow.__table__, Authorship.__table__, Author.__table__
CLUSTER_LEVEL = "cluster"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _find_or_create(conn: Connection, level: str, name: str, parent_id: int | None) -> int:
    cond = [T.c.level == level, T.c.display_name == name, T.c.parent_id.is_(None) if parent_id is None else T.c.parent_id == parent_id]
    found = conn.execute(select(T.c.id).where(*cond).order_by(T.c.id).limit(1)).scalar()
    if found is not None:
        return int(found)
    return int(conn.execute(insert(T).values(display_name=name[:500], level=level, parent_id=parent_id).returning(T.c.id)).scalar_one())


def ensure_nodes(store: Store, nodes: Sequence[tuple[tuple[tuple[str, str], ...], str | None]]) -> dict[tuple[tuple[str, str], ...], int]:
    """Find or create each node, given as (path of (level, name) from the root, arXiv code or
    None), parents first; nodes with a code answer to it as an external id (scheme "arxiv")."""
    ids: dict[tuple[tuple[str, str], ...], int] = {}
    with store.begin(write=True) as conn:
        for path, code in nodes:
            parent = ids.get(path[:-1]) if len(path) > 1 else None
            level, name = path[-1]
            ids[path] = _find_or_create(conn, level, name, parent)
            if code:
                known = conn.execute(select(E.c.entity_id).where(E.c.entity_kind == "topic", E.c.scheme == "arxiv", E.c.value == code)).first()
                if known is None:
                    conn.execute(insert(E).values(entity_kind="topic", scheme="arxiv", value=code, entity_id=ids[path], raw_record_id=None))
    return ids


def arxiv_topic_ids(store: Store) -> dict[str, int]:
    with store.connect() as conn:
        return {v: int(i) for v, i in conn.execute(select(E.c.value, E.c.entity_id).where(E.c.entity_kind == "topic", E.c.scheme == "arxiv"))}


def _without_source_topics():  # type: ignore[no-untyped-def]
    return ~select(WT.c.work_id).where(WT.c.work_id == W.c.id).exists()


def works_without_topics(store: Store, batch: int = 5000) -> Iterator[tuple[int, list[str], str]]:
    """Every work no source gave a topic: (id, its subject labels, title and abstract)."""
    with store.connect() as conn:
        rows = conn.execute(select(W.c.id, W.c.categories, W.c.title, W.c.abstract).where(_without_source_topics()).order_by(W.c.id))
        while chunk := rows.fetchmany(batch):
            for wid, cats, title, abstract in chunk:
                labels = [str(c) for c in orjson.loads(cats)] if cats else []
                yield int(wid), labels, f"{title or ''}. {abstract or ''}"


def replace_assignments(store: Store, rows: Sequence[tuple[int, int, float, str]], clusters: Sequence[tuple[str, tuple[str, ...], Sequence[tuple[int, float]]]]) -> dict[str, int]:
    """Replace every derived assignment in one transaction: ``rows`` (work, topic, score,
    method) and the cluster topics ``clusters`` (label, terms, members). A cluster topic keeps
    its id while its label stays the same; cluster topics no cluster uses any more go.

    The authors of every work whose derived topics changed are queued for the derive stage in
    the same transaction (their topic profiles count derived topics), and profile rows that
    name a cluster topic about to go are dropped with it (the queue recomputes them)."""
    now = _now()
    with store.begin(write=True) as conn:
        before = {(int(w), int(t)): float(sc) for w, t, sc in conn.execute(select(WA.c.work_id, WA.c.topic_id, WA.c.score))}
        conn.execute(delete(WA))
        old = {name: int(i) for i, name in conn.execute(select(T.c.id, T.c.display_name).where(T.c.level == CLUSTER_LEVEL))}
        used: set[int] = set()
        values = [{"work_id": w, "topic_id": t, "score": s, "method": m} for w, t, s, m in rows]
        conn.execute(delete(TC))
        for label, terms, members in clusters:
            tid = old.get(label)
            if tid is None or tid in used:
                tid = int(conn.execute(insert(T).values(display_name=label[:500], level=CLUSTER_LEVEL, parent_id=None).returning(T.c.id)).scalar_one())
            used.add(tid)
            conn.execute(insert(TC).values(topic_id=tid, terms=orjson.dumps(list(terms)).decode(), works_count=len(members), computed_at=now))
            values += [{"work_id": w, "topic_id": tid, "score": s, "method": "cluster"} for w, s in members]
        for start in range(0, len(values), 5000):
            insert_rows(conn, WA, values[start : start + 5000])
        gone = sorted(set(old.values()) - used)
        after = {(int(v["work_id"]), int(v["topic_id"])): float(v["score"]) for v in values}
        changed = sorted({work for (work, _topic), _score in set(before.items()) ^ set(after.items())})
        for start in range(0, len(gone), CHUNK):
            part = gone[start : start + CHUNK]
            conn.execute(delete(AuthorTopic.__table__).where(AuthorTopic.__table__.c.topic_id.in_(part)))
            conn.execute(delete(T).where(T.c.id.in_(part)))
        authors: set[int] = set()
        for start in range(0, len(changed), CHUNK):
            authors.update(a for (a,) in conn.execute(select(A.c.author_id).where(A.c.work_id.in_(changed[start : start + CHUNK]), A.c.author_id.is_not(None)).distinct()))
        mark_pending(conn, authors, ())
    return {"assigned": len(values), "clusters": len(clusters), "clusters_removed": len(gone), "authors_queued": len(authors)}


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TopicPage:
    id: int
    display_name: str
    level: str
    lineage: tuple[Ref, ...]  # ancestors, root first
    children: tuple[tuple[Ref, int], ...]  # (child, works under it directly), most works first
    works_count: int
    derived_works_count: int  # of them, works given this topic by a derivation, not a source
    by_year: tuple[tuple[int, int], ...]
    top_work_ids: tuple[int, ...]  # most cited first
    top_authors: tuple[tuple[Ref, int], ...]  # (author, works in this topic)
    arxiv_code: str | None
    terms: tuple[str, ...]  # a cluster topic's terms


def _topic_works():  # type: ignore[no-untyped-def]
    """(work, topic, score, derived) for every topic of every work, from sources or derived."""
    return union_all(
        select(WT.c.work_id, WT.c.topic_id, WT.c.score, literal(0, Integer).label("derived")),
        select(WA.c.work_id, WA.c.topic_id, WA.c.score, literal(1, Integer).label("derived")),
    ).subquery()


def topic_page(store: Store, topic_id: int, works_limit: int = 10, authors_limit: int = 10) -> TopicPage | None:
    tw = _topic_works()
    with store.connect() as conn:
        row = conn.execute(select(T.c.id, T.c.display_name, T.c.level, T.c.parent_id).where(T.c.id == topic_id)).first()
        if row is None:
            return None
        lineage = lineage_of(conn, row.parent_id)
        counts = dict(conn.execute(select(tw.c.topic_id, func.count()).where(tw.c.topic_id.in_(select(T.c.id).where(T.c.parent_id == topic_id))).group_by(tw.c.topic_id)).all())
        children = sorted(((Ref(i, n), int(counts.get(i, 0))) for i, n in conn.execute(select(T.c.id, T.c.display_name).where(T.c.parent_id == topic_id))),
                          key=lambda c: (-c[1], c[0].name))
        total, derived = conn.execute(select(func.count(), func.coalesce(func.sum(tw.c.derived), 0)).where(tw.c.topic_id == topic_id)).one()
        by_year = conn.execute(
            select(W.c.publication_year, func.count()).select_from(tw.join(W, W.c.id == tw.c.work_id))
            .where(tw.c.topic_id == topic_id, W.c.publication_year.is_not(None)).group_by(W.c.publication_year).order_by(W.c.publication_year)
        ).all()
        top = conn.execute(
            select(W.c.id).select_from(tw.join(W, W.c.id == tw.c.work_id)).where(tw.c.topic_id == topic_id)
            .order_by(desc(W.c.cited_by_count), desc(tw.c.score), W.c.id).limit(works_limit)
        ).scalars().all()
        n = func.count(func.distinct(A.c.work_id)).label("n")
        authors = conn.execute(
            select(AU.c.id, AU.c.display_name, n).select_from(tw.join(A, A.c.work_id == tw.c.work_id).join(AU, AU.c.id == A.c.author_id))
            .where(tw.c.topic_id == topic_id).group_by(AU.c.id, AU.c.display_name).order_by(desc(n), AU.c.id).limit(authors_limit)
        ).all()
        code = conn.execute(select(E.c.value).where(E.c.entity_kind == "topic", E.c.scheme == "arxiv", E.c.entity_id == topic_id)).scalar()
        terms = conn.execute(select(TC.c.terms).where(TC.c.topic_id == topic_id)).scalar()
    return TopicPage(
        int(row.id), row.display_name, row.level, lineage, tuple(children), int(total), int(derived or 0),
        tuple((int(y), int(c)) for y, c in by_year), tuple(int(i) for i in top),
        tuple((Ref(int(i), name), int(c)) for i, name, c in authors), code, tuple(orjson.loads(terms)) if terms else (),
    )


def derived_topics_of(store: Store, work_id: int) -> list[tuple[int, str, str, float, str]]:
    """A work's derived topics: (topic id, name, level, score, method), best first."""
    with store.connect() as conn:
        return [
            (int(i), name, level, float(score), method)
            for i, name, level, score, method in conn.execute(
                select(T.c.id, T.c.display_name, T.c.level, WA.c.score, WA.c.method).join(T, T.c.id == WA.c.topic_id)
                .where(WA.c.work_id == work_id).order_by(desc(WA.c.score), T.c.id)
            )
        ]


def topic_counts(store: Store) -> Mapping[str, int]:
    with store.connect() as conn:
        return dict(conn.execute(select(WA.c.method, func.count()).group_by(WA.c.method)).all())
