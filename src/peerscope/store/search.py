"""Title search inside the database: SQLite FTS5, or PostgreSQL full-text search.

The index tables are derived (rebuildable from ``works``) and live outside the table models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import text

from peerscope.store.db import Store

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _fts5_query(q: str) -> str:
    # Every word must match (prefix on the last one, for search-as-you-type); quoting each token
    # keeps FTS5 syntax characters typed by users from being interpreted.
    tokens = _TOKEN.findall(q)
    if not tokens:
        return ""
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def ensure_title_index(store: Store) -> None:
    with store.begin() as conn:
        if store.is_sqlite:
            conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS works_fts USING fts5(title, tokenize='unicode61 remove_diacritics 2')"))
        else:
            conn.execute(text("CREATE INDEX IF NOT EXISTS works_fts_title ON works USING gin (to_tsvector('simple', title))"))


def index_titles(store: Store, work_ids: Iterable[int] | None = None) -> int:
    """(Re)index the titles of the given works (all when None); returns how many were indexed."""
    ensure_title_index(store)
    if not store.is_sqlite:
        return 0  # PostgreSQL's expression index follows the table by itself
    with store.begin() as conn:
        if work_ids is None:
            conn.execute(text("DELETE FROM works_fts"))
            res = conn.execute(text("INSERT INTO works_fts(rowid, title) SELECT id, title FROM works"))
            return res.rowcount or 0
        ids = sorted(set(work_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            params = {f"p{i}": v for i, v in enumerate(chunk)}
            marks = ",".join(f":p{i}" for i in range(len(chunk)))
            conn.execute(text(f"DELETE FROM works_fts WHERE rowid IN ({marks})"), params)
            conn.execute(text(f"INSERT INTO works_fts(rowid, title) SELECT id, title FROM works WHERE id IN ({marks})"), params)
        return len(ids)


def search_titles(store: Store, q: str, limit: int, offset: int = 0) -> tuple[list[int], int]:
    """Work ids whose title matches every word of ``q``, best first, and the total count."""
    with store.connect() as conn:
        if store.is_sqlite:
            match = _fts5_query(q)
            if not match:
                return [], 0
            exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='works_fts'")).first()
            if not exists:
                return [], 0
            total = conn.execute(text("SELECT count(*) FROM works_fts WHERE works_fts MATCH :q"), {"q": match}).scalar_one()
            rows = conn.execute(
                text("SELECT rowid FROM works_fts WHERE works_fts MATCH :q ORDER BY rank LIMIT :limit OFFSET :offset"),
                {"q": match, "limit": limit, "offset": offset},
            )
            return [r[0] for r in rows], int(total)
        words = " & ".join(t + ":*" for t in _TOKEN.findall(q.lower()))
        if not words:
            return [], 0
        cond = "to_tsvector('simple', title) @@ to_tsquery('simple', :q)"
        total = conn.execute(text(f"SELECT count(*) FROM works WHERE {cond}"), {"q": words}).scalar_one()
        rows = conn.execute(
            text(
                f"SELECT id FROM works WHERE {cond} "
                "ORDER BY ts_rank(to_tsvector('simple', title), to_tsquery('simple', :q)) DESC, id LIMIT :limit OFFSET :offset"
            ),
            {"q": words, "limit": limit, "offset": offset},
        )
        return [r[0] for r in rows], int(total)
