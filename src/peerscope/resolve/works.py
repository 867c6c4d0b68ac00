"""Work matching beyond shared identifiers: a preprint and its journal version, a Crossref record
and a Semantic Scholar record without a DOI.

Pure (no I/O, no database), so the same code runs in the store's fold step and in batch workers.
The steps, each usable on its own:

1. ``match_record`` reduces a WorkRecord to what matching needs (``MatchRecord``);
2. ``identifier_matches``: records sharing a normalised identifier are one work;
3. ``candidate_pairs``: blocking on the rarest title tokens, so compared pairs grow about
   linearly with the number of records;
4. ``score_pair``: title similarity, year window, first author, author overlap and conflicting
   identifiers, combined into a ``WorkMatch`` that carries its evidence and the rule that decided;
5. ``group_matches``: union-find over accepted matches, refusing any union that would put two
   different identifiers of the same kind into one work (the guard against chaining).

``match_works`` runs all five.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from itertools import combinations
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from peerscope.normalize.names import ascii_fold, initials, split_name
from peerscope.normalize.records import ExternalId, WorkRecord

MATCHER_VERSION = "works-1"  # bump when a rule or weight changes: stored decisions are re-made

# Identifier schemes that name one work (a source's own record id is one too). Two different
# values of one of these on two records, of the same kind, say the records are different works.
CONFLICT_SCHEMES = ("doi", "arxiv", "pmid", "pmcid")
PREPRINT_TYPES = frozenset({"preprint", "posted-content"})
PREPRINT_DOI_PREFIXES = ("10.48550/", "10.1101/", "10.31219/", "10.21203/", "10.20944/", "10.2139/ssrn")

# Decision thresholds and weights; see docs/works-matching.md for how they were set.
MATCH_THRESHOLD = 0.85
TITLE_FLOOR = 0.80  # below this title similarity no amount of author agreement makes a match
TITLE_ONLY_THRESHOLD = 0.96  # records without authors on one side need a near-identical title
TITLE_ONLY_MIN_TOKENS = 5  # ... and a title long enough not to be generic ("Introduction")
SUBSET_MIN_TOKENS = 4  # a title extended by a subtitle counts only when it has this many tokens
SUBTITLE_SIMILARITY = 0.96
SAME_MAIN_TITLE_SIMILARITY = 0.85
NUMBER_PENALTY = 0.1
WEIGHT_TITLE, WEIGHT_AUTHORS, WEIGHT_FIRST_AUTHOR = 0.6, 0.3, 0.1
PREPRINT_LEAD_YEARS = 3  # a preprint may precede its published version by this many years
PREPRINT_LAG_YEARS = 1  # ... and follow it by at most this (an update posted after publication)
SAME_KIND_YEARS = 1  # two records of the same kind: a year apart at most (online vs print)

# Blocking
BLOCK_RARE_TOKENS = 4
BLOCK_AUTHOR_TOKENS = 3
MAX_BLOCK_SIZE = 16
STOPWORDS = frozenset(
    "a an and are as at by for from in into is of on or the to with via its their this that we our "
    "toward towards using based new study analysis approach method methods".split()
)

_LATEX_COMMAND_WITH_ARG = re.compile(r"\\[a-zA-Z]+\*?\s*\{([^{}]*)\}")
_LATEX_ACCENT = re.compile(r"\\[\"'`^~=.]\s*\{?([a-zA-Z])\}?")  # \"a, \'{e}
_LATEX_LETTER_ACCENT = re.compile(r"\\[uvHckbdtr](?:\{([a-zA-Z])\}|\s+([a-zA-Z]))")  # \v{c}, \c c; not \textit
_LATEX_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_RETRACTED = re.compile(r"^\s*(?:retracted|withdrawn)\s*[:\-]\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")
_NUMBERS = re.compile(r"\b(?:\d+|i{1,3}|iv|vi{0,3}|ix|x)\b")  # counts, and series parts "I", "II"
_SUBTITLE = re.compile(r"\s*(?::|\s-{1,2}\s|\s\u2013\s|\s\u2014\s|\?|!|\.\s|\s\()\s*")


def _strip_markup(text: str) -> str:
    """HTML entities and tags, LaTeX accents and commands with their braces, math dollars."""
    text = html.unescape(html.unescape(text))  # some sources escape twice ("&amp;amp;")
    text = _TAGS.sub(" ", text)
    text = _LATEX_ACCENT.sub(r"\1", text)
    text = _LATEX_LETTER_ACCENT.sub(lambda m: m.group(1) or m.group(2), text)
    for _ in range(3):  # nested commands: \textbf{\textit{x}}
        text = _LATEX_COMMAND_WITH_ARG.sub(r"\1", text)
    text = _LATEX_COMMAND.sub(r"\1", text)  # \Lambda -> Lambda, \gamma -> gamma
    return text.replace("$", " ").replace("{", "").replace("}", "")


def normalize_title(title: str | None) -> str:
    """A title as matching sees it: markup, "RETRACTED:" prefixes, case, diacritics, punctuation
    and spacing folded away; lower-case ASCII words separated by single spaces. Idempotent."""
    if not title:
        return ""
    text = _strip_markup(str(title))
    while _RETRACTED.match(text):
        text = _RETRACTED.sub("", text, count=1)
    return _NON_WORD.sub(" ", ascii_fold(text).casefold()).strip()


def main_title(title: str | None) -> str:
    """The normalised title before its first subtitle separator (":", " - ", "?")."""
    if not title:
        return ""
    text = _strip_markup(str(title))
    while _RETRACTED.match(text):
        text = _RETRACTED.sub("", text, count=1)
    head = _SUBTITLE.split(text, maxsplit=1)[0]
    return normalize_title(head)


def surname_key(name: str | None) -> tuple[str, str]:
    """(folded family name, initials) of a byline name: ``Østergaard, J.-P.`` -> (``ostergaard``, ``JP``)."""
    given, family = split_name(name)
    return re.sub(r"[^a-z]", "", ascii_fold(family).lower()), initials(given)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """What matching needs from a work record."""

    id: str  # the caller's id for the record (a stored work id, an OpenAlex id, a row number)
    title: str  # normalised (``normalize_title``)
    year: int | None
    first_author: str  # surname key of the first author, "" when unknown
    first_initials: str
    authors: frozenset[str]  # surname keys of all authors
    ids: tuple[ExternalId, ...] = ()  # normalised identifiers
    venue: str | None = None
    is_preprint: bool = False
    short_title: str = ""  # normalised main title, before the subtitle

    def ids_of(self, scheme: str) -> frozenset[str]:
        return frozenset(i.value for i in self.ids if i.scheme == scheme)


def match_record(work: WorkRecord, record_id: str, *, hide: Iterable[str] = ()) -> MatchRecord:
    """A WorkRecord as matching sees it. ``hide`` lists identifier schemes to leave out (to test
    the matcher on records whose shared identifiers are withheld)."""
    hidden = set(hide)
    names = [a.author.display_name or a.raw_author_name for a in sorted(work.authorships, key=lambda a: a.position)]
    keys = [surname_key(n) for n in names]
    first, first_initials = keys[0] if keys else ("", "")
    primary = work.primary_location
    venue = primary.source.display_name if primary is not None and primary.source is not None else None
    is_preprint = work.type in PREPRINT_TYPES or work.provenance.source == "arxiv"
    return MatchRecord(
        id=record_id,
        title=normalize_title(work.title),
        year=work.publication_year,
        first_author=first,
        first_initials=first_initials,
        authors=frozenset(k for k, _ in keys if k),
        ids=tuple(i for i in work.ids if i.scheme not in hidden),
        venue=normalize_title(venue) or None,
        is_preprint=is_preprint,
        short_title=main_title(work.title),
    )


# -- evidence and decisions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for (or against) a match: what was compared, its value in [0, 1], a note."""

    kind: str  # "identifier", "title", "year", "first_author", "authors", "conflict"
    value: float
    note: str


