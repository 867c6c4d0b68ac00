"""PDF text extraction, run as a child process: PDF bytes on stdin, JSON on stdout.

``python -m peerscope.documents.pdf_worker MAX_PAGES MAX_CHARS``. Exit 0 with
``{"pages": [...]}``, or exit 2 with ``{"error": "..."}``. The parent sets the memory and CPU
limits (``sandbox``); this module imports nothing heavy so the limits leave room for the work.
"""

from __future__ import annotations

import json
import sys


def extract(data: bytes, max_pages: int, max_chars: int) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted; send an unencrypted copy")
        count = len(reader.pages)
    except PdfReadError as exc:
        raise ValueError(f"malformed PDF: {exc}") from exc
    if count == 0:
        raise ValueError("the PDF has no pages")
    if count > max_pages:
        raise ValueError(f"the PDF has {count} pages, over the limit of {max_pages} (setting document_max_pages)")
    pages: list[str] = []
    total = 0
    for n, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except PdfReadError as exc:
            raise ValueError(f"malformed PDF: page {n}: {exc}") from exc
        total += len(text)
        if total > max_chars:
            raise ValueError(f"the PDF expands to more than {max_chars} characters of text by page {n} (a decompression bomb?)")
        pages.append(text)
    if not any(p.strip() for p in pages):
        raise ValueError("the PDF has no extractable text (scanned images need OCR first)")
    return pages


def main() -> None:
    max_pages, max_chars = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        pages = extract(data, max_pages, max_chars)
    except MemoryError:
        sys.stdout.write(json.dumps({"error": "the PDF needs more memory than the parsing limit allows (a decompression bomb?)"}))
        sys.exit(2)
    except ValueError as exc:
        sys.stdout.write(json.dumps({"error": str(exc)}))
        sys.exit(2)
    except Exception as exc:  # pypdf raises many kinds on hostile input; all mean "unreadable"
        sys.stdout.write(json.dumps({"error": f"malformed PDF: {type(exc).__name__}: {exc}"[:500]}))
        sys.exit(2)
    sys.stdout.write(json.dumps({"pages": pages}))


if __name__ == "__main__":
    main()
