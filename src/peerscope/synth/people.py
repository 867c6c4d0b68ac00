"""The person table: careers while teams are assigned, and names afterwards.

Names do not influence who writes what, so they are drawn at the end, all at once, and kept as
small integer arrays (indices into the name pools of ``names.CULTURES``).
"""

from __future__ import annotations

from array import array
from bisect import bisect

import numpy as np

from . import names
from .ids import orcid_check_digit

# person roles
PI, STUDENT, POSTDOC, STAFF, EXTERNAL, BURSTER = range(6)
NAMESAKE_RATE = 0.012  # share of persons who get exactly the name of an earlier, different person
SKEW = 1.25  # > 1: the first names of each pool are drawn more often


class PersonTable:
    """Persons as they are created while author teams are assigned (compact arrays)."""

    def __init__(self, n_fields: int, inst_weights: list[float], rnd):
        self.rnd = rnd
        self.country = array("h")
        self.role = array("b")
        self.end = array("i")
        self.weight = array("d")
        self.inst = array("i")
        self.alumni: list[list[int]] = [[] for _ in range(n_fields)]  # former students and postdocs
        self.externals: list[list[int]] = [[] for _ in range(n_fields)]  # people from outside any group
        self.inst_cum = np.cumsum(inst_weights).tolist()

    def __len__(self) -> int:
        return len(self.role)

    def new(self, country: int, role: int, end: int, weight: float, inst: int = -1) -> int:
        self.country.append(country)
        self.role.append(role)
        self.end.append(end)
        self.weight.append(weight)
        self.inst.append(inst)
        return len(self.role) - 1

    def random_inst(self) -> int:
        cum = self.inst_cum
        return min(bisect(cum, self.rnd() * cum[-1]), len(cum) - 1)


class NameTable:
    """Names of all persons as indices into the pools; ``name(p)`` gives the name tuple."""

    def __init__(self, culture, given, middle, family, family2, hyphen):
        self.culture = culture
        self.given = given
        self.middle = middle
        self.family = family
        self.family2 = family2
        self.hyphen = hyphen
        self._codes = names.CULTURE_CODES
        self._info = [names.CULTURES[c] for c in names.CULTURE_CODES]
        self._c = array("b", culture.astype(np.int8).tobytes())
        self._g = array("h", given.astype(np.int16).tobytes())
        self._m = array("h", middle.astype(np.int16).tobytes())
        self._f = array("h", family.astype(np.int16).tobytes())
        self._f2 = array("h", family2.astype(np.int16).tobytes())
        self._h = array("b", hyphen.astype(np.int8).tobytes())

    def __len__(self) -> int:
        return len(self.culture)

    def name(self, p: int) -> tuple[str, str, str, str]:
        c = self._c[p]
        info = self._info[c]
        family = info["family"][self._f[p]]
        f2 = self._f2[p]
        if f2 >= 0:
            family = f"{family}{'-' if self._h[p] else ' '}{info['family'][f2]}"
        m = self._m[p]
        return (self._codes[c], info["given"][self._g[p]], info["middle"][m] if m >= 0 else "", family)

    def key(self) -> np.ndarray:
        """One integer per person; equal keys mean exactly the same name."""
        k = self.culture.astype(np.int64)
        for a, width in ((self.given, 1 << 8), (self.middle + 1, 1 << 6), (self.family, 1 << 8),
                         (self.family2 + 1, 1 << 8), (self.hyphen, 2)):
            k = k * width + a.astype(np.int64)
        return k


def assign_names(nrng: np.random.Generator, country: np.ndarray) -> NameTable:
    """Draw a name for every person from the naming cultures of their country."""
    n = len(country)
    culture = np.zeros(n, np.int64)
    for ci, c in enumerate(names.COUNTRIES):
        sel = np.nonzero(country == ci)[0]
        if len(sel):
            codes = np.array([names.CULTURE_CODES.index(k) for k in c["mix"]])
            w = np.array(list(c["mix"].values()), np.float64)
            culture[sel] = codes[nrng.choice(len(codes), len(sel), p=w / w.sum())]
    given = np.zeros(n, np.int64)
    family = np.zeros(n, np.int64)
    middle = np.full(n, -1, np.int64)
    family2 = np.full(n, -1, np.int64)
    hyphen = np.zeros(n, np.int64)
    for k, code in enumerate(names.CULTURE_CODES):
        sel = np.nonzero(culture == k)[0]
        m = len(sel)
        if not m:
            continue
        info = names.CULTURES[code]
        # the first names of each pool are the common ones
        given[sel] = (len(info["given"]) * nrng.random(m) ** SKEW).astype(np.int64)
        family[sel] = (len(info["family"]) * nrng.random(m) ** SKEW).astype(np.int64)
        compound = info.get("compound", 0.0)
        if compound:
            second = (len(info["family"]) * nrng.random(m) ** SKEW).astype(np.int64)
            has = (nrng.random(m) < compound) & (second != family[sel])
            family2[sel[has]] = second[has]
            hyphen[sel[has]] = nrng.random(int(has.sum())) < 0.2
        if info["middle"]:
            has = nrng.random(m) < info["middle_rate"]
            middle[sel[has]] = nrng.integers(0, len(info["middle"]), int(has.sum()))
    # namesakes: distinct persons with exactly the same name
    copies = np.nonzero(nrng.random(n) < NAMESAKE_RATE)[0]
    copies = copies[copies > 0]
    sources = (nrng.random(len(copies)) * copies).astype(np.int64)
    arrays = (culture, given, middle, family, family2, hyphen)
    for i, s in zip(copies.tolist(), sources.tolist()):  # in order, so copies of copies resolve
        for a in arrays:
            a[i] = a[s]
    return NameTable(*arrays)


def assign_orcids(nrng: np.random.Generator, n: int, share: float = 0.35) -> list[str | None]:
    """Distinct ORCID iDs (with valid check characters) for about ``share`` of ``n`` persons."""
    has = np.nonzero(nrng.random(n) < share)[0]
    k = len(has)
    # the two ranges ORCID issues from: 0000-0001-5000-0007.. and 0009-0000-0000-0000..
    old = nrng.integers(15_000_000, 35_000_000, k)
    new = 900_000_000_000_000 + nrng.integers(0, 10**9, k)
    base = np.where(nrng.random(k) < 0.7, old, new)
    _, first = np.unique(base, return_index=True)
    keep = np.zeros(k, bool)
    keep[first] = True  # a repeated number keeps its first holder only
    out: list[str | None] = [None] * n
    for p, b in zip(has[keep].tolist(), base[keep].tolist()):
        digits = f"{b:015d}"
        digits += orcid_check_digit(digits)
        out[p] = f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:16]}"
    return out
