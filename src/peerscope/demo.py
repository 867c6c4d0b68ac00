"""Building the demo: generate a corpus, ingest it, derive (topics, integrity flags and trust
snapshots included), build the search index — reusing a matching build."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import orjson

from peerscope.config import Settings
from peerscope.derive.graph import build_graph
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.derive.similar.run import derive_similar
from peerscope.errors import ConfigError
from peerscope.index.service import service_for
from peerscope.pipeline import derive_graph, ingest_openalex
from peerscope.store import queries
from peerscope.store.db import Store
from peerscope.synth.generator import generate_corpus

MARKER = "demo.json"


@dataclass(frozen=True, slots=True)
class DemoReport:
    works: int
    authors: int
    seed: int
    end_date: str
    reused: bool
    seconds: float
    database: str
    search_index: str = ""


def build_demo(settings: Settings, *, works: int, seed: int, end_date: date, progress: Callable[[int], None] | None = None, index_progress: Callable[[int], None] | None = None) -> DemoReport:
    started = time.perf_counter()
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    wanted = {"works": works, "seed": seed, "end_date": end_date.isoformat(), "database": settings.resolved_database_url}
    marker = data_dir / MARKER
    previous = orjson.loads(marker.read_bytes()) if marker.exists() else None
    store = Store(settings.resolved_database_url)
    store.upgrade()
    c = queries.counts(store)
    search = service_for(settings, store)
    if previous == wanted and c["works"] > 0:
        build_graph(store)  # a demo built before the graph existed gets one; unchanged inputs are skipped
        if not search.is_built:
            search.build()
        derive_similar(store, embeddings=search.embeddings())  # likewise its similar works
        return DemoReport(c["works"], c["authors"], seed, wanted["end_date"], True, time.perf_counter() - started, store.describe(), str(search.folder))
    if c["works"] > 0:
        if previous is None or settings.database_url:
            raise ConfigError(
                f"{store.describe()} already holds {c['works']} works that are not this demo build; "
                "use an empty --data-dir (or --database-url) for the demo"
            )
        # an older demo build in the embedded database: start it afresh
        store.dispose()
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"peerscope.db{suffix}").unlink(missing_ok=True)
        marker.unlink()
        store = Store(settings.resolved_database_url)
        store.upgrade()
    corpus = data_dir / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    generate_corpus(corpus, works=works, seed=seed, end_date=end_date)
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    ingest_openalex(store, [corpus / "works"], batch_size=settings.ingest_batch_size, rule=rule, progress=progress)
    derive_graph(store, rule)  # citations linked, topics, similar works, the research graph, integrity checks and trust snapshots, as `peerscope derive`
    search.build(index_progress)
    derive_similar(store, embeddings=search.embeddings())  # the index's vectors add closeness in meaning
    marker.write_bytes(orjson.dumps(wanted))
    c = queries.counts(store)
    return DemoReport(c["works"], c["authors"], seed, wanted["end_date"], False, time.perf_counter() - started, store.describe(), str(search.folder))
