"""Bibliographies: split into entries, each entry parsed into authors, year, title, venue and
identifiers.

Entries are numbered (``[12]``, ``12.``, ``12)``) or author–year (``Smith, J. (2019) ...``);
either may run over several lines. The entry parser tries the common layouts in turn: a quoted
title (IEEE, ACM), a year in parentheses after the authors (APA, Harvard), a colon after the
authors (LNCS), and sentence segments (Vancouver and the rest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from peerscope.documents.records import Reference
from peerscope.normalize.ids import normalize_arxiv, normalize_doi

_DOI = re.compile(r"(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/)?\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_ARXIV = re.compile(
    r"(?:arxiv\s*(?:preprint\s*)?:?\s*(?:abs/)?|https?://arxiv\.org/(?:abs|pdf)/)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_URL = re.compile(r"\bhttps?://[^\s<>\"]+", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s+(?=\S)")
_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d{2})[a-z]?(?![\d/])")
_YEAR_PAREN = re.compile(r"\(\s*((?:19|20)\d{2})[a-z]?(?:\s*,[^)]{0,30})?\s*\)")
_YEAR_BARE = re.compile(r"[.,]\s+((?:19|20)\d{2})[a-z]?[.,:]\s")
_VANCOUVER = re.compile(
    r"^[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*\s[A-Z]{1,3}(?:,\s[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*\s[A-Z]{1,3})*(?:,?\s+et\s+al)?$"
)
_QUOTED = re.compile(r"[\"“”„]\s*(.{3,400}?)\s*[,.]?\s*[\"”“]")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?-?){1,4}$")
_PAGES = re.compile(r"(?:,\s*|\s)(?:pp?\.\s*)?\d+\s*[-–—]\s*\d+\.?$")
_ET_AL = re.compile(r",?\s*\bet\s+al\.?", re.IGNORECASE)
# a sentence boundary: ". " not after an initial ("J. Smith"), a one-letter word or "al"
_SENTENCE = re.compile(r"(?<![A-Z])(?<!\bal)(?<!\bvol)(?<!\bno)(?<!\bpp)(?<!\bed)(?<!\beds)\.\s+(?=\S)")
_AUTHOR_START = re.compile(
    r"^(?:[A-Z][\w'’\-]+(?:\s(?:van|von|de|der|den|da|di|del|du|la|le)\s?[A-Z]?[\w'’\-]*)?|(?:van|von|de|der|den|da|di|del|du|la|le)\s[A-Z][\w'’\-]+)"
    r",\s+(?:(?:[A-Z]\.\s?-?)+|[A-Z][a-z]+)"
)
_VENUE_PREFIX = re.compile(r"^(?:in\s*:?\s+|in\s+proceedings\s+of\s+(?:the\s+)?)", re.IGNORECASE)
_VENUE_TAIL = re.compile(r"(?:[,;]\s*|\s+)(?:vol\.|volume|no\.|pp\.|\d).*$", re.IGNORECASE)
MAX_ENTRY_CHARS = 2000
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "du", "la", "le", "dos", "ter", "ten"})


def join_lines(lines: Sequence[str]) -> str:
    """Lines of one entry joined: a word broken by a hyphen is mended, an identifier or address
    broken at a line end is joined without a space."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        last = out.rsplit(" ", 1)[-1]
        if ("/" in last or last.lower().startswith(("doi", "10.", "http"))) and not line[:1].isupper() and (out.endswith(("/", "-", ".", "_")) or "/" in last):
            out += line  # a DOI or URL running onto the next line
        elif out.endswith("-") and line[:1].islower() and len(last) > 2:
            out = out[:-1] + line
        else:
            out += " " + line
    return out


