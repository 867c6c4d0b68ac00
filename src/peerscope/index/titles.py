"""Title search: the search box's index. A protocol, so Tantivy or a search cluster can replace
the in-database implementation without touching callers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from peerscope.store import search as store_search
from peerscope.store.db import Store


class TitleIndex(Protocol):
    def refresh(self, work_ids: Iterable[int] | None = None) -> int: ...

    def search(self, q: str, limit: int, offset: int = 0) -> tuple[list[int], int]: ...


class DatabaseTitleIndex:
    """SQLite FTS5 on the embedded store, PostgreSQL full-text search on a server."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def refresh(self, work_ids: Iterable[int] | None = None) -> int:
        return store_search.index_titles(self.store, work_ids)

    def search(self, q: str, limit: int, offset: int = 0) -> tuple[list[int], int]:
        return store_search.search_titles(self.store, q, limit, offset)
