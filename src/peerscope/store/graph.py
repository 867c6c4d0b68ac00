"""Storage side of the research graph: rebuilding ``graph_edges`` from the canonical and derived
tables with set-based SQL, and bounded neighbourhood reads.

Every edge is stored from both ends, so the strongest neighbours of a node of one kind are a
range of the ``(src_kind, src_id, dst_kind, weight)`` index read backwards with a LIMIT: a hub
with 10,000 co-authors costs what a node with ten does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import Connection, func, select

from peerscope.store.db import Store
from peerscope.store.derived import WORK_TOPICS_SQL
from peerscope.store.models import (
    Author,
    AuthorStats,
    FlagSubject,
    GraphBuild,
    GraphEdge,
    Institution,
    IntegrityFlag,
    Source,
    Topic,
    TrustCurrent,
    Work,
)

NODE_KINDS = ("work", "author", "topic", "institution", "source")
CHUNK = 500


@dataclass(frozen=True, slots=True)
class EdgeView:
    src: tuple[str, int]
    dst: tuple[str, int]
    kind: str
    weight: float
    evidence: Mapping[str, object]
    year_min: int | None
    year_max: int | None


@dataclass(frozen=True, slots=True)
class NodeView:
    kind: str
    id: int
    label: str
    year: int | None = None  # a work's publication year
    retracted: bool = False
    verification_level: str | None = None  # an author's, from the trust snapshot
    trust_score: int | None = None
    open_flags: int = 0
    works_count: int | None = None
    detail: str | None = None  # level of a topic, country of an institution, type of a venue


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    centre: tuple[str, int]
    nodes: tuple[NodeView, ...]  # the centre first, then by hop and weight
    hops: Mapping[tuple[str, int], int]
    edges: tuple[EdgeView, ...]
    truncated: bool = False  # the node cap stopped the second hop early


@dataclass(frozen=True, slots=True)
class BuildRecord:
    code_version: str
    inputs_hash: str
    edges: Mapping[str, int]
    seconds: float
    computed_at: datetime


# --- building --------------------------------------------------------------------------------
def _json(dialect: str, **pairs: str) -> str:
    """A SQL expression building a JSON object from column expressions, on either database."""
    args = ", ".join(f"'{k}', {v}" for k, v in pairs.items())
    return f"json_object({args})" if dialect == "sqlite" else f"CAST(json_build_object({args}) AS TEXT)"


def edge_selects(dialect: str, p: Mapping[str, float]) -> dict[str, list[str]]:
    """Each edge kind's SELECTs, one per stored direction, giving the columns of ``graph_edges``
    in order; an edge's years are those of the works behind it, or of the work it leads to. ``p`` holds the weighting constants (``peerscope.derive.graph.WEIGHTS``)."""
    j = lambda **kw: _json(dialect, **kw)  # noqa: E731
    byline = (
        "SELECT a.author_id AS author_id, a.work_id AS work_id, MIN(a.position) + 1 AS pos, n.n AS n, w.publication_year AS yr "
        "FROM authorships a JOIN (SELECT work_id, COUNT(*) AS n FROM authorships GROUP BY work_id) n ON n.work_id = a.work_id "
        "JOIN works w ON w.id = a.work_id WHERE a.author_id IS NOT NULL GROUP BY a.author_id, a.work_id, n.n, w.publication_year"
    )
    # a row's years are those of the work it leads to, so a year filter keeps the works in range
    cites = (
        "SELECT c.citing_work_id AS citing, c.cited_work_id AS cited, w.publication_year AS citing_yr, v.publication_year AS cited_yr "
        "FROM citations c JOIN works w ON w.id = c.citing_work_id JOIN works v ON v.id = c.cited_work_id "
        "WHERE c.cited_work_id <> c.citing_work_id GROUP BY c.citing_work_id, c.cited_work_id, w.publication_year, v.publication_year"
    )
    affil = (
        "SELECT a.author_id AS author_id, f.institution_id AS inst, COUNT(DISTINCT a.work_id) AS n, MIN(w.publication_year) AS y0, "
        "MAX(w.publication_year) AS y1 FROM authorship_affiliations f JOIN authorships a ON a.id = f.authorship_id "
        "JOIN works w ON w.id = a.work_id WHERE f.institution_id IS NOT NULL AND a.author_id IS NOT NULL GROUP BY a.author_id, f.institution_id"
    )
    work_inst = (
        "SELECT a.work_id AS work_id, f.institution_id AS inst, COUNT(DISTINCT a.id) AS n, MIN(w.publication_year) AS yr "
        "FROM authorship_affiliations f JOIN authorships a ON a.id = f.authorship_id JOIN works w ON w.id = a.work_id "
        "WHERE f.institution_id IS NOT NULL GROUP BY a.work_id, f.institution_id"
    )
    author_venue = (
        "SELECT a.author_id AS author_id, w.primary_source_id AS src, COUNT(DISTINCT a.work_id) AS n, MIN(w.publication_year) AS y0, "
        "MAX(w.publication_year) AS y1 FROM authorships a JOIN works w ON w.id = a.work_id "
        "WHERE a.author_id IS NOT NULL AND w.primary_source_id IS NOT NULL GROUP BY a.author_id, w.primary_source_id"
    )
    # shared topics: only each topic's most active authors take part, so a topic with 10,000
    # authors adds at most cap² pairs; each author keeps its strongest few
    shared_topics = (
        "SELECT a1 AS x, a2 AS y, n FROM (SELECT a1, a2, n, ROW_NUMBER() OVER (PARTITION BY a1 ORDER BY n DESC, a2) AS rk FROM ("
        "SELECT r1.author_id AS a1, r2.author_id AS a2, COUNT(*) AS n FROM "
        f"(SELECT author_id, topic_id FROM (SELECT author_id, topic_id, ROW_NUMBER() OVER (PARTITION BY topic_id ORDER BY works_count DESC, author_id) AS rn FROM author_topics) t WHERE rn <= {int(p['shared_topic_cap'])}) r1 "
        f"JOIN (SELECT author_id, topic_id FROM (SELECT author_id, topic_id, ROW_NUMBER() OVER (PARTITION BY topic_id ORDER BY works_count DESC, author_id) AS rn FROM author_topics) t WHERE rn <= {int(p['shared_topic_cap'])}) r2 "
        "ON r1.topic_id = r2.topic_id AND r1.author_id <> r2.author_id GROUP BY r1.author_id, r2.author_id) pairs "
        f"WHERE n >= {int(p['shared_topic_min'])}) ranked WHERE rk <= {int(p['shared_topic_keep'])}"
    )
    # similarity: bibliographic coupling (works citing the same works), each cited work's
    # latest citers only, at least two shared references, each work's strongest few
    linked = (
        "SELECT citing_work_id AS citing, cited_work_id AS cited FROM (SELECT citing_work_id, cited_work_id, ROW_NUMBER() OVER "
        "(PARTITION BY cited_work_id ORDER BY citing_work_id DESC) AS rn FROM citations WHERE cited_work_id IS NOT NULL "
        f"AND cited_work_id <> citing_work_id) c WHERE rn <= {int(p['coupling_cap'])}"
    )
    coupling = (
        "SELECT x, y, n FROM (SELECT x, y, n, ROW_NUMBER() OVER (PARTITION BY x ORDER BY n DESC, y DESC) AS rk FROM ("
        f"SELECT c1.citing AS x, c2.citing AS y, COUNT(*) AS n FROM ({linked}) c1 JOIN ({linked}) c2 ON c1.cited = c2.cited "
        f"AND c1.citing <> c2.citing GROUP BY c1.citing, c2.citing) pairs WHERE n >= {int(p['coupling_min'])}) ranked "
        f"WHERE rk <= {int(p['coupling_keep'])}"
    )
    sat = lambda n, h: f"({n}) * 1.0 / (({n}) + {float(h)})"  # noqa: E731  n / (n + h): 0 … 1, halfway at h
    return {
        "coauthor": [
            f"SELECT 'author', author_id, 'author', coauthor_id, 'coauthor', {sat('joint_works', p['coauthor_half'])}, "
            f"{j(joint_works='joint_works')}, first_year, last_year FROM collaborators WHERE author_id <> coauthor_id",
        ],
        "authorship": [
            f"SELECT 'author', author_id, 'work', work_id, 'authorship', {float(p['authorship_span'])} / ({float(p['authorship_span']) - 1} + n), "
            f"{j(position='pos', authors='n')}, yr, yr FROM ({byline}) b",
            f"SELECT 'work', work_id, 'author', author_id, 'authorship', {float(p['authorship_span'])} / ({float(p['authorship_span']) - 1} + n), "
            f"{j(position='pos', authors='n')}, yr, yr FROM ({byline}) b",
        ],
        "citation": [
            f"SELECT 'work', citing, 'work', cited, 'citation', {float(p['citation'])}, {j(cites='1')}, cited_yr, cited_yr FROM ({cites}) c",
            f"SELECT 'work', cited, 'work', citing, 'citation', {float(p['citation'])}, {j(cites='0')}, citing_yr, citing_yr FROM ({cites}) c",
        ],
        "topic": [
            f"SELECT 'work', t.work_id, 'topic', t.topic_id, 'topic', t.score, {j(score='t.score')}, w.publication_year, w.publication_year "
            f"FROM ({WORK_TOPICS_SQL}) t JOIN works w ON w.id = t.work_id",
            f"SELECT 'topic', t.topic_id, 'work', t.work_id, 'topic', t.score, {j(score='t.score')}, w.publication_year, w.publication_year "
            f"FROM ({WORK_TOPICS_SQL}) t JOIN works w ON w.id = t.work_id",
            f"SELECT 'author', author_id, 'topic', topic_id, 'topic', {sat('works_count', p['topic_half'])}, {j(works='works_count')}, NULL, NULL FROM author_topics",
            f"SELECT 'topic', topic_id, 'author', author_id, 'topic', {sat('works_count', p['topic_half'])}, {j(works='works_count')}, NULL, NULL FROM author_topics",
        ],
        "affiliation": [
            f"SELECT 'author', author_id, 'institution', inst, 'affiliation', {sat('n', p['affiliation_half'])}, {j(works='n')}, y0, y1 FROM ({affil}) f",
            f"SELECT 'institution', inst, 'author', author_id, 'affiliation', {sat('n', p['affiliation_half'])}, {j(works='n')}, y0, y1 FROM ({affil}) f",
            f"SELECT 'work', work_id, 'institution', inst, 'affiliation', {float(p['work_affiliation'])}, {j(authors='n')}, yr, yr FROM ({work_inst}) f",
            f"SELECT 'institution', inst, 'work', work_id, 'affiliation', {float(p['work_affiliation'])}, {j(authors='n')}, yr, yr FROM ({work_inst}) f",
        ],
        "venue": [
            f"SELECT 'work', id, 'source', primary_source_id, 'venue', {float(p['work_venue'])}, {j(works='1')}, publication_year, publication_year "
            "FROM works WHERE primary_source_id IS NOT NULL",
            f"SELECT 'source', primary_source_id, 'work', id, 'venue', {float(p['work_venue'])}, {j(works='1')}, publication_year, publication_year "
            "FROM works WHERE primary_source_id IS NOT NULL",
            f"SELECT 'author', author_id, 'source', src, 'venue', {sat('n', p['venue_half'])}, {j(works='n')}, y0, y1 FROM ({author_venue}) v",
            f"SELECT 'source', src, 'author', author_id, 'venue', {sat('n', p['venue_half'])}, {j(works='n')}, y0, y1 FROM ({author_venue}) v",
        ],
        "shared_topic": [
            f"SELECT 'author', x, 'author', y, 'shared_topic', {float(p['shared_topic_scale'])} * {sat('n', p['shared_topic_half'])}, {j(topics='n')}, NULL, NULL FROM ({shared_topics}) s",
        ],
        "similarity": [
            f"SELECT 'work', x, 'work', y, 'similarity', {sat('n', p['coupling_half'])}, {j(shared_references='n')}, NULL, NULL FROM ({coupling}) s",
        ],
    }


