"""``affiliation_email_mismatch``: an author's address does not belong to the institution they
are listed at, or a free-mail address stands in for a listed institution.

Rule (docs/documents.md): for each declared author with both an address and an affiliation,
the address domain (without its top-level and generic labels such as "mail" or "cs") must share
a token with an affiliation: a label equal to or contained in a folded affiliation word, or the
initials of its capitalised words ("uva" for Universiteit van Amsterdam). A free-mail domain
(data/freemail_domains.txt) is low severity; any other disagreement is medium.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from peerscope.derive.integrity.common import span
from peerscope.documents.records import DeclaredAuthor, Document, Flag
from peerscope.normalize.names import ascii_fold

_GENERIC_LABELS = frozenset({"mail", "email", "post", "student", "students", "staff", "cs", "ee", "dept", "my", "alumni", "ac", "edu", "co", "com", "org", "net", "gov", "www"})
_STOP = frozenset({"of", "the", "and", "for", "de", "der", "van", "di", "la", "le", "du", "des", "in", "at"})


@lru_cache(maxsize=1)
def freemail_domains() -> frozenset[str]:
    text = resources.files("peerscope.derive.integrity").joinpath("data/freemail_domains.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_freemail(domain: str) -> bool:
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in freemail_domains())


def _labels(domain: str) -> list[str]:
    labels = domain.lower().split(".")[:-1]  # the top-level label says nothing
    return [lab for lab in labels if lab not in _GENERIC_LABELS and len(lab) >= 2]


def domain_fits(domain: str, affiliation: str) -> bool:
    folded = ascii_fold(affiliation).lower()
    words = [w for w in re.findall(r"[a-z0-9]+", folded)]
    squashed = "".join(words)
    capitals = [w for w in re.findall(r"[A-Za-z][\w-]*", ascii_fold(affiliation)) if w.lower() not in _STOP]
    acronym = "".join(w[0] for w in capitals).lower()
    acronym_all = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", ascii_fold(affiliation))).lower()
    for label in _labels(domain):
        parts = [p for p in re.split(r"-", label) if p]
        for part in parts:
            for lead in ("univ", "uni", "u"):  # "unibo" (Bologna), "unilag" (Lagos), "ucl"
                rest = part[len(lead) :]
                if part.startswith(lead) and len(rest) >= 2 and any(w.startswith(rest) for w in words if w not in _STOP and len(w) >= 3):
                    return True
            if part in words or (len(part) >= 4 and part in squashed) or (len(part) >= 2 and (part in acronym or part in acronym_all)):
                return True
            if len(part) >= 4 and any(w.startswith(part) or part.startswith(w) and len(w) >= 4 for w in words):
                return True
        if re.search(r"\b" + re.escape(label.replace("-", "")) + r"\b", " ".join(words)):
            return True
    return False


def _evidence(doc: Document, author: DeclaredAuthor, email: str, note: str) -> dict[str, Any]:
    local, domain = email.split("@", 1)
    at, length = doc.text.lower().find(email), len(email)
    if at == -1:  # printed in a group, "{a,b}@example.org": quote the domain
        at, length = doc.text.lower().find("@" + domain), len(domain) + 1
    item = span(doc, at, at + length, kind="email", email=email) if at >= 0 else {"kind": "email", "email": email}
    return {**item, "author": author.name, "affiliations": list(author.affiliations), "note": note}


def check_emails(doc: Document) -> Flag | None:
    evidence: list[dict[str, Any]] = []
    severity = "low"
    for author in doc.authors:
        if not author.affiliations:
            continue
        for email in author.emails:
            domain = email.rsplit("@", 1)[-1]
            if is_freemail(domain):
                evidence.append(_evidence(doc, author, email, "a free-mail address where an institution is listed"))
            elif not any(domain_fits(domain, aff) for aff in author.affiliations):
                severity = "medium"
                evidence.append(_evidence(doc, author, email, f"the domain {domain} does not belong to the listed institution"))
    if not evidence:
        return None
    who = sorted({e["author"] for e in evidence})
    return Flag("affiliation_email_mismatch", severity, f"E-mail addresses of {', '.join(who)} do not match the institutions they are listed at", tuple(evidence), names=tuple(who))
