"""The title page: title, declared authors, their affiliations and e-mail addresses.

Affiliations attach to authors by marker (``Jane Doe^1,2`` with ``1 Department of ...``), by
block (a name followed by its own affiliation and address lines) or, with neither, to every
author of the byline. E-mail addresses attach by marker (``*`` for a corresponding author), by
their local part resembling a name (``jdoe``, ``jane.doe``), by block, and last by order
(``{jane,john}@example.org`` for a byline of two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from peerscope.documents.records import DeclaredAuthor
from peerscope.normalize.names import ascii_fold

EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]{0,63})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)")
_EMAIL_GROUP = re.compile(r"\{([^{}]{1,400})\}\s*@\s*([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)")
_MARKER_CHARS = "*†‡§¶#"
_PIECE = re.compile(r"^(.*?[^\s\d^*†‡§¶#])\s*\^?((?:\d{1,2}|[*†‡§¶#])(?:\s*\^?(?:\d{1,2}|[*†‡§¶#]))*|(?<=\^)[a-z](?:[a-z])*)?$")
_ONLY_MARKERS = re.compile(r"^\^?((?:\d{1,2}|[*†‡§¶#]|[a-z])(?:\s*\^?(?:\d{1,2}|[*†‡§¶#]))*)$")
_MARKED_LINE = re.compile(r"^\^?(\d{1,2}|[*†‡§¶#]|(?<=\^)[a-z]|[a-z](?=\s))\s*(?=[A-Z\u00c0-\u024f])(.{3,})$")
_CARET_LETTER = re.compile(r"^\^([a-z])\s*(.{3,})$")
AFFILIATION_WORDS = re.compile(
    r"\b(?:universit\w*|univ\.|institut\w*|department|dept\.|laborator\w*|lab|college|school|faculty|cent(?:er|re)|"
    r"hospital|academy|akademie|research|inc\.?|ltd\.?|gmbh|corporation|foundation|polytechnic|politecnico|ecole|école|"
    r"escuela|hochschule|technion|observatory|museum|clinic|ministry|agency|council|group)\b",
    re.IGNORECASE,
)
_NOT_NAME_WORDS = frozenset(
    "the of for and in on a an to with from by at via university department institute school faculty abstract introduction "
    "thesis dissertation doctor philosophy degree submitted summary contents chapter towards toward using learning analysis "
    "study model models data network networks research science sciences journal proceedings".split()
)
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "du", "la", "le", "dos", "ter", "ten", "bin", "al", "el"})
_TITLES = re.compile(r"^(?:prof\.?|professor|dr\.?|mr\.?|ms\.?|mrs\.?)\s+", re.IGNORECASE)
_DEGREES = re.compile(r"\s*,?\s*\b(?:ph\.?\s?d\.?|m\.?d\.?|m\.?sc\.?|b\.?sc\.?|dr\.|prof\.)$", re.IGNORECASE)
_ROLE_LINE = re.compile(r"^(?:supervisors?|promotors?|co-?promotors?|advisors?|co-?supervisors?|examiners?|committee|referees?|reviewers?|editors?|chair)\b", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^(?:by|authors?\s*:|written\s+by)\s*", re.IGNORECASE)
_DEGREE_LINE = re.compile(r"\b(?:submitted|in (?:partial )?fulfil+ment|for the degree|doctor of|thesis|dissertation|defended|candidate)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Byline:
    title: str | None
    authors: tuple[DeclaredAuthor, ...]


@dataclass(slots=True)
class _Author:
    name: str
    markers: list[str]
    affiliations: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    block: int = 0


class _LineLike(Protocol):
    text: str


def _name_ok(name: str) -> bool:
    tokens = name.replace(".", ". ").split()
    if not 2 <= len(tokens) <= 6 or len(name) > 60:
        return False
    long_tokens = 0
    for tok in tokens:
        low = tok.lower().strip(".")
        if low in _NOT_NAME_WORDS and not (len(low) == 1 and tok.endswith(".")):  # "A." is an initial, not the article
            return False
        if low in _PARTICLES:
            continue
        if not (tok[0].isupper() and all(c.isalpha() or c in "-'’." for c in tok)):
            return False
        if len(tok.strip(".")) >= 2:
            long_tokens += 1
    return long_tokens >= 1


def _tidy_name(name: str) -> str:
    name = _DEGREES.sub("", _TITLES.sub("", name.strip())).strip(" ,")
    if name.isupper() and len(name) > 4:
        name = " ".join(w if len(w.strip(".")) <= 1 else w.capitalize() for w in name.split())
    return re.sub(r"\s+", " ", name)


def _split_markers(text: str) -> list[str]:
    return re.findall(r"\d{1,2}|[*†‡§¶#]|[a-z]", text.replace("^", " "))


def parse_author_line(line: str) -> list[tuple[str, list[str]]] | None:
    """Names and their markers if the line is a byline, else None."""
    text = _AUTHOR_LABEL.sub("", line.strip())
    if not text or EMAIL.search(text) or AFFILIATION_WORDS.search(text) or len(text) > 400:
        return None
    text = re.sub(r"\s+(?:and|&)\s+|\s*&\s*|,\s*and\s+", ", ", text)
    out: list[tuple[str, list[str]]] = []
    for piece in re.split(r"[,;]", text):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ONLY_MARKERS.match(piece):
            out[-1][1].extend(_split_markers(piece))
            continue
        m = _PIECE.match(piece)
        if not m:
            return None
        name = _tidy_name(m.group(1))
        if not _name_ok(name):
            return None
        out.append((name, _split_markers(m.group(2) or "")))
    return out or None


def _emails_in(line: str) -> list[str]:
    found: list[str] = []
    for m in _EMAIL_GROUP.finditer(line):
        for local in re.split(r"[,;|\s]+", m.group(1)):
            if local.strip():
                found.append(f"{local.strip()}@{m.group(2)}".lower())
    rest = _EMAIL_GROUP.sub(" ", line)
    found.extend(f"{m.group(1)}@{m.group(2)}".lower().rstrip(".") for m in EMAIL.finditer(rest))
    return found


def name_score(local: str, name: str) -> int:
    """How well an e-mail local part names a person: 3 exact forms, 2 family name, 1 given name."""
    local = re.sub(r"[^a-z]", "", ascii_fold(local).lower())
    parts = [re.sub(r"[^a-z]", "", ascii_fold(p).lower()) for p in name.replace(".", " ").split()]
    parts = [p for p in parts if p and p not in _PARTICLES]
    if not parts or not local:
        return 0
    given, family = parts[0], parts[-1]
    if local in {given + family, family + given, given[0] + family, family + given[0], family, "".join(p[0] for p in parts[:-1]) + family}:
        return 3
    if len(family) >= 3 and family in local:
        return 2
    if len(given) >= 3 and given in local:
        return 1
    return 0


def _assign_emails(authors: list[_Author], email_lines: list[tuple[list[str], str | None, int]]) -> None:
    for emails, marker, block in email_lines:
        unmatched: list[str] = []
        for email in emails:
            local = email.split("@")[0]
            scored = sorted(((name_score(local, a.name), -len(a.emails), i) for i, a in enumerate(authors)), reverse=True)
            if scored and scored[0][0] >= 1 and (len(scored) == 1 or scored[1][0] < scored[0][0] or scored[1][1] < scored[0][1]):
                authors[scored[0][2]].emails.append(email)
                continue
            marked = [a for a in authors if marker and marker in a.markers and not a.emails]
            if len(marked) == 1:
                marked[0].emails.append(email)
                continue
            unmatched.append(email)
        if not unmatched:
            continue
        in_block = [a for a in authors if a.block == block]
        if len(in_block) == 1 and not in_block[0].emails:
            in_block[0].emails.extend(unmatched)
            continue
        free = [a for a in authors if not a.emails]
        if len(free) == len(unmatched):
            for a, e in zip(free, unmatched):
                a.emails.append(e)
        elif len(authors) == 1:
            authors[0].emails.extend(unmatched)


def _title_from(lines: Sequence[_LineLike]) -> tuple[str | None, int]:
    i = 0
    while i < len(lines) and (not lines[i].text or _BOILERPLATE_LINE.search(lines[i].text)):
        i += 1
    if i >= len(lines):
        return None, i
    parts = [lines[i].text]
    i += 1
    while i < len(lines) and lines[i].text and len(parts) < 3:
        nxt = lines[i].text
        if parse_author_line(nxt) or EMAIL.search(nxt) or AFFILIATION_WORDS.search(nxt) or _AUTHOR_LABEL.match(nxt) or _DEGREE_LINE.search(nxt) or _MARKED_LINE.match(nxt):
            break
        if parts[-1].endswith((".", ":")) and not nxt[:1].islower():
            break
        parts.append(nxt)
        i += 1
    return " ".join(parts), i


_BOILERPLATE_LINE = re.compile(
    r"^(?:a\s+)?(?:ph\.?\s?d\.?|doctoral|master'?s?|bachelor'?s?)?\s*(?:thesis|dissertation)$|^preprint\b|^arxiv:|^accepted\b|^draft\b|^vol\.|^volume\s\d|^page\s\d",
    re.IGNORECASE,
)


def parse_byline(lines: Sequence[_LineLike], *, title_known: bool = False) -> Byline:
    title, i = (None, 0) if title_known else _title_from(lines)
    authors: list[_Author] = []
    marked_affiliations: dict[str, list[str]] = {}
    email_lines: list[tuple[list[str], str | None, int]] = []
    block = 0
    last_kind = ""
    expect_names = False
    stopped = False
    for line in lines[i:]:
        text = line.text
        if not text:
            continue
        if _ROLE_LINE.match(text):
            stopped = True  # supervisors and committees are not authors
            last_kind = "role"
            continue
        emails = _emails_in(text)
        if emails:
            marker = text[0] if text[0] in _MARKER_CHARS else None
            email_lines.append((emails, marker, block))
            last_kind = "email"
            continue
        if text.lower() in {"by", "authors", "author"}:
            expect_names = True
            continue
        named = None if stopped else parse_author_line(text)
        if named and (not authors or expect_names or last_kind in {"author", "affiliation", "email"}):
            block += 1
            authors.extend(_Author(n, m, block=block) for n, m in named)
            last_kind, expect_names = "author", False
            continue
        marked = _CARET_LETTER.match(text) or _MARKED_LINE.match(text)
        if marked and authors and (AFFILIATION_WORDS.search(marked.group(2)) or "," in marked.group(2)):
            marked_affiliations.setdefault(marked.group(1), []).append(marked.group(2).strip(" ,;"))
            last_kind = "affiliation"
            continue
        if authors and AFFILIATION_WORDS.search(text) and not _DEGREE_LINE.search(text):
            for a in authors:
                if a.block == block:
                    a.affiliations.append(text.strip(" ,;"))
            last_kind = "affiliation"
            continue
        if authors and last_kind == "affiliation" and len(text) < 80 and not parse_author_line(text):
            if marked_affiliations and not any(a.affiliations for a in authors if a.block == block):
                key = list(marked_affiliations)[-1]
                marked_affiliations[key][-1] += ", " + text.strip(" ,;")
            else:
                for a in authors:
                    if a.block == block and a.affiliations:
                        a.affiliations[-1] += ", " + text.strip(" ,;")
            continue
        last_kind = "other"
    for a in authors:
        for marker in a.markers:
            a.affiliations.extend(marked_affiliations.get(marker, []))
    _assign_emails(authors, email_lines)
    return Byline(
        title=title,
        authors=tuple(DeclaredAuthor(a.name, tuple(dict.fromkeys(a.affiliations)), tuple(dict.fromkeys(a.emails))) for a in authors),
    )
