"""Pure formatting helpers for templates: dates, labels, identifiers and safe outbound links.

Harvested text never passes through here as markup: templates autoescape, and these helpers
return plain strings (or ``None`` for a link that must not be rendered as a link).
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote, urlsplit

from peerscope.serve.ids import public_id

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ID_LABELS = {
    "doi": "DOI",
    "openalex": "OpenAlex",
    "orcid": "ORCID",
    "arxiv": "arXiv",
    "pmid": "PubMed",
    "pmcid": "PubMed Central",
    "ror": "ROR",
    "mag": "MAG",
    "issn": "ISSN",
}

# Where each identifier scheme resolves; schemes missing here are shown as plain text.
ID_RESOLVERS = {
    "doi": "https://doi.org/{}",
    "openalex": "https://openalex.org/{}",
    "orcid": "https://orcid.org/{}",
    "arxiv": "https://arxiv.org/abs/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
    "ror": "https://ror.org/{}",
}

VERSION_LABELS = {
    "publishedVersion": "Published version",
    "acceptedVersion": "Accepted manuscript",
    "submittedVersion": "Submitted version (preprint)",
}


def author_url(number: int) -> str:
    return f"/authors/{public_id('author', number)}"


def work_url(number: int) -> str:
    return f"/works/{public_id('work', number)}"


def day_url(day: date) -> str:
    return f"/daily/{day.isoformat()}"


def shorten(text: str | None, limit: int = 320) -> str:
    """The first ``limit`` characters of ``text``, cut at a word boundary, with an ellipsis."""
    if not text:
        return ""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def is_long(text: str | None, limit: int = 320) -> bool:
    """Whether ``shorten`` would cut ``text`` (the page then offers the full text too)."""
    return text is not None and len(" ".join(text.split())) > limit


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL; ``None`` otherwise (``javascript:``, relative…).

    Harvested links are data: escaping alone would not stop a ``javascript:`` URL in an href.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def id_label(scheme: str) -> str:
    return ID_LABELS.get(scheme, scheme)


def id_url(scheme: str, value: str) -> str | None:
    template = ID_RESOLVERS.get(scheme)
    if template is None:
        return None
    return template.format(quote(value, safe="/:.-_()"))


def long_date(day: date | datetime | None) -> str:
    """``10 June 2025`` (locale-independent)."""
    if day is None:
        return "date unknown"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    """``Tuesday, 10 June 2025``."""
    return f"{WEEKDAYS[day.weekday()]}, {long_date(day)}"


def timestamp(moment: datetime | None) -> str:
    """Stored times are UTC (naive in the database)."""
    if moment is None:
        return "unknown"
    return f"{long_date(moment)}, {moment:%H:%M} UTC"


def type_label(work_type: str | None) -> str:
    if not work_type:
        return "Work"
    return work_type.replace("-", " ").capitalize()


def version_label(version: str | None) -> str:
    if not version:
        return "Version not stated"
    return VERSION_LABELS.get(version, version)


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``1 work``, ``4 works``."""
    word = singular if n == 1 else (many or singular + "s")
    return f"{n:,} {word}"


def year_span(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return "years unknown"
    if first is None or last is None or first == last:
        return str(first or last)
    return f"{first}–{last}"


def join_names(names: list[str] | tuple[str, ...]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


FILTERS = {
    "shorten": shorten,
    "is_long": is_long,
    "safe_url": safe_url,
    "id_label": id_label,
    "id_url": id_url,
    "long_date": long_date,
    "weekday_date": weekday_date,
    "timestamp": timestamp,
    "type_label": type_label,
    "version_label": version_label,
    "year_span": year_span,
}

GLOBALS = {
    "author_url": author_url,
    "work_url": work_url,
    "day_url": day_url,
    "public_id": public_id,
    "plural": plural,
}
