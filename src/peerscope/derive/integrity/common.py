"""What the checks share: names compared as (family name, initial), quoted spans with locations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from peerscope.documents.records import Document
from peerscope.normalize.names import ascii_fold, clean_name, split_name


def person_key(name: str) -> tuple[str, str]:
    """(folded family name, first initial): "Smith, J." and "John Smith" agree."""
    given, family = split_name(clean_name(name))
    family_key = re.sub(r"[^a-z]", "", ascii_fold(family).lower())
    initial = re.sub(r"[^a-z]", "", ascii_fold(given).lower())[:1]
    return family_key, initial


def same_person(a: str, b: str) -> bool:
    fa, ia = person_key(a)
    fb, ib = person_key(b)
    return bool(fa) and fa == fb and (not ia or not ib or ia == ib)


def any_declared(names: Iterable[str], declared: Iterable[str]) -> bool:
    declared = list(declared)
    return any(same_person(n, d) for n in names for d in declared)


def span(doc: Document, start: int, end: int, **extra: Any) -> dict[str, Any]:
    """Evidence: the quoted text between two offsets, with the offsets and the page."""
    start, end = max(0, start), min(len(doc.text), end)
    quote = re.sub(r"\s+", " ", doc.text[start:end]).strip()
    return {"quote": quote[:500], "start": start, "end": end, "page": doc.page_of(start), **extra}


def line_span(doc: Document, offset: int, **extra: Any) -> dict[str, Any]:
    """Evidence: the line starting at ``offset``."""
    end = doc.text.find("\n", offset)
    return span(doc, offset, end if end != -1 else len(doc.text), **extra)
