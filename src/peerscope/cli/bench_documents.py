"""``peerscope bench documents``: throughput of the document parser on a long PDF — the whole
sandboxed parse beside raw pypdf text extraction in the same run, and references per second."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from peerscope.cli.bench import bench
from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.documents.parse import parse_document
from peerscope.documents.pdf_worker import extract
from peerscope.documents.sandbox import Limits, pdf_pages
from peerscope.documents.structure import parse_structure
from peerscope.documents.synthetic import GeneratedDocument, thesis, write_pdf
from peerscope.documents.sniff import PDF
from peerscope.errors import InputError


def _best(repeat: int, run: Callable[[], Any], advance: Callable[[int], None]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (the others show the machine's noise, not the code's)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
        advance(1)
    return best, out


def _exact(doc, truth: GeneratedDocument) -> int:  # type: ignore[no-untyped-def]
    return sum(
        1 for r, t in zip(doc.references, truth.references)
        if r.title == t.title and tuple(r.authors) == t.authors and r.year == t.year and r.venue == t.venue and r.ids.get("doi") == t.doi
    )


def _human(d: dict) -> str:
    rows = [f"{d['pdf']}: {d['pages']} pages, {d['bytes']:,} bytes, {d['references']} references"]
    for k in ("raw_pypdf", "sandboxed_extraction", "full_parse"):
        rows.append(f"  {k:22} {d[k]['seconds']:7.3f} s  {d[k]['pages_per_second']:8.1f} pages/s")
    rows.append(f"  {'structure only':22} {d['structure']['seconds']:7.3f} s  {d['structure']['references_per_second']:8.1f} references/s")
    rows.append(f"  references per second, whole parse: {d['full_parse']['references_per_second']:.1f}")
    if d.get("references_exact") is not None:
        rows.append(f"  references parsed exactly: {d['references_exact']} / {d['references_expected']}")
    return "\n".join(rows)


@bench.command("documents")
@click.option("--pages", type=click.IntRange(3, 2000), default=200, show_default=True, help="Pages of the generated thesis (ignored with --pdf).")
@click.option("--pdf", "pdf_path", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Measure this PDF instead of a generated one.")
@click.option("--repeat", type=click.IntRange(1, 20), default=3, show_default=True, help="Runs per measurement; the fastest counts.")
@json_option
@handle_errors
def bench_documents(pages: int, pdf_path: Path | None, repeat: int, as_json: bool) -> None:
    """Parse a long PDF (a generated thesis with a numbered bibliography, or --pdf) and report
    pages per second of raw pypdf extraction, of the sandboxed extraction and of the whole
    sandboxed parse, and references parsed per second."""
    truth = None
    if pdf_path is None:
        truth = thesis(pages)
        data, name = write_pdf(truth.pages), f"generated thesis ({pages} pages)"
    else:
        data, name = pdf_path.read_bytes(), str(pdf_path)
        if not data.startswith(b"%PDF-"):
            raise InputError(f"{name}: not a PDF")
    limits = Limits(timeout_seconds=600.0)
    with progress("bench documents", 4 * repeat) as advance:
        raw_s, raw_pages = _best(repeat, lambda: extract(data, limits.max_pages, limits.max_chars), advance)
        box_s, _ = _best(repeat, lambda: pdf_pages(data, name, limits), advance)
        full_s, doc = _best(repeat, lambda: parse_document(data, name, limits=limits), advance)
        struct_s, _ = _best(repeat, lambda: parse_structure(doc.text, PDF), advance)
    n, refs = len(raw_pages), len(doc.references)
    result = {
        "pdf": name,
        "pages": n,
        "bytes": len(data),
        "references": refs,
        "repeat": repeat,
        "raw_pypdf": {"seconds": round(raw_s, 3), "pages_per_second": round(n / raw_s, 1)},
        "sandboxed_extraction": {"seconds": round(box_s, 3), "pages_per_second": round(n / box_s, 1)},
        "full_parse": {"seconds": round(full_s, 3), "pages_per_second": round(n / full_s, 1), "references_per_second": round(refs / full_s, 1)},
        "structure": {"seconds": round(struct_s, 3), "references_per_second": round(refs / struct_s, 1) if struct_s else None},
        "references_exact": _exact(doc, truth) if truth else None,
        "references_expected": len(truth.references) if truth else None,
    }
    emit(result, as_json, _human)
