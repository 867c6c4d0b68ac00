"""``tortured_phrases``: known paraphrase fingerprints and text left by text generators.

Rule (docs/documents.md): every occurrence of a phrase in data/tortured_phrases.tsv (case and
spacing ignored, whole words) is evidence. One distinct fingerprint is low severity, two or
three medium, four or more high; a generator fingerprint is at least medium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from peerscope.derive.integrity.common import span
from peerscope.documents.records import Document, Flag


@dataclass(frozen=True, slots=True)
class Fingerprint:
    phrase: str
    expected: str
    category: str  # "tortured" or "generated"


@lru_cache(maxsize=1)
def fingerprints() -> tuple[Fingerprint, ...]:
    text = resources.files("peerscope.derive.integrity").joinpath("data/tortured_phrases.tsv").read_text(encoding="utf-8")
    out: list[Fingerprint] = []
    category = "tortured"
    for line in text.splitlines():
        if line.startswith("# category:"):
            category = line.split(":", 1)[1].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, expected = line.partition("\t")
        out.append(Fingerprint(phrase.strip(), expected.strip(), category))
    return tuple(out)


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, Fingerprint]]:
    by_key = {re.sub(r"\s+", " ", f.phrase.lower()): f for f in fingerprints()}
    alternatives = sorted(by_key, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in key.split(" ")) for key in alternatives)
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.IGNORECASE), by_key


def check_tortured(doc: Document) -> Flag | None:
    pattern, by_key = _pattern()
    evidence = []
    distinct: set[str] = set()
    generated = False
    for m in pattern.finditer(doc.text):
        key = re.sub(r"\s+", " ", m.group(0).lower())
        found = by_key.get(key)
        if found is None:
            continue
        distinct.add(key)
        generated |= found.category == "generated"
        evidence.append(span(doc, m.start(), m.end(), kind=found.category, expected=found.expected))
    if not evidence:
        return None
    severity = "high" if len(distinct) >= 4 else "medium" if len(distinct) >= 2 or generated else "low"
    phrases = ", ".join(f"“{p}”" for p in sorted(distinct)[:5])
    return Flag("tortured_phrases", severity, f"{len(distinct)} known paraphrase or generated-text fingerprint{'s' if len(distinct) != 1 else ''}: {phrases}", tuple(evidence[:100]))