COLUMNS = "src_kind, src_id, dst_kind, dst_id, kind, weight, evidence, year_min, year_max"


def rebuild_edges(store: Store, weights: Mapping[str, float], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Replace every edge, kind by kind, in one transaction; the edge rows written by kind.

    Shared-topic and similarity pairs are ranked from each end on its own, so a pair one end
    keeps may be dropped by the other: those edges are kept wherever either end keeps them
    (an ``OR IGNORE`` / ``ON CONFLICT DO NOTHING`` insert of the mirrored row)."""
    written: dict[str, int] = {}
    sqlite = store.is_sqlite
    with store.begin(write=True) as conn:
        conn.exec_driver_sql("DELETE FROM graph_edges" if sqlite else "TRUNCATE graph_edges")
        for kind, selects in edge_selects(store.dialect, weights).items():
            before = conn.exec_driver_sql("SELECT COUNT(*) FROM graph_edges").scalar_one()
            for sql in selects:
                conn.exec_driver_sql(f"INSERT {'OR IGNORE ' if sqlite else ''}INTO graph_edges ({COLUMNS}) {sql}{'' if sqlite else ' ON CONFLICT DO NOTHING'}")
            if kind in ("shared_topic", "similarity"):
                mirror = (f"SELECT dst_kind, dst_id, src_kind, src_id, kind, weight, evidence, year_min, year_max FROM graph_edges WHERE kind = '{kind}'")
                conn.exec_driver_sql(f"INSERT {'OR IGNORE ' if sqlite else ''}INTO graph_edges ({COLUMNS}) {mirror}{'' if sqlite else ' ON CONFLICT DO NOTHING'}")
            written[kind] = conn.exec_driver_sql("SELECT COUNT(*) FROM graph_edges").scalar_one() - before
            if progress is not None:
                progress(kind)
        if not sqlite:
            conn.exec_driver_sql("ANALYZE graph_edges")
    return written


def input_stats(store: Store) -> dict[str, list[int]]:
    """Row counts and largest ids of what the graph is built from: a cheap signature that moves
    whenever works, bylines, citations, topics or affiliations are added, removed or relinked."""
    probes = {
        "works": "SELECT COUNT(*), COALESCE(MAX(id), 0), COUNT(primary_source_id) FROM works",
        "authorships": "SELECT COUNT(*), COALESCE(MAX(id), 0), COUNT(author_id), COALESCE(SUM(author_id), 0) FROM authorships",
        "citations": "SELECT COUNT(*), COUNT(cited_work_id), COALESCE(SUM(cited_work_id), 0) FROM citations",
        "work_topics": "SELECT COUNT(*), COALESCE(SUM(topic_id), 0) FROM work_topics",
        "work_topic_assignments": "SELECT COUNT(*), COALESCE(SUM(topic_id), 0), COALESCE(SUM(work_id), 0) FROM work_topic_assignments",
        "author_topics": "SELECT COUNT(*), COALESCE(SUM(works_count), 0) FROM author_topics",
        "collaborators": "SELECT COUNT(*), COALESCE(SUM(joint_works), 0) FROM collaborators",
        "affiliations": "SELECT COUNT(*), COUNT(institution_id), COALESCE(SUM(institution_id), 0) FROM authorship_affiliations",
    }
    with store.connect() as conn:
        return {name: [int(v) for v in conn.exec_driver_sql(sql).one()] for name, sql in probes.items()}


def last_build(store: Store) -> BuildRecord | None:
    b = GraphBuild.__table__
    with store.connect() as conn:
        r = conn.execute(select(b).order_by(b.c.id.desc()).limit(1)).first()
    if r is None:
        return None
    return BuildRecord(r.code_version, r.inputs_hash, orjson.loads(r.edges), r.seconds, r.computed_at)


def record_build(store: Store, record: BuildRecord) -> None:
    b = GraphBuild.__table__
    with store.begin(write=True) as conn:
        conn.execute(b.delete())
        conn.execute(b.insert().values(id=1, code_version=record.code_version, inputs_hash=record.inputs_hash,
                                       edges=orjson.dumps(dict(record.edges)).decode(), seconds=record.seconds, computed_at=record.computed_at))


def edge_count(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(GraphEdge.__table__)).scalar_one()


# --- reading ---------------------------------------------------------------------------------
# one bounded index range per (node, kind), many ranges to a statement (a UNION ALL: one round
# trip to the server for a whole ring), straight on the driver's cursor, as SQLAlchemy's
# per-statement work would cost more than the ranges themselves
_RANGE = (
    "SELECT * FROM (SELECT src_kind, src_id, dst_kind, dst_id, kind, weight, evidence, year_min, year_max FROM graph_edges "
    "WHERE src_kind = {m} AND src_id = {m} AND dst_kind = {m} "
    "AND (year_max IS NULL OR year_max >= {m}) AND (year_min IS NULL OR year_min <= {m}) "
    "ORDER BY weight DESC, dst_id DESC LIMIT {m}) r{i}"
)
RANGES_PER_STATEMENT = 250  # SQLite allows 500 terms in a compound SELECT


def _neighbours_of(conn: Connection, nodes: Sequence[tuple[str, int]], kinds: Sequence[str], limit: int, years: tuple[int, int]) -> dict[tuple[str, int], list[EdgeView]]:
    """The strongest ``limit`` edges from each node to nodes of ``kinds``. Each kind first gets
    an equal share of ``limit`` (so an author's many papers do not crowd out their co-authors and
    topics), the rest goes to the strongest of what is left."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    ranges = [(n, k) for n in nodes for k in kinds]
    found: dict[tuple[tuple[str, int], str], list[tuple]] = {}
    cursor = conn.connection.cursor()
    for start in range(0, len(ranges), RANGES_PER_STATEMENT):
        part = ranges[start : start + RANGES_PER_STATEMENT]
        sql = " UNION ALL ".join(_RANGE.format(m=mark, i=i) for i in range(len(part)))
        cursor.execute(sql, [v for (n, k) in part for v in (n[0], n[1], k, years[0], years[1], limit)])
        for r in cursor.fetchall():
            found.setdefault(((r[0], r[1]), r[2]), []).append(r[2:])
    cursor.close()
    share = max(1, limit // max(1, len(kinds)))
    out: dict[tuple[str, int], list[EdgeView]] = {}
    for node in nodes:
        per_kind = [sorted(found.get((node, k), ()), key=_rank) for k in kinds]
        chosen = [r for rows in per_kind for r in rows[:share]]
        rest = sorted((r for rows in per_kind for r in rows[share:]), key=_rank)
        chosen.extend(rest[: max(0, limit - len(chosen))])
        out[node] = [EdgeView(node, (r[0], r[1]), r[2], float(r[3]), orjson.loads(r[4]), r[5], r[6]) for r in sorted(chosen, key=_rank)[:limit]]
    return out


def _rank(r: tuple) -> tuple:
    return (-r[3], r[0], -r[1], r[2])  # by weight; ties: the newer record first


@dataclass(slots=True)
class _Walk:
    hops: dict[tuple[str, int], int] = field(default_factory=dict)
    weight: dict[tuple[str, int], float] = field(default_factory=dict)
    edges: dict[tuple, EdgeView] = field(default_factory=dict)

    def add(self, e: EdgeView, hop: int) -> None:
        key = (min(e.src, e.dst), max(e.src, e.dst), e.kind)
        if key not in self.edges:
            self.edges[key] = e
        if e.dst not in self.hops:
            self.hops[e.dst] = hop
            self.weight[e.dst] = e.weight
        elif self.hops[e.dst] == hop:
            self.weight[e.dst] = max(self.weight[e.dst], e.weight)


def neighbourhood(
    store: Store, centre: tuple[str, int], *, depth: int, kinds: Sequence[str], limit: int,
    years: tuple[int, int] = (0, 9999), max_nodes: int = 5000,
) -> Neighbourhood | None:
    """The nodes within ``depth`` hops (1 or 2) of ``centre``: the strongest ``limit`` around
    it, then the strongest ``limit`` around each of those, in that order, until ``max_nodes``
    (``truncated`` then says so). None when the centre does not exist."""
    with store.connect() as conn:
        if not _labels(conn, [centre]):
            return None
        walk = _Walk(hops={centre: 0}, weight={centre: 1.0})
        truncated = False

        def reach(edges: list[EdgeView], hop: int) -> None:
            nonlocal truncated
            for e in edges:
                if e.dst not in walk.hops and len(walk.hops) >= max_nodes:
                    truncated = True
                    continue
                walk.add(e, hop)

        reach(_neighbours_of(conn, [centre], kinds, limit, years)[centre], 1)
        if depth >= 2:
            ring = [n for n, hop in walk.hops.items() if hop == 1]
            around = _neighbours_of(conn, ring, kinds, limit, years)
            for node in ring:
                if truncated:
                    break
                reach(around[node], 2)
        order = sorted(walk.hops, key=lambda n: (walk.hops[n], -walk.weight[n], n[0], -n[1]))
        labels = _labels(conn, order)
    nodes = tuple(labels[n] for n in order if n in labels)
    present = {(n.kind, n.id) for n in nodes}
    edges = tuple(e for e in walk.edges.values() if e.src in present and e.dst in present)
    return Neighbourhood(centre, nodes, {n: walk.hops[n] for n in present}, edges, truncated)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _labels(conn: Connection, nodes: Iterable[tuple[str, int]]) -> dict[tuple[str, int], NodeView]:
    """Each existing node's label and the signals shown on it (trust level, open flags)."""
    by_kind: dict[str, list[int]] = {}
    for kind, nid in nodes:
        by_kind.setdefault(kind, []).append(nid)
    out: dict[tuple[str, int], NodeView] = {}
    W, AU, T, I, S = Work.__table__, Author.__table__, Topic.__table__, Institution.__table__, Source.__table__
    ST, TC, FS, F = AuthorStats.__table__, TrustCurrent.__table__, FlagSubject.__table__, IntegrityFlag.__table__
    for kind, ids in by_kind.items():
        for chunk in _chunks(sorted(set(ids))):
            flags: dict[int, int] = {}
            if kind in ("work", "author"):
                flags = dict(conn.execute(
                    select(FS.c.entity_id, func.count(func.distinct(FS.c.flag_id))).select_from(FS.join(F, F.c.id == FS.c.flag_id))
                    .where(FS.c.entity_kind == kind, FS.c.entity_id.in_(chunk), F.c.status == "open").group_by(FS.c.entity_id)
                ).all())
            if kind == "work":
                for r in conn.execute(select(W.c.id, W.c.title, W.c.publication_year, W.c.is_retracted, W.c.type).where(W.c.id.in_(chunk))):
                    out[(kind, r[0])] = NodeView(kind, r[0], r[1], year=r[2], retracted=bool(r[3]), open_flags=flags.get(r[0], 0), detail=r[4])
            elif kind == "author":
                q = (select(AU.c.id, AU.c.display_name, TC.c.verification_level, TC.c.score, ST.c.works_count)
                     .select_from(AU.outerjoin(TC, TC.c.author_id == AU.c.id).outerjoin(ST, ST.c.author_id == AU.c.id)).where(AU.c.id.in_(chunk)))
                for r in conn.execute(q):
                    out[(kind, r[0])] = NodeView(kind, r[0], r[1], verification_level=r[2], trust_score=r[3], works_count=r[4], open_flags=flags.get(r[0], 0))
            else:
                table, extra = {"topic": (T, T.c.level), "institution": (I, I.c.country_code), "source": (S, S.c.type)}[kind]
                for r in conn.execute(select(table.c.id, table.c.display_name, extra).where(table.c.id.in_(chunk))):
                    out[(kind, r[0])] = NodeView(kind, r[0], r[1], detail=r[2])
    return out
