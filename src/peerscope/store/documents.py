"""Storage of full-text documents, their parsed structure and the integrity flags found in
them, and the reads the checks need: reference linking, texts to compare, work notices.

A document is stored once per content hash, with its flags and their subjects (the works and
authors they concern) in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from rapidfuzz import fuzz
from sqlalchemy import and_, func, insert, select

from peerscope.documents.records import Document, Flag, Reference
from peerscope.normalize.names import ascii_fold, name_key, split_name
from peerscope.resolve.works import normalize_title
from peerscope.store.db import Store
from peerscope.store.models import (
    AuthorName,
    DocumentRow,
    ExternalIdRow,
    FlagSubject,
    IntegrityFlag,
    Work,
)

TITLE_MATCH = 95.0  # rapidfuzz ratio of normalised titles for a reference without identifiers
MIN_TITLE_TOKENS = 4
SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reads for the checks ------------------------------------------------------------------

def link_references(store: Store, refs: Sequence[Reference]) -> list[int | None]:
    """The work each reference names: by DOI or arXiv id, else by a near-identical title (and
    a compatible year)."""
    out: list[int | None] = [None] * len(refs)
    e = ExternalIdRow.__table__
    wanted = {(scheme, r.ids[scheme]) for r in refs for scheme in ("doi", "arxiv") if scheme in r.ids}
    found: dict[tuple[str, str], int] = {}
    with store.connect() as conn:
        for scheme in ("doi", "arxiv"):
            values = sorted(v for s, v in wanted if s == scheme)
            for i in range(0, len(values), 500):
                rows = conn.execute(select(e.c.value, e.c.entity_id).where(e.c.entity_kind == "work", e.c.scheme == scheme, e.c.value.in_(values[i : i + 500])))
                found.update({(scheme, v): int(w) for v, w in rows})
        for i, r in enumerate(refs):
            for scheme in ("doi", "arxiv"):
                if (scheme, r.ids.get(scheme)) in found:
                    out[i] = found[(scheme, r.ids[scheme])]
                    break
        pending = [i for i, r in enumerate(refs) if out[i] is None and r.title and len(normalize_title(r.title).split()) >= MIN_TITLE_TOKENS]
        if not pending:
            return out
        w = Work.__table__
        by_token: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
        for wid, title, year in conn.execute(select(w.c.id, w.c.title, w.c.publication_year)):
            norm = normalize_title(title)
            if norm:
                by_token[norm.split()[0]].append((int(wid), norm, year))
    for i in pending:
        r = refs[i]
        norm = normalize_title(r.title)
        best: tuple[float, int] | None = None
        for wid, title, year in by_token.get(norm.split()[0], ()):
            if r.year and year and abs(r.year - year) > 1:
                continue
            score = 100.0 if title == norm else fuzz.ratio(title, norm)
            if score >= TITLE_MATCH and (best is None or score > best[0]):
                best = (score, wid)
        if best:
            out[i] = best[1]
    return out


@dataclass(frozen=True, slots=True)
class WorkFacts:
    id: int
    title: str
    is_retracted: bool
    notices: tuple[str, ...]


def work_facts(store: Store, ids: Iterable[int]) -> dict[int, WorkFacts]:
    ids = sorted(set(ids))
    w = Work.__table__
    out: dict[int, WorkFacts] = {}
    with store.connect() as conn:
        for i in range(0, len(ids), 500):
            for wid, title, retracted, notices in conn.execute(select(w.c.id, w.c.title, w.c.is_retracted, w.c.notices).where(w.c.id.in_(ids[i : i + 500]))):
                out[int(wid)] = WorkFacts(int(wid), title, bool(retracted), tuple(n.strip() for n in (notices or "").split(",") if n.strip()))
    return out


DOCUMENT_CHUNK_WORDS = 300
DOCUMENT_MAX_CHUNKS = 400


def stored_texts(store: Store) -> list[tuple[str, int, str, str]]:
    """(kind, id, label, text) of every work with an abstract and every stored document (its
    text in chunks): what a new document is compared with."""
    w, d = Work.__table__, DocumentRow.__table__
    out: list[tuple[str, int, str, str]] = []
    with store.connect() as conn:
        for wid, title, abstract in conn.execute(select(w.c.id, w.c.title, w.c.abstract).where(w.c.abstract.is_not(None))):
            out.append(("work", int(wid), title, f"{title}. {abstract}"))
        for did, title, text in conn.execute(select(d.c.id, d.c.title, d.c.text)):
            words = text.split()
            for n, start in enumerate(range(0, len(words), DOCUMENT_CHUNK_WORDS)):
                if n >= DOCUMENT_MAX_CHUNKS:
                    break
                out.append(("document", int(did), title or f"document {did}", " ".join(words[start : start + DOCUMENT_CHUNK_WORDS + 5])))
    return out


def _given_compatible(a: str, b: str) -> bool:
    """"A." agrees with "Ada" and "A. M." with "Ada Maria"; "Ada" does not agree with "Alan"."""
    ta = [t for t in re.split(r"[\s.\-]+", ascii_fold(a).lower()) if t]
    tb = [t for t in re.split(r"[\s.\-]+", ascii_fold(b).lower()) if t]
    if not ta or not tb:
        return False
    for x, y in zip(ta, tb):
        if x[0] != y[0] or (len(x) > 1 and len(y) > 1 and x != y):
            return False
    return True


def authors_named(store: Store, names: Iterable[str]) -> dict[str, int]:
    """Authors in the graph known by exactly one of these names (a name two people share is
    left out: a flag must not land on a namesake). A name no author is known by exactly, such
    as "A. Lovelace" for "Ada Lovelace", goes to the one author whose family name is the same
    and all of whose given names agree with it initial by initial, when there is exactly one."""
    a = AuthorName.__table__
    out: dict[str, int] = {}
    with store.connect() as conn:
        for name in set(names):
            ids = {int(r[0]) for r in conn.execute(select(a.c.author_id).where(func.lower(a.c.name) == name.lower()))}
            if not ids:
                given, family = split_name(name)
                key = name_key(name)
                if given and family and key:
                    known: dict[int, list[str]] = defaultdict(list)
                    for aid, other in conn.execute(select(a.c.author_id, a.c.name).where(func.lower(a.c.name).like(f"%{family.lower()}"))):
                        if name_key(other) == key:
                            known[int(aid)].append(split_name(other)[0])
                    # every name the author is known by must agree: "Alan" is not the "A." of an "Ada"
                    ids = {aid for aid, givens in known.items() if all(_given_compatible(given, g) for g in givens)}
            if len(ids) == 1:
                out[name] = ids.pop()
    return out


def work_titled(store: Store, title: str | None, ids: dict[str, str] | None = None) -> int | None:
    """The work a document is the full text of, by an identifier it prints or its exact title."""
    e, w = ExternalIdRow.__table__, Work.__table__
    with store.connect() as conn:
        for scheme, value in (ids or {}).items():
            row = conn.execute(select(e.c.entity_id).where(e.c.entity_kind == "work", e.c.scheme == scheme, e.c.value == value)).first()
            if row:
                return int(row[0])
        norm = normalize_title(title)
        if len(norm.split()) < MIN_TITLE_TOKENS:
            return None
        for wid, t in conn.execute(select(w.c.id, w.c.title).where(func.lower(w.c.title) == (title or "").lower())):
            if normalize_title(t) == norm:
                return int(wid)
    return None


# --- writes ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SavedDocument:
    id: int
    created: bool  # False when the same bytes were stored before
    flags: int


def save_document(
    store: Store,
    *,
    data_hash: str,
    size: int,
    filename: str,
    doc: Document,
    structure: dict[str, Any],
    flags: Sequence[Flag],
    work_id: int | None,
    author_ids: dict[str, int],
    checks_version: str,
) -> SavedDocument:
    """Store a document, its structure and flags in one transaction; the same bytes twice
    change nothing."""
    d, f, s = DocumentRow.__table__, IntegrityFlag.__table__, FlagSubject.__table__
    now = _now()
    with store.begin(write=True) as conn:
        existing = conn.execute(select(d.c.id).where(d.c.content_hash == data_hash)).first()
        if existing:
            count = conn.execute(select(func.count()).select_from(f).where(f.c.document_id == existing[0])).scalar_one()
            return SavedDocument(int(existing[0]), False, int(count))
        doc_id = conn.execute(
            insert(d).values(
                content_hash=data_hash, size=size, media_type=doc.media_type, filename=filename[:500], title=doc.title,
                pages=doc.pages, text=doc.text, structure=orjson.dumps(structure).decode(), work_id=work_id,
                checks_version=checks_version, created_at=now,
            ).returning(d.c.id)
        ).scalar_one()
        byline = sorted(set(author_ids.values()))
        for flag in flags:
            flag_id = conn.execute(
                insert(f).values(
                    document_id=doc_id, kind=flag.kind, severity=flag.severity, summary=flag.summary,
                    evidence=orjson.dumps(list(flag.evidence)).decode(), status="open", checks_version=checks_version, created_at=now,
                ).returning(f.c.id)
            ).scalar_one()
            subjects: dict[tuple[str, int], str] = {}
            if work_id is not None:
                subjects[("work", work_id)] = "document"
            for wid in flag.work_ids:
                subjects.setdefault(("work", wid), "cited" if flag.kind in {"retracted", "expression_of_concern"} else "matched")
            for aid in byline:
                subjects.setdefault(("author", aid), "byline")
            if subjects:
                conn.execute(insert(s), [{"flag_id": flag_id, "entity_kind": k, "entity_id": i, "role": r} for (k, i), r in subjects.items()])
    return SavedDocument(int(doc_id), True, len(flags))


# --- reads for pages, the API and the trust model ---------------------------------------------

@dataclass(frozen=True, slots=True)
class FlagView:
    id: int
    kind: str
    severity: str
    summary: str
    evidence: list[dict[str, Any]]
    status: str
    document_id: int | None
    role: str | None
    created_at: datetime


def flags_for(store: Store, entity_kind: str, entity_id: int) -> list[FlagView]:
    """The flags about a work or an author, most severe first."""
    f, s = IntegrityFlag.__table__, FlagSubject.__table__
    with store.connect() as conn:
        rows = conn.execute(
            select(f.c.id, f.c.kind, f.c.severity, f.c.summary, f.c.evidence, f.c.status, f.c.document_id, s.c.role, f.c.created_at)
            .join(s, and_(s.c.flag_id == f.c.id, s.c.entity_kind == entity_kind, s.c.entity_id == entity_id))
            .order_by(f.c.id)
        ).all()
    views = [FlagView(int(r[0]), r[1], r[2], r[3], orjson.loads(r[4]), r[5], r[6], r[7], r[8]) for r in rows]
    return sorted(views, key=lambda v: (-SEVERITY_ORDER.get(v.severity, 0), v.id))


def document_flags(store: Store, document_id: int) -> list[FlagView]:
    f = IntegrityFlag.__table__
    with store.connect() as conn:
        rows = conn.execute(select(f.c.id, f.c.kind, f.c.severity, f.c.summary, f.c.evidence, f.c.status, f.c.document_id, f.c.created_at).where(f.c.document_id == document_id).order_by(f.c.id)).all()
    return [FlagView(int(r[0]), r[1], r[2], r[3], orjson.loads(r[4]), r[5], r[6], None, r[7]) for r in rows]


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: int
    content_hash: str
    size: int
    media_type: str
    filename: str
    title: str | None
    pages: int
    work_id: int | None
    structure: dict[str, Any]
    created_at: datetime


def get_document(store: Store, document_id: int) -> DocumentView | None:
    d = DocumentRow.__table__
    with store.connect() as conn:
        r = conn.execute(select(d.c.id, d.c.content_hash, d.c.size, d.c.media_type, d.c.filename, d.c.title, d.c.pages, d.c.work_id, d.c.structure, d.c.created_at).where(d.c.id == document_id)).first()
    if r is None:
        return None
    return DocumentView(int(r[0]), r[1], int(r[2]), r[3], r[4], r[5], int(r[6]), r[7], orjson.loads(r[8]), r[9])


def open_flags_by_author(store: Store) -> dict[int, list[tuple[str, str]]]:
    """For the trust model: every author with open flags, and each flag's (kind, severity)."""
    f, s = IntegrityFlag.__table__, FlagSubject.__table__
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    with store.connect() as conn:
        for aid, kind, severity in conn.execute(
            select(s.c.entity_id, f.c.kind, f.c.severity).join(f, f.c.id == s.c.flag_id).where(s.c.entity_kind == "author", f.c.status == "open").order_by(s.c.entity_id, f.c.id)
        ):
            out[int(aid)].append((kind, severity))
    return dict(out)