def extract_ids(text: str) -> dict[str, str]:
    """DOI, arXiv id and the first other URL in a text, normalised."""
    ids: dict[str, str] = {}
    for m in _DOI.finditer(text):
        doi = normalize_doi(m.group(1).rstrip(".,;:)]}>'\""))
        if doi:
            if doi.startswith("10.48550/arxiv."):
                arxiv = normalize_arxiv(doi)
                if arxiv:
                    ids.setdefault("arxiv", arxiv)
            ids.setdefault("doi", doi)
            break
    m = _ARXIV.search(text)
    if m:
        arxiv = normalize_arxiv(m.group(1))
        if arxiv:
            ids.setdefault("arxiv", arxiv)
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:)]}>'\"")
        lowered = url.lower()
        if "doi.org/" in lowered or "arxiv.org/" in lowered:
            continue
        ids.setdefault("url", url)
        break
    return ids


def _strip_ids(text: str) -> str:
    text = _URL.sub(" ", text)
    text = _DOI.sub(" ", text)
    text = _ARXIV.sub(" ", text)
    text = re.sub(r"\b(?:doi|available(?: online)? at|retrieved from|url|accessed[^.]*)\s*:?\s*$", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" .,;")


def split_authors(text: str) -> tuple[str, ...]:
    """Author names of an entry's author part, in order; "et al." dropped."""
    text = _ET_AL.sub("", text).strip(" ,;:")
    text = re.sub(r"\s*\((?:eds?|hrsg)\.?\)\s*", " ", text, flags=re.IGNORECASE)
    if not text:
        return ()
    text = re.sub(r",?\s+(?:and|&|und|et)\s+", ", ", text)
    text = text.replace(";", ",")
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    names: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        # "Smith, J." / "Smith, John": a family name followed by its given names
        family_like = all(w.lower() in _PARTICLES for w in piece.split()[:-1])
        if nxt is not None and family_like and (_INITIALS.match(nxt) or (re.fullmatch(r"[A-Z][a-z]+(?:\s[A-Z]\.?)*", nxt) and not re.search(r"\s[A-Z][a-z]+$", nxt))):
            names.append(f"{piece}, {nxt}")
            i += 2
            continue
        names.append(piece)
        i += 1
    cleaned = (re.sub(r"\s+", " ", n).strip(" ") for n in names)
    cleaned = (n if re.search(r"\b[A-Z]\.$", n) else n.rstrip(".") for n in cleaned)
    return tuple(n for n in cleaned if n and len(n) <= 80 and re.search(r"[A-Za-z]", n))


def _looks_like_authors(text: str) -> bool:
    if not text or len(text) > 600 or re.search(r"\d", text):
        return False
    words = text.replace(",", " ").split()
    capitalised = sum(1 for w in words if w[:1].isupper() or w.lower() in {"and", "&", "et", "al.", "van", "de", "der", "von"})
    return capitalised >= 0.8 * len(words)


def _clean_venue(text: str | None) -> str | None:
    if not text:
        return None
    text = _VENUE_PREFIX.sub("", text.strip(" .,;:"))
    text = _YEAR_PAREN.sub("", text)
    text = _VENUE_TAIL.sub("", text).strip(" .,;:()")
    return text or None


