"""``authorship_mismatch``: the declared authors are not the people the document credits.

Rule (docs/documents.md): evidence is collected from
1. a "based on the following publications" list none of whose entries names a declared author;
2. self-citations ("our previous work [3]", "we proposed ... (Miller et al., 2019)") to
   references that name no declared author;
3. a disclaimer that the content belongs to, or is the work of, someone else;
4. a code repository, introduced as the document's own code, whose owner is not a declared author;
5. acknowledgements or statements saying someone else wrote or did the work.
Severity: high with (1) or (3); medium with two or more pieces of (2), (4), (5); low with one.
The flag names the people the evidence points to, most often named first.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from peerscope.derive.integrity.common import any_declared, same_person, span
from peerscope.documents.records import Document, Flag, Reference

_SELF = re.compile(
    r"\b(?:our|we|us)\b(?:[^.\n;]|\n(?!\n)){0,160}?(\[\s*\d{1,4}(?:\s*[,–-]\s*\d{1,4})*\s*\]|\((?:[^()]{0,120}?(?:19|20)\d{2}[a-z]?)\))",
    re.IGNORECASE,
)
_SELF_INTENT = re.compile(r"\b(?:our\s+(?:previous|prior|earlier|recent|own|past)|we\s+(?:have\s+)?(?:previously\s+|recently\s+|earlier\s+)?(?:proposed|introduced|presented|developed|showed|shown|described|reported|published)|in\s+our\s+(?:work|paper|study|article))\b", re.IGNORECASE)
_NAME = r"((?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.)(?:\s+(?:van|von|de|der|den|da|di|del|du|la|le)\b)?(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.)){1,3})"
_DISCLAIMER = re.compile(
    r"(?:content|material|work|text|results?|research|chapters?|thesis|dissertation|manuscript|ideas?)[^.\n]{0,80}?"
    r"(?:belongs?\s+to|is\s+the\s+(?:intellectual\s+)?(?:work|property)\s+of|are\s+the\s+(?:intellectual\s+)?(?:work|property)\s+of|was\s+(?:written|authored|produced|carried\s+out)\s+by|were\s+(?:written|authored|produced|carried\s+out)\s+by|all\s+credit\s+goes\s+to)\s+"
    + _NAME,
)
_DONE_BY = re.compile(
    r"(?:written|authored|drafted|performed|conducted|carried\s+out|done|prepared|designed\s+and\s+(?:run|carried\s+out))\s+(?:entirely\s+|solely\s+|mainly\s+|largely\s+|exclusively\s+)?by\s+"
    + _NAME
    + r"|\bthank\s+"
    + _NAME
    + r"\s+for\s+(?:writing|having\s+written|doing|conducting|carrying\s+out|performing|all\s+(?:of\s+)?the)",
)
_REPO = re.compile(r"\bhttps?://[\w.-]+/([A-Za-z0-9][\w.-]{1,38})/([\w.-]{1,100})", re.IGNORECASE)
_REPO_CONTEXT = re.compile(r"\b(?:code|source|software|implementation|repository|scripts?|notebooks?|package|toolkit)\b", re.IGNORECASE)
_CITED_NAME = re.compile(r"([A-Z][A-Za-zà-ÿ'’\-]+)(?:\s+(?:et\s+al\.?|and\s+[A-Z][A-Za-zà-ÿ'’\-]+|&\s+[A-Z][A-Za-zà-ÿ'’\-]+))?,?\s+((?:19|20)\d{2})")


def _by_label(doc: Document) -> dict[str, Reference]:
    return {r.label: r for r in doc.references if r.label}


def _numbers(text: str) -> list[str]:
    out: list[str] = []
    for part in re.findall(r"\d{1,4}\s*[–-]\s*\d{1,4}|\d{1,4}", text):
        if re.search(r"[–-]", part):
            a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
            out.extend(str(n) for n in range(a, min(b, a + 20) + 1))
        else:
            out.append(part)
    return out


def _cited_references(doc: Document, citation: str) -> list[Reference]:
    if citation.startswith("["):
        labelled = _by_label(doc)
        return [labelled[n] for n in _numbers(citation) if n in labelled]
    found: list[Reference] = []
    for family, year in _CITED_NAME.findall(citation):
        for ref in doc.references:
            if ref.year == int(year) and ref.authors and same_person(ref.authors[0], family) or (ref.year == int(year) and ref.authors and ref.authors[0].lower().startswith(family.lower())):
                found.append(ref)
                break
        else:
            found.append(Reference(raw=f"{family} {year}", authors=(family,), year=int(year), title=None, venue=None))
    return found


def _owner_matches(owner: str, declared: list[str]) -> bool:
    handle = re.sub(r"[^a-z]", "", owner.lower())
    for name in declared:
        parts = [re.sub(r"[^a-z]", "", p.lower()) for p in name.replace(",", " ").split()]
        parts = [p for p in parts if len(p) >= 2]
        if any(p in handle for p in parts if len(p) >= 3):
            return True
    return False


def check_authorship(doc: Document) -> Flag | None:
    declared = [a.name for a in doc.authors]
    if not declared:
        return None
    evidence: list[dict[str, Any]] = []
    pointed: Counter[str] = Counter()
    strong = False

    for statement in doc.statements:
        if statement.kind != "based_on" or not statement.items:
            continue
        foreign = [r for r in statement.items if r.authors and not any_declared(r.authors, declared)]
        if foreign and len(foreign) == len([r for r in statement.items if r.authors]):
            strong = True
            for ref in foreign:
                pointed.update(ref.authors)
                evidence.append(span(doc, ref.start, ref.start + len(ref.raw), kind="based_on", authors=list(ref.authors), note="a publication the document says it is based on; no declared author is on it"))

    for m in _SELF.finditer(doc.text):
        if not _SELF_INTENT.search(m.group(0)):
            continue
        cited = _cited_references(doc, m.group(1))
        foreign = [r for r in cited if r.authors and not any_declared(r.authors, declared)]
        if foreign:
            for ref in foreign:
                pointed.update(ref.authors[:3])
            evidence.append(span(doc, m.start(), m.end(), kind="self_citation", cited=[r.raw[:200] for r in foreign], authors=sorted({a for r in foreign for a in r.authors})))

    for m in _DISCLAIMER.finditer(doc.text):
        name = m.group(1)
        if not any(same_person(name, d) for d in declared):
            strong = True
            pointed[name] += 2
            evidence.append(span(doc, m.start(), m.end(), kind="disclaimer", authors=[name]))

    for m in _DONE_BY.finditer(doc.text):
        name = m.group(1) or m.group(2)
        if name and not any(same_person(name, d) for d in declared):
            pointed[name] += 1
            evidence.append(span(doc, m.start(), m.end(), kind="acknowledgement", authors=[name]))

    for m in _REPO.finditer(doc.text):
        context = doc.text[max(0, m.start() - 120) : m.start()]
        if _REPO_CONTEXT.search(context) and not _owner_matches(m.group(1), declared):
            pointed[m.group(1)] += 1
            evidence.append(span(doc, max(0, m.start() - 60), m.end(), kind="repository", owner=m.group(1)))

    if not evidence:
        return None
    severity = "high" if strong else ("medium" if len(evidence) >= 2 else "low")
    names = tuple(n for n, _ in pointed.most_common(5))
    summary = f"Declared author{'s' if len(declared) > 1 else ''} {', '.join(declared)}; the document's own statements credit {', '.join(names[:3]) or 'others'}"
    return Flag("authorship_mismatch", severity, summary, tuple(evidence[:50]), names=names)
