"""Pairwise evidence that two mentions name the same person.

``cross_features(left, right)`` gives, for every pair, a vector of ``FEATURES``; a whole block is
``cross_features(mentions, mentions)``. Set overlaps are computed as products of 0/1 matrices
over the block's own vocabulary, so a block of a few hundred mentions costs a few matrix products
rather than tens of thousands of Python comparisons. Bump ``FEATURIZER_VERSION`` whenever a
feature's meaning changes: fitted weights and stored explanations refer to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from peerscope.resolve.authors.mentions import AuthorMention

FEATURIZER_VERSION = 1

FEATURES: tuple[str, ...] = (
    "first_name_match",  # both spell out the same first name
    "first_name_variant",  # different spellings known to be one name (Bob / Robert), or a prefix (Alex / Alexander)
    "first_name_conflict",  # both spell out first names that are not variants
    "first_initial_conflict",  # first initials differ (only across compound-surname keys)
    "middle_match",  # both have a second initial, the same
    "middle_conflict",  # both have a second initial, different
    "middle_one_missing",  # only one has a second initial
    "coauthors_shared",  # log(1 + co-authors in common)
    "coauthors_jaccard",
    "affiliation_jaccard",  # of content words, generic words (department, university) left out
    "affiliation_missing",  # one or both have no affiliation
    "email_match",
    "email_conflict",  # both give an email address, none in common
    "keywords_shared",  # log(1 + MeSH descriptors / keywords in common)
    "keywords_jaccard",
    "title_jaccard",
    "abstract_jaccard",
    "venue_same",
    "year_gap",  # |year difference| / 10, at most 3
    "year_missing",
    "language_same_non_english",
)
INDEX = {name: i for i, name in enumerate(FEATURES)}

# A few common given-name variants; longer lists can be passed in (GivenNameVariants.from_pairs).
_COMMON_VARIANTS = (
    ("robert", "bob"), ("robert", "rob"), ("robert", "bobby"), ("william", "bill"), ("william", "will"),
    ("william", "billy"), ("richard", "dick"), ("richard", "rick"), ("james", "jim"), ("james", "jimmy"),
    ("john", "jack"), ("john", "johnny"), ("margaret", "peggy"), ("margaret", "maggie"), ("elizabeth", "liz"),
    ("elizabeth", "beth"), ("elizabeth", "betty"), ("katherine", "kate"), ("katherine", "kathy"),
    ("catherine", "kate"), ("thomas", "tom"), ("michael", "mike"), ("joseph", "joe"), ("charles", "chuck"),
    ("edward", "ted"), ("edward", "ed"), ("anthony", "tony"), ("susan", "sue"), ("patricia", "pat"),
    ("jennifer", "jen"), ("daniel", "dan"), ("david", "dave"), ("steven", "steve"), ("stephen", "steve"),
    ("christopher", "chris"), ("nicholas", "nick"), ("benjamin", "ben"), ("samuel", "sam"),
    ("jose", "pepe"), ("francisco", "paco"), ("alexander", "sasha"), ("aleksandr", "alexander"),
)


@dataclass(frozen=True, slots=True)
class GivenNameVariants:
    """Pairs of given names known to be spellings of one name (folded, either order)."""

    pairs: frozenset[tuple[str, str]]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], *, with_common: bool = True) -> GivenNameVariants:
        found = set(_COMMON_VARIANTS) if with_common else set()
        found.update((a, b) for a, b in pairs if a and b and a != b)
        return cls(frozenset(p for a, b in found for p in ((a, b), (b, a))))

    def __contains__(self, pair: object) -> bool:
        return pair in self.pairs


COMMON_VARIANTS = GivenNameVariants.from_pairs(())


def _first_names_relation(a: str, b: str, variants: GivenNameVariants) -> str | None:
    """'match', 'variant', 'conflict', or None when one name is not spelt out."""
    if len(a) < 2 or len(b) < 2:
        return None
    if a == b:
        return "match"
    short, long = sorted((a, b), key=len)
    if (a, b) in variants or (len(short) >= 3 and long.startswith(short)):
        return "variant"
    return "conflict"


def _name_features(left: Sequence[AuthorMention], right: Sequence[AuthorMention], variants: GivenNameVariants, out: np.ndarray) -> None:
    """Name columns; computed once per pair of distinct spellings (a block has few)."""
    spellings: dict[tuple[str, str], int] = {}
    left_ids = np.array([spellings.setdefault((m.given, m.initials), len(spellings)) for m in left])
    right_ids = np.array([spellings.setdefault((m.given, m.initials), len(spellings)) for m in right])
    names = list(spellings)
    table = np.zeros((len(names), len(names), 7), dtype=np.float32)
    for i, (given_a, initials_a) in enumerate(names):
        first_a = given_a.split(" ", 1)[0]
        for j, (given_b, initials_b) in enumerate(names):
            row = table[i, j]
            relation = _first_names_relation(first_a, given_b.split(" ", 1)[0], variants)
            if relation is not None:
                row[("match", "variant", "conflict").index(relation)] = 1.0
            if initials_a[:1] and initials_b[:1] and initials_a[0] != initials_b[0]:
                row[3] = 1.0
            if len(initials_a) > 1 and len(initials_b) > 1:
                row[4 if initials_a[1] == initials_b[1] else 5] = 1.0
            elif (len(initials_a) > 1) != (len(initials_b) > 1):
                row[6] = 1.0
    out[:, :, 0:7] = table[left_ids[:, None], right_ids[None, :]]


def _indicator(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """One row per set, a 1 in the column of each of its items (sparse: vocabularies are large)."""
    columns = [vocabulary[x] for items in sets for x in items]
    starts = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(items) for items in sets], out=starts[1:])
    data = np.ones(len(columns), dtype=np.float32)
    return sparse.csr_matrix((data, np.asarray(columns, dtype=np.int64), starts), shape=(len(sets), max(len(vocabulary), 1)))


def _overlap(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]], same: bool) -> tuple[np.ndarray, np.ndarray]:
    """(items in common, Jaccard) for every pair of sets."""
    vocabulary: dict[str, int] = {}
    for items in (*left, *(() if same else right)):
        for x in items:
            vocabulary.setdefault(x, len(vocabulary))
    left_matrix = _indicator(left, vocabulary)
    right_matrix = left_matrix if same else _indicator(right, vocabulary)
    shared = np.asarray((left_matrix @ right_matrix.T).todense(), dtype=np.float32)
    sizes_left = np.array([len(items) for items in left], dtype=np.float32)
    sizes_right = sizes_left if same else np.array([len(items) for items in right], dtype=np.float32)
    union = sizes_left[:, None] + sizes_right[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    return shared, jaccard


def cross_features(
    left: Sequence[AuthorMention], right: Sequence[AuthorMention], variants: GivenNameVariants = COMMON_VARIANTS
) -> np.ndarray:
    """Evidence for every (left, right) pair: an array of shape (len(left), len(right), len(FEATURES))."""
    same = left is right
    out = np.zeros((len(left), len(right), len(FEATURES)), dtype=np.float32)
    if not left or not right:
        return out
    _name_features(left, right, variants, out)

    shared, jaccard = _overlap([m.coauthors for m in left], [m.coauthors for m in right], same)
    out[:, :, INDEX["coauthors_shared"]] = np.log1p(shared)
    out[:, :, INDEX["coauthors_jaccard"]] = jaccard

    _, jaccard = _overlap([m.affiliation_words for m in left], [m.affiliation_words for m in right], same)
    out[:, :, INDEX["affiliation_jaccard"]] = jaccard
    has_left = np.array([bool(m.affiliation_words) for m in left])
    has_right = np.array([bool(m.affiliation_words) for m in right])
    out[:, :, INDEX["affiliation_missing"]] = ~(has_left[:, None] & has_right[None, :])

    shared, _ = _overlap([m.emails for m in left], [m.emails for m in right], same)
    has_left = np.array([bool(m.emails) for m in left])
    has_right = np.array([bool(m.emails) for m in right])
    both = has_left[:, None] & has_right[None, :]
    out[:, :, INDEX["email_match"]] = shared > 0
    out[:, :, INDEX["email_conflict"]] = both & (shared == 0)

    shared, jaccard = _overlap([m.keywords for m in left], [m.keywords for m in right], same)
    out[:, :, INDEX["keywords_shared"]] = np.log1p(shared)
    out[:, :, INDEX["keywords_jaccard"]] = jaccard
    out[:, :, INDEX["title_jaccard"]] = _overlap([m.title_words for m in left], [m.title_words for m in right], same)[1]
    out[:, :, INDEX["abstract_jaccard"]] = _overlap([m.abstract_words for m in left], [m.abstract_words for m in right], same)[1]

    venues_left = np.array([m.venue for m in left], dtype=object)
    venues_right = np.array([m.venue for m in right], dtype=object)
    out[:, :, INDEX["venue_same"]] = (venues_left[:, None] == venues_right[None, :]) & (venues_left[:, None] != "")

    years_left = np.array([m.year if m.year is not None else np.nan for m in left], dtype=np.float32)
    years_right = np.array([m.year if m.year is not None else np.nan for m in right], dtype=np.float32)
    gap = np.abs(years_left[:, None] - years_right[None, :])
    missing = np.isnan(gap)
    out[:, :, INDEX["year_gap"]] = np.where(missing, 0.0, np.minimum(gap / 10.0, 3.0))
    out[:, :, INDEX["year_missing"]] = missing

    languages_left = np.array([m.language for m in left], dtype=object)
    languages_right = np.array([m.language for m in right], dtype=object)
    foreign = (languages_left[:, None] == languages_right[None, :]) & ~np.isin(languages_left, ("", "en", "eng"))[:, None]
    out[:, :, INDEX["language_same_non_english"]] = foreign
    return out


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """The evidence between two mentions, by feature name, keeping only what is not zero."""

    values: tuple[tuple[str, float], ...]

    @classmethod
    def from_row(cls, row: np.ndarray) -> PairEvidence:
        return cls(tuple((name, round(float(v), 4)) for name, v in zip(FEATURES, row, strict=True) if v != 0))

    def as_dict(self) -> dict[str, float]:
        return dict(self.values)
