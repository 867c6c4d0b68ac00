"""Normalisation of scholarly identifiers.

Each ``normalize_*`` function takes what a source wrote (a bare id, a resolver URL, a prefixed
form such as ``doi:`` or ``arXiv:``) and returns the canonical form, or ``None`` when the text is
not a valid identifier of that kind. ``parse_any_id`` recognises the scheme of an id typed by a
user or an API client.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from peerscope.normalize.records import ExternalId

_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/|urn:doi:)", re.IGNORECASE
)
_DOI_BODY = re.compile(r"^10\.\d{4,9}/\S+$")
_OPENALEX = re.compile(
    r"^(?:https?://(?:api\.)?openalex\.org/(?:(?:works|authors|institutions|sources|topics|"
    r"funders|publishers|concepts)/)?)?([WAISTFPC])(\d{1,12})$",
    re.IGNORECASE,
)
_ORCID = re.compile(r"^(?:https?://(?:www\.|sandbox\.)?orcid\.org/|orcid:\s*)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.I)
_PMID = re.compile(r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/|pmid:\s*)?(\d{1,9})/?$", re.I)
_PMCID = re.compile(r"^(?:https?://(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/|pmcid:\s*)?(?:PMC)?(\d{1,9})/?$", re.I)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.I)
_ARXIV_PREFIX = re.compile(r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_OPENALEX_URL = "https://openalex.org/"
_ROR = re.compile(r"^(?:https?://ror\.org/|ror:\s*)?(0[a-hj-km-np-tv-z0-9]{6}\d{2})$", re.I)
_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dX])$", re.I)


def _clean(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str and value.isascii():  # the common case: nothing to fold
        return value.strip()
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_doi(value: object) -> str | None:
    """``https://doi.org/10.7717/PEERJ.4375`` -> ``10.7717/peerj.4375`` (DOIs are case-insensitive)."""
    text = _DOI_PREFIXES.sub("", _clean(value)).strip()
    text = text.rstrip(".,;")
    if not _DOI_BODY.match(text):
        return None
    return text.lower()


def normalize_openalex(value: object, kind: str | None = None) -> str | None:
    """``https://openalex.org/W2741809807`` -> ``W2741809807``; ``kind`` restricts the letter."""
    if type(value) is str and value.startswith(_OPENALEX_URL):
        rest = value[len(_OPENALEX_URL) :]
        # fast path for the canonical URL form that fills snapshots
        if 1 < len(rest) <= 13 and rest[0] in "WAISTFPC" and rest[1:].isdigit() and rest[1] != "0":
            return rest if kind is None or rest[0] == kind.upper() else None
    m = _OPENALEX.match(_clean(value))
    if not m:
        return None
    letter = m.group(1).upper()
    if kind is not None and letter != kind.upper():
        return None
    return f"{letter}{int(m.group(2))}"


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


@lru_cache(maxsize=131_072)
def _orcid_cached(value: str) -> str | None:
    m = _ORCID.match(value)
    if not m:
        return None
    digits = "".join(m.groups()).upper()
    if orcid_checksum(digits[:15]) != digits[15]:
        return None
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:16]}"


def normalize_orcid(value: object) -> str | None:
    """Any ORCID form -> ``0000-0002-1825-0097``; None when malformed or the checksum fails."""
    # cached: the same iDs recur on every work of a person
    return _orcid_cached(_clean(value)) if value is not None else None


def normalize_pmid(value: object) -> str | None:
    m = _PMID.match(_clean(value))
    if not m or int(m.group(1)) == 0:
        return None
    return str(int(m.group(1)))


def normalize_pmcid(value: object) -> str | None:
    m = _PMCID.match(_clean(value))
    if not m or int(m.group(1)) == 0:
        return None
    return f"PMC{int(m.group(1))}"


def normalize_arxiv(value: object) -> str | None:
    """``arXiv:2101.00001v2`` / ``https://arxiv.org/abs/2101.00001`` -> ``2101.00001`` (version dropped)."""
    text = _ARXIV_PREFIX.sub("", _clean(value))
    doi = normalize_doi(text) if text.lower().startswith(("10.", "https://doi", "doi:")) else None
    if doi:
        m = _ARXIV_DOI.match(doi)
        if not m:
            return None
        text = m.group(1)
    text = text.removesuffix(".pdf")
    m = _ARXIV_NEW.match(text)
    if m:
        return m.group(1)
    m = _ARXIV_OLD.match(text)
    if m:
        return m.group(1).lower()
    return None


def normalize_ror(value: object) -> str | None:
    m = _ROR.match(_clean(value))
    return m.group(1).lower() if m else None


def normalize_issn(value: object) -> str | None:
    m = _ISSN.match(_clean(value))
    if not m:
        return None
    digits = (m.group(1) + m.group(2)).upper()
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    if ("X" if check == 10 else str(check)) != digits[7]:
        return None
    return f"{digits[:4]}-{digits[4:]}"


NORMALIZERS = {
    "doi": normalize_doi,
    "openalex": normalize_openalex,
    "orcid": normalize_orcid,
    "pmid": normalize_pmid,
    "pmcid": normalize_pmcid,
    "arxiv": normalize_arxiv,
    "ror": normalize_ror,
    "issn": normalize_issn,
}


def external_id(scheme: str, value: object) -> ExternalId | None:
    """An ExternalId in canonical form, or None when ``value`` is not a valid id of ``scheme``."""
    normalizer = NORMALIZERS.get(scheme)
    if normalizer is None:
        text = _clean(value)
        return ExternalId(scheme, text) if text else None
    norm = normalizer(value)
    return ExternalId(scheme, norm) if norm else None


def parse_any_id(text: str) -> ExternalId | None:
    """Recognise an identifier typed by a person or sent to the API.

    Accepts prefixed forms (``doi:``, ``orcid:``, ``pmid:``, ``arxiv:``, ``openalex:``, ``mag:``),
    resolver URLs, and bare forms that are unambiguous (DOIs, OpenAlex ids, ORCID iDs).
    """
    raw = _clean(text)
    if not raw:
        return None
    prefix, sep, rest = raw.partition(":")
    scheme = prefix.lower()
    if sep and scheme in {"doi", "orcid", "pmid", "pmcid", "arxiv", "openalex", "mag", "ror"} and not rest.startswith("//"):
        if scheme == "mag":
            return ExternalId("mag", rest.strip()) if rest.strip().isdigit() else None
        return external_id(scheme, rest.strip())
    for scheme, fn in (
        ("doi", normalize_doi),
        ("arxiv", normalize_arxiv),
        ("openalex", normalize_openalex),
        ("orcid", normalize_orcid),
        ("ror", normalize_ror),
    ):
        lowered = raw.lower()
        if scheme == "arxiv" and not ("arxiv" in lowered or _ARXIV_NEW.match(raw)):
            continue
        if scheme == "ror" and "ror.org" not in lowered:
            continue
        value = fn(raw)
        if value:
            if scheme == "doi" and _ARXIV_DOI.match(value):
                return ExternalId("arxiv", normalize_arxiv(value) or value)
            return ExternalId(scheme, value)
    if "pubmed" in raw.lower():
        value = normalize_pmid(raw)
        return ExternalId("pmid", value) if value else None
    if "ncbi.nlm.nih.gov/pmc" in raw.lower() or raw.upper().startswith("PMC"):
        value = normalize_pmcid(raw)
        return ExternalId("pmcid", value) if value else None
    return None
