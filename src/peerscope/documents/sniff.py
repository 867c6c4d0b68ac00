"""What a document is, judged by its bytes (never by its name alone), and the size cap."""

from __future__ import annotations

import re

from peerscope.errors import InputError

PDF, HTML, MARKDOWN, TEXT = "application/pdf", "text/html", "text/markdown", "text/plain"
# signatures of formats we refuse, so the message can say what the file is
_REFUSED = (
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ", "an xz file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old office document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE | re.DOTALL)
_MD_SIGNS = re.compile(r"^(?:#{1,6}\s+\S|\s*[-*]\s+\S|\s*\d+\.\s+\S|```)|\[[^\]]+\]\([^)]+\)|\*\*[^*]+\*\*", re.MULTILINE)


def check_size(size: int, limit: int, name: str) -> None:
    if size == 0:
        raise InputError(f"{name}: the file is empty")
    if size > limit:
        raise InputError(f"{name}: {size} bytes is over the document size cap of {limit} bytes (setting document_max_bytes)")


def decode_text(data: bytes, name: str) -> str:
    """Text bytes as a string: UTF-8 (with or without a byte-order mark) or UTF-16 with one;
    anything with NUL bytes or many control characters is binary and refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary content (NUL bytes), not a PDF, text, Markdown or HTML document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(sample) // 100):
        raise InputError(f"{name}: binary content (control characters), not a text document")
    return text


def sniff(data: bytes, name: str) -> str:
    """The media type of a document by content; InputError for anything we do not read."""
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-") or b"%PDF-" in head:
        return PDF
    for magic, what in _REFUSED:
        if head.startswith(magic):
            raise InputError(f"{name}: the content is {what}, not a PDF, text, Markdown or HTML document")
    if _HTML_START.match(data[:8192]):
        return HTML
    text = decode_text(data[:65536], name)
    if name.lower().endswith((".md", ".markdown")) or len(_MD_SIGNS.findall(text)) >= 3:
        return MARKDOWN
    return TEXT
