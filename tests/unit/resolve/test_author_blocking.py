"""Names in any order, and block keys: examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.resolve.authors.blocking import PersonName, candidate_keys, canonical_name, name_key, parse_name


@pytest.mark.parametrize(
    "text,family,given,initials",
    [
        ("Lee, J.", "lee", "j", "j"),
        ("J Lee", "lee", "j", "j"),
        ("Lee J", "lee", "j", "j"),  # the PubMed order
        ("Lee JM", "lee", "j m", "jm"),
        ("J. M. Lee", "lee", "j m", "jm"),
        ("LEE J", "lee", "j", "j"),
        ("Hans P. Müller", "muller", "hans p", "hp"),
        ("Anna van der Berg", "van der berg", "anna", "a"),
        ("García-López, J.-P.", "garcia lopez", "j p", "jp"),
        ("O'Brien P", "obrien", "p", "p"),
        ("Smith Jr., John", "smith", "john", "j"),
        ("John Smith III", "smith", "john", "j"),
        ("Iv Petrov", "petrov", "iv", "i"),
        ("Zhang", "zhang", "", ""),
        ("", "", "", ""),
    ],
)
def test_parse_name(text: str, family: str, given: str, initials: str) -> None:
    assert parse_name(text) == PersonName(family, given, initials)


def test_keys_fold_compound_and_hyphenated_surnames() -> None:
    assert name_key(parse_name("García-López, José")) == name_key(parse_name("Garcia Lopez, J.")) == "garcialopez_j"
    # without a comma an unhyphenated compound surname reads as a given name; the compound
    # spelling can still be looked up in that block
    assert name_key(parse_name("José García López")) == "lopez_j"
    assert "lopez_j" in candidate_keys(parse_name("García-López, José"))
    assert candidate_keys(parse_name("Lee, J")) == ("lee_j",)
    assert name_key(parse_name("Zhang")) == "zhang"


# "Jr", "Sr" and "Phd" are read as suffixes, whatever their place
families = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).map(str.capitalize).filter(lambda w: w.lower() not in {"jr", "sr", "phd"})
accented = st.text(alphabet="aeiounczsAEIOUáéíóúñçžšøåäöüÅÄÖÜ", min_size=2, max_size=10)


@given(st.text(max_size=40))
def test_canonical_name_is_idempotent(text: str) -> None:
    once = canonical_name(text)
    assert canonical_name(once) == once


@given(families, families)
def test_key_ignores_name_order(family: str, given_name: str) -> None:
    key = name_key(parse_name(f"{family}, {given_name}"))
    assert key == f"{family.lower()}_{given_name[0].lower()}"
    assert name_key(parse_name(f"{given_name} {family}")) == key
    assert name_key(parse_name(f"{family} {given_name[0]}")) == key
    assert name_key(parse_name(f"{given_name[0]}. {family}")) == key


@given(accented, families)
def test_key_ignores_diacritics(family: str, given_name: str) -> None:
    from unidecode import unidecode

    assert name_key(parse_name(f"{family}, {given_name}")) == name_key(parse_name(f"{unidecode(family)}, {given_name}"))
    assert name_key(parse_name(f"{family}, {given_name}")).isascii()
