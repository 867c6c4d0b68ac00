"""Names read in any usual order, and the name keys that decide which mentions are compared.

Only mentions sharing a block key are ever compared, so the key must be loose enough to keep one
person's spellings together ("Müller, J.", "J. Muller", "Muller JA") and tight enough to keep
blocks small. ("Mueller" is another key: transliteration by convention is not folded.) The key is the folded family name, without spaces, hyphens or
apostrophes, and the first initial: ``garcialopez_j``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from unidecode import unidecode

if TYPE_CHECKING:
    from peerscope.resolve.authors.mentions import AuthorMention

_PARTICLES = frozenset("van von der den de del della di da du la le dos das bin ibn al el ter ten mac st".split())
_SUFFIXES = frozenset("jr sr phd".split())
_NUMERALS = frozenset("II III IV".split())  # only in capitals: "Iv" is a given name
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_INITIALS_TOKEN = re.compile(r"^(?:[A-Z]\.?-?){1,3}$|^(?:[A-Za-z]\.)+$")


@dataclass(frozen=True, slots=True)
class PersonName:
    family: str  # folded: "garcia lopez"
    given: str = ""  # folded given names in order, initials as single letters: "jean paul", "j m"
    initials: str = ""  # "jp"

    @property
    def first_name(self) -> str:
        """The first given name when it is spelt out, else ""."""
        first = self.given.split(" ", 1)[0]
        return first if len(first) > 1 else ""


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: ``Østergaard-Müller`` -> ``ostergaard-muller``."""
    return " ".join(unidecode(text).lower().split())


def name_tokens(text: str) -> list[str]:
    """Folded name parts; hyphens and dots separate parts, apostrophes join them (O'Brien)."""
    ascii_text = unidecode(text).replace("'", "").replace("`", "")
    return [t for t in (_NOT_LETTER.sub("", p.lower()) for p in _SEPARATORS.split(ascii_text)) if t]


def _looks_like_initials(token: str) -> bool:
    return bool(_INITIALS_TOKEN.match(token))


def _given_part(text: str) -> tuple[str, str]:
    """(given names in order, initials) of the given-name part: ``John M.`` -> (john m, jm).

    Initials stay in the given names as one-letter tokens, so the order of names is kept."""
    tokens: list[str] = []
    for raw in text.split():
        if _looks_like_initials(raw):  # "JM", "J.M.", "J.-P." are letters, not names
            tokens += list("".join(name_tokens(raw)))
        else:
            tokens += name_tokens(raw)
    return " ".join(tokens), "".join(t[0] for t in tokens)


def _is_suffix(token: str) -> bool:
    return token.lower().strip(".") in _SUFFIXES or token.strip(".") in _NUMERALS


def _without_suffixes(text: str) -> str:
    """The name without "Jr.", "III" ..., and with at most one comma, after the family name."""
    segments = [" ".join(t for t in seg.split() if not _is_suffix(t)) for seg in text.replace(";", " ").split(",")]
    present = [seg for seg in segments if seg]
    if not present:
        return ""
    if len(segments) > 1 and segments[0]:  # "Family, Given", the given part possibly empty
        return f"{segments[0]}, {present[1] if len(present) > 1 else ''}"
    return present[0] if len(present) == 1 else f"{present[0]}, {present[1]}"


def parse_name(text: str) -> PersonName:
    """Read ``Lee, J.``, ``J Lee``, ``Lee J`` (the PubMed order), ``Jean-Paul García López`` alike.

    Without a comma only the last word (with its particles) is taken as the family name, so an
    unhyphenated compound family name is read as given name plus family name; ``candidate_keys``
    finds such a name in the block of its compound spelling."""
    text = _without_suffixes(text or "")
    if not text:
        return PersonName("")
    if "," in text:
        family_text, _, given_text = text.partition(",")
        given, initials = _given_part(given_text)
        return PersonName(" ".join(name_tokens(family_text)), given, initials)
    tokens = text.split()
    if len(tokens) == 1:
        return PersonName(" ".join(name_tokens(tokens[0])))
    last, first = tokens[-1], tokens[0]
    if _looks_like_initials(last) and (not _looks_like_initials(first) or len(last.strip(".")) <= len(first.strip("."))):
        family_tokens, given_tokens = tokens[:-1], tokens[-1:]  # "Lee JM"; of "LEE J" the J
    else:  # "J. M. Lee", "Anna van der Berg": the last word and its particles
        start = len(tokens) - 1
        while start > 1 and tokens[start - 1].lower() in _PARTICLES:
            start -= 1
        given_tokens, family_tokens = tokens[:start], tokens[start:]
    given, initials = _given_part(" ".join(given_tokens))
    return PersonName(" ".join(name_tokens(" ".join(family_tokens))), given, initials)


def canonical_name(text: str) -> str:
    """``family, given`` (``lee, j m`` with initials only, ``zhang,`` with none): one spelling
    per parsed name, read back as the same name."""
    person = parse_name(text)
    if not person.family:
        return ""
    return f"{person.family}, {person.given}" if person.given else f"{person.family},"


def _family_key(family: str) -> str:
    return family.replace(" ", "")


def name_key(person: PersonName) -> str:
    """The block key: ``garcialopez_j``; the bare family key when no initial is known."""
    family = _family_key(person.family)
    if not family:
        return ""
    return f"{family}_{person.initials[0]}" if person.initials else family


def candidate_keys(person: PersonName) -> tuple[str, ...]:
    """The block key first, then the keys of each part of a compound family name, so that
    ``García López`` can be looked up where ``García`` alone was filed."""
    primary = name_key(person)
    parts = [p for p in person.family.split() if p not in _PARTICLES]
    if not primary or len(parts) < 2:
        return (primary,) if primary else ()
    suffix = f"_{person.initials[0]}" if person.initials else ""
    return (primary, *dict.fromkeys(f"{p}{suffix}" for p in parts if f"{p}{suffix}" != primary))


def group_by_block(mentions: Iterable[AuthorMention]) -> dict[str, list[AuthorMention]]:
    """Mentions grouped by their block key, in first-seen order."""
    blocks: dict[str, list[AuthorMention]] = defaultdict(list)
    for mention in mentions:
        blocks[mention.block].append(mention)
    return dict(blocks)
