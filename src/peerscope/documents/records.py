"""The records a parsed document is made of, passed between parsing, checks and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class DeclaredAuthor:
    """An author on the byline, with the affiliations and addresses attached to them."""

    name: str
    affiliations: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    number: str | None  # "3", "3.2", "A", "A.1"; None for an unnumbered heading
    title: str
    start: int  # character offset of the heading in the document text


@dataclass(frozen=True, slots=True)
class Reference:
    """One bibliography entry, as printed and as parsed."""

    raw: str
    authors: tuple[str, ...]
    year: int | None
    title: str | None
    venue: str | None
    ids: dict[str, str] = field(default_factory=dict)  # "doi", "arxiv", "url"
    label: str | None = None  # "12" for "[12]", None for author-year entries
    start: int = -1  # character offset in the document text
    work_id: int | None = None  # the work in the graph it names, once linked


@dataclass(frozen=True, slots=True)
class Statement:
    """A front- or back-matter statement: a disclaimer, a "based on" list, a declaration,
    acknowledgements, a code or data availability note."""

    kind: str
    text: str
    start: int
    items: tuple[Reference, ...] = ()  # the publications a "based_on" statement lists


@dataclass(frozen=True, slots=True)
class Summary:
    """An abstract or summary; a thesis may carry one in a second language."""

    heading: str
    text: str
    start: int
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    text: str  # the whole text, lines joined with "\n" and pages with "\f"
    media_type: str
    title: str | None
    authors: tuple[DeclaredAuthor, ...]
    summaries: tuple[Summary, ...]
    statements: tuple[Statement, ...]
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    page_starts: tuple[int, ...] = (0,)  # character offset where each page begins

    @property
    def abstract(self) -> str | None:
        return self.summaries[0].text if self.summaries else None

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_of(self, offset: int) -> int:
        """1-based page number of a character offset."""
        page = 1
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
            else:
                break
        return page


@dataclass(frozen=True, slots=True)
class Flag:
    """A signal with evidence, not a verdict. ``evidence`` items are JSON-ready dicts: quoted
    spans with offsets and pages, matched works, scores."""

    kind: str
    severity: str  # "low", "medium", "high"
    summary: str
    evidence: tuple[dict[str, Any], ...]
    work_ids: tuple[int, ...] = ()  # works in the graph the flag concerns
    names: tuple[str, ...] = ()  # people the evidence points to
