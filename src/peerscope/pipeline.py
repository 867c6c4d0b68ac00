"""The ingestion pipeline: sources -> normalize -> resolve -> store -> derive -> index.

This module only sequences the stages; each stage's logic lives in its own package.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from peerscope.derive.profile_counts import CollaborationRule, refresh_profile_counts
from peerscope.errors import InputError
from peerscope.index.titles import DatabaseTitleIndex
from peerscope.normalize.ids import normalize_openalex
from peerscope.normalize.openalex import SOURCE, record_from_openalex
from peerscope.sources.files import Payload, iter_payloads
from peerscope.store.db import Store
from peerscope.store.writer import BatchResult, IngestItem, Writer, payload_hash


@dataclass(frozen=True, slots=True)
class IngestReport:
    records: int
    inserted: int
    updated: int
    unchanged: int
    entities: int
    skipped_bad: int
    authors_recomputed: int
    seconds: float
    errors: tuple[str, ...] = ()

    @property
    def works_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


def _batched(items: Iterable[Payload], size: int) -> Iterator[list[Payload]]:
    batch: list[Payload] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _normalized(payloads: Iterable[Payload], skip_bad: bool, errors: list[str]) -> Iterator[IngestItem]:
    for p in payloads:
        try:
            yield IngestItem(record_from_openalex(p.data, p.retrieved_at, where=p.where), p.raw)
        except InputError as exc:
            if not skip_bad:
                raise
            errors.append(exc.message)


def _payload_key(p: Payload) -> tuple[str, str, str] | None:
    source_id = normalize_openalex(p.data.get("id")) if isinstance(p.data, dict) else None
    return (SOURCE, source_id, payload_hash(p.raw)) if source_id else None


GC_EVERY = 50_000


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


def _ingest_paths(
    writer: Writer,
    paths: Iterable[Path],
    batch_size: int,
    skip_bad: bool,
    errors: list[str],
    total: BatchResult,
    progress: Callable[[int], None] | None,
) -> int:
    records = 0
    for path in paths:
        for batch in _batched(iter_payloads(path), batch_size):
            # payloads stored before are skipped before normalising: re-reading a file is cheap
            keys = [_payload_key(p) for p in batch]
            stored = writer.already_stored([k for k in keys if k])
            fresh = [p for p, k in zip(batch, keys) if k is None or k not in stored]
            total.unchanged += len(batch) - len(fresh)
            total.add(writer.write(list(_normalized(fresh, skip_bad, errors))))
            records += len(batch)
            if records % GC_EVERY < len(batch):
                gc.collect(1)
            if progress:
                progress(len(batch))
    return records


def ingest_openalex(
    store: Store,
    paths: Iterable[Path],
    *,
    batch_size: int = 2000,
    skip_bad: bool = False,
    rule: CollaborationRule = CollaborationRule(),
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest OpenAlex records (works, and authors, venues, institutions, topics) from files.

    Each batch is one transaction: a bad record stops the run (unless ``skip_bad``) after the
    batches before it were committed whole; running again resumes, since stored payloads are
    skipped. Derived counts and the title index are refreshed for what changed.
    """
    start = time.perf_counter()
    writer = Writer(store)
    total = BatchResult()
    errors: list[str] = []
    with _young_gc_only():
        records = _ingest_paths(writer, paths, batch_size, skip_bad, errors, total, progress)
    recomputed = 0
    if total.author_ids:
        recomputed = refresh_profile_counts(store, total.author_ids, rule).authors_recomputed
    if total.work_ids:
        DatabaseTitleIndex(store).refresh(None if total.inserted > 50_000 else total.work_ids)
    return IngestReport(
        records=records,
        inserted=total.inserted,
        updated=total.updated,
        unchanged=total.unchanged,
        entities=total.entities,
        skipped_bad=len(errors),
        authors_recomputed=recomputed,
        seconds=time.perf_counter() - start,
        errors=tuple(errors[:20]),
    )
