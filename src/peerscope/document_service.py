"""The document service: parse and check a document's bytes, and store it with its flags.

The CLI (``check-document``, ``ingest document``) and an upload form both call these; they
sequence documents -> derive.integrity -> store and hold no stage logic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peerscope.config import Settings
from peerscope.derive.integrity import CHECKS_VERSION, EMPTY, against_store, check_document
from peerscope.documents.parse import parse_document
from peerscope.documents.records import Document, Flag
from peerscope.documents.report import structure
from peerscope.documents.sandbox import Limits
from peerscope.store import documents as store_documents
from peerscope.store.db import Store


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    data: bytes
    doc: Document
    flags: list[Flag]


@dataclass(frozen=True, slots=True)
class StoredDocument:
    checked: CheckedDocument
    document_id: int
    created: bool
    work_id: int | None  # the work the document is the full text of
    authors: dict[str, int]  # declared name -> the one author of the graph with that name


def limits_of(settings: Settings) -> Limits:
    return Limits(settings.document_parse_timeout_seconds, settings.document_parse_memory_mb, settings.document_max_pages)


def check(data: bytes, name: str, settings: Settings, store: Store | None) -> CheckedDocument:
    """Parse and check a document's bytes, against the store when there is one."""
    doc = parse_document(data, name, max_bytes=settings.document_max_bytes, limits=limits_of(settings))
    if store is None:
        return CheckedDocument(data, doc, check_document(doc, EMPTY))
    doc, context = against_store(doc, store)
    return CheckedDocument(data, doc, check_document(doc, context))


def store_document(
    data: bytes, where: str, filename: str, settings: Settings, store: Store, work_label: Callable[[int], str]
) -> StoredDocument:
    """Check a document and store it (once per content hash) with its structure and flags,
    linked to the works and authors they concern, in one transaction. ``where`` names the
    input in errors (a path, an upload); ``filename`` is what is kept."""
    checked = check(data, where, settings, store)
    doc = checked.doc
    own_work = store_documents.work_titled(store, doc.title)
    authors = store_documents.authors_named(store, [a.name for a in doc.authors])
    saved = store_documents.save_document(
        store,
        data_hash=store_documents.content_hash(data),
        size=len(data),
        filename=filename,
        doc=doc,
        structure=structure(doc, work_label),
        flags=checked.flags,
        work_id=own_work,
        author_ids=authors,
        checks_version=CHECKS_VERSION,
    )
    return StoredDocument(checked, saved.id, saved.created, own_work, authors)
