"""A long thesis-like document, generated, and a small PDF writer for it: what
``peerscope bench documents`` measures the parser on when no PDF is given.

The PDF is plain: one Helvetica text stream per A4 page (Flate-compressed), the way simple
typesetters write them, so pypdf reads its text back line for line.
"""

from __future__ import annotations

import random
import textwrap
import zlib
from dataclasses import dataclass

_WORDS = (
    "trust signal graph citation author network scholarly record evidence measure model method result "
    "profile venue identifier cluster score verification claim source metadata review dataset sample "
    "estimate robust bias variance structure linkage resolution topic embedding ranking search index"
).split()
_FAMILIES = ("Miller", "Okafor", "Tanaka", "Rossi", "Novak", "Silva", "Kowalski", "Haddad", "Larsen", "Moreau", "Ivanova", "Chen")
_VENUES = ("Journal of Graphs", "Scientometrics Letters", "Proc. GraphConf", "Data and Knowledge Review", "Trust Studies")
LINES_PER_PAGE = 60


@dataclass(frozen=True, slots=True)
class GeneratedReference:
    authors: tuple[str, ...]
    year: int
    title: str
    venue: str
    doi: str


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    pages: tuple[str, ...]
    references: tuple[GeneratedReference, ...]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _reference(rng: random.Random, n: int) -> GeneratedReference:
    authors = tuple(f"{chr(65 + rng.randrange(26))}. {rng.choice(_FAMILIES)}" for _ in range(rng.randint(1, 3)))
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9))).capitalize()
    return GeneratedReference(authors, rng.randint(1995, 2024), title, rng.choice(_VENUES), f"10.5555/bench.{n}")


def _ieee(ref: GeneratedReference) -> str:
    if len(ref.authors) <= 2:
        names = " and ".join(ref.authors)
    else:
        names = ", ".join(ref.authors[:-1]) + ", and " + ref.authors[-1]
    return f'{names}, "{ref.title}," {ref.venue}, {ref.year}, doi:{ref.doi}.'


def thesis(pages: int = 200, seed: int = 7) -> GeneratedDocument:
    """About ``pages`` pages: title page, abstract, chapters with numbered sections, and a
    numbered bibliography of one and a half references per page."""
    rng = random.Random(seed)
    refs = tuple(_reference(rng, n) for n in range(1, max(10, pages * 3 // 2) + 1))
    front = [
        ["Measuring Trust in Scholarly Graphs", "", "A thesis submitted for the degree of Doctor of Philosophy", "", "by", "",
         "Alex Example", "Department of Informatics, University of Northfield", "alex.example@northfield.ac.uk"],
        ["Abstract", *textwrap.wrap(" ".join(_sentence(rng, 14) for _ in range(12)), 95)],
    ]
    ref_lines = ["References", ""]
    for n, ref in enumerate(refs, start=1):
        ref_lines += textwrap.wrap(f"[{n}] {_ieee(ref)}", 92)
    body_pages = max(1, pages - len(front) - -(-len(ref_lines) // LINES_PER_PAGE))
    body: list[str] = []
    chapters = max(1, body_pages // 30)
    per_chapter = body_pages * LINES_PER_PAGE // chapters
    for c in range(1, chapters + 1):
        body += [f"{c} Chapter {c} of the study", "", f"{c}.1 Part 1", ""]
        section, start = 1, len(body)
        while len(body) - start < per_chapter:
            if (len(body) - start) // max(1, per_chapter // 4) >= section:
                section += 1
                body += [f"{c}.{section} Part {section}", ""]
            cite = f" as reported in [{rng.randint(1, len(refs))}]" if rng.random() < 0.3 else ""
            body += textwrap.wrap(_sentence(rng, 60)[:-1] + cite + ".", 95) + [""]
    lines = body + ref_lines
    page_texts = ["\n".join(p) for p in front]
    page_texts += ["\n".join(lines[i : i + LINES_PER_PAGE]) for i in range(0, len(lines), LINES_PER_PAGE)]
    return GeneratedDocument(tuple(page_texts), refs)


def _escape(line: str) -> bytes:
    raw = line.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(pages: tuple[str, ...] | list[str]) -> bytes:
    """A PDF with one page per text, lines set top to bottom in 9-point Helvetica."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for text in pages:
        ops = b"BT /F1 9 Tf 12 TL 34 806 Td " + b" ".join(b"(" + _escape(line) + b") '" for line in text.split("\n")) + b" ET"
        stream = zlib.compress(ops)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
