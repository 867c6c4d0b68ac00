"""A parsed document and its flags as the JSON ``check-document`` prints and the store keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from peerscope.documents.records import Document, Flag, Reference


def reference_dict(ref: Reference, work_label: Callable[[int], str] = str) -> dict[str, Any]:
    return {
        "raw": ref.raw,
        "authors": list(ref.authors),
        "year": ref.year,
        "title": ref.title,
        "venue": ref.venue,
        "ids": dict(ref.ids),
        "work_id": work_label(ref.work_id) if ref.work_id is not None else None,
    }


def flag_dict(flag: Flag) -> dict[str, Any]:
    return {"kind": flag.kind, "severity": flag.severity, "summary": flag.summary, "evidence": list(flag.evidence)}


def report(doc: Document, flags: Sequence[Flag], work_label: Callable[[int], str] = str) -> dict[str, Any]:
    """Exactly the keys of the ``check-document --json`` output."""
    return {
        "title": doc.title,
        "authors": [{"name": a.name, "affiliations": list(a.affiliations), "emails": list(a.emails)} for a in doc.authors],
        "abstract": doc.abstract,
        "sections": [{"number": s.number, "title": s.title} for s in doc.sections],
        "references": [reference_dict(r, work_label) for r in doc.references],
        "flags": [flag_dict(f) for f in flags],
    }


def structure(doc: Document, work_label: Callable[[int], str] = str) -> dict[str, Any]:
    """Everything parsed, with offsets, for storage and the document API."""
    return {
        "title": doc.title,
        "media_type": doc.media_type,
        "pages": doc.pages,
        "authors": [{"name": a.name, "affiliations": list(a.affiliations), "emails": list(a.emails)} for a in doc.authors],
        "summaries": [{"heading": s.heading, "language": s.language, "text": s.text, "start": s.start} for s in doc.summaries],
        "statements": [
            {"kind": s.kind, "text": s.text, "start": s.start, "items": [reference_dict(r, work_label) for r in s.items]} for s in doc.statements
        ],
        "sections": [{"number": s.number, "title": s.title, "start": s.start} for s in doc.sections],
        "references": [{**reference_dict(r, work_label), "label": r.label, "start": r.start} for r in doc.references],
    }
