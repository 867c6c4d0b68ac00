"""Repairing text a source decoded with the wrong character set before sending it (mojibake):
UTF-8 bytes read as Latin-1 or Windows-1252 turn "Ramírez" into "RamÃ\xadrez". ftfy undoes it;
it is asked only when the text shows the tell-tale pair (a lead byte of UTF-8 read as Latin-1
followed by a continuation byte), so clean text costs one regular-expression scan."""

from __future__ import annotations

import re

import ftfy

_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def repair_mojibake(text: str) -> str:
    """The text with mis-decoded UTF-8 restored; text without the tell-tale pairs unchanged."""
    if not _HINT.search(text):
        return text
    return ftfy.fix_encoding(text)
