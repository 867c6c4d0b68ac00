"""What a person types into the search box, made safe: words and quoted phrases, nothing else.

Search engines' query languages give meaning to ``:``, ``(``, ``*``, ``~``, ``^``, ``AND`` and
quotes; people type them by accident (titles hold colons). The parser keeps only words (Unicode
letters and digits), phrases in double quotes, and a leading ``-`` to exclude a word, and renders
them back in a form the keyword index's own parser reads literally.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from peerscope.errors import InputError

MAX_QUERY_CHARS = 200
MAX_TERMS = 32
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PART = re.compile(r'"([^"]*)"?|(-?)([^\s"]+)')


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    words: tuple[str, ...]  # every word must match (in some field)
    phrases: tuple[tuple[str, ...], ...]  # each phrase must match, words adjacent and in order
    excluded: tuple[str, ...]  # no field may hold these
    prefix: bool  # the last word may be the start of a word (search as you type)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def text(self) -> str:
        """The words and phrases, for the semantic half of a search."""
        return " ".join([*self.words, *(" ".join(p) for p in self.phrases)])

    @property
    def prefix_word(self) -> str | None:
        return self.words[-1] if self.prefix and self.words else None

    def tantivy(self) -> str:
        """The query in the keyword index's syntax: every part required, each word quoted so that
        nothing in it is read as an operator (the prefix word is left to the caller)."""
        words = self.words[:-1] if self.prefix_word else self.words
        parts = [f'+"{w}"' for w in words]
        parts += ['+"' + " ".join(p) + '"' for p in self.phrases]
        if not parts and not self.prefix_word:
            return ""  # exclusions alone select nothing (the index refuses such a query)
        parts += [f'-"{w}"' for w in self.excluded]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Facet filters of a search: each given set must contain the work's value (any of them)."""

    year_from: int | None = None
    year_to: int | None = None
    types: tuple[str, ...] = ()
    topics: tuple[int, ...] = ()
    institutions: tuple[int, ...] = ()
    venues: tuple[int, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()


def normalise(text: str) -> str:
    """NFKC, lower case, one space between words: the form queries are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def words_of(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def parse_query(raw: str, *, prefix: bool = False) -> ParsedQuery:
    """Parse the search box's text; longer than 200 characters is an error naming the limit."""
    if len(raw) > MAX_QUERY_CHARS:
        raise InputError(f"q: the query is {len(raw)} characters long; at most {MAX_QUERY_CHARS} are searched")
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    last_is_word = False
    for m in _PART.finditer(normalise(raw)):
        quoted, minus, bare = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            inner = tuple(words_of(quoted))
            if len(inner) > 1:
                phrases.append(inner)
            elif inner:
                words.append(inner[0])
            last_is_word = False
            continue
        found = words_of(bare)
        exclude = bool(minus) and len(found) == 1
        (excluded if exclude else words).extend(found)
        last_is_word = bool(found) and not exclude and words[-1] == found[-1]
    words = list(dict.fromkeys(words))[:MAX_TERMS]
    excluded = [w for w in dict.fromkeys(excluded) if w not in words][:MAX_TERMS]
    ends_in_word = last_is_word and bool(raw) and raw[-1].isalnum()
    return ParsedQuery(tuple(words), tuple(phrases[:MAX_TERMS]), tuple(excluded), prefix and ends_in_word and bool(words))
