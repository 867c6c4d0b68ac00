"""Bytes of a document -> a parsed ``Document``: sniff the type, extract the text (PDFs in the
sandbox), read the structure."""

from __future__ import annotations

from peerscope.documents.markup import clean_text, html_to_text, markdown_to_text
from peerscope.documents.records import Document
from peerscope.documents.sandbox import Limits, pdf_pages
from peerscope.documents.sniff import HTML, MARKDOWN, PDF, check_size, decode_text, sniff
from peerscope.documents.structure import parse_structure
from peerscope.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def document_text(data: bytes, name: str, limits: Limits = Limits()) -> tuple[str, str, str | None]:
    """(media type, text, HTML title) of a document's bytes; pages of a PDF are joined by form feeds."""
    media_type = sniff(data, name)
    if media_type == PDF:
        pages = [clean_text(p) for p in pdf_pages(data, name, limits)]
        return media_type, "\f".join(pages), None
    text = decode_text(data, name)
    if media_type == HTML:
        body, title = html_to_text(text)
        return media_type, body, title
    if media_type == MARKDOWN:
        return media_type, markdown_to_text(text), None
    return media_type, clean_text(text), None


def parse_document(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits = Limits()) -> Document:
    check_size(len(data), max_bytes, name)
    media_type, text, title = document_text(data, name, limits)
    if not text.strip():
        raise InputError(f"{name}: the document has no text")
    return parse_structure(text, media_type, html_title=title)