@dataclass(frozen=True, slots=True)
class WorkMatch:
    """The decision on a pair of records, with the evidence behind it."""

    left: str
    right: str
    score: float
    evidence: tuple[Evidence, ...]
    rule: str  # "identifier", "title_authors", "title_only"; refusals: "conflicting_ids", "year_window", "below_threshold"

    @property
    def matched(self) -> bool:
        return self.rule in MATCH_RULES


MATCH_RULES = frozenset({"identifier", "title_authors", "title_only"})


def _is_preprint_doi(doi: str, record: MatchRecord) -> bool:
    return record.is_preprint or doi.startswith(PREPRINT_DOI_PREFIXES)


def identifier_kinds(record: MatchRecord) -> dict[tuple[str, bool], frozenset[str]]:
    """The record's conflict-relevant identifiers keyed by (scheme, is a preprint's): a preprint's
    DOI and its journal version's DOI are different kinds and never conflict."""
    out: dict[tuple[str, bool], set[str]] = {}
    for ext in record.ids:
        if ext.scheme not in CONFLICT_SCHEMES:
            continue
        preprint = ext.scheme == "arxiv" or (ext.scheme == "doi" and _is_preprint_doi(ext.value, record))
        out.setdefault((ext.scheme, preprint), set()).add(ext.value)
    return {k: frozenset(v) for k, v in out.items()}


