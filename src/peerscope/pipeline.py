"""The ingestion pipeline: sources -> normalize -> resolve -> store -> derive -> index.

This module only sequences the stages; each stage's logic lives in its own package.

A run reads one *stream* (a source and what was asked of it: files, a query, a snapshot) as
pages of payloads, normalises each payload, and writes batches. Each batch is one transaction
with the inputs it quarantined and the checkpoint that follows it, so a killed run resumes
(``resume=True``) from the last committed batch with nothing lost and nothing written twice.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from peerscope.derive.graph import GraphBuildReport, build_graph
from peerscope.derive.integrity.graph import GraphCheckReport, run_graph_checks
from peerscope.derive.profile_counts import CollaborationRule, RefreshReport, refresh_profile_counts
from peerscope.derive.similar.run import SimilarReport, derive_similar
from peerscope.derive.similar.scoring import Embeddings
from peerscope.derive.topics.run import TopicsReport, derive_topics
from peerscope.derive.trust.run import TrustRunReport, derive_trust
from peerscope.errors import InputError, SourceError
from peerscope.index.titles import DatabaseTitleIndex
from peerscope.normalize.ids import normalize_openalex
from peerscope.normalize.limits import check_record
from peerscope.normalize.registry import normalizer
from peerscope.sources.base import Page, recording_files
from peerscope.sources.files import Payload, Unreadable, iter_payloads, list_inputs
from peerscope.store import derived as store_derived
from peerscope.store.db import Store
from peerscope.store.writer import BatchResult, Checkpoint, IngestItem, QuarantineEntry, Writer, payload_hash

log = logging.getLogger(__name__)

GC_EVERY = 50_000


@dataclass(frozen=True, slots=True)
class Stream:
    """What a run reads, named so a later run can resume it.

    ``counted`` streams (files) resume by skipping the records already read; the others resume
    from the source's own cursor, which their pages carry.
    """

    source: str
    description: str
    open: Callable[[str | None], Iterable[Page]]
    counted: bool = False

    @property
    def key(self) -> str:
        digest = hashlib.sha1(f"{self.source}\0{self.description}".encode()).hexdigest()[:16]
        return f"{self.source}:{digest}"


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What a run did. Every record read is counted once: inserted (a new work), updated (a
    stored work changed), joined (part of a work another record of the run wrote: a second
    source, a later version), unchanged, entities (people, venues... described on their own),
    deferred (waiting for its work) or quarantined."""

    source: str
    records: int  # payloads read
    inserted: int
    updated: int
    unchanged: int
    entities: int
    deferred: int
    merged: int
    quarantined: int
    joined: int
    not_found: int
    authors_recomputed: int
    seconds: float
    resumed_from: str | None = None
    errors: tuple[str, ...] = ()  # the first quarantine reasons, with where they happened
    not_found_ids: tuple[str, ...] = ()

    @property
    def works_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "read": self.records,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "entities": self.entities,
            "joined": self.joined,
            "deferred": self.deferred,
            "merged": self.merged,
            "quarantined": self.quarantined,
            "not_found": self.not_found,
            "authors_recomputed": self.authors_recomputed,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.works_per_second, 1),
            "resumed_from": self.resumed_from,
            "errors": list(self.errors),
            "not_found_ids": list(self.not_found_ids),
        }


