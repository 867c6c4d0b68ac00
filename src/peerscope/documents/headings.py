"""Which lines are headings: known front- and back-matter headings, and numbered sections.

Numbered headings are accepted only in sequence (after "2.1" come "2.2", "2.1.1", "3" or an
appendix), which is what separates them from numbered lists and wrapped lines in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# heading word -> (role, language of a summary)
SUMMARY_HEADINGS = {
    "abstract": "en", "summary": "en", "executive summary": "en", "lay summary": "en", "english summary": "en",
    "samenvatting": "nl", "nederlandse samenvatting": "nl", "zusammenfassung": "de", "kurzfassung": "de",
    "résumé": "fr", "resume": "fr", "resumen": "es", "resumo": "pt", "riassunto": "it", "sammanfattning": "sv",
    "sammendrag": "no", "resumé": "da", "tiivistelmä": "fi", "streszczenie": "pl", "özet": "tr", "abstrakt": "de",
}
STATEMENT_HEADINGS = {
    "acknowledgements": "acknowledgements", "acknowledgments": "acknowledgements", "acknowledgement": "acknowledgements",
    "acknowledgment": "acknowledgements", "dankwoord": "acknowledgements", "danksagung": "acknowledgements",
    "declaration": "declaration", "declarations": "declaration", "declaration of authorship": "declaration",
    "statement of originality": "declaration", "author declaration": "declaration", "affidavit": "declaration",
    "disclaimer": "disclaimer", "list of publications": "based_on", "publications": "based_on",
    "included publications": "based_on", "list of papers": "based_on", "publications included in this thesis": "based_on",
    "author contributions": "contributions", "contributions": "contributions", "data availability": "data_availability",
    "code availability": "code_availability", "funding": "funding", "conflict of interest": "competing_interests",
    "conflicts of interest": "competing_interests", "competing interests": "competing_interests", "preface": "preface",
}
REFERENCE_HEADINGS = frozenset({"references", "bibliography", "literature cited", "works cited", "literature", "cited literature", "reference list", "literatuur", "literaturverzeichnis"})
CONTENTS_HEADINGS = frozenset({"contents", "table of contents", "inhoudsopgave", "inhaltsverzeichnis"})
UNNUMBERED_SECTIONS = frozenset(
    {"introduction", "background", "related work", "methods", "materials and methods", "method", "results", "discussion",
     "results and discussion", "conclusion", "conclusions", "future work", "evaluation", "experiments", "limitations"}
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}
_NUMBERED = re.compile(
    r"^(?:(chapter|appendix|part)\s+)?(\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z](?:\.\d{1,2}){0,3}|[IVX]{1,4})\.?(?::|\s+[-–—]?\s*|$)\s*(.{0,160})$",
    re.IGNORECASE,
)
_TOC_TAIL = re.compile(r"(?:\s?\.{2,}\s?|\s{2,}|\s)(\d{1,4}|[ivxlc]{1,6})$")
_INSTITUTION = re.compile(r"\b(?:Universit\w*|Institut\w*|Department|Dept\.|Laborator\w*|College|Faculty|Hospital|School of|Centre for|Center for)\b")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")


@dataclass(frozen=True, slots=True)
class Heading:
    role: str  # "summary", "statement", "references", "contents", "section"
    title: str
    number: str | None = None
    kind: str | None = None  # the statement kind or the summary language
    inline: str = ""  # text after "Abstract:" on the same line
    level: int | None = None  # Markdown heading level


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip(":.—–-").strip()).casefold()


def known_heading(text: str) -> Heading | None:
    """A front- or back-matter heading, by its words (optionally numbered, "Abstract: ..." too)."""
    m = re.match(r"^(?:\d{1,2}\.?\s+|[A-Z]\.?\s+)?([^\W\d_][^:.—–]{1,60}?)\s*(?:[:.—–]\s*(.*))?$", text.strip())
    if not m:
        return None
    key, inline = _key(m.group(1)), (m.group(2) or "").strip()
    number_m = re.match(r"^(\d{1,2})\.?\s", text.strip())
    number = number_m.group(1) if number_m else None
    if key in SUMMARY_HEADINGS:
        return Heading("summary", m.group(1).strip(), kind=SUMMARY_HEADINGS[key], inline=inline)
    if inline:  # only summaries run on after their heading on one line
        return None
    if key in STATEMENT_HEADINGS:
        return Heading("statement", m.group(1).strip(), number, kind=STATEMENT_HEADINGS[key])
    if key in REFERENCE_HEADINGS:
        return Heading("references", m.group(1).strip(), number)
    if key in CONTENTS_HEADINGS:
        return Heading("contents", m.group(1).strip())
    return None


def _parts(number: str) -> tuple[object, ...]:
    out: list[object] = []
    for i, p in enumerate(number.split(".")):
        if p.isdigit():
            out.append(int(p))
        elif i == 0 and p.upper() in _ROMAN:
            out.append(_ROMAN[p.upper()])
        else:
            out.append(p.upper())
    return tuple(out)


def follows(previous: str | None, number: str, *, appendix_word: bool = False) -> bool:
    """Whether ``number`` may come next after the section ``previous``."""
    nxt = _parts(number)
    is_letter = isinstance(nxt[0], str)
    if previous is None:
        return nxt in {(1,), ("A",)} and (not is_letter or appendix_word) or nxt == (0,)
    prev = _parts(previous)
    if is_letter and not isinstance(prev[0], str):
        return nxt == ("A",)  # the first appendix
    if is_letter != isinstance(prev[0], str):
        return False
    if len(nxt) == len(prev) + 1 and nxt[:-1] == prev and nxt[-1] == 1:
        return True
    for depth in range(len(prev), 0, -1):
        if len(nxt) == depth and nxt[:-1] == prev[: depth - 1]:
            a, b = prev[depth - 1], nxt[-1]
            if isinstance(a, int) and isinstance(b, int):
                return b == a + 1
            if isinstance(a, str) and isinstance(b, str) and len(a) == len(b) == 1:
                return ord(b) == ord(a) + 1
    return False


def _title_ok(title: str) -> bool:
    words = title.split()
    if not words or len(words) > 16 or len(title) > 140:
        return False
    if not (title[0].isupper() or title[0].isdigit()):
        return False
    if title.endswith((".", ",", ";")) and not title.endswith("..."):
        return False
    if re.search(r"[=<>{}\[\]]|(?:19|20)\d{2}[a-z]?[),;]|\bet al\b", title):
        return False
    if _INSTITUTION.search(title) or "@" in title:
        return False  # "1 Department of Physics, ..." is an affiliation, not a chapter
    letters = sum(c.isalpha() for c in title)
    return letters >= 0.6 * len(title.replace(" ", ""))


def numbered_heading(line: str) -> tuple[str, str, bool] | None:
    """(number, title, has "Chapter"/"Appendix" word) of a line shaped like a numbered heading."""
    m = _NUMBERED.match(line.strip())
    if not m:
        return None
    word, number, title = m.group(1), m.group(2), m.group(3).strip()
    if number.isalpha() and number.upper() not in _ROMAN and not word:
        if not re.match(r"^[A-Z]\s", line.strip()):  # "A Title" only as a bare letter and space
            return None
    if number.upper() in _ROMAN and not line.strip()[len(number) :].startswith((".", " ")):
        return None
    if number.isalpha():
        number = number.upper()
    if not title:
        return (number, "", word.lower() == "appendix") if word else None
    if not _title_ok(title):
        return None
    return number, title, bool(word and word.lower() == "appendix")


def toc_entry(line: str) -> bool:
    """A table-of-contents line: a heading followed by a page number (often after dot leaders)."""
    line = line.strip()
    if re.match(r"^(?:chapter|appendix|part)\s+\w{1,4}$", line, re.IGNORECASE):
        return False  # a chapter opening, not a contents line
    return bool(_TOC_TAIL.search(line)) and bool(re.search(r"[A-Za-z]{3}", line))


def markdown_heading(line: str) -> tuple[int, str] | None:
    m = _MD_HEADING.match(line)
    return (len(m.group(1)), m.group(2).strip()) if m and m.group(2).strip() else None
