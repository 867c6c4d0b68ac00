"""The search index as the app and the CLI use it: build, update, search, suggest.

One folder (the ``search_index_dir`` setting; ``<data dir>/search`` by default) holds the keyword
index (``keyword/``), the vectors (``vectors/``) and ``state.json`` (when it was built, from which
store, with which embedder, and the store's latest write it includes). Everything in it is
derived from the store and rebuilt by ``peerscope index build``; ``peerscope index update``
indexes the works written since, and drops works that left the store.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson

from peerscope.config import Settings
from peerscope.derive.similar.scoring import Embeddings
from peerscope.index.embed import Embedder, embedding_text, kind_of, load_embedder, resolve_embedder
from peerscope.index.hybrid import SearchRequest, SearchResults, run_search
from peerscope.index.keyword import IndexNotBuilt, KeywordIndex
from peerscope.index.query import SearchFilters, parse_query
from peerscope.index.vectors import VectorIndex, VectorSet, load, save, text_hash
from peerscope.store import search as store_search
from peerscope.store.db import Store
from peerscope.store.views import SearchDocument

STATE = "state.json"
CHECKPOINT_EVERY = 5000  # newly embedded rows written to disk at least this often
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class IndexReport:
    mode: str  # "build" or "update"
    works: int  # works (re)indexed
    deleted: int
    embedded: int  # vectors computed
    reused: int  # vectors kept because the work's text had not changed
    documents: int  # documents in the keyword index afterwards
    vectors: int
    embedder: str
    seconds: float
    embed_seconds: float
    path: str

    def as_dict(self) -> dict:
        return asdict(self)


class SearchService:
    """Keyword, semantic and hybrid search over one index folder; satisfies ``TitleIndex``."""

    def __init__(self, store: Store, folder: Path, *, embedder: str = "minilm", models_dir: Path | None = None, candidates: int = 100, embedder_obj: Embedder | None = None) -> None:
        self.store = store
        self.folder = folder
        self.embedder_kind = resolve_embedder(embedder)
        self.models_dir = models_dir or folder / "models"
        self.candidates = candidates
        self._embedder = embedder_obj
        self._by_kind: dict[str, Embedder] = {}
        self._keyword: KeywordIndex | None = None
        self._stamp: float | None = None
        self.vectors = VectorIndex(folder / "vectors")

    # --- parts ---------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.embedder_kind, self.models_dir)
        return self._embedder

    def state(self) -> dict | None:
        path = self.folder / STATE
        return orjson.loads(path.read_bytes()) if path.exists() else None

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index, reopened when a rebuild replaced it."""
        try:
            stamp = (self.folder / STATE).stat().st_mtime
        except FileNotFoundError:
            raise IndexNotBuilt(f"no search index in {self.folder}; build it with `peerscope index build`") from None
        if self._keyword is None or stamp != self._stamp:
            self._keyword = KeywordIndex.open(self.folder / "keyword")
            self._stamp = stamp
        return self._keyword

    @property
    def is_built(self) -> bool:
        return (self.folder / STATE).exists()

    # --- TitleIndex ----------------------------------------------------------------------------

    def search(self, q: str, limit: int, offset: int = 0) -> tuple[list[int], int]:
        """Keyword search (every word in title, abstract, authors or venue), BM25 order."""
        hits = self.keyword.search(parse_query(q), SearchFilters(), limit, offset)
        return hits.ids, hits.total

    def refresh(self, work_ids: Iterable[int] | None = None) -> int:
        return self.update(work_ids).works

    # --- search --------------------------------------------------------------------------------

    def query_embedder(self) -> Embedder:
        """The embedder the index was built with (queries must be embedded by the same model)."""
        kind = (self.state() or {}).get("embedder", self.embedder_kind)
        if self._embedder is not None and kind_of(self._embedder) == kind:
            return self._embedder
        cached = self._by_kind.get(kind)
        if cached is None:
            cached = self._by_kind[kind] = load_embedder(kind, self.models_dir)
        return cached

    def query(self, req: SearchRequest) -> SearchResults:
        embedder = self.query_embedder() if req.mode != "keyword" and self.vectors.count else None
        return run_search(self.keyword, self.vectors, embedder, req, self.candidates)

    def suggest(self, text: str, limit: int = 8) -> list[tuple[int, str]]:
        return self.keyword.suggest(parse_query(text, prefix=True), limit)

    # --- writing -------------------------------------------------------------------------------

    def build(self, progress: Progress | None = None) -> IndexReport:
        """Rebuild everything from the store; vectors of unchanged texts are kept."""
        started = time.perf_counter()
        watermark = store_search.latest_update(self.store)
        self.folder.mkdir(parents=True, exist_ok=True)
        fresh = KeywordIndex.create(self.folder / "keyword.new")
        embedding = _Embedding(self, keep_only_seen=True)
        n = 0
        for docs in store_search.search_documents(self.store):
            fresh.add(docs)
            embedding.add(docs)
            n += len(docs)
            if progress:
                progress(len(docs))
        fresh.commit()
        embedding.finish()
        old = self.folder / "keyword"
        if old.exists():
            shutil.rmtree(old)
        (self.folder / "keyword.new").rename(old)
        self._write_state(watermark, n)
        return self._report("build", n, 0, embedding, started)

    def update(self, work_ids: Iterable[int] | None = None, progress: Progress | None = None) -> IndexReport:
        """Index the given works (default: those written since the last build or update, and
        drop works no longer in the store); without an index, build one."""
        state = self.state()
        if state is None or not (self.folder / "keyword").exists():
            return self.build(progress)
        self._keep_embedder(state.get("embedder"))
        started = time.perf_counter()
        watermark = store_search.latest_update(self.store)
        keyword = self.keyword
        deleted: set[int] = set()
        if work_ids is None:
            since = state.get("watermark")
            ids = store_search.works_changed_since(self.store, datetime.fromisoformat(since)) if since else store_search.all_work_ids(self.store)
            deleted = set(keyword.all_ids()) - set(store_search.all_work_ids(self.store))
        else:
            ids = sorted(set(work_ids))
        embedding = _Embedding(self, keep_only_seen=False)
        n, present = 0, set()
        for docs in store_search.search_documents(self.store, ids):
            keyword.add(docs, replace=True)
            embedding.add(docs)
            present.update(d.id for d in docs)
            n += len(docs)
            if progress:
                progress(len(docs))
        deleted |= set(ids) - present
        keyword.delete(deleted)
        keyword.commit()
        embedding.finish(drop=deleted)
        self._write_state(watermark if work_ids is None else state.get("watermark"), keyword.num_docs)
        return self._report("update", n, len(deleted), embedding, started)

    def follow(self, progress: Progress | None = None) -> IndexReport | None:
        """After the store changed (an ingest): index the works written since the last build or
        update and drop those that left, as ``update`` does; None when no index is built (a
        store without one is searched in the database until ``peerscope index build``) or when
        the index in the folder was built from another store, which this one must not rewrite."""
        if not self._built_from_this_store():
            return None
        return self.update(progress=progress)

    def _built_from_this_store(self) -> bool:
        state = self.state()
        return state is not None and (self.folder / "keyword").exists() and state.get("store") == self.store.describe()

    def embeddings(self) -> Embeddings | None:
        """The index's vectors as the similar works read them, when an index built from this
        store holds any (memory-mapped, not copied)."""
        if not self._built_from_this_store():
            return None
        loaded = load(self.folder / "vectors")
        if loaded is None or not len(loaded[0].ids):
            return None
        vs, meta = loaded
        return Embeddings(vs.ids, vs.vectors, str(meta["embedder"]))

    def _keep_embedder(self, kind: str | None) -> None:
        """An update embeds with the model the index was built with, whatever the settings say
        now: vectors of two models cannot be searched together (``build`` changes the model)."""
        if not kind or kind == self.embedder_kind:
            return
        self.embedder_kind = kind
        if self._embedder is not None and kind_of(self._embedder) != kind:
            self._embedder = None

    def _write_state(self, watermark: datetime | str | None, works: int) -> None:
        mark = watermark.isoformat() if isinstance(watermark, datetime) else watermark
        state = {"built_at": datetime.now().isoformat(timespec="seconds"), "watermark": mark, "embedder": self.embedder_kind, "works": works, "store": self.store.describe()}
        tmp = self.folder / f".{STATE}.tmp"
        tmp.write_bytes(orjson.dumps(state))
        tmp.replace(self.folder / STATE)

    def _report(self, mode: str, n: int, deleted: int, emb: _Embedding, started: float) -> IndexReport:
        return IndexReport(mode, n, deleted, emb.embedded, emb.reused, self.keyword.num_docs, self.vectors.count, emb.name, round(time.perf_counter() - started, 2), round(emb.seconds, 2), str(self.folder))


