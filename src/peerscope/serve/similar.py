"""A work's similar works as the page and the API show them: each with its score, the reasons
read from its evidence, and when the lists were last built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerscope.derive.similar.scoring import KEEP, Evidence, reasons
from peerscope.store import similar as store_similar
from peerscope.store.db import Store


@dataclass(frozen=True, slots=True)
class SimilarItem:
    work_id: int
    title: str
    publication_year: int | None
    type: str | None
    score: float
    reasons: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class SimilarList:
    items: tuple[SimilarItem, ...]
    built: bool  # the lists have been derived at least once
    code_version: str | None
    computed_at: datetime | None


def similar_list(store: Store, work_id: int, limit: int = KEEP) -> SimilarList:
    entries, names = store_similar.similar_of(store, work_id, limit)
    build = store_similar.last_build(store)
    items = []
    for e in entries:
        ev = Evidence.from_dict(e.evidence)
        items.append(SimilarItem(e.work_id, e.title, e.publication_year, e.type, e.score, tuple(reasons(ev, names)), ev))
    return SimilarList(tuple(items), build is not None, build.code_version if build else None, build.computed_at if build else None)
