"""Person-name normalisation: cleaning, ordering, and the name key used for blocking.

These functions never raise on odd input: a name is whatever a source wrote, and the worst case
is an empty key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from peerscope.normalize.text import repair_mojibake

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]")
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos", "das", "bin", "ibn", "al", "el", "ter", "ten"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d."}
_SPECIAL_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "œ": "oe", "Œ": "OE", "ı": "i"})


@lru_cache(maxsize=131_072)
def clean_name(raw: str | None) -> str:
    """Repair mis-decoded UTF-8, collapse whitespace, drop control characters, turn ``Smith,
    John`` into ``John Smith``.

    Cached: the same names recur on every work of a person."""
    if not raw:
        return ""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", repair_mojibake(str(raw))))
    text = _SPACES.sub(" ", text).strip().strip(",;").strip()
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last and first.lower().rstrip(".") not in _SUFFIXES:
            text = f"{first} {last}"
    return text


def ascii_fold(text: str) -> str:
    """``Østergaard-Müller`` -> ``Ostergaard-Muller``: strips diacritics for comparison only."""
    text = text.translate(_SPECIAL_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_name(raw: str | None) -> tuple[str, str]:
    """(given names, family name) of a cleaned name, keeping particles with the family name."""
    name = clean_name(raw)
    tokens = [t for t in name.split(" ") if t]
    # trailing suffixes ("Jr.", "III") go, but never down to a single token: "Md Rahman" and
    # "Aa Md" keep "Md" (a common abbreviation of a given name)
    while len(tokens) > 2 and tokens[-1].lower() in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    family_start = len(tokens) - 1
    while family_start > 1 and tokens[family_start - 1].lower() in _PARTICLES:
        family_start -= 1
    return " ".join(tokens[:family_start]), " ".join(tokens[family_start:])


def initials(given: str) -> str:
    """``Jean-Paul A.`` -> ``JPA``."""
    parts = re.split(r"[\s.\-]+", ascii_fold(given))
    return "".join(p[0].upper() for p in parts if p and p[0].isascii() and p[0].isalpha())


def name_key(raw: str | None) -> str:
    """Blocking key: folded family name plus first initial, e.g. ``muller_j``; "" when no name."""
    given, family = split_name(raw)
    family_key = re.sub(r"[^a-z]", "", ascii_fold(family).lower())
    if not family_key:
        return ""
    first = initials(given)[:1].lower()
    return f"{family_key}_{first}" if first else family_key
