"""``peerscope check-document`` and ``peerscope ingest document``: parse a full-text document
(PDF, plain text, Markdown, HTML), run the integrity checks, and print or store the result.

Both read the store when one exists, to link references to works in the graph and to compare
the text with what is already there. A document is refused (exit 3, nothing stored) when it
cannot be read: over the size cap, of another type, malformed, encrypted or hostile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, settings_from
from peerscope.cli.ingest import ingest
from peerscope.config import Settings
from peerscope.document_service import check, store_document
from peerscope.documents.report import report
from peerscope.errors import InputError, StoreError
from peerscope.serve.ids import public_id
from peerscope.store.db import Store


def read_document(path: Path, settings: Settings) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if size > settings.document_max_bytes:
        raise InputError(f"{path}: {size} bytes is over the document size cap of {settings.document_max_bytes} bytes (setting document_max_bytes)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def optional_store(settings: Settings) -> Store | None:
    try:
        return open_store(settings)
    except StoreError:
        return None


def _work_label(number: int) -> str:
    return public_id("work", number)


def _human(result: dict[str, Any]) -> str:
    lines = [f"title: {result['title'] or '(none found)'}"]
    for a in result["authors"]:
        lines.append(f"author: {a['name']}" + (f" — {'; '.join(a['affiliations'])}" if a["affiliations"] else "") + (f" <{', '.join(a['emails'])}>" if a["emails"] else ""))
    lines.append(f"sections: {len(result['sections'])}, references: {len(result['references'])} ({sum(1 for r in result['references'] if r['work_id'])} linked to works)")
    if not result["flags"]:
        lines.append("flags: none")
    for f in result["flags"]:
        lines.append(f"flag [{f['severity']}] {f['kind']}: {f['summary']} ({len(f['evidence'])} pieces of evidence)")
    return "\n".join(lines)


@click.command("check-document")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@data_options
@json_option
@handle_errors
def check_document_cmd(path: Path, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Parse a document (PDF, text, Markdown, HTML) and print its structure and integrity flags.

    Exits 0 with or without flags; non-zero only when the document cannot be read."""
    settings = settings_from(data_dir, database_url)
    data = read_document(path, settings)
    store = optional_store(settings)
    try:
        checked = check(data, str(path), settings, store)
    finally:
        if store is not None:
            store.dispose()
    emit(report(checked.doc, checked.flags, _work_label), as_json, _human)


@ingest.command("document")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@data_options
@json_option
@handle_errors
def ingest_document(path: Path, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Store a document with its parsed structure and integrity flags, linked to the works and
    authors they concern (the same bytes twice are stored once)."""
    settings = settings_from(data_dir, database_url)
    data = read_document(path, settings)
    store = open_store(settings)
    try:
        stored = store_document(data, str(path), path.name, settings, store, _work_label)
    finally:
        store.dispose()
    doc, checked, own_work, authors = stored.checked.doc, stored.checked, stored.work_id, stored.authors
    result = {
        "document_id": f"PD{stored.document_id}",
        "created": stored.created,
        "title": doc.title,
        "media_type": doc.media_type,
        "pages": doc.pages,
        "references": len(doc.references),
        "references_linked": sum(1 for r in doc.references if r.work_id is not None),
        "work_id": _work_label(own_work) if own_work else None,
        "authors_linked": {name: public_id("author", aid) for name, aid in authors.items()},
        "flags": [{"kind": f.kind, "severity": f.severity, "summary": f.summary} for f in checked.flags],
    }
    emit(result, as_json, lambda d: f"{'stored' if d['created'] else 'already stored'} {d['document_id']}: {d['title'] or path.name}, {len(d['flags'])} flags")