@contextmanager
def _young_gc_only() -> Iterator[None]:
    """Run a long ingest without the collector's full passes.

    Automatic collection walks every tracked object, and the id cache holds millions of them:
    full passes made ingestion slower the longer it ran. The batches make few reference cycles,
    so the young generations are collected every ``GC_EVERY`` records instead, and everything
    at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def _openalex_key(p: Payload) -> tuple[str, str, str] | None:
    source_id = normalize_openalex(p.data.get("id")) if isinstance(p.data, dict) else None
    return ("openalex", source_id, payload_hash(p.raw)) if source_id else None


PREFILTER: dict[str, Callable[[Payload], tuple[str, str, str] | None]] = {"openalex": _openalex_key}


@dataclass
class _Run:
    source: str
    writer: Writer
    stream: Stream | None
    strict: bool
    total: BatchResult = field(default_factory=BatchResult)
    records: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def normalise(self, batch: list[Payload]) -> tuple[list[IngestItem], list[QuarantineEntry]]:
        normalize = normalizer(self.source)
        items: list[IngestItem] = []
        bad: list[QuarantineEntry] = []
        for p in batch:
            try:
                if isinstance(p.data, Unreadable):
                    raise InputError(f"{p.where}: {p.data.reason}")
                items.append(IngestItem(check_record(normalize(p.data, p.retrieved_at, p.where), p.where), p.raw))
            except InputError as exc:
                if self.strict:
                    raise
                bad.append(QuarantineEntry(self.source, p.where, exc.message, p.raw or None))
        return items, bad

    def write(self, batch: list[Payload], cursor: str | None, progress: Callable[[int], None] | None) -> None:
        prefilter = PREFILTER.get(self.source)
        fresh = batch
        if prefilter is not None:  # payloads stored before are skipped before normalising
            keys = [prefilter(p) for p in batch]
            stored = self.writer.already_stored([k for k in keys if k])
            fresh = [p for p, k in zip(batch, keys) if k is None or k not in stored]
            self.total.unchanged += len(batch) - len(fresh)
        items, bad = self.normalise(fresh)
        self.records += len(batch)
        checkpoint = None
        if self.stream is not None:
            checkpoint = Checkpoint(self.stream.key, self.source, self.stream.description, cursor, self.records)
        self.total.add(self.writer.write(items, quarantine=bad, checkpoint=checkpoint))
        self.quarantined += len(bad)
        self.errors += [q.reason for q in bad][: max(0, 20 - len(self.errors))]
        if self.records % GC_EVERY < len(batch):
            gc.collect(1)
        if progress:
            progress(len(batch))


def _skip(pages: Iterable[Page], count: int) -> Iterator[Page]:
    """The pages after the first ``count`` payloads (a counted stream resuming)."""
    for page in pages:
        if count <= 0:
            yield page
        elif count >= len(page.payloads):
            count -= len(page.payloads)
            if page.not_found:
                yield Page([], None, page.not_found)
        else:
            yield Page(page.payloads[count:], page.cursor, page.not_found)
            count = 0


def ingest_stream(
    store: Store,
    stream: Stream,
    *,
    resume: bool = False,
    strict: bool = False,
    batch_size: int = 2000,
    rule: CollaborationRule = CollaborationRule(),
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read a stream into the graph and refresh what depends on it.

    Bad records are quarantined with the reason and the payload, and the run goes on (``strict``
    stops at the first instead). Ids a source says it does not have are reported. A source that
    fails (network, an error answer) stops the run after the batches before it were committed;
    ``resume`` continues from there.
    """
    start = time.perf_counter()
    writer = Writer(store)
    run = _Run(stream.source, writer, stream, strict)
    cursor: str | None = None
    done = 0
    resumed_from = None
    if resume:
        saved = writer.checkpoint_of(stream.key)
        if saved is not None and saved.finished:
            log.info("%s: already complete (%d records); nothing to resume", stream.description, saved.records)
            recomputed = derive_pending(store, rule).authors_recomputed  # what a killed run left queued
            return IngestReport(stream.source, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, recomputed, time.perf_counter() - start, resumed_from="finished")
        if saved is not None:
            resumed_from = saved.cursor
            done = saved.records
            run.records = done
            if not stream.counted:
                cursor = saved.cursor
    pages: Iterable[Page] = stream.open(cursor)
    if stream.counted and done:
        pages = _skip(pages, done)
    with _young_gc_only():
        batch: list[Payload] = []
        last_cursor = cursor
        for page in pages:
            run.not_found += page.not_found
            for p in page.payloads:
                batch.append(p)
                if len(batch) >= batch_size:
                    run.write(batch, f"records:{run.records + len(batch)}" if stream.counted else last_cursor, progress)
                    batch = []
            if not stream.counted and page.cursor is not None:
                last_cursor = page.cursor
        run.write(batch, f"records:{run.records + len(batch)}" if stream.counted else last_cursor, progress)
    writer.write([], checkpoint=Checkpoint(stream.key, stream.source, stream.description, None, run.records, finished=True))
    total = run.total
    recomputed = derive_pending(store, rule).authors_recomputed
    return IngestReport(
        source=stream.source,
        records=run.records - done,
        inserted=total.inserted,
        updated=total.updated,
        unchanged=total.unchanged,
        entities=total.entities,
        deferred=total.deferred,
        merged=total.merged,
        quarantined=run.quarantined,
        joined=total.joined,
        not_found=len(run.not_found),
        authors_recomputed=recomputed,
        seconds=time.perf_counter() - start,
        resumed_from=resumed_from,
        errors=tuple(run.errors[:20]),
        not_found_ids=tuple(run.not_found[:50]),
    )


@dataclass(frozen=True, slots=True)
class DeriveReport:
    profiles: RefreshReport
    titles_indexed: int

    @property
    def authors_recomputed(self) -> int:
        return self.profiles.authors_recomputed


FULL_TITLE_INDEX_ABOVE = 50_000  # queued works beyond which the whole title index is rebuilt


def derive_pending(store: Store, rule: CollaborationRule = CollaborationRule(), *, everything: bool = False) -> DeriveReport:
    """Recompute what derives from the works and authors queued by the writes (profile counts,
    the title index), then take them off the queue; ``everything`` recomputes all of it.

    The queue is committed with each batch, so what a killed run had written but not derived is
    still queued: any later run finishes it. Each kind leaves the queue only after its derived
    rows are committed; recomputing twice gives the same rows (unchanged inputs are skipped)."""
    queued = store_derived.pending(store)
    authors, works = queued["author"], queued["work"]
    profiles, indexed = RefreshReport(0, 0, 0, 0), 0
    if everything or authors:
        profiles = refresh_profile_counts(store, None if everything else authors, rule)
        store_derived.clear_pending(store, "author", authors)
    if everything or works:
        indexed = DatabaseTitleIndex(store).refresh(None if everything or len(works) > FULL_TITLE_INDEX_ABOVE else works)
        store_derived.clear_pending(store, "work", works)
    return DeriveReport(profiles, indexed)