def conflicting_ids(a: MatchRecord, b: MatchRecord) -> tuple[str, ...]:
    """Schemes on which the two records carry different identifiers of the same kind and share none."""
    ka, kb = identifier_kinds(a), identifier_kinds(b)
    return tuple(sorted({key[0] for key in ka.keys() & kb.keys() if not ka[key] & kb[key]}))


def shared_ids(a: MatchRecord, b: MatchRecord) -> tuple[ExternalId, ...]:
    theirs = {(i.scheme, i.value) for i in b.ids}
    return tuple(i for i in a.ids if (i.scheme, i.value) in theirs)


def title_similarity(a: MatchRecord, b: MatchRecord) -> tuple[float, str]:
    """Similarity of two normalised titles in [0, 1] and how it was found.

    Word order and small edits: token sort ratio. One title the other plus a subtitle
    ("... : a preliminary study", "... (extended version)"): the shorter is the longer's main title. The same main title
    with different subtitles counts for less. Different numbers ("12 patients", "48 patients") or
    parts of a series ("... I: theory", "... II: experiment") lower the similarity."""
    if not a.title or not b.title:
        return 0.0, "no title"
    best, how = fuzz.token_sort_ratio(a.title, b.title) / 100, "token sort"
    short, long = sorted((a, b), key=lambda r: len(r.title))
    if short.title.count(" ") + 1 >= SUBSET_MIN_TOKENS and short.title == long.short_title and best < SUBTITLE_SIMILARITY:
        best, how = SUBTITLE_SIMILARITY, "one title adds a subtitle to the other"
    elif a.short_title and a.short_title == b.short_title and a.short_title.count(" ") + 1 >= SUBSET_MIN_TOKENS and best < SAME_MAIN_TITLE_SIMILARITY:
        best, how = SAME_MAIN_TITLE_SIMILARITY, "same main title, different subtitles"
    na, nb = _NUMBERS.findall(a.title), _NUMBERS.findall(b.title)
    if na and nb and sorted(na) != sorted(nb):
        best, how = best - NUMBER_PENALTY, how + ", different numbers"
    return max(best, 0.0), how


def year_compatible(a: MatchRecord, b: MatchRecord) -> bool | None:
    """None when a year is unknown. A preprint may precede its published version by up to
    ``PREPRINT_LEAD_YEARS`` and follow it by ``PREPRINT_LAG_YEARS``; same-kind records by one year."""
    if a.year is None or b.year is None:
        return None
    if a.is_preprint != b.is_preprint:
        pre, pub = (a, b) if a.is_preprint else (b, a)
        gap = pub.year - pre.year  # type: ignore[operator]
        return -PREPRINT_LAG_YEARS <= gap <= PREPRINT_LEAD_YEARS
    return abs(a.year - b.year) <= (PREPRINT_LEAD_YEARS if a.is_preprint else SAME_KIND_YEARS)


def first_author_agreement(a: MatchRecord, b: MatchRecord) -> float | None:
    """1 for the same surname with compatible initials, 0.5 for the surname alone, 0 for another."""
    if not a.first_author or not b.first_author:
        return None
    if a.first_author != b.first_author:
        return 0.0
    ia, ib = a.first_initials, b.first_initials
    if not ia or not ib or ia.startswith(ib) or ib.startswith(ia):
        return 1.0
    return 0.5