def parse_reference(raw: str, *, label: str | None = None, start: int = -1) -> Reference:
    """Parse one bibliography entry. Never raises: what cannot be read is left None."""
    raw = re.sub(r"\s+", " ", raw[:MAX_ENTRY_CHARS]).strip()
    ids = extract_ids(raw)
    text = _strip_ids(raw)
    authors_text = title = venue = None
    year_m = _YEAR_PAREN.search(text) or _YEAR.search(text)
    year = int(year_m.group(1)) if year_m else None

    quoted = _QUOTED.search(text)
    paren = _YEAR_PAREN.search(text)
    if not (paren and paren.start() > 0 and _looks_like_authors(text[: paren.start()].strip(" ,."))):
        paren = _YEAR_BARE.search(text)
    vancouver = re.match(r"^(.{3,400}?[A-Z]{1,3}(?:,?\s+et\s+al)?)\.\s+", text)
    if quoted and quoted.start() > 0:
        authors_text, title = text[: quoted.start()], quoted.group(1)
        venue = text[quoted.end() :]
    elif paren and paren.start() > 0 and _looks_like_authors(text[: paren.start()].strip(" ,.")):
        authors_text = text[: paren.start() + (1 if text[paren.start()] == "." else 0)]
        rest = text[paren.end() :].strip(" .,:")
        parts = _SENTENCE.split(rest, maxsplit=1)
        title = parts[0]
        venue = parts[1] if len(parts) > 1 else None
    elif vancouver and _VANCOUVER.match(vancouver.group(1)):
        authors_text = vancouver.group(1)
        parts = _SENTENCE.split(text[vancouver.end() :], maxsplit=1)
        title = parts[0]
        venue = parts[1] if len(parts) > 1 else None
    else:
        colon = text.find(": ")
        head = text[:colon] if colon > 0 else ""
        if head and _looks_like_authors(head) and re.search(r"\b[A-Z]\.", head):
            authors_text = head
            parts = _SENTENCE.split(text[colon + 2 :], maxsplit=1)
        else:
            segments = _SENTENCE.split(text, maxsplit=1)
            if len(segments) > 1 and _looks_like_authors(_ET_AL.sub("", segments[0])):
                authors_text = segments[0]
                parts = _SENTENCE.split(segments[1], maxsplit=1)
            else:
                parts = segments
        title = parts[0] if parts else None
        venue = parts[1] if len(parts) > 1 else None

    if title:
        title = _YEAR_PAREN.sub("", title).strip(" .,;:\"“”")
        if year and title.endswith(str(year)):
            title = title[: -4].strip(" .,;:")
    authors = split_authors(authors_text) if authors_text else ()
    return Reference(
        raw=raw,
        authors=authors,
        year=year,
        title=title or None,
        venue=_clean_venue(venue),
        ids=ids,
        label=label,
        start=start,
    )


def split_entries(lines: Sequence[tuple[int, str]]) -> list[tuple[str | None, int, list[str]]]:
    """Bibliography lines (offset, text) -> entries (label, offset, lines).

    Numbered entries start at the next number in sequence (so "12." inside an entry that wraps
    is not a new entry); author–year entries start at a blank line, or at a line that opens
    with "Family, I." after a line that closed a sentence.
    """
    content = [(off, ln) for off, ln in lines if ln.strip()]
    if not content:
        return []
    numbered = sum(1 for _, ln in content if _NUMBERED.match(ln))
    entries: list[tuple[str | None, int, list[str]]] = []
    if numbered >= max(2, len(content) // 6):
        expected: int | None = None
        for off, ln in content:
            m = _NUMBERED.match(ln)
            number = int(m.group(1) or m.group(2)) if m else None
            if m and (expected is None or number == expected or (entries and number == expected + 1)):
                entries.append((str(number), off, [ln[m.end() :]]))
                expected = (number or 0) + 1
            elif entries:
                entries[-1][2].append(ln)
        return entries
    blank_separated = sum(1 for _, ln in lines if not ln.strip()) >= max(1, len(content) // 6)
    previous = ""
    for off, ln in lines:
        if not ln.strip():
            previous = ""
            if blank_separated:
                entries.append((None, -1, []))
            continue
        opens = bool(_AUTHOR_START.match(ln)) and (previous.endswith((".", ")")) or not previous)
        if not entries or (not blank_separated and opens) or entries[-1][1] == -1:
            if entries and entries[-1][1] == -1:
                entries.pop()
            entries.append((None, off, [ln]))
        else:
            entries[-1][2].append(ln)
        previous = ln.strip()
    return [e for e in entries if e[2]]


def parse_bibliography(lines: Sequence[tuple[int, str]]) -> tuple[Reference, ...]:
    out = []
    for label, off, entry_lines in split_entries(lines):
        raw = join_lines(entry_lines)
        if len(raw) < 8:
            continue
        out.append(parse_reference(raw, label=label, start=off))
    return tuple(out)
