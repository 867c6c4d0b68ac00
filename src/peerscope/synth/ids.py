"""Identifier formats with their real check digits: ORCID iD, ROR id, ISSN."""

from __future__ import annotations

from peerscope.normalize.ids import orcid_checksum

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


# one implementation of the ORCID check character serves parsing and generating
orcid_check_digit = orcid_checksum


def orcid_from_int(n: int) -> str:
    """Format a 15-digit number as a hyphenated ORCID iD with its check character."""
    base = f"{n:015d}"
    digits = base + orcid_check_digit(base)
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:16]}"


def orcid_is_valid(orcid: str) -> bool:
    digits = orcid.rsplit("/", 1)[-1].replace("-", "")
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    return orcid_check_digit(digits[:15]) == digits[15].upper()


def ror_from_int(n: int) -> str:
    """A ROR id: '0', six Crockford base-32 characters, and a two-digit ISO 7064 MOD 97-10 checksum."""
    n %= 32**6
    chars = []
    for _ in range(6):
        n, r = divmod(n, 32)
        chars.append(_CROCKFORD[r])
    body = "0" + "".join(reversed(chars))
    return body + ror_checksum(body)


def ror_checksum(body: str) -> str:
    value = 0
    for ch in body:
        value = value * 32 + _CROCKFORD.index(ch)
    return f"{98 - (value * 100) % 97:02d}"


def issn_from_int(n: int) -> str:
    """An ISSN with its mod-11 check character, from a 7-digit number."""
    digits = f"{n % 10**7:07d}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"