def author_overlap(a: MatchRecord, b: MatchRecord) -> float | None:
    """Shared surname keys, the mean of their share in the smaller and in the larger author set:
    a version may add or drop an author, but a one-author record inside a team of twelve is weak."""
    if not a.authors or not b.authors:
        return None
    shared = len(a.authors & b.authors)
    return (shared / min(len(a.authors), len(b.authors)) + shared / max(len(a.authors), len(b.authors))) / 2


def score_pair(a: MatchRecord, b: MatchRecord) -> WorkMatch:
    """Decide one pair. A shared identifier decides at once; conflicting identifiers and an
    impossible year gap refuse; otherwise the weighted evidence is compared with the threshold."""
    shared = shared_ids(a, b)
    if shared:
        ev = tuple(Evidence("identifier", 1.0, f"both carry {i.scheme} {i.value}") for i in shared)
        return WorkMatch(a.id, b.id, 1.0, ev, "identifier")
    conflicts = conflicting_ids(a, b)
    if conflicts:
        ev = tuple(Evidence("conflict", 0.0, f"different {s} on the two records") for s in conflicts)
        return WorkMatch(a.id, b.id, 0.0, ev, "conflicting_ids")

    evidence: list[Evidence] = []
    title, how = title_similarity(a, b)
    evidence.append(Evidence("title", round(title, 4), how))
    years = year_compatible(a, b)
    if years is not None:
        evidence.append(Evidence("year", 1.0 if years else 0.0, f"{a.year} and {b.year}" + ("" if years else ": outside the window")))
        if not years:
            return WorkMatch(a.id, b.id, 0.0, tuple(evidence), "year_window")
    first = first_author_agreement(a, b)
    if first is not None:
        evidence.append(Evidence("first_author", first, f"{a.first_author} / {b.first_author}"))
    overlap = author_overlap(a, b)
    if overlap is not None:
        evidence.append(Evidence("authors", round(overlap, 4), f"{len(a.authors & b.authors)} shared, of {len(a.authors)} and {len(b.authors)}"))

    if title < TITLE_FLOOR:
        return WorkMatch(a.id, b.id, round(title * WEIGHT_TITLE, 4), tuple(evidence), "below_threshold")
    if overlap is None:
        # no authors to compare: a long, near-identical title in a known, compatible year
        long_enough = min(a.title.count(" "), b.title.count(" ")) + 1 >= TITLE_ONLY_MIN_TOKENS
        rule = "title_only" if title >= TITLE_ONLY_THRESHOLD and long_enough and years else "below_threshold"
        return WorkMatch(a.id, b.id, round(title, 4), tuple(evidence), rule)
    score = WEIGHT_TITLE * title + WEIGHT_AUTHORS * overlap + WEIGHT_FIRST_AUTHOR * (first if first is not None else overlap)
    rule = "title_authors" if score >= MATCH_THRESHOLD else "below_threshold"
    return WorkMatch(a.id, b.id, round(score, 4), tuple(evidence), rule)


# -- identifiers and blocking ----------------------------------------------------------------


