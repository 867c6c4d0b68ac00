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


def find_fingerprints(text: str) -> list[tuple[int, int, Fingerprint]]:
    """Every whole-word occurrence of a known fingerprint in ``text``: (start, end, fingerprint)."""
    pattern, by_key = _pattern()
    out = []
    for m in pattern.finditer(text):
        found = by_key.get(re.sub(r"\s+", " ", m.group(0).lower()))
        if found is not None:
            out.append((m.start(), m.end(), found))
    return out


def tortured_flag(found: list[tuple[int, int, Fingerprint]], evidence: list[dict]) -> Flag | None:
    """The flag for the fingerprints found (``evidence``: one entry for each, in order)."""
    if not found:
        return None
    distinct = {re.sub(r"\s+", " ", f.phrase.lower()) for _s, _e, f in found}
    generated = any(f.category == "generated" for _s, _e, f in found)
    severity = "high" if len(distinct) >= 4 else "medium" if len(distinct) >= 2 or generated else "low"
    phrases = ", ".join(f"“{p}”" for p in sorted(distinct)[:5])
    return Flag("tortured_phrases", severity, f"{len(distinct)} known paraphrase or generated-text fingerprint{'s' if len(distinct) != 1 else ''}: {phrases}", tuple(evidence[:100]))


def check_tortured(doc: Document) -> Flag | None:
    found = find_fingerprints(doc.text)
    return tortured_flag(found, [span(doc, s, e, kind=f.category, expected=f.expected) for s, e, f in found])


def check_tortured_text(fields: dict[str, str]) -> Flag | None:
    """The same rule on the stored fields of a work (its title and abstract), graded over all
    of them together; evidence quotes each phrase with its field and offsets in that field."""
    found, evidence = [], []
    for name, text in fields.items():
        for s, e, f in find_fingerprints(text):
            found.append((s, e, f))
            evidence.append({"quote": text[s:e], "field": name, "start": s, "end": e, "kind": f.category, "expected": f.expected,
                             "detail": f" in the {name}" + (f"; the usual term is “{f.expected}”" if f.expected else "")})
    return tortured_flag(found, evidence)
