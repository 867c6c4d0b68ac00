"""Batch writer: turns normalised records into canonical rows, idempotently.

One call writes one batch in one transaction, so a killed run loses at most the batch in flight
and never leaves half a record. A payload already stored (same source, source id and content
hash) is skipped before anything else happens, which is what makes re-ingesting a file a no-op.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, Table, delete, insert, select, update

from peerscope.normalize.records import (
    AuthorRecord,
    EntityRecord,
    ExternalId,
    InstitutionRecord,
    MergedIdRecord,
    ReferenceListRecord,
    SourceItem,
    SourceRecord,
    TopicRecord,
    WorkRecord,
)
from peerscope.normalize.names import ascii_fold
from peerscope.normalize.registry import renormalize
from peerscope.resolve.identifiers import Key, Match, author_ids, resolve_batch, strong_ids
from peerscope.resolve.merge import MergedWork, merge_works, reference_only
from peerscope.store.bulk import insert_rows, insert_with_ids
from peerscope.store.db import Store
from peerscope.store.derived import mark_pending
from peerscope.store.payloads import payload_columns, unpack
from peerscope.store.models import (
    Author,
    AuthorName,
    Authorship,
    AuthorshipAffiliation,
    AuthorInstitutionRef,
    AuthorWorkRef,
    Citation,
    DeferredRecord,
    DocumentRow,
    ExternalIdRow,
    IngestCheckpoint,
    Institution,
    Location,
    Quarantine,
    RawRecord,
    Redirect,
    Source,
    Topic,
    Work,
    WorkConflict,
    WorkMatchRow,
    WorkRecordRow,
    WorkSignal,
    WorkTopic,
    WorkTopicAssignment,
)

CHUNK = 500
KNOWN_LIMIT = 2_000_000  # cached external ids (about 0.5 GB) before the cache starts afresh
TOPIC_LEVELS = ("domain", "field", "subfield", "topic")


@dataclass(frozen=True, slots=True)
class IngestItem:
    """A normalised record and the raw payload bytes it was built from."""

    record: SourceItem
    payload: bytes


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """An input that could not be ingested: where it was, why, and its bytes when there are any."""

    source: str
    location: str
    reason: str
    payload: bytes | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """How far an ingestion stream got. ``cursor`` is the source's own resume token (an OpenAlex
    cursor, an OAI-PMH resumption token...) or ``records:N`` for files read in order."""

    stream: str
    source: str
    description: str
    cursor: str | None
    records: int
    finished: bool = False


@dataclass
class BatchResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    entities: int = 0  # authors, venues, institutions, topics and other kinds described on their own
    deferred: int = 0  # records that complete a work not in the graph yet
    joined: int = 0  # records that joined a work another record of the same batch wrote
    merged: int = 0  # stored works found to be one and folded together
    work_ids: set[int] = field(default_factory=set)
    author_ids: set[int] = field(default_factory=set)

    def add(self, other: BatchResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.entities += other.entities
        self.deferred += other.deferred
        self.joined += other.joined
        self.merged += other.merged
        self.work_ids |= other.work_ids
        self.author_ids |= other.author_ids


def _venue_row(s: SourceRecord) -> dict:
    return {"display_name": s.display_name[:500], "type": s.type, "issn_l": s.issn_l, "publisher": s.publisher}


def _institution_row(s: InstitutionRecord) -> dict:
    return {"display_name": s.display_name[:500], "country_code": (s.country_code or None) and s.country_code[:2], "type": s.type}


def clean_title_key(title: str) -> str:
    """A title as a key: case, accents, punctuation and spacing folded."""
    return re.sub(r"[\W_]+", " ", ascii_fold(title).casefold()).strip()[:255]


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
        missing: dict[tuple[str, str], set[str]] = {}
        for kind, scheme, value in keys:
            if (kind, scheme, value) not in self._known:
                missing.setdefault((kind, scheme), set()).add(value)
        t = ExternalIdRow.__table__
        # (kind, scheme, value) is the table's key: the lookup names all three so it is a key search
        for (kind, scheme), values in missing.items():
            for chunk in _chunks(sorted(values)):
                rows = conn.execute(
                    select(t.c.value, t.c.entity_id).where(t.c.entity_kind == kind, t.c.scheme == scheme, t.c.value.in_(chunk))
                )
                for value, entity_id in rows:
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
    def write(
        self,
        items: Sequence[IngestItem],
        *,
        quarantine: Sequence[QuarantineEntry] = (),
        checkpoint: Checkpoint | None = None,
    ) -> BatchResult:
        """Write one batch in one transaction, with the batch's quarantined inputs and the
        checkpoint that follows it: a run killed at any moment resumes from a checkpoint whose
        batches are all there, and from nothing half-written."""
        if not items and not quarantine and checkpoint is None:
            return BatchResult()
        if len(self._known) > KNOWN_LIMIT:  # bound memory on huge runs; misses reload from the store
            self._known.clear()
        try:
            with self.store.begin(write=True) as conn:
                result = self._write(conn, items) if items else BatchResult()
                mark_pending(conn, result.author_ids, result.work_ids)
                if quarantine:
                    self._quarantine(conn, quarantine)
                if checkpoint is not None:
                    self._checkpoint(conn, checkpoint)
                return result
        except BaseException:
            self._known.clear()  # ids cached in a rolled-back transaction no longer exist
            raise

    def _quarantine(self, conn: Connection, entries: Sequence[QuarantineEntry]) -> None:
        now = _now()
        rows = []
        for e in entries:
            h = hashlib.blake2b(digest_size=20)
            for part in (e.source, e.location, e.reason):
                h.update(part.encode("utf-8", "replace") + b"\0")
            h.update(e.payload or b"")
            rows.append({
                "fingerprint": h.hexdigest(), "source": e.source, "location": e.location[:2000], "reason": e.reason[:2000],
                "payload": e.payload, "created_at": now,
            })
        insert_rows(conn, Quarantine.__table__, list({r["fingerprint"]: r for r in rows}.values()), ignore_conflicts=True)

    def _checkpoint(self, conn: Connection, c: Checkpoint) -> None:
        insert_rows(
            conn,
            IngestCheckpoint.__table__,
            [{"stream": c.stream, "source": c.source, "description": c.description, "cursor": c.cursor, "records": c.records, "finished": c.finished, "updated_at": _now()}],
            update_on=("stream",),
        )

    def checkpoint_of(self, stream: str) -> Checkpoint | None:
        t = IngestCheckpoint.__table__
        with self.store.connect() as conn:
            row = conn.execute(select(t.c.stream, t.c.source, t.c.description, t.c.cursor, t.c.records, t.c.finished).where(t.c.stream == stream)).first()
        return Checkpoint(row.stream, row.source, row.description, row.cursor, row.records, bool(row.finished)) if row else None

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
                    **payload_columns(it.payload),
                    "retrieved_at": it.record.provenance.retrieved_at,
                    "ingested_at": now,
                }
                for k, it in todo
            ],
        )
        self._write_normalized(conn, [it.record for _, it in todo], raw_ids, now, result)
        return result

    def _write_normalized(self, conn: Connection, all_records: Sequence[SourceItem], raw_ids: Sequence[int], now: datetime, result: BatchResult) -> None:
        entity_items = [
            (r, raw) for r, raw in zip(all_records, raw_ids) if not isinstance(r, (WorkRecord, ReferenceListRecord, MergedIdRecord))
        ]
        if entity_items:
            result.entities = len(entity_items)
            result.author_ids |= self._write_entities(conn, entity_items, now)
        work_items = [
            (reference_only(r.citing, r.references, r.provenance) if isinstance(r, ReferenceListRecord) else r, raw)
            for r, raw in zip(all_records, raw_ids)
            if isinstance(r, (WorkRecord, ReferenceListRecord))
        ]
        if work_items:
            self._write_works(conn, [r for r, _ in work_items], [raw for _, raw in work_items], now, result)
        merged_ids = [(r, raw) for r, raw in zip(all_records, raw_ids) if isinstance(r, MergedIdRecord)]
        if merged_ids:
            result.entities += len(merged_ids)
            self._apply_merged_ids(conn, merged_ids, now, result)

    def replay(self, raw_ids: Sequence[int]) -> BatchResult:
        """Build canonical rows again from stored payloads (by raw record id, in the order given),
        in one transaction: what ``peerscope rebuild`` and a canonical import run."""
        result = BatchResult()
        raw_t = RawRecord.__table__
        with self.store.begin(write=True) as conn:
            found: dict[int, SourceItem] = {}
            for chunk in _chunks(sorted(set(raw_ids))):
                rows = conn.execute(
                    select(raw_t.c.id, raw_t.c.source, raw_t.c.payload, raw_t.c.payload_codec, raw_t.c.retrieved_at).where(raw_t.c.id.in_(chunk))
                )
                for rid, source, payload, codec, retrieved in rows:
                    where = f"raw record {rid}"
                    found[rid] = renormalize(source, unpack(payload, codec, where), retrieved, where)
            ordered = [rid for rid in raw_ids if rid in found]
            self._write_normalized(conn, [found[r] for r in ordered], ordered, _now(), result)
            mark_pending(conn, result.author_ids, result.work_ids)
        return result

    def _contributions(self, conn: Connection, work_ids: Iterable[int]) -> dict[int, list[tuple[str, str, int]]]:
        """Stored (source, source id, raw record id) of each work's records."""
        t = WorkRecordRow.__table__
        out: dict[int, list[tuple[str, str, int]]] = {}
        for chunk in _chunks(sorted(set(work_ids))):
            for wid, source, source_id, raw in conn.execute(
                select(t.c.work_id, t.c.source, t.c.source_id, t.c.raw_record_id).where(t.c.work_id.in_(chunk))
            ):
                out.setdefault(wid, []).append((source, source_id, raw))
        return out

    def _load_records(self, conn: Connection, raw_ids: Iterable[int]) -> dict[int, WorkRecord]:
        """Stored payloads normalised again (the other sources' records of a work being merged)."""
        raw_t = RawRecord.__table__
        out: dict[int, WorkRecord] = {}
        for chunk in _chunks(sorted(set(raw_ids))):
            rows = conn.execute(
                select(raw_t.c.id, raw_t.c.source, raw_t.c.payload, raw_t.c.payload_codec, raw_t.c.retrieved_at).where(raw_t.c.id.in_(chunk))
            )
            for rid, source, payload, codec, retrieved in rows:
                where = f"raw record {rid}"
                rec = renormalize(source, unpack(payload, codec, where), retrieved, where)
                if isinstance(rec, ReferenceListRecord):
                    rec = reference_only(rec.citing, rec.references, rec.provenance)
                if isinstance(rec, WorkRecord):
                    out[rid] = rec
        return out

    def _write_works(self, conn: Connection, records: list[WorkRecord], raw_ids: list[int], now: datetime, result: BatchResult) -> None:
        # 2. which stored work each record is
        work_id_lists = [strong_ids("work", r.ids) for r in records]
        self._load_known(conn, (("work", i.scheme, i.value) for ids in work_id_lists for i in ids))
        matches = resolve_batch("work", work_id_lists, self._known)

        # two stored works that one record's identifiers join are one work: fold the others in
        folded_into: dict[int, int] = {}
        for m in matches:
            if m.entity_id is not None and m.conflicts:
                survivor = folded_into.get(m.entity_id, m.entity_id)
                others = [o for o in m.conflicts if folded_into.get(o, o) != survivor]
                self._fold_works(conn, survivor, [folded_into.get(o, o) for o in others], now, result)
                for o in others:
                    folded_into[o] = survivor
                for k, v in list(folded_into.items()):
                    if v in others:
                        folded_into[k] = survivor
        if folded_into:
            matches = [
                Match(folded_into.get(m.entity_id, m.entity_id), m.group) if m.entity_id is not None else m for m in matches
            ]
        # records of one stored work are one group, whatever batch-local group they had
        group_of_entity: dict[int, int] = {}
        for i, m in enumerate(matches):
            if m.entity_id is not None:
                g = group_of_entity.setdefault(m.entity_id, m.group)
                if g != m.group:
                    matches[i] = Match(m.entity_id, g)
        groups: dict[int, list[int]] = {}
        for i, m in enumerate(matches):
            groups.setdefault(m.group, []).append(i)

        # a references-only record of a work that is nowhere yet waits for the work
        deferred = [g for g, members in groups.items() if matches[members[0]].entity_id is None and not any(records[i].title for i in members)]
        if deferred:
            waiting = [(records[i], raw_ids[i]) for g in deferred for i in groups[g]]
            self._defer(conn, waiting)
            result.deferred += len(waiting)
            for g in deferred:
                del groups[g]
        if not groups:
            return

        # 3. each group's records, with the stored records of its work, become one record
        stored = self._contributions(conn, (matches[m[0]].entity_id for m in groups.values() if matches[m[0]].entity_id is not None))
        originals = records
        records = list(records)
        raw_of_source: dict[int, dict[str, int]] = {}  # rep -> source -> raw record of that source
        merged_info: dict[int, MergedWork] = {}
        others_needed: dict[int, list[int]] = {}
        for g, members in list(groups.items()):
            wid = matches[members[0]].entity_id
            latest: dict[tuple[str, str], int] = {}
            for i in members:
                prov = records[i].provenance
                latest[(prov.source, prov.source_id)] = i
            result.joined += len(members) - 1  # records that became part of a work another record in the batch makes
            members = sorted(latest.values())
            groups[g] = members
            rep = members[-1]
            others = [(s, sid, raw) for s, sid, raw in stored.get(wid, []) if (s, sid) not in latest] if wid is not None else []
            if len(latest) + len(others) > 1:
                others_needed[rep] = [raw for _, _, raw in others]
            sources: dict[str, int] = {s: raw for s, _, raw in others}
            for i in members:
                sources[records[i].provenance.source] = raw_ids[i]
            raw_of_source[rep] = sources
        loaded = self._load_records(conn, (r for raws in others_needed.values() for r in raws))
        for members in groups.values():
            rep = members[-1]
            if rep in others_needed:
                parts = [records[i] for i in members] + [loaded[r] for r in others_needed[rep] if r in loaded]
                merged = merge_works(parts)
                merged_info[rep] = merged
                records[rep] = merged.record
        reps = sorted(members[-1] for members in groups.values())

        def raw_for(i: int, field: str) -> int:
            info = merged_info.get(i)
            if info is None:
                return raw_ids[i]
            source = info.field_sources.get(field) or info.record.provenance.source
            return raw_of_source[i].get(source, raw_ids[i])

        # 4. venues, institutions, topics of the representatives
        venue_ids = self._write_venues(conn, [records[i] for i in reps], reps, raw_ids)
        topic_ids = self._write_topics(conn, [records[i] for i in reps], reps, raw_ids)
        inst_ids = self._write_institutions(conn, [records[i] for i in reps], reps, raw_ids)

        # 5. works: insert new, update changed
        work_t = Work.__table__
        new_reps = [i for i in reps if matches[i].entity_id is None]
        old_reps = [i for i in reps if matches[i].entity_id is not None]

        def work_row(i: int) -> dict:
            r = records[i]
            primary = r.primary_location
            info = merged_info.get(i)
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
                "raw_record_id": raw_for(i, "title"),
                "source_updated_at": r.updated_date,
                "updated_at": now,
                "categories": orjson.dumps(list(r.categories)).decode() if r.categories else None,
                "journal_ref": r.journal_ref,
                "notices": ",".join(r.notices)[:255] or None,
                "field_sources": orjson.dumps(info.field_sources, option=orjson.OPT_SORT_KEYS).decode() if info else None,
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
        result.inserted += len(new_reps)
        result.updated += len(old_reps)
        result.work_ids |= set(work_of.values())

        # every record's ids point to its group's work; every record is one of the work's records
        id_rows = []
        for i, m in enumerate(matches):
            if m.group not in groups:
                continue
            wid = work_of[groups[m.group][-1]]
            for ext in originals[i].ids:
                if ("work", ext.scheme, ext.value) not in self._known:
                    id_rows.append({"entity_kind": "work", "scheme": ext.scheme, "value": ext.value, "entity_id": wid, "raw_record_id": raw_ids[i]})
        self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
        self._remember(id_rows)
        contribution_rows = [
            {"work_id": work_of[members[-1]], "source": originals[i].provenance.source, "source_id": originals[i].provenance.source_id, "raw_record_id": raw_ids[i]}
            for members in groups.values()
            for i in members
        ]
        insert_rows(conn, WorkRecordRow.__table__, contribution_rows, update_on=("work_id", "source", "source_id"))

        # 6. authors and authorships
        result.author_ids |= self._write_authorships(conn, records, reps, work_of, {i: raw_for(i, "authorships") for i in reps}, inst_ids, now)

        # 7. locations, topics, citations, conflicts, signals
        loc_rows, wt_rows, cite_rows, conflict_rows, signal_rows = [], [], [], [], []
        for i in reps:
            r, wid = records[i], work_of[i]
            info = merged_info.get(i)
            loc_sources = info.location_sources if info else ()
            for n, loc in enumerate(r.locations):
                loc_raw = raw_of_source[i].get(loc_sources[n], raw_ids[i]) if info and n < len(loc_sources) else raw_ids[i]
                loc_rows.append({
                    "work_id": wid,
                    "source_id": venue_ids.get((i, loc.source.ids[0].value)) if loc.source else None,
                    "landing_page_url": loc.landing_page_url,
                    "pdf_url": loc.pdf_url,
                    "is_oa": loc.is_oa,
                    "version": loc.version,
                    "license": loc.license,
                    "is_primary": loc.is_primary,
                    "raw_record_id": loc_raw,
                })
            scores: dict[int, float] = {}
            for wt in r.topics:
                tid = topic_ids[(i, wt.topic.ids[0].value)]
                scores[tid] = max(scores.get(tid, 0.0), wt.score)
            topic_raw = raw_of_source[i].get("openalex", raw_ids[i]) if info else raw_ids[i]
            wt_rows += [{"work_id": wid, "topic_id": t, "score": s, "raw_record_id": topic_raw} for t, s in scores.items()]
            ref_raw = raw_for(i, "references")
            for ref in dict.fromkeys(r.referenced_works):
                cite_rows.append({"citing_work_id": wid, "cited_scheme": ref.scheme, "cited_value": ref.value, "cited_work_id": None, "raw_record_id": ref_raw})
            if info:
                for field, values in info.conflicts.items():
                    conflict_rows.append({
                        "work_id": wid,
                        "field": field,
                        "chosen_source": info.field_sources.get(field, info.record.provenance.source),
                        "values_json": orjson.dumps(values, option=orjson.OPT_SORT_KEYS).decode(),
                        "detected_at": now,
                    })
            signal_day = {}
            for sig in r.signals:
                day = sig.observed_on or r.provenance.retrieved_at.date()
                signal_day[(sig.source, sig.kind, day)] = {
                    "work_id": wid, "source": sig.source, "kind": sig.kind, "observed_on": day, "value": sig.value,
                    "actor": sig.actor, "raw_record_id": raw_of_source[i].get(sig.source, raw_ids[i]) if info else raw_ids[i],
                }
            signal_rows += signal_day.values()
        insert_rows(conn, Location.__table__, loc_rows)
        insert_rows(conn, WorkTopic.__table__, wt_rows)
        insert_rows(conn, WorkConflict.__table__, conflict_rows)
        insert_rows(conn, WorkSignal.__table__, signal_rows)
        # a reference to a work already in the graph is linked now; references stored earlier
        # that point at a work arriving in this batch are linked through the new ids
        self._load_known(conn, (("work", r["cited_scheme"], r["cited_value"]) for r in cite_rows))
        for r in cite_rows:
            r["cited_work_id"] = self._known.get(("work", r["cited_scheme"], r["cited_value"]))
        self._insert_ignore(conn, Citation.__table__, cite_rows)
        self._link_waiting_citations(conn, id_rows)
        self._attach_deferred(conn, id_rows, now, result)

    # --- works that turn out to be one, records that wait for their work ----------------------
    def _fold_works(
        self, conn: Connection, survivor: int, others: Sequence[int], now: datetime, result: BatchResult, reason: str = "records share an identifier"
    ) -> None:
        """Stored works ``others`` are ``survivor`` (a record's identifiers join them): their
        records, identifiers and incoming citations move to the survivor, their own rows go, and
        each leaves a redirect. The survivor is then rebuilt from all its records."""
        others = [o for o in dict.fromkeys(others) if o != survivor]
        if not others:
            return
        w_t, x_t, c_t, r_t = Work.__table__, ExternalIdRow.__table__, Citation.__table__, WorkRecordRow.__table__
        result.author_ids |= self._clear_work_children(conn, others)
        result.work_ids |= set(others)  # their title index rows go
        moved = conn.execute(select(r_t.c.source, r_t.c.source_id, r_t.c.raw_record_id).where(r_t.c.work_id.in_(others))).all()
        conn.execute(delete(r_t).where(r_t.c.work_id.in_(others)))
        insert_rows(
            conn,
            r_t,
            [{"work_id": survivor, "source": s, "source_id": sid, "raw_record_id": raw} for s, sid, raw in moved],
            update_on=("work_id", "source", "source_id"),
        )
        conn.execute(update(x_t).where(x_t.c.entity_kind == "work", x_t.c.entity_id.in_(others)).values(entity_id=survivor))
        # the survivor may cite a folded work, or both cite the same work: keep one row each
        conn.execute(update(c_t).where(c_t.c.cited_work_id.in_(others)).values(cited_work_id=survivor))
        # rows derived from or attached to the folded works: full texts follow the survivor; the
        # derived topics of the folded works go (`derive topics` gives the survivor its own)
        d_t = DocumentRow.__table__
        conn.execute(update(d_t).where(d_t.c.work_id.in_(others)).values(work_id=survivor))
        conn.execute(delete(WorkTopicAssignment.__table__).where(WorkTopicAssignment.__table__.c.work_id.in_(others)))
        conn.execute(delete(w_t).where(w_t.c.id.in_(others)))
        rd_t = Redirect.__table__
        conn.execute(update(rd_t).where(rd_t.c.entity_kind == "work", rd_t.c.new_id.in_(others)).values(new_id=survivor))
        insert_rows(
            conn,
            rd_t,
            [{"entity_kind": "work", "old_id": o, "new_id": survivor, "reason": reason[:255], "created_at": now} for o in others],
            ignore_conflicts=True,
        )
        for (kind, scheme, value), eid in list(self._known.items()):
            if kind == "work" and eid in others:
                self._known[(kind, scheme, value)] = survivor
        result.merged += len(others)

    def _defer(self, conn: Connection, items: list[tuple[WorkRecord, int]]) -> None:
        rows = [{"raw_record_id": raw, "scheme": ext.scheme, "value": ext.value} for r, raw in items for ext in strong_ids("work", r.ids)[:1]]
        insert_rows(conn, DeferredRecord.__table__, rows, ignore_conflicts=True)

    def _attach_deferred(self, conn: Connection, new_ids: list[dict], now: datetime, result: BatchResult) -> None:
        """Records that waited for a work now in the graph join it."""
        if not new_ids or conn.execute(select(DeferredRecord.__table__.c.raw_record_id).limit(1)).first() is None:
            return
        d_t = DeferredRecord.__table__
        waiting: list[int] = []
        for chunk in _chunks(new_ids):
            for row in chunk:
                waiting += [r[0] for r in conn.execute(select(d_t.c.raw_record_id).where(d_t.c.scheme == row["scheme"], d_t.c.value == row["value"]))]
        if not waiting:
            return
        conn.execute(delete(d_t).where(d_t.c.raw_record_id.in_(waiting)))
        loaded = self._load_records(conn, waiting)
        raws = [raw for raw in waiting if raw in loaded]
        result.deferred -= len(raws)
        self._write_works(conn, [loaded[r] for r in raws], raws, now, result)

    def _apply_merged_ids(self, conn: Connection, items: list[tuple[MergedIdRecord, int]], now: datetime, result: BatchResult) -> None:
        """A source merged one of its ids into another: when both are works here they are folded
        together; when only one is, the other id becomes an alias of it."""
        for rec, raw in items:
            keys = [(rec.kind, rec.old.scheme, rec.old.value), (rec.kind, rec.new.scheme, rec.new.value)]
            self._load_known(conn, keys)
            old, new = (self._known.get(k) for k in keys)
            if old is not None and new is not None and old != new and rec.kind == "work":
                self._fold_works(conn, new, [old], now, result)
                self.rewrite_in(conn, [new], now, result)
            elif (old is None) != (new is None):
                present = old if old is not None else new
                missing = rec.new if old is not None else rec.old
                row = {"entity_kind": rec.kind, "scheme": missing.scheme, "value": missing.value, "entity_id": present, "raw_record_id": raw}
                self._insert_ignore(conn, ExternalIdRow.__table__, [row])
                self._remember([row])

    def rewrite_in(self, conn: Connection, work_ids: Sequence[int], now: datetime, result: BatchResult) -> None:
        """Rebuild works from their stored records (after a fold, or to apply a changed policy)."""
        contributions = self._contributions(conn, work_ids)
        raws = [raw for rows in contributions.values() for _, _, raw in rows]
        loaded = self._load_records(conn, raws)
        raws = [r for r in raws if r in loaded]
        if raws:
            self._write_works(conn, [loaded[r] for r in raws], raws, now, result)

    def fold(self, groups: Sequence[tuple[int, Sequence[int], str]], decisions: Sequence[dict] = ()) -> BatchResult:
        """Fold stored works found to be one paper (``(survivor, others, reason)`` each) in one
        transaction: records, identifiers and citations move to the survivor, the others
        redirect to it, and the survivor is rebuilt from all its records by the merge policy.
        ``decisions`` (rows of ``work_matches``) say why, and are written with the fold."""
        result = BatchResult()
        now = _now()
        try:
            with self.store.begin(write=True) as conn:
                insert_rows(conn, WorkMatchRow.__table__, [{**d, "created_at": now} for d in decisions], update_on=("survivor_id", "folded_id"))
                for survivor, others, reason in groups:
                    self._fold_works(conn, survivor, others, now, result, reason)
                self.rewrite_in(conn, [g[0] for g in groups], now, result)
                mark_pending(conn, result.author_ids, result.work_ids)
        except BaseException:
            self._known.clear()
            raise
        return result

    def rewrite(self, work_ids: Sequence[int]) -> BatchResult:
        result = BatchResult()
        with self.store.begin(write=True) as conn:
            self.rewrite_in(conn, work_ids, _now(), result)
            mark_pending(conn, result.author_ids, result.work_ids)
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
            for model in (Location, WorkTopic, WorkConflict, WorkSignal):
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
                    new_rows[m.group] = {"display_name": (r.display_name or r.orcid or "")[:500], "orcid": r.orcid, "open_to_collaborate": False, "created_at": now, "updated_at": now}
            groups = list(new_rows)
            created = dict(zip(groups, self._insert_returning(conn, au_t, [new_rows[g] for g in groups])))
            id_rows, names = [], set()
            work_refs: dict[tuple[int, str, str, str], dict] = {}
            employers: list[tuple[int, int, tuple[InstitutionRecord, ...]]] = []
            for (r, raw), m, ks in zip(authors, matches, keys):
                aid = m.entity_id if m.entity_id is not None else created[m.group]
                touched.add(aid)
                if m.entity_id is not None:
                    if r.display_name:  # a document without a name part (a works list) keeps the name
                        conn.execute(update(au_t).where(au_t.c.id == aid).values(display_name=r.display_name[:500], updated_at=now))
                    if r.orcid:
                        conn.execute(update(au_t).where(au_t.c.id == aid, au_t.c.orcid.is_(None)).values(orcid=r.orcid))
                id_rows += [{"entity_kind": "author", "scheme": k.scheme, "value": k.value, "entity_id": aid, "raw_record_id": raw} for k in ks if ("author", k.scheme, k.value) not in self._known]
                names |= {(aid, n[:500]) for n in (r.display_name, *r.name_variants) if n}
                for ref in r.works:
                    # a work listed without an identifier is kept by its title
                    keys = [(e.scheme, e.value[:255]) for e in ref.ids] or ([("title", clean_title_key(ref.title))] if ref.title else [])
                    for scheme, value in keys:
                        asserted = (ref.source_name or "")[:255]
                        work_refs[(aid, scheme, value, asserted)] = {
                            "author_id": aid, "scheme": scheme, "value": value, "asserted_by": asserted, "title": ref.title,
                            "publication_year": ref.publication_year, "type": (ref.type or "")[:40] or None, "raw_record_id": raw,
                        }
                if r.last_known_institutions:
                    employers.append((aid, raw, r.last_known_institutions))
            self._insert_ignore(conn, ExternalIdRow.__table__, id_rows)
            self._remember(id_rows)
            self._insert_ignore(conn, AuthorName.__table__, [{"author_id": a, "name": n} for a, n in sorted(names)])
            insert_rows(conn, AuthorWorkRef.__table__, list(work_refs.values()), update_on=("author_id", "scheme", "value", "asserted_by"))
            if employers:
                insts = [inst for _, _, found in employers for inst in found if inst.ids]
                inst_ids = self._resolve_entities(conn, "institution", insts, [list(i.ids) for i in insts], _institution_row, [raw for _, raw, found in employers for inst in found if inst.ids])
                it = iter(inst_ids)
                ref_rows: dict[tuple[int, int], dict] = {}
                ir_t = AuthorInstitutionRef.__table__
                for aid, raw, found in employers:
                    conn.execute(delete(ir_t).where(ir_t.c.author_id == aid))  # the record's latest list replaces the previous
                    for pos, inst in enumerate(i for i in found if i.ids):
                        ref_rows.setdefault((aid, next(it)), {"position": pos, "raw_record_id": raw})
                insert_rows(conn, ir_t, [{"author_id": a, "institution_id": i, **v} for (a, i), v in ref_rows.items()], update_on=("author_id", "institution_id"))
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
            work_key = f"w{work_of[i]}"  # the stored work's id: stable while its sources change
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
        # a stored author without an ORCID iD takes the one a source now asserts on their byline
        created_ids = set(created)
        orcid_found = [(r["value"], r["entity_id"]) for r in id_rows if r["scheme"] == "orcid" and r["entity_id"] not in created_ids]
        if orcid_found:
            mark = "?" if conn.dialect.name == "sqlite" else "%s"
            conn.exec_driver_sql(f"UPDATE authors SET orcid = {mark} WHERE id = {mark} AND orcid IS NULL", orcid_found)
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
                    "orcid": a.author.orcid,
                    "emails": ",".join(a.emails)[:2000] or None,
                    "claim_source": a.claim.source if a.claim else None,
                    "claim_account": a.claim.account[:255] if a.claim else None,
                    "claim_status": (a.claim.status or "")[:40] or None if a.claim else None,
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