def identifier_matches(records: Sequence[MatchRecord]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of records sharing a normalised identifier: each record is linked to
    the first record carrying the same (scheme, value), which is enough for union-find."""
    first_seen: dict[tuple[str, str], int] = {}
    pairs: set[tuple[int, int]] = set()
    for i, rec in enumerate(records):
        for ext in rec.ids:
            j = first_seen.setdefault((ext.scheme, ext.value), i)
            if j != i:
                pairs.add((j, i))
    return sorted(pairs)


def title_tokens(title: str) -> list[str]:
    """Content words of a normalised title, for blocking."""
    return [t for t in dict.fromkeys(title.split()) if len(t) > 2 and t not in STOPWORDS]


def blocking_keys(records: Sequence[MatchRecord]) -> list[tuple[str, ...]]:
    """Per record: every pair of its ``BLOCK_RARE_TOKENS`` rarest title tokens in this batch, and
    its first author's surname with each of its ``BLOCK_AUTHOR_TOKENS`` rarest. Pairs of tokens
    survive a word added or changed by the other version; the author keys survive a reworded
    title. A title of one content word is its own key."""
    tokens = [title_tokens(r.title) for r in records]
    frequency = Counter(t for ts in tokens for t in ts)
    out: list[tuple[str, ...]] = []
    for rec, ts in zip(records, tokens):
        rare = sorted(ts, key=lambda t: (frequency[t], t))
        keys = [f"{a} {b}" for a, b in combinations(sorted(rare[:BLOCK_RARE_TOKENS]), 2)]
        if len(rare) == 1:
            keys.append(rare[0])
        if rec.first_author:
            keys += [f"{rec.first_author}/{t}" for t in rare[:BLOCK_AUTHOR_TOKENS]]
        out.append(tuple(keys))
    return out


def candidate_pairs(records: Sequence[MatchRecord], *, max_block: int = MAX_BLOCK_SIZE) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, that share a blocking key whose block holds at most ``max_block``
    records. Each record has a bounded number of keys and each kept block a bounded size, so
    the pairs grow about linearly with the records."""
    blocks: dict[str, list[int]] = {}
    for i, keys in enumerate(blocking_keys(records)):
        for key in keys:
            blocks.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((i, j))
    return pairs


# -- grouping -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """A match whose union was refused because the merged work would hold conflicting ids."""

    match: WorkMatch
    schemes: tuple[str, ...]


@dataclass
class _Groups:
    parent: list[int]
    kinds: list[dict[tuple[str, bool], frozenset[str]]]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i


def group_matches(
    records: Sequence[MatchRecord], matches: Iterable[tuple[int, int, WorkMatch]]
) -> tuple[list[list[int]], list[Refusal]]:
    """Union-find over accepted matches, strongest first. A union is refused when the two groups
    hold different identifiers of one scheme and kind (two journal DOIs, two arXiv ids): that is
    how A~B and B~C cannot chain two distinct papers A and C into one work."""
    groups = _Groups(list(range(len(records))), [identifier_kinds(r) for r in records])
    refused: list[Refusal] = []
    ordered = sorted((m for m in matches if m[2].matched), key=lambda m: (-m[2].score, m[0], m[1]))
    for i, j, match in ordered:
        a, b = groups.find(i), groups.find(j)
        if a == b:
            continue
        ka, kb = groups.kinds[a], groups.kinds[b]
        clash = tuple(sorted({key[0] for key in ka.keys() & kb.keys() if not ka[key] & kb[key]}))
        if clash:
            refused.append(Refusal(match, clash))
            continue
        root, child = min(a, b), max(a, b)
        groups.parent[child] = root
        merged = dict(ka)
        for key, values in kb.items():
            merged[key] = merged.get(key, frozenset()) | values
        groups.kinds[root] = merged
    members: dict[int, list[int]] = {}
    for i in range(len(records)):
        members.setdefault(groups.find(i), []).append(i)
    return list(members.values()), refused


@dataclass(frozen=True)
class MatchResult:
    groups: list[list[int]]  # indexes into the input, one list per work (singletons included)
    matches: list[WorkMatch]  # accepted pair decisions, identifier ones included
    refused: list[Refusal]
    compared_pairs: int  # pairs scored after blocking (identifier pairs not included)
    candidate_pairs: int = 0
    rules: dict[str, int] = field(default_factory=dict)  # decisions per rule, refusals included


def match_works(records: Sequence[MatchRecord], *, max_block: int = MAX_BLOCK_SIZE) -> MatchResult:
    """All steps on one batch: identifier matches, blocking, scoring, grouping."""
    decided: list[tuple[int, int, WorkMatch]] = []
    by_id = set()
    for i, j in identifier_matches(records):
        decided.append((i, j, score_pair(records[i], records[j])))
        by_id.add((i, j))
    candidates = candidate_pairs(records, max_block=max_block) - by_id
    rules: Counter[str] = Counter(m.rule for _, _, m in decided)
    for i, j in sorted(candidates):
        match = score_pair(records[i], records[j])
        rules[match.rule] += 1
        if match.matched:
            decided.append((i, j, match))
    groups, refused = group_matches(records, decided)
    accepted = [m for _, _, m in decided if m.matched]
    return MatchResult(groups, accepted, refused, len(candidates), len(candidates) + len(by_id), dict(rules))
