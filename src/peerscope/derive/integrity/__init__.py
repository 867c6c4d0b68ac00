"""Research-integrity checks on a parsed document, each producing flags with evidence.

Every check is a documented rule (docs/documents.md). ``check_document`` runs them all;
``against_store`` first links the references to works in the graph and gathers the texts and
notices the checks compare with. A flag is a signal with evidence, never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from peerscope.derive.integrity.authorship import check_authorship
from peerscope.derive.integrity.citations import check_document_citations
from peerscope.derive.integrity.emails import check_emails
from peerscope.derive.integrity.notices import WorkStatus, check_notices
from peerscope.derive.integrity.reuse import ReuseIndex, StoredText, check_reuse
from peerscope.derive.integrity.tortured import check_tortured
from peerscope.documents.records import Document, Flag
from peerscope.store import documents as store_documents
from peerscope.store.db import Store

CHECKS_VERSION = "integrity-1"  # bump when a rule changes


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the graph contributes: texts to compare with, and the state of linked works."""

    reuse: ReuseIndex
    works: dict[int, WorkStatus]
    own_work: int | None = None  # the work this document is the full text of (not reuse of itself)


EMPTY = CheckContext(ReuseIndex(()), {})


def check_document(doc: Document, context: CheckContext = EMPTY) -> list[Flag]:
    exclude = frozenset({f"work:{context.own_work}"}) if context.own_work is not None else frozenset()
    found = [
        check_authorship(doc),
        check_emails(doc),
        check_reuse(doc, context.reuse, exclude=exclude),
        check_tortured(doc),
        check_document_citations(doc),
    ]
    flags = [f for f in found if f is not None]
    flags.extend(check_notices(doc, context.works))
    return flags


def against_store(doc: Document, store: Store) -> tuple[Document, CheckContext]:
    """The document with its references linked to works, and the context from the store."""
    work_ids = store_documents.link_references(store, doc.references)
    refs = tuple(replace(r, work_id=w) for r, w in zip(doc.references, work_ids))
    doc = replace(doc, references=refs)
    facts = store_documents.work_facts(store, [w for w in work_ids if w is not None])
    texts = [StoredText(*t) for t in store_documents.stored_texts(store)]
    own = store_documents.work_titled(store, doc.title)
    works = {i: WorkStatus(f.id, f.title, f.is_retracted, f.notices) for i, f in facts.items()}
    return doc, CheckContext(ReuseIndex(texts), works, own)
