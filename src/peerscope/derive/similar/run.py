"""``derive_similar``: every work's ranked similar works, from the store, rebuilt only when what
they are computed from (texts, citations between works, topics) or the code changed, and then
written only for the works whose list changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import orjson

from peerscope.derive.similar.scoring import (
    COCITATION_CAP,
    COUPLING_CAP,
    KEEP,
    MEANING_MIN,
    MIN_SCORE,
    SIMILAR_VERSION,
    TEXT_MIN,
    TEXT_MIN_TERMS,
    TEXT_TERMS,
    TOPIC_CANDIDATE_CAP,
    WEIGHTS,
    Corpus,
    Embeddings,
    similar_lists,
)
from peerscope.store import similar as store_similar
from peerscope.store.db import Store

PARAMETERS = {"keep": KEEP, "min_score": MIN_SCORE, "text_min": TEXT_MIN, "text_min_terms": TEXT_MIN_TERMS, "text_terms": TEXT_TERMS, "cocitation_cap": COCITATION_CAP,
              "coupling_cap": COUPLING_CAP, "topic_candidate_cap": TOPIC_CANDIDATE_CAP, "meaning_min": MEANING_MIN, "weights": dict(WEIGHTS)}


@dataclass(frozen=True, slots=True)
class SimilarReport:
    skipped: bool  # the inputs and the code are unchanged since the last build
    code_version: str
    inputs_hash: str
    works: int  # works in the corpus
    listed: int  # works with at least one similar work
    entries: int  # list entries in all
    rewritten: int  # works whose stored list changed
    removed: int  # works whose list went
    seconds: float


def inputs_hash(inputs: store_similar.SimilarInputs, embeddings: Embeddings | None = None) -> str:
    h = hashlib.sha256(orjson.dumps({"v": SIMILAR_VERSION, "p": PARAMETERS}, option=orjson.OPT_SORT_KEYS))
    if embeddings is not None:  # the model and every vector: new or re-embedded works change the lists
        h.update(embeddings.name.encode() + b"\0")
        h.update(np.ascontiguousarray(embeddings.ids, dtype=np.int64).tobytes())
        h.update(np.ascontiguousarray(embeddings.vectors, dtype=np.float32).tobytes())
    h.update(orjson.dumps(inputs.work_ids))
    for text in inputs.texts:
        h.update(text.encode())
        h.update(b"\0")
    h.update(orjson.dumps(inputs.citations))
    h.update(orjson.dumps([(w, t, f"{s:.6f}") for w, t, s in inputs.topics]))
    return h.hexdigest()


def evidence_json(evidence: dict[str, object]) -> str:
    return orjson.dumps(evidence, option=orjson.OPT_SORT_KEYS).decode()


def derive_similar(store: Store, *, force: bool = False, embeddings: Embeddings | None = None, progress: Callable[[int], None] | None = None,
                   total: Callable[[int], None] | None = None) -> SimilarReport:
    """Recompute every work's list unless nothing it reads has changed since the last build
    (``force`` recomputes anyway); only changed lists are written. ``embeddings`` (the search
    index's vectors, when there are any) add the meaning signal. ``total`` learns the number
    of works before ``progress`` counts them."""
    started = time.perf_counter()
    inputs = store_similar.read_inputs(store)
    digest = inputs_hash(inputs, embeddings)
    last = store_similar.last_build(store)
    if not force and last is not None and last.inputs_hash == digest and last.code_version == SIMILAR_VERSION:
        entries = store_similar.entry_count(store)
        return SimilarReport(True, SIMILAR_VERSION, digest, last.works, last.listed, entries, 0, 0, time.perf_counter() - started)
    if total is not None:
        total(len(inputs.work_ids))
    lists = similar_lists(Corpus(inputs.work_ids, inputs.texts, inputs.citations, inputs.topics, embeddings), progress=progress)
    rows = {w: [(n.work_id, n.score, evidence_json(n.evidence.as_dict())) for n in found] for w, found in lists.items()}
    rewritten, removed = store_similar.write_lists(store, rows)
    seconds = time.perf_counter() - started
    listed = sum(1 for v in rows.values() if v)
    store_similar.record_build(store, store_similar.BuildRecord(SIMILAR_VERSION, digest, len(inputs.work_ids), listed, seconds,
                                                                datetime.now(UTC).replace(tzinfo=None)))
    return SimilarReport(False, SIMILAR_VERSION, digest, len(inputs.work_ids), listed, sum(len(v) for v in rows.values()), rewritten, removed, seconds)
