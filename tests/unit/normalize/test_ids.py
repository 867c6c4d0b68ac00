from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.normalize.ids import (
    normalize_arxiv,
    normalize_doi,
    normalize_issn,
    normalize_openalex,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    normalize_ror,
    orcid_checksum,
    parse_any_id,
)
from peerscope.normalize.records import ExternalId

digits15 = st.text(alphabet="0123456789", min_size=15, max_size=15)
doi_suffix = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters=".,;"), min_size=1, max_size=30)


@pytest.mark.parametrize(
    "raw",
    ["10.7717/peerj.4375", "https://doi.org/10.7717/PEERJ.4375", "http://dx.doi.org/10.7717/peerj.4375", "doi:10.7717/peerj.4375", " DOI: 10.7717/peerj.4375. "],
)
def test_doi_forms_normalise_to_one(raw: str) -> None:
    assert normalize_doi(raw) == "10.7717/peerj.4375"


@pytest.mark.parametrize("raw", [None, "", "peerj.4375", "11.1234/x", "10.12/short-registrant", "https://example.org/10.1/x"])
def test_not_a_doi(raw: object) -> None:
    assert normalize_doi(raw) is None


@given(prefix=st.integers(1000, 999999999), suffix=doi_suffix)
def test_doi_idempotent_and_case_insensitive(prefix: int, suffix: str) -> None:
    doi = f"10.{prefix}/{suffix}"
    once = normalize_doi(doi)
    assert once is not None
    assert normalize_doi(once) == once
    assert normalize_doi("https://doi.org/" + doi.upper()) == once


@given(digits15)
def test_orcid_checksum_round_trip(base: str) -> None:
    full = base + orcid_checksum(base)
    formatted = f"{full[:4]}-{full[4:8]}-{full[8:12]}-{full[12:]}"
    assert normalize_orcid(full) == formatted
    assert normalize_orcid("https://orcid.org/" + formatted) == formatted
    wrong = "0" if full[-1] != "0" else "1"
    assert normalize_orcid(full[:-1] + wrong) is None


def test_orcid_known_values() -> None:
    assert normalize_orcid("0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert normalize_orcid("https://orcid.org/0000-0001-5109-3700") == "0000-0001-5109-3700"
    assert normalize_orcid("0000-0002-1694-233X") == "0000-0002-1694-233X"
    assert normalize_orcid("0000-0002-1825-0098") is None
    assert normalize_orcid("not an orcid") is None


def test_openalex_ids() -> None:
    assert normalize_openalex("https://openalex.org/W2741809807") == "W2741809807"
    assert normalize_openalex("https://openalex.org/works/w2741809807") == "W2741809807"
    assert normalize_openalex("A5023888391", kind="A") == "A5023888391"
    assert normalize_openalex("A5023888391", kind="W") is None
    assert normalize_openalex("X123") is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("arXiv:2101.00001v2", "2101.00001"),
        ("https://arxiv.org/abs/2101.00001", "2101.00001"),
        ("https://arxiv.org/pdf/2101.00001v3.pdf", "2101.00001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136v1", "math.gt/0309136"),
        ("10.48550/arXiv.2506.01234", "2506.01234"),
        ("https://doi.org/10.48550/arxiv.2506.01234", "2506.01234"),
        ("10.1234/not-arxiv", None),
        ("12345", None),
    ],
)
def test_arxiv(raw: str, expected: str | None) -> None:
    assert normalize_arxiv(raw) == expected


def test_pubmed_ror_issn() -> None:
    assert normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/29456894") == "29456894"
    assert normalize_pmid("0") is None
    assert normalize_pmcid("https://www.ncbi.nlm.nih.gov/pmc/articles/5815332") == "PMC5815332"
    assert normalize_pmcid("PMC5815332") == "PMC5815332"
    assert normalize_ror("https://ror.org/05ppvf150") == "05ppvf150"
    assert normalize_ror("https://ror.org/ILLEGAL") is None
    assert normalize_issn("2167-8359") == "2167-8359"
    assert normalize_issn("2167-8358") is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://doi.org/10.7717/peerj.4375", ExternalId("doi", "10.7717/peerj.4375")),
        ("doi:10.7717/peerj.4375", ExternalId("doi", "10.7717/peerj.4375")),
        ("W2741809807", ExternalId("openalex", "W2741809807")),
        ("https://openalex.org/A5023888391", ExternalId("openalex", "A5023888391")),
        ("orcid:0000-0002-1825-0097", ExternalId("orcid", "0000-0002-1825-0097")),
        ("0000-0002-1825-0097", ExternalId("orcid", "0000-0002-1825-0097")),
        ("arXiv:2101.00001", ExternalId("arxiv", "2101.00001")),
        ("10.48550/arXiv.2506.01234", ExternalId("arxiv", "2506.01234")),
        ("pmid:29456894", ExternalId("pmid", "29456894")),
        ("https://pubmed.ncbi.nlm.nih.gov/29456894", ExternalId("pmid", "29456894")),
        ("mag:2741809807", ExternalId("mag", "2741809807")),
        ("nonsense", None),
        ("", None),
        ("orcid:0000-0002-1825-0098", None),
    ],
)
def test_parse_any_id(raw: str, expected: ExternalId | None) -> None:
    assert parse_any_id(raw) == expected


@given(st.text(max_size=80))
def test_parsers_never_raise(text: str) -> None:
    for fn in (normalize_doi, normalize_orcid, normalize_openalex, normalize_arxiv, normalize_pmid, normalize_pmcid, normalize_ror, normalize_issn, parse_any_id):
        fn(text)
