"""One author mention: a name on one work, with the context that tells people apart.

A mention is built once from whatever a source gives (``make_mention``) and is then only
compared, so every text field is stored already folded and tokenised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from peerscope.resolve.authors.blocking import PersonName, fold, name_key, parse_name

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_WORD = re.compile(r"[a-z][a-z0-9]+")

# words that say nothing about which person or group wrote a text
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was were which with "
    "we our using use used study studies results result based between after during among than via vs new".split()
)
# affiliation words shared by most addresses
_GENERIC_AFFILIATION = frozenset(
    "department dept university univ institute inst school college faculty center centre hospital medical medicine "
    "sciences science research laboratory lab division unit national key state usa uk china india japan germany "
    "electronic address email".split()
)
# MeSH check tags and other descriptors that nearly every record carries
_GENERIC_MESH = frozenset(
    s.lower()
    for s in (
        "Humans", "Animals", "Female", "Male", "Adult", "Aged", "Middle Aged", "Aged, 80 and over", "Young Adult",
        "Adolescent", "Child", "Child, Preschool", "Infant", "Infant, Newborn", "Pregnancy", "Mice", "Rats",
        "Retrospective Studies", "Prospective Studies", "Treatment Outcome", "Follow-Up Studies", "Time Factors",
        "Cells, Cultured", "Cell Line", "Cell Line, Tumor", "Risk Factors", "Case-Control Studies",
        "Cross-Sectional Studies", "Molecular Sequence Data", "Base Sequence", "Amino Acid Sequence",
    )
)


@dataclass(frozen=True, slots=True)
class AuthorMention:
    """An author's name on one work and the evidence around it (all fields folded, lower case)."""

    mention_id: str
    block: str  # the blocking key the mention was grouped under
    family: str  # folded family name, e.g. "garcia lopez"
    given: str = ""  # folded given names when spelt out ("jean paul"), "" when only initials are known
    initials: str = ""  # "jp"
    coauthors: frozenset[str] = frozenset()  # name keys of the other authors of the work
    affiliation: str = ""  # the raw affiliation text, for display
    affiliation_words: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    title_words: frozenset[str] = frozenset()
    abstract_words: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()  # MeSH descriptors and author keywords
    venue: str = ""
    year: int | None = None
    language: str = ""


def words(text: str | None, drop: frozenset[str] = _STOPWORDS) -> frozenset[str]:
    """Content words of a text, folded; numbers and one-letter tokens dropped."""
    if not text:
        return frozenset()
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in drop and not w.isdigit())


def emails_in(text: str | None) -> frozenset[str]:
    return frozenset(e.lower().rstrip(".") for e in _EMAIL.findall(text or ""))


def keyword_terms(terms: Iterable[str]) -> frozenset[str]:
    """``Leiomyoma/pathology*`` -> ``leiomyoma``: the descriptor, without qualifier and star."""
    out = set()
    for term in terms:
        descriptor = fold(term.split("/")[0].replace("*", "")).strip()
        if descriptor and descriptor not in _GENERIC_MESH:
            out.add(descriptor)
    return frozenset(out)


def venue_key(venue: str | None) -> str:
    return " ".join(_WORD.findall(fold(venue or "")))


def year_of(date: str | int | None) -> int | None:
    """The first four-digit year in a date such as ``2010 May`` or ``2010-05-01``."""
    if isinstance(date, int):
        return date
    found = re.search(r"(1[89]|20)\d\d", date or "")
    return int(found.group(0)) if found else None


def make_mention(
    mention_id: str,
    name: PersonName | str,
    *,
    block: str | None = None,
    coauthors: Iterable[str] = (),
    affiliation: str | None = None,
    title: str | None = None,
    abstract: str | None = None,
    keywords: Iterable[str] = (),
    venue: str | None = None,
    date: str | int | None = None,
    language: str | None = None,
) -> AuthorMention:
    """Build a mention from raw source fields; ``name`` may be a string in any usual order."""
    person = parse_name(name) if isinstance(name, str) else name
    affiliation_text = affiliation or ""
    without_emails = _EMAIL.sub(" ", affiliation_text)
    coauthor_keys = frozenset(k for k in (name_key(parse_name(c)) for c in coauthors) if k)
    return AuthorMention(
        mention_id=mention_id,
        block=block if block is not None else name_key(person),
        family=person.family,
        given=person.given,
        initials=person.initials,
        coauthors=coauthor_keys,
        affiliation=affiliation_text,
        affiliation_words=words(without_emails, _STOPWORDS | _GENERIC_AFFILIATION),
        emails=emails_in(affiliation_text),
        title_words=words(title),
        abstract_words=words(abstract),
        keywords=keyword_terms(keywords),
        venue=venue_key(venue),
        year=year_of(date),
        language=(language or "").strip().lower(),
    )