@dataclass(frozen=True, slots=True)
class GraphDeriveReport:
    citations_linked: int
    derived: DeriveReport
    topics: TopicsReport
    similar: SimilarReport
    graph: GraphBuildReport
    integrity: GraphCheckReport
    trust: TrustRunReport


def derive_graph(store: Store, rule: CollaborationRule = CollaborationRule(), *, trust_progress: Callable[[int], None] | None = None,
                 trust_total: Callable[[int], None] | None = None, similar_progress: Callable[[int], None] | None = None,
                 similar_total: Callable[[int], None] | None = None, embeddings: Embeddings | None = None) -> GraphDeriveReport:
    """Everything that derives from the graph, in order: references linked to works now in it,
    topics for works that came without any, profile counts (which count those topics) and the
    title index, similar works (which read those topics and the linked references), the
    research graph's edges, the
    graph-level integrity checks, then the trust snapshots (which read those flags). The search
    index's vectors (``embeddings``), when given, add the meaning signal to similar works. Each step
    skips what its inputs leave unchanged, except topics, derived afresh."""
    linked = Writer(store).link_citations()
    topics = derive_topics(store)  # before the profile counts, which count derived topics
    derived = derive_pending(store, rule, everything=True)  # everything, and the queue emptied
    similar = derive_similar(store, embeddings=embeddings, progress=similar_progress, total=similar_total)
    graph = build_graph(store)
    integrity = run_graph_checks(store)
    trust = derive_trust(store, progress=trust_progress, total=trust_total)
    return GraphDeriveReport(linked, derived, topics, similar, graph, integrity, trust)


# --- streams -----------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _unreadable(where: str, reason: str) -> Page:
    return Page([Payload(b"", Unreadable(reason), where, _now())], None)


KEPT_ANSWER_BYTES = 16 * 1024 * 1024  # an unreadable answer is kept for inspection up to this size


def _unreadable_answer(file: Path, message: str) -> Page:
    """A recorded answer that cannot be read: one quarantined input named by its file (once: the
    pipeline puts the name before the reason), with its bytes kept so it can be looked at."""
    reason = message
    for prefix in (f"{file}: ", f"{file.name}: "):
        reason = reason.removeprefix(prefix)
    try:
        with file.open("rb") as fh:
            kept = fh.read(KEPT_ANSWER_BYTES)
    except OSError:
        kept = b""
    return Page([Payload(kept, Unreadable(reason), file.name, _now())], None)


def openalex_file_pages(paths: Iterable[Path]) -> Iterator[Page]:
    """OpenAlex JSON Lines / documents as pages of up to 1,000 payloads; an unreadable line or
    file becomes a payload the pipeline quarantines."""
    for path in paths:
        for file in list_inputs(path):
            chunk: list[Payload] = []
            for p in iter_payloads(file, tolerant=True):
                chunk.append(p)
                if len(chunk) >= 1000:
                    yield Page(chunk, None)
                    chunk = []
            if chunk:
                yield Page(chunk, None)


def recorded_pages(read: Callable[[Path], Iterable[Page]], paths: Iterable[Path]) -> Iterator[Page]:
    """A connector's recorded responses, a file at a time, so one unreadable file is quarantined
    and the rest are read."""
    for path in paths:
        for file in recording_files(path):
            try:
                yield from read(file)
            except (InputError, SourceError) as exc:  # a recorded error answer is a bad input here
                yield _unreadable_answer(file, exc.message)


def file_stream(source: str, paths: list[Path], read: Callable[[Path], Iterable[Page]] | None = None) -> Stream:
    """A stream over files (recorded responses or OpenAlex dumps)."""
    for path in paths:  # fail early, before anything is written, on a path that is not there
        (list_inputs if read is None else recording_files)(path)
    description = "files " + " ".join(sorted(str(p.resolve()) for p in paths))
    if read is None:
        return Stream(source, description, lambda _cursor: openalex_file_pages(paths), counted=True)
    return Stream(source, description, lambda _cursor: recorded_pages(read, paths), counted=True)


def query_stream(source: str, what: dict, fetch: Callable[[str | None], Iterable[Page]]) -> Stream:
    """A stream over a source's API: ``what`` names the query (it keys the checkpoint)."""
    description = "query " + orjson.dumps(what, option=orjson.OPT_SORT_KEYS, default=str).decode()
    return Stream(source, description, fetch)


def ingest_openalex(
    store: Store,
    paths: Iterable[Path],
    *,
    batch_size: int = 2000,
    strict: bool = False,
    resume: bool = False,
    rule: CollaborationRule = CollaborationRule(),
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest OpenAlex records (works, and authors, venues, institutions, topics) from files."""
    stream = file_stream("openalex", list(paths))
    return ingest_stream(store, stream, resume=resume, strict=strict, batch_size=batch_size, rule=rule, progress=progress)
