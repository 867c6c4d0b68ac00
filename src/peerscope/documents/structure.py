"""Document text -> structure: title, byline, summaries, statements, sections, bibliography.

The text is read line by line. Headings split it into regions (``headings``); the lines before
the first heading are the title page (``byline``); each summary, statement and bibliography
heading owns the region up to the next heading. Offsets are character offsets into the text,
so every later finding can quote and locate what it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from peerscope.documents.byline import parse_byline
from peerscope.documents.headings import (
    UNNUMBERED_SECTIONS,
    Heading,
    follows,
    known_heading,
    markdown_heading,
    numbered_heading,
    toc_entry,
)
from peerscope.documents.records import Document, Reference, Section, Statement, Summary
from peerscope.documents.references import join_lines, parse_bibliography, parse_reference

_BASED_ON = re.compile(
    r"\b(?:(?:is|are|was|were)\s+based\s+(?:up)?on\s+(?:the\s+following|these|four|three|two|five|six)|"
    r"based\s+(?:up)?on\s+the\s+following\s+(?:publications|papers|articles|manuscripts)|"
    r"(?:consists|comprises)\s+of\s+the\s+following\s+(?:publications|papers|articles)|"
    r"includes?\s+the\s+following\s+(?:publications|papers|articles))",
    re.IGNORECASE,
)
_KEYWORDS = re.compile(r"^(?:keywords|key words|index terms|trefwoorden|schlüsselwörter|mots-clés)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-•▪◦*]|\(?[ivx]{1,4}\)|\(?\d{1,2}\)|\[\d{1,2}\]|\d{1,2}\.|[IVX]{1,4}\.|Paper\s+[IVX\d]{1,4}[.:]?|Chapter\s+\d{1,2}[.:])\s+", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"^(?:a\s+)?(?:ph\.?\s?d\.?|doctoral|master'?s?|bachelor'?s?)?\s*(?:thesis|dissertation)$|^preprint\b|^arxiv:|^accepted\b|^draft\b|^vol\.|^volume\s\d",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    text: str


@dataclass(frozen=True, slots=True)
class _Mark:
    index: int  # line index of the heading
    heading: Heading


def split_lines(text: str) -> tuple[list[Line], tuple[int, ...]]:
    """Lines with their offsets, and the offsets where pages (form feeds) begin."""
    lines: list[Line] = []
    pages = [0]
    offset = 0
    for page_no, page in enumerate(text.split("\f")):
        if page_no:
            pages.append(offset)
        for raw in page.split("\n"):
            lines.append(Line(offset, raw.strip()))
            offset += len(raw) + 1
    return lines, tuple(pages)


def find_headings(lines: Sequence[Line], *, markdown: bool) -> list[_Mark]:
    marks: list[_Mark] = []
    last_number: str | None = None
    in_toc = in_bib = False
    i = 0
    while i < len(lines):
        text = lines[i].text
        if not text:
            i += 1
            continue
        md = markdown_heading(text) if markdown else None
        body = md[1] if md else text
        known = known_heading(body) if len(body.split()) <= 8 or md or re.match(r"^\w+\s*[:.—–]", body) else None
        if in_toc:
            if toc_entry(text) or re.search(r"\.{4,}", text):
                i += 1
                continue
            in_toc = False
        if re.search(r"\.{4,}\s*\d{1,4}$", text):  # a contents line outside a contents page
            i += 1
            continue
        heading: Heading | None = None
        numbered = numbered_heading(body)
        if numbered is not None and (md or known is None or known.role != "summary"):
            number, title, appendix_word = numbered
            if not title and i + 1 < len(lines):  # "Chapter 3" on a line of its own
                j = i + 1
                while j < len(lines) and not lines[j].text and j - i < 4:
                    j += 1
                nxt = numbered_heading("1 " + lines[j].text) if j < len(lines) else None
                if nxt:
                    title = nxt[1]
                    i = j
            allowed = follows(last_number, number, appendix_word=appendix_word) or (md is not None and title != "")
            if in_bib and allowed and not appendix_word and not number[0].isalpha():
                allowed = not re.search(r"[\d,]", title) and len(title.split()) <= 8
            if title and allowed:
                sub = known_heading(title)
                role = sub.role if sub and sub.role in {"references", "statement"} else "section"
                heading = Heading(role, title, number, kind=sub.kind if sub else None)
                last_number = number
        if heading is None and known is not None:
            heading = known
        if heading is None and md is not None:
            heading = Heading("section", md[1], None, level=md[0])
        if heading is None and last_number is None and body.casefold() in UNNUMBERED_SECTIONS:
            heading = Heading("section", body)
        if heading is not None:
            if md is not None and heading.level is None:
                heading = Heading(heading.role, heading.title, heading.number, heading.kind, heading.inline, md[0])
            marks.append(_Mark(i, heading))
            in_toc = heading.role == "contents"
            in_bib = heading.role == "references"
        i += 1
    return marks


def _region(lines: Sequence[Line], marks: Sequence[_Mark], k: int) -> list[Line]:
    end = marks[k + 1].index if k + 1 < len(marks) else len(lines)
    return list(lines[marks[k].index + 1 : end])


def _paragraphs(lines: Sequence[Line]) -> str:
    """Lines joined into paragraphs (broken words mended), paragraphs separated by a blank line."""
    paras: list[list[str]] = [[]]
    for line in lines:
        if not line.text:
            if paras[-1]:
                paras.append([])
            continue
        paras[-1].append(line.text)
    return "\n\n".join(join_lines(p) for p in paras if p)


def _items(lines: Sequence[Line]) -> tuple[Reference, ...]:
    """The publications listed in a "based on" statement."""
    content = [ln for ln in lines if ln.text]
    if not content:
        return ()
    if sum(1 for ln in content if _BULLET.match(ln.text)) >= 1:
        groups: list[tuple[int, list[str]]] = []
        for ln in content:
            m = _BULLET.match(ln.text)
            if m:
                groups.append((ln.start, [ln.text[m.end() :]]))
            elif groups:
                groups[-1][1].append(ln.text)
        return tuple(parse_reference(join_lines(g), start=s) for s, g in groups if len(join_lines(g)) >= 15)
    return tuple(r for r in parse_bibliography([(ln.start, ln.text) for ln in lines]) if len(r.raw) >= 15)


def _based_on(lines: Sequence[Line]) -> Statement | None:
    """A "this thesis is based on the following publications" paragraph and its list."""
    for n, line in enumerate(lines):
        if _BASED_ON.search(line.text):
            intro = [line]
            j = n + 1
            while j < len(lines) and lines[j].text and not intro[-1].text.endswith(":") and not _BULLET.match(lines[j].text):
                intro.append(lines[j])
                j += 1
            listed = _items(lines[j:])
            return Statement("based_on", _paragraphs(intro + list(lines[j:])), line.start, listed)
    return None


def parse_structure(text: str, media_type: str, *, html_title: str | None = None, page_starts: tuple[int, ...] | None = None) -> Document:
    lines, pages = split_lines(text)
    markdown = media_type in {"text/markdown", "text/html"}
    marks = find_headings(lines, markdown=markdown)
    first = marks[0].index if marks else len(lines)

    title: str | None = None
    front = list(lines[:first])
    if markdown and marks and marks[0].heading.level == 1 and marks[0].heading.role == "section" and not front_has_text(front):
        title = marks[0].heading.title
        byline_lines = list(lines[marks[0].index + 1 : marks[1].index if len(marks) > 1 else len(lines)])
        marks = marks[1:]
    else:
        byline_lines = front
    byline = parse_byline(byline_lines, title_known=title is not None or (markdown and html_title is not None and False))
    title = title or byline.title or html_title

    summaries: list[Summary] = []
    statements: list[Statement] = []
    sections: list[Section] = []
    references: list[Reference] = []
    for k, mark in enumerate(marks):
        h = mark.heading
        region = _region(lines, marks, k)
        start = lines[mark.index].start
        if h.number is not None or (h.role == "section"):
            sections.append(Section(h.number, h.title, start))
        if h.role == "summary":
            body: list[Line] = [Line(start, h.inline)] if h.inline else []
            for ln in region:
                if _KEYWORDS.match(ln.text):
                    break
                body.append(ln)
            summary_text = _paragraphs(body)
            if summary_text:
                summaries.append(Summary(h.title, summary_text, start, h.kind))
        elif h.role == "statement":
            kind = h.kind or "statement"
            based = _based_on(region)
            if based is not None or kind == "based_on":
                items = based.items if based is not None else _items(region)
                statements.append(Statement("based_on", _paragraphs(region), start, items))
                if kind != "based_on":
                    statements.append(Statement(kind, _paragraphs(region), start))
            else:
                statements.append(Statement(kind, _paragraphs(region), start))
        elif h.role == "references":
            references.extend(parse_bibliography([(ln.start, ln.text) for ln in region]))
    if not any(s.kind == "based_on" for s in statements):
        based = _based_on(byline_lines) or _first_based_on(lines, marks)
        if based is not None:
            statements.append(based)
    return Document(
        text=text,
        media_type=media_type,
        title=title,
        authors=byline.authors,
        summaries=tuple(summaries),
        statements=tuple(statements),
        sections=tuple(sections),
        references=tuple(references),
        page_starts=page_starts or pages,
    )


def front_has_text(front: Sequence[Line]) -> bool:
    return any(ln.text for ln in front)


def _first_based_on(lines: Sequence[Line], marks: Sequence[_Mark]) -> Statement | None:
    """A "based on" paragraph under some other heading (a preface, a summary)."""
    for k, mark in enumerate(marks):
        if mark.heading.role == "references":
            continue
        found = _based_on(_region(lines, marks, k))
        if found is not None:
            return found
    return None


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.search(line))
