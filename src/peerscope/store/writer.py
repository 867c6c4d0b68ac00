"""Batch writer: turns normalised records into canonical rows, idempotently.

One call writes one batch in one transaction, so a killed run loses at most the batch in flight
and never leaves half a record. A payload already stored (same source, source id and content
hash) is skipped before anything else happens, which is what makes re-ingesting a file a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Table, delete, insert, select, update

from peerscope.normalize.records import (
    AuthorRecord,
    EntityRecord,
    ExternalId,
    InstitutionRecord,
    SourceItem,
    SourceRecord,
    TopicRecord,
    WorkRecord,
)
from peerscope.resolve.identifiers import Key, author_ids, resolve_batch, strong_ids
from peerscope.store.bulk import insert_rows, insert_with_ids
from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    AuthorName,
    Authorship,
    AuthorshipAffiliation,
    Citation,
    ExternalIdRow,
    Institution,
    Location,
    RawRecord,
    Redirect,
    Source,
    Topic,
    Work,
    WorkTopic,
)

CHUNK = 500
KNOWN_LIMIT = 2_000_000  # cached external ids (about 0.5 GB) before the cache starts afresh
TOPIC_LEVELS = ("domain", "field", "subfield", "topic")


@dataclass(frozen=True, slots=True)
class IngestItem:
    """A normalised record and the raw payload bytes it was built from."""

    record: SourceItem
    payload: bytes


@dataclass
class BatchResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    entities: int = 0  # authors, venues, institutions, topics and other kinds described on their own
    work_ids: set[int] = field(default_factory=set)
    author_ids: set[int] = field(default_factory=set)

    def add(self, other: BatchResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.entities += other.entities
        self.work_ids |= other.work_ids
        self.author_ids |= other.author_ids


def _venue_row(s: SourceRecord) -> dict:
    return {"display_name": s.display_name[:500], "type": s.type, "issn_l": s.issn_l, "publisher": s.publisher}


def _institution_row(s: InstitutionRecord) -> dict:
    return {"display_name": s.display_name[:500], "country_code": (s.country_code or None) and s.country_code[:2], "type": s.type}


def payload_hash(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Writer:
    """Writes batches of work records. Keeps an id cache across batches of one run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[Key, int] = {}

    # --- helpers ------------------------------------------------------------------------------
    def _insert_ignore(self, conn: Connection, table: Table, rows: list[dict]) -> None:
        insert_rows(conn, table, rows, ignore_conflicts=True)

    def _insert_returning(self, conn: Connection, table: Table, rows: list[dict]) -> list[int]:
        return insert_with_ids(conn, table, rows)

    def _load_known(self, conn: Connection, keys: Iterable[Key]) -> None:
        missing: dict[str, set[str]] = {}
        for kind, scheme, value in keys:
            if (kind, scheme, value) not in self._known:
                missing.setdefault(kind, set()).add(value)
        t = ExternalIdRow.__table__
        for kind, values in missing.items():
            for chunk in _chunks(sorted(values)):
                rows = conn.execute(
                    select(t.c.scheme, t.c.value, t.c.entity_id).where(
                        t.c.entity_kind == kind, t.c.value.in_(chunk)
                    )
                )
                for scheme, value, entity_id in rows:
                    self._known[(kind, scheme, value)] = entity_id

    def _remember(self, rows: list[dict]) -> None:
        for r in rows:
            self._known.setdefault((r["entity_kind"], r["scheme"], r["value"]), r["entity_id"])

    def _resolve_entities(
        self,
        conn: Connection,
        kind: str,
        records: list,
        id_lists: list[list[ExternalId]],
        make_row,
        raw_ids: Sequence[int | None],
    ) -> list[int]:
        """Resolve records of a reference kind (venue, institution, topic), creating new ones.
        ``raw_ids`` names, per record, the payload that first mentioned it (the ids' provenance)."""
        self._load_known(conn, ((kind, i.scheme, i.value) for ids in id_lists for i in ids))
        matches = resolve_batch(kind, id_lists, self._known)
        new_groups: dict[int, int] = {}
        new_rows: list[dict] = []
        for i, m in enumerate(matches):
            if m.entity_id is None and m.group not in new_groups:
                new_groups[m.group] = len(new_rows)
                new_rows.append(make_row(records[i]))
        table = {"source": Source, "institution": Institution, "topic": Topic}[kind].__table__
        created = self._insert_returning(conn, table, new_rows)
        out = [m.entity_id if m.entity_id is not None else created[new_groups[m.group]] for m in matches]
        id_rows = [
            {"entity_kind": kind, "scheme": ext.scheme, "value": ext.value, "entity_id": eid, "raw_record_id": raw}
            for ids, eid, raw in zip(id_lists, out, raw_ids)
            for ext in ids
            if (kind, ext.scheme, ext.value) not in self._known
        ]
        self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
        self._remember(id_rows)
        return out

    def _stored(self, conn: Connection, keys: Sequence[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        raw_t = RawRecord.__table__
        stored: set[tuple[str, str, str]] = set()
        by_source: dict[str, list[str]] = {}
        for source, source_id, _ in keys:
            by_source.setdefault(source, []).append(source_id)
        for source, ids in by_source.items():
            for chunk in _chunks(ids):
                q = select(raw_t.c.source, raw_t.c.source_id, raw_t.c.payload_hash).where(
                    raw_t.c.source == source, raw_t.c.source_id.in_(chunk)
                )
                stored.update(tuple(r) for r in conn.execute(q))
        return stored

    def already_stored(self, keys: Sequence[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which (source, source id, payload hash) keys are stored already: callers skip
        normalising those payloads at all (the write re-checks inside its transaction)."""
        with self.store.connect() as conn:
            return self._stored(conn, keys)

    # --- the batch ----------------------------------------------------------------------------
    def write(self, items: Sequence[IngestItem]) -> BatchResult:
        if not items:
            return BatchResult()
        if len(self._known) > KNOWN_LIMIT:  # bound memory on huge runs; misses reload from the store
            self._known.clear()
        try:
            with self.store.begin(write=True) as conn:
                return self._write(conn, items)
        except BaseException:
            self._known.clear()  # ids cached in a rolled-back transaction no longer exist
            raise

    def _write(self, conn: Connection, items: Sequence[IngestItem]) -> BatchResult:
        result = BatchResult()
        now = _now()
        raw_t = RawRecord.__table__
        # 1. skip payloads already stored
        hashed: dict[tuple[str, str, str], IngestItem] = {}
        for item in items:
            prov = item.record.provenance
            hashed.setdefault((prov.source, prov.source_id, payload_hash(item.payload)), item)
        result.unchanged = len(items) - len(hashed)
        stored = self._stored(conn, list(hashed))
        todo = [(k, it) for k, it in hashed.items() if k not in stored]
        result.unchanged += len(hashed) - len(todo)
        if not todo:
            return result
        raw_ids = self._insert_returning(
            conn,
            raw_t,
            [
                {
                    "source": k[0],
                    "source_id": k[1],
                    "payload_hash": k[2],
                    "payload": it.payload,
                    "retrieved_at": it.record.provenance.retrieved_at,
                    "ingested_at": now,
                }
                for k, it in todo
            ],
        )
        all_records = [it.record for _, it in todo]
        entity_items = [(r, raw) for r, raw in zip(all_records, raw_ids) if not isinstance(r, WorkRecord)]
        if entity_items:
            result.entities = len(entity_items)
            result.author_ids |= self._write_entities(conn, entity_items, now)
        work_items = [(r, raw) for r, raw in zip(all_records, raw_ids) if isinstance(r, WorkRecord)]
        if not work_items:
            return result
        records: list[WorkRecord] = [r for r, _ in work_items]
        raw_ids = [raw for _, raw in work_items]

        # 2. which stored work each record is
        work_id_lists = [strong_ids("work", r.ids) for r in records]
        self._load_known(conn, (("work", i.scheme, i.value) for ids in work_id_lists for i in ids))
        matches = resolve_batch("work", work_id_lists, self._known)
        # the last record of each group (latest line) represents it
        representative: dict[int, int] = {}
        for i, m in enumerate(matches):
            representative[m.group] = i
        reps = sorted(representative.values())

        # 3. venues, institutions, topics of the representatives
        venue_ids = self._write_venues(conn, [records[i] for i in reps], reps, raw_ids)
        topic_ids = self._write_topics(conn, [records[i] for i in reps], reps, raw_ids)
        inst_ids = self._write_institutions(conn, [records[i] for i in reps], reps, raw_ids)

        # 4. works: insert new, update changed
        work_t = Work.__table__
        new_reps = [i for i in reps if matches[i].entity_id is None]
        old_reps = [i for i in reps if matches[i].entity_id is not None]

        def work_row(i: int) -> dict:
            r = records[i]
            primary = r.primary_location
            return {
                "title": r.title,
                "abstract": r.abstract,
                "type": r.type,
                "publication_year": r.publication_year,
                "publication_date": r.publication_date,
                "language": r.language,
                "is_oa": r.is_oa,
                "oa_status": r.oa_status,
                "oa_url": r.oa_url,
                "is_retracted": r.is_retracted,
                "cited_by_count": r.cited_by_count,
                "primary_source_id": venue_ids.get((i, primary.source.ids[0].value)) if primary and primary.source else None,
                "raw_record_id": raw_ids[i],
                "source_updated_at": r.updated_date,
                "updated_at": now,
            }

        created = self._insert_returning(conn, work_t, [{**work_row(i), "created_at": now} for i in new_reps])
        work_of: dict[int, int] = dict(zip(new_reps, created))
        for i in old_reps:
            work_of[i] = matches[i].entity_id  # type: ignore[assignment]
        if old_reps:
            old_ids = [work_of[i] for i in old_reps]
            result.author_ids |= self._clear_work_children(conn, old_ids)
            for i in old_reps:
                conn.execute(update(work_t).where(work_t.c.id == work_of[i]).values(**work_row(i)))
        result.inserted, result.updated = len(new_reps), len(old_reps)
        result.work_ids = set(work_of.values())

        # every record's ids point to its group's work
        id_rows = []
        for i, m in enumerate(matches):
            wid = work_of[representative[m.group]]
            for ext in records[i].ids:
                if ("work", ext.scheme, ext.value) not in self._known:
                    id_rows.append({"entity_kind": "work", "scheme": ext.scheme, "value": ext.value, "entity_id": wid, "raw_record_id": raw_ids[i]})
        self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
        self._remember(id_rows)

        # 5. authors and authorships
        result.author_ids |= self._write_authorships(conn, records, reps, work_of, raw_ids, inst_ids, now)

        # 6. locations, topics, citations
        loc_rows, wt_rows, cite_rows = [], [], []
        for i in reps:
            r, wid, raw = records[i], work_of[i], raw_ids[i]
            for loc in r.locations:
                loc_rows.append({
                    "work_id": wid,
                    "source_id": venue_ids.get((i, loc.source.ids[0].value)) if loc.source else None,
                    "landing_page_url": loc.landing_page_url,
                    "pdf_url": loc.pdf_url,
                    "is_oa": loc.is_oa,
                    "version": loc.version,
                    "license": loc.license,
                    "is_primary": loc.is_primary,
                    "raw_record_id": raw,
                })
            scores: dict[int, float] = {}
            for wt in r.topics:
                tid = topic_ids[(i, wt.topic.ids[0].value)]
                scores[tid] = max(scores.get(tid, 0.0), wt.score)
            wt_rows += [{"work_id": wid, "topic_id": t, "score": s, "raw_record_id": raw} for t, s in scores.items()]
            for ref in dict.fromkeys(r.referenced_works):
                cite_rows.append({"citing_work_id": wid, "cited_scheme": ref.scheme, "cited_value": ref.value, "cited_work_id": None, "raw_record_id": raw})
        insert_rows(conn, Location.__table__, loc_rows)
        insert_rows(conn, WorkTopic.__table__, wt_rows)
        # a reference to a work already in the graph is linked now; references stored earlier
        # that point at a work arriving in this batch are linked through the new ids
        self._load_known(conn, (("work", r["cited_scheme"], r["cited_value"]) for r in cite_rows))
        for r in cite_rows:
            r["cited_work_id"] = self._known.get(("work", r["cited_scheme"], r["cited_value"]))
        self._insert_ignore(conn, Citation.__table__, cite_rows)
        self._link_waiting_citations(conn, id_rows)
        return result

    def _link_waiting_citations(self, conn: Connection, new_ids: list[dict]) -> None:
        if not new_ids:
            return
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        conn.exec_driver_sql(
            f"UPDATE citations SET cited_work_id = {mark} WHERE cited_scheme = {mark} AND cited_value = {mark} AND cited_work_id IS NULL",
            [(r["entity_id"], r["scheme"], r["value"]) for r in new_ids],
        )

    def _clear_work_children(self, conn: Connection, work_ids: list[int]) -> set[int]:
        """Remove the rows a work's previous payload produced; returns the authors it touched."""
        a_t, aff_t = Authorship.__table__, AuthorshipAffiliation.__table__
        touched: set[int] = set()
        for chunk in _chunks(work_ids):
            touched.update(
                r[0] for r in conn.execute(select(a_t.c.author_id).where(a_t.c.work_id.in_(chunk))) if r[0] is not None
            )
            conn.execute(delete(aff_t).where(aff_t.c.authorship_id.in_(select(a_t.c.id).where(a_t.c.work_id.in_(chunk)))))
            conn.execute(delete(a_t).where(a_t.c.work_id.in_(chunk)))
            for model in (Location, WorkTopic):
                t = model.__table__
                conn.execute(delete(t).where(t.c.work_id.in_(chunk)))
            c_t = Citation.__table__
            conn.execute(delete(c_t).where(c_t.c.citing_work_id.in_(chunk)))
        return touched

    def _write_venues(self, conn, records: list[WorkRecord], reps, raw_ids) -> dict[tuple[int, str], int]:
        found: dict[str, SourceRecord] = {}
        owner: dict[str, int] = {}
        for i, r in zip(reps, records):
            for loc in r.locations:
                if loc.source:
                    key = loc.source.ids[0].value
                    found.setdefault(key, loc.source)
                    owner.setdefault(key, i)
        keys = list(found)
        ids = self._resolve_entities(
            conn,
            "source",
            [found[k] for k in keys],
            [list(found[k].ids) for k in keys],
            _venue_row,
            [raw_ids[owner[k]] for k in keys],
        )
        by_key = dict(zip(keys, ids))
        return {(i, k): by_key[k] for i, r in zip(reps, records) for loc in r.locations if loc.source for k in [loc.source.ids[0].value]}

    def _write_institutions(self, conn, records: list[WorkRecord], reps, raw_ids) -> dict[str, int]:
        found: dict[str, InstitutionRecord] = {}
        owner: dict[str, int] = {}
        for i, r in zip(reps, records):
            for a in r.authorships:
                for inst in a.institutions:
                    found.setdefault(inst.ids[0].value, inst)
                    owner.setdefault(inst.ids[0].value, i)
        keys = list(found)
        ids = self._resolve_entities(
            conn,
            "institution",
            [found[k] for k in keys],
            [list(found[k].ids) for k in keys],
            _institution_row,
            [raw_ids[owner[k]] for k in keys],
        )
        return dict(zip(keys, ids))

    def _topic_nodes(self, conn, topics: Iterable[tuple[TopicRecord, int | None]]) -> dict[str, int]:
        """Store topics (each with the payload that mentioned it) and their ancestors, parents
        before children; returns key -> id."""
        nodes: dict[str, tuple[str, str, str | None]] = {}  # key -> (name, level, parent key)
        source: dict[str, int | None] = {}
        for topic, raw in topics:
            parent: str | None = None
            for ext, name, level in topic.lineage:
                nodes.setdefault(ext.value, (name, level, parent))
                source.setdefault(ext.value, raw)
                parent = ext.value
            nodes.setdefault(topic.ids[0].value, (topic.display_name, topic.level, parent))
            source.setdefault(topic.ids[0].value, raw)
        by_key: dict[str, int] = {}
        for level in TOPIC_LEVELS:
            keys = [k for k, v in nodes.items() if v[1] == level]
            ids = self._resolve_entities(
                conn,
                "topic",
                keys,
                [[ExternalId("openalex", k)] for k in keys],
                lambda k: {"display_name": nodes[k][0][:500], "level": nodes[k][1], "parent_id": by_key.get(nodes[k][2] or "")},
                [source[k] for k in keys],
            )
            by_key.update(zip(keys, ids))
        return by_key

    def _write_topics(self, conn, records: list[WorkRecord], reps, raw_ids) -> dict[tuple[int, str], int]:
        by_key = self._topic_nodes(conn, ((wt.topic, raw_ids[i]) for i, r in zip(reps, records) for wt in r.topics))
        return {(i, wt.topic.ids[0].value): by_key[wt.topic.ids[0].value] for i, r in zip(reps, records) for wt in r.topics}

    def _write_entities(self, conn: Connection, items: list[tuple[SourceItem, int]], now: datetime) -> set[int]:
        """Authors, venues, institutions and topics described on their own: created when new,
        their descriptive fields taken from the record when they exist. Other kinds are kept
        as raw payloads only. Returns the authors touched."""
        touched: set[int] = set()
        authors = [(r, raw) for r, raw in items if isinstance(r, AuthorRecord)]
        if authors:
            keys = [([ExternalId("orcid", r.orcid)] if r.orcid else []) + list(r.ids) for r, _ in authors]
            self._load_known(conn, (("author", k.scheme, k.value) for ks in keys for k in ks))
            matches = resolve_batch("author", keys, self._known)
            au_t = Author.__table__
            new_rows: dict[int, dict] = {}
            for (r, _), m in zip(authors, matches):
                if m.entity_id is None:
                    new_rows[m.group] = {"display_name": r.display_name[:500], "orcid": r.orcid, "open_to_collaborate": False, "created_at": now, "updated_at": now}
            groups = list(new_rows)
            created = dict(zip(groups, self._insert_returning(conn, au_t, [new_rows[g] for g in groups])))
            id_rows, names = [], set()
            for (r, raw), m, ks in zip(authors, matches, keys):
                aid = m.entity_id if m.entity_id is not None else created[m.group]
                touched.add(aid)
                if m.entity_id is not None:
                    values = {"display_name": r.display_name[:500], "updated_at": now}
                    conn.execute(update(au_t).where(au_t.c.id == aid).values(**values))
                    if r.orcid:
                        conn.execute(update(au_t).where(au_t.c.id == aid, au_t.c.orcid.is_(None)).values(orcid=r.orcid))
                id_rows += [{"entity_kind": "author", "scheme": k.scheme, "value": k.value, "entity_id": aid, "raw_record_id": raw} for k in ks if ("author", k.scheme, k.value) not in self._known]
                names |= {(aid, n[:500]) for n in (r.display_name, *r.name_variants)}
            self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
            self._remember(id_rows)
            self._insert_ignore(conn, AuthorName.__table__, [{"author_id": a, "name": n} for a, n in sorted(names)])
        for kind, model in (("source", Source), ("institution", Institution)):
            entities = [(r.record, raw) for r, raw in items if isinstance(r, EntityRecord) and r.kind == kind]
            if not entities:
                continue
            row = _venue_row if kind == "source" else _institution_row
            ids = self._resolve_entities(conn, kind, [e for e, _ in entities], [list(e.ids) for e, _ in entities], row, [raw for _, raw in entities])
            table = model.__table__
            for (e, _), eid in zip(entities, ids):
                conn.execute(update(table).where(table.c.id == eid).values(**row(e)))
        topics = [(r.record, raw) for r, raw in items if isinstance(r, EntityRecord) and r.kind == "topic"]
        if topics:
            by_key = self._topic_nodes(conn, topics)  # type: ignore[arg-type]
            t_t = Topic.__table__
            for t, _ in topics:
                conn.execute(update(t_t).where(t_t.c.id == by_key[t.ids[0].value]).values(display_name=t.display_name[:500]))
        return touched

    def _write_authorships(self, conn, records, reps, work_of, raw_ids, inst_ids, now) -> set[int]:
        slots = []  # (record index, authorship)
        key_lists: list[list[ExternalId]] = []
        for i in reps:
            work_key = records[i].ids[0].value
            for a in records[i].authorships:
                slots.append((i, a))
                key_lists.append(author_ids(a.author, work_key, a.position))
        if not slots:
            return set()
        self._load_known(conn, (("author", k.scheme, k.value) for ks in key_lists for k in ks))
        matches = resolve_batch("author", key_lists, self._known)
        new_groups: dict[int, int] = {}
        new_rows: list[dict] = []
        for (i, a), m in zip(slots, matches):
            if m.entity_id is None and m.group not in new_groups:
                new_groups[m.group] = len(new_rows)
                new_rows.append({"display_name": a.author.display_name[:500], "orcid": None, "open_to_collaborate": False, "created_at": now, "updated_at": now})
        # an ORCID iD found anywhere in a new group becomes the author's ORCID
        for (i, a), m in zip(slots, matches):
            if m.entity_id is None and a.author.orcid:
                new_rows[new_groups[m.group]]["orcid"] = a.author.orcid
        created = self._insert_returning(conn, Author.__table__, new_rows)
        author_of = [m.entity_id if m.entity_id is not None else created[new_groups[m.group]] for m in matches]
        id_rows = []
        seen: set[tuple[str, str]] = set()
        for (i, _a), ks, aid in zip(slots, key_lists, author_of):
            for k in ks:
                if ("author", k.scheme, k.value) not in self._known and (k.scheme, k.value) not in seen:
                    seen.add((k.scheme, k.value))
                    id_rows.append({"entity_kind": "author", "scheme": k.scheme, "value": k.value, "entity_id": aid, "raw_record_id": raw_ids[i]})
        self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
        self._remember(id_rows)
        names = {(aid, n[:500]) for (_i, a), aid in zip(slots, author_of) for n in (a.author.display_name, a.raw_author_name) if n}
        self._insert_ignore(conn, AuthorName.__table__, [{"author_id": aid, "name": n} for aid, n in sorted(names)])
        ship_ids = self._insert_returning(
            conn,
            Authorship.__table__,
            [
                {
                    "work_id": work_of[i],
                    "position": a.position,
                    "raw_author_name": a.raw_author_name[:500],
                    "author_id": aid,
                    "is_corresponding": a.is_corresponding,
                    "raw_record_id": raw_ids[i],
                }
                for (i, a), aid in zip(slots, author_of)
            ],
        )
        aff_rows = [
            {
                "authorship_id": sid,
                "raw_affiliation": aff.raw,
                "institution_id": inst_ids[aff.institution.ids[0].value] if aff.institution else None,
            }
            for (_i, a), sid in zip(slots, ship_ids)
            for aff in a.affiliations
        ]
        insert_with_ids(conn, AuthorshipAffiliation.__table__, aff_rows)
        return set(author_of)

    def link_citations(self) -> int:
        """Repair: point every unlinked reference at its work if it is in the graph (ingestion
        links as it goes; this full pass is for ``peerscope derive``). Returns links made."""
        c_t, x_t = Citation.__table__, ExternalIdRow.__table__
        match = select(x_t.c.entity_id).where(
            x_t.c.entity_kind == "work", x_t.c.scheme == c_t.c.cited_scheme, x_t.c.value == c_t.c.cited_value
        )
        with self.store.begin() as conn:
            res = conn.execute(
                update(c_t)
                .where(c_t.c.cited_work_id.is_(None), match.exists())
                .values(cited_work_id=match.scalar_subquery())
            )
            return res.rowcount or 0


def record_redirect(store: Store, kind: str, old_id: int, new_id: int, reason: str) -> None:
    """Record that ``old_id`` now lives on as ``new_id`` (a merge); old URLs will answer 301."""
    if old_id == new_id:
        raise ValueError("a redirect must point to another id")
    with store.begin(write=True) as conn:
        conn.execute(insert(Redirect.__table__), [{"entity_kind": kind, "old_id": old_id, "new_id": new_id, "reason": reason, "created_at": _now()}])