class _Embedding:
    """Vectors for the documents passing through a build or update: reused when the text's hash
    is unchanged, computed otherwise, and written to disk every few thousand."""

    def __init__(self, service: SearchService, *, keep_only_seen: bool) -> None:
        self.folder = service.folder / "vectors"
        self.embedder = service.embedder
        self.name = self.embedder.name
        loaded = load(self.folder, mmap=False)
        same_model = loaded is not None and loaded[1].get("embedder") == self.name
        self.old = loaded[0] if (loaded and same_model) else VectorSet.empty(self.embedder.dim)
        self.old_rows = {int(i): r for r, i in enumerate(self.old.ids)}
        self.keep_only_seen = keep_only_seen
        self.seen: list[int] = []
        self.ids: list[int] = []
        self.hashes: list[int] = []
        self.rows: list[np.ndarray] = []
        self.unsaved = 0
        self.embedded = self.reused = 0
        self.seconds = 0.0

    def add(self, docs: list[SearchDocument]) -> None:
        todo: list[tuple[int, int, str]] = []
        for d in docs:
            text = embedding_text(d.title, d.abstract)
            h = text_hash(text)
            self.seen.append(d.id)
            row = self.old_rows.get(d.id)
            if row is not None and int(self.old.hashes[row]) == h:
                self.reused += 1
                continue
            todo.append((d.id, h, text))
        if todo:
            t0 = time.perf_counter()
            vecs = self.embedder.embed([t for _, _, t in todo])
            self.seconds += time.perf_counter() - t0
            self.ids.extend(i for i, _, _ in todo)
            self.hashes.extend(h for _, h, _ in todo)
            self.rows.append(vecs)
            self.embedded += len(todo)
            self.unsaved += len(todo)
        if self.unsaved >= CHECKPOINT_EVERY:
            self._save(self._merged())
            self.unsaved = 0

    def _merged(self, drop: Iterable[int] = ()) -> VectorSet:
        new_ids = np.asarray(self.ids, np.int64)
        keep = ~np.isin(self.old.ids, new_ids)
        if drop:
            keep &= ~np.isin(self.old.ids, np.fromiter(drop, np.int64))
        dim = self.embedder.dim
        new_vecs = np.concatenate(self.rows) if self.rows else np.zeros((0, dim), np.float32)
        return VectorSet(
            np.concatenate([self.old.ids[keep], new_ids]),
            np.concatenate([self.old.hashes[keep], np.asarray(self.hashes, np.int64)]),
            np.concatenate([np.asarray(self.old.vectors)[keep], new_vecs]).astype(np.float32, copy=False),
        )

    def _save(self, vs: VectorSet) -> None:
        save(self.folder, vs, self.name)

    def finish(self, drop: Iterable[int] = ()) -> None:
        drop = list(drop)
        merged = self._merged(drop)
        touched = [*self.ids, *drop]  # re-embedded or dropped: what the vector graph must change
        if self.keep_only_seen:
            live = np.isin(merged.ids, np.asarray(self.seen, np.int64))
            touched += merged.ids[~live].tolist()
            merged = VectorSet(merged.ids[live], merged.hashes[live], merged.vectors[live])
        save(self.folder, merged, self.name, graph=True, touched=np.unique(np.asarray(touched, np.int64)))


def service_for(settings: Settings, store: Store) -> SearchService:
    """The search service of these settings (index folder, embedder, candidates)."""
    return SearchService(
        store,
        settings.resolved_search_index_dir,
        embedder=settings.search_embedder,
        models_dir=settings.data_dir.expanduser().resolve() / "models",
        candidates=settings.search_semantic_candidates,
    )
