"""The trust model: a verification level (L0–L3) and a 0–100 score from five named components.

Every rule is stated in docs/trust.md; change ``MODEL_VERSION`` whenever one changes here, so
every snapshot says which rules made it. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass

import orjson

from peerscope.derive.trust.inputs import COAUTHOR, DELETED, INDEPENDENT, RECIPROCAL, SELF, FlagInput, TrustInputs, WorkInput

MODEL_VERSION = "trust/3"

BANDS = ((80, "Highly trusted"), (60, "Trusted"), (40, "Established"), (20, "Emerging"), (0, "New"))
LEVEL_NAMES = {"L0": "Unverified", "L1": "Corroborated", "L2": "Claimed", "L3": "Verified"}
IDENTITY_POINTS = {"L0": 0.0, "L1": 15.0, "L2": 20.0, "L3": 25.0}
SELF_ASSERTING_SOURCES = frozenset({"orcid"})  # a person's own record speaks for them, not about them

CONSISTENCY_MAX, CONFIDENCE_POINTS, CLEAN_POINTS = 20.0, 14.0, 6.0
MERGE_PENALTY, MERGE_PENALTY_MAX, SPLIT_PENALTY_MAX = 3.0, 6.0, 2.0
UNRESOLVED_CONFIDENCE, ALONE_CONFIDENCE = 0.8, 0.8
WORKS_POINTS, YEARS_POINTS, SHARE_POINTS, CITATION_POINTS = 12.0, 6.0, 7.0, 10.0
WORKS_FULL, YEARS_FULL, CITATIONS_FULL = 40, 15, 50.0
KIND_WEIGHT = {"peer_reviewed": 1.0, "other": 0.75, "preprint": 0.5}
MONTHLY_CAP = 4  # works beyond this many in one month do not count
RELATION_WEIGHT = {INDEPENDENT: 1.0, COAUTHOR: 0.2, SELF: 0.0, RECIPROCAL: 0.0, DELETED: 0.0}
NETWORK_POINTS, NETWORK_FULL = 10.0, 5
INTEGRITY_MAX = 10.0
FLAG_PENALTY = {"high": 25.0, "medium": 10.0, "low": 3.0}
RETRACTION_PENALTY, CONCERN_PENALTY = 25.0, 10.0
BURST_PREPRINTS = 10  # preprints in one month that read as a burst
RING_SHARE, RING_MIN = 0.7, 5  # reciprocal citing works among those citing the record
PAPER_MILL_KINDS = frozenset({"tortured_phrases"})  # at medium severity already a high-severity signal (it caps the score)
HIGH_SIGNAL_CAP = 39  # the score stays below Established while a high-severity signal is open
RECORD_WEIGHT_WORKS = 5  # consistency and integrity points are earned over this many counted works
EVIDENCE_FLAGS = 50  # flag ids kept as evidence of one input


@dataclass(frozen=True, slots=True)
class InputItem:
    name: str
    value: float | int | str | bool
    source: str
    as_of: str | None = None
    works: tuple[int, ...] = ()  # evidence: the works it is about
    flags: tuple[int, ...] = ()  # evidence: the integrity flags it is about


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    points: float
    max_points: float
    inputs: tuple[InputItem, ...]


@dataclass(frozen=True, slots=True)
class TrustScore:
    author_id: int
    score: int
    band: str
    verification_level: str
    claimed: bool
    components: tuple[Component, ...]
    model_version: str = MODEL_VERSION


def band_of(score: float) -> str:
    return next(name for floor, name in BANDS if score >= floor)


def inputs_hash(inputs: TrustInputs) -> str:
    """Hash of everything the score reads, with the model version."""
    h = hashlib.blake2b(digest_size=20)
    h.update(MODEL_VERSION.encode())
    h.update(orjson.dumps(inputs))  # dataclasses serialise field by field, in order
    return h.hexdigest()


# --- verification ----------------------------------------------------------------------------

def third_party_orcid_works(inputs: TrustInputs) -> list[WorkInput]:
    return [w for w in inputs.works if w.orcid_asserted_by and w.orcid_asserted_by not in SELF_ASSERTING_SOURCES]


def corroborated_works(inputs: TrustInputs) -> list[WorkInput]:
    """Works that two or more independent sources describe (the person's own record not counted)."""
    return [w for w in inputs.works if len(set(w.sources) - SELF_ASSERTING_SOURCES) >= 2 and not w.retracted]


def verification_level(inputs: TrustInputs) -> str:
    c = inputs.claim
    if c.claimed and c.institutional_email_proof and c.orcid_login_proof and c.institution_current and not c.open_dispute:
        return "L3"
    if c.claimed and (c.institutional_email_proof or c.orcid_login_proof):
        return "L2"
    if third_party_orcid_works(inputs) or corroborated_works(inputs):
        return "L1"
    return "L0"


def identity(inputs: TrustInputs, level: str) -> Component:
    tp = third_party_orcid_works(inputs)
    co = corroborated_works(inputs)
    items = (
        InputItem("verification level", level, "claims and source metadata"),
        InputItem("works whose byline carries the iD, asserted by another party", len(tp), ", ".join(sorted({w.orcid_asserted_by or "" for w in tp})) or "none", _newest(tp), _ids(tp)),
        InputItem("works two independent sources agree on", len(co), ", ".join(sorted({s for w in co for s in w.sources})) or "none", _newest(co), _ids(co)),
        InputItem("self-asserted identifiers (not counted)", inputs.self_asserted_ids, "the person's own record"),
        InputItem("claimed", inputs.claim.claimed, "claims"),
    )
    return Component("identity", IDENTITY_POINTS[level], IDENTITY_POINTS["L3"], items)


# --- footprint -------------------------------------------------------------------------------

def counted_works(works: tuple[WorkInput, ...]) -> tuple[list[WorkInput], list[WorkInput]]:
    """(counted, beyond the monthly cap): at most ``MONTHLY_CAP`` works a month count, the
    strongest kinds first; thin preprints never count."""
    by_month: dict[str | None, list[WorkInput]] = {}
    for w in works:
        by_month.setdefault(w.month, []).append(w)
    counted: list[WorkInput] = []
    excess: list[WorkInput] = []
    for month, group in by_month.items():
        group = sorted(group, key=lambda w: (-_work_weight(w), w.work_id))
        if month is None:
            counted.extend(group)
            continue
        counted.extend(group[:MONTHLY_CAP])
        excess.extend(group[MONTHLY_CAP:])
    return sorted(counted, key=lambda w: w.work_id), sorted(excess, key=lambda w: w.work_id)


def _work_weight(w: WorkInput) -> float:
    if w.thin and w.kind == "preprint":
        return 0.0
    return KIND_WEIGHT.get(w.kind, KIND_WEIGHT["other"])


def citation_weights(works: tuple[WorkInput, ...]) -> tuple[float, Counter[str]]:
    """The field- and age-normalised citation count and the citing works by relation."""
    normalised = 0.0
    relations: Counter[str] = Counter()
    for w in works:
        counted = 0.0
        for c in w.citing:
            relations[c.relation] += 1
            counted += RELATION_WEIGHT.get(c.relation, 0.0) / max(c.spread, 1)
        normalised += counted / max(w.field_baseline, 0.5)
    return normalised, relations


def footprint(inputs: TrustInputs) -> Component:
    counted, excess = counted_works(inputs.works)
    effective = sum(_work_weight(w) for w in counted)
    years = [w.year for w in counted if w.year is not None and _work_weight(w) > 0]
    span = (max(years) - min(years) + 1) if years else 0
    reviewed = [w for w in inputs.works if w.kind == "peer_reviewed"]
    share = len(reviewed) / len(inputs.works) if inputs.works else 0.0
    normalised, relations = citation_weights(tuple(counted))
    thin = [w for w in inputs.works if w.thin and w.kind == "preprint"]
    points = (
        WORKS_POINTS * min(1.0, math.log1p(effective) / math.log1p(WORKS_FULL))
        + YEARS_POINTS * min(1.0, span / YEARS_FULL)
        + SHARE_POINTS * share
        + CITATION_POINTS * min(1.0, math.log1p(normalised) / math.log1p(CITATIONS_FULL))
    )
    sources = ", ".join(sorted({s for w in inputs.works for s in w.sources})) or "none"
    newest = _newest(list(inputs.works))
    cited = [w for w in counted if w.citing]
    items = (
        InputItem("works", len(inputs.works), sources, newest),
        InputItem("works counted (weighted by kind)", round(effective, 2), sources, newest, _ids(counted)),
        InputItem(f"works beyond {MONTHLY_CAP} a month (not counted)", len(excess), sources, newest, _ids(excess)),
        InputItem("thin preprints without an abstract (not counted)", len(thin), sources, newest, _ids(thin)),
        InputItem("years active", span, sources, newest),
        InputItem("peer-reviewed share", round(share, 3), sources, newest, _ids(reviewed)),
        InputItem("field- and age-normalised citations", round(normalised, 2), "citations linked in this graph", newest, _ids(cited)),
        *(InputItem(f"citing works: {rel}", relations[rel], "citations linked in this graph", newest) for rel in sorted(relations)),
    )
    return Component("scholarly footprint", round(points, 1), WORKS_POINTS + YEARS_POINTS + SHARE_POINTS + CITATION_POINTS, items)


def record_weight(inputs: TrustInputs) -> float:
    counted, _ = counted_works(inputs.works)
    return min(1.0, sum(1 for w in counted if _work_weight(w) > 0) / RECORD_WEIGHT_WORKS)


# --- consistency -----------------------------------------------------------------------------

def link_confidence(w: WorkInput) -> float:
    if w.link_rule is None:
        return UNRESOLVED_CONFIDENCE
    if w.link_rule in ("orcid", "constraint"):
        return 1.0
    if w.link_rule == "alone":
        return ALONE_CONFIDENCE
    if w.link_score is None:
        return UNRESOLVED_CONFIDENCE
    return min(1.0, max(0.0, w.link_score))


def consistency(inputs: TrustInputs) -> Component:
    works = inputs.works
    confidence = sum(link_confidence(w) for w in works) / len(works) if works else 0.0
    conflicted = [w for w in works if w.conflicts]
    conflict_share = len(conflicted) / len(works) if works else 0.0
    r = inputs.resolution
    penalty = min(MERGE_PENALTY_MAX, MERGE_PENALTY * r.merges) + min(SPLIT_PENALTY_MAX, float(r.splits))
    earned = (CONFIDENCE_POINTS * confidence + CLEAN_POINTS * (1.0 - conflict_share)) * record_weight(inputs)
    points = max(0.0, earned - penalty)
    rules = Counter(w.link_rule or "unresolved" for w in works)
    weak = [w for w in works if link_confidence(w) < 0.6]
    items = (
        InputItem("resolution confidence (mean over bylines)", round(confidence, 3), "author resolution", r.last_run, _ids(weak)),
        *(InputItem(f"bylines linked by rule: {rule}", n, "author resolution", r.last_run) for rule, n in sorted(rules.items())),
        InputItem("records merged into this one", r.merges, "author resolution", r.last_run),
        InputItem("bylines split off to another record", r.splits, "author resolution", r.last_run),
        InputItem("works whose sources disagree", len(conflicted), "work merging", _newest(conflicted), _ids(conflicted)),
        InputItem("record weight (counted works / 5, at most 1)", round(record_weight(inputs), 2), "this model"),
    )
    return Component("record consistency", round(points, 1), CONSISTENCY_MAX, items)


# --- network ---------------------------------------------------------------------------------

def network(inputs: TrustInputs) -> Component:
    n = len(inputs.verified_coauthors)
    items = (
        InputItem("co-authors at L1 or above (bylines of 25 or fewer)", n, "bylines and verification levels"),
        InputItem("co-authors (bylines of 25 or fewer)", len(inputs.coauthor_ids), "bylines"),
    )
    return Component("network", round(NETWORK_POINTS * min(1.0, n / NETWORK_FULL), 1), NETWORK_POINTS, items)


# --- integrity -------------------------------------------------------------------------------

def burst_months(inputs: TrustInputs) -> list[tuple[str, list[WorkInput]]]:
    by_month: dict[str, list[WorkInput]] = {}
    for w in inputs.works:
        if w.kind == "preprint" and w.month:
            by_month.setdefault(w.month, []).append(w)
    return sorted((m, ws) for m, ws in by_month.items() if len(ws) >= BURST_PREPRINTS)


def ring_citations(inputs: TrustInputs) -> tuple[int, int]:
    """(reciprocal citing works, all citing works not by the author)."""
    reciprocal = {c.work_id for w in inputs.works for c in w.citing if c.relation == RECIPROCAL}
    others = {c.work_id for w in inputs.works for c in w.citing if c.relation != SELF}
    return len(reciprocal), len(others)


def cited_by_others(f: FlagInput) -> bool:
    """A graph-level citation anomaly that is about how others cite, shown and not counted:
    one of a work the record is on (a burst, a circle of citers, which its authors do not
    choose; their own citing shows in the author-level check, raised about the record itself),
    or a low one about the record itself (its citations come mostly from its co-authors, which
    the footprint already discounts; a self-citation share is medium and counts)."""
    if f.kind != "citation_anomaly" or f.from_document:
        return False
    return f.role == "byline" or f.severity == "low"


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    severity: str
    penalty: float
    item: InputItem


def integrity_signals(inputs: TrustInputs) -> list[Signal]:
    out: list[Signal] = []
    flagged_kinds = Counter(f.kind for f in inputs.flags if not f.from_document)  # a document citing a retracted work is not one
    counted = [f for f in inputs.flags if not cited_by_others(f)]
    for f in counted:
        capping = "high" if f.kind in PAPER_MILL_KINDS and f.severity == "medium" else f.severity
        out.append(Signal(f.kind, capping, FLAG_PENALTY.get(f.severity, FLAG_PENALTY["low"]), InputItem(f"open flag: {f.kind.replace('_', ' ')} ({f.severity})", 1, "integrity checks", f.created, flags=(f.flag_id,))))
    shown = [f for f in inputs.flags if cited_by_others(f)]
    if shown:
        out.append(Signal("citations_to_works", "info", 0.0, InputItem(
            "open flags on how others cite this record or its works (shown, not counted: the footprint already discounts co-author citations; a self-citation share counts)",
            len(shown), "integrity checks", max(f.created for f in shown), flags=tuple(f.flag_id for f in shown[:EVIDENCE_FLAGS]))))
    retracted = [w for w in inputs.works if w.retracted]
    if len(retracted) > flagged_kinds["retracted"]:  # a work the checks have not flagged yet
        extra = len(retracted) - flagged_kinds["retracted"]
        out.append(Signal("retracted", "high", RETRACTION_PENALTY * extra, InputItem("retracted works", len(retracted), ", ".join(sorted({s for w in retracted for s in w.sources})), _newest(retracted), _ids(retracted))))
    concern = [w for w in inputs.works if w.concern]
    if len(concern) > flagged_kinds["expression_of_concern"]:
        extra = len(concern) - flagged_kinds["expression_of_concern"]
        out.append(Signal("expression_of_concern", "medium", CONCERN_PENALTY * extra, InputItem("works under an expression of concern", len(concern), ", ".join(sorted({s for w in concern for s in w.sources})), _newest(concern), _ids(concern))))
    for month, ws in burst_months(inputs):
        out.append(Signal("preprint_burst", "high", FLAG_PENALTY["high"], InputItem(f"preprint burst: {len(ws)} preprints in {month}", len(ws), "bylines", month, _ids(ws))))
    reciprocal, citing = ring_citations(inputs)
    if reciprocal >= RING_MIN and reciprocal >= RING_SHARE * citing and not flagged_kinds["citation_ring"]:  # the graph check's ring flag counts already
        ring_works = [w for w in inputs.works if any(c.relation == RECIPROCAL for c in w.citing)]
        out.append(Signal("citation_ring", "high", FLAG_PENALTY["high"], InputItem(f"citation ring: {reciprocal} of {citing} citing works come from records this one cites", reciprocal, "citations linked in this graph", _newest(ring_works), _ids(ring_works))))
    return out


def integrity(inputs: TrustInputs, before: float) -> Component:
    """Points earned for a clean record, less penalties; with a high-severity signal open the
    component also takes the total down to ``HIGH_SIGNAL_CAP``. ``before`` is the other components' sum."""
    signals = integrity_signals(inputs)
    earned = INTEGRITY_MAX * record_weight(inputs)
    points = earned - sum(s.penalty for s in signals)
    items = [InputItem("clean-record points (10 × record weight)", round(earned, 1), "this model")]
    items += [s.item for s in signals]
    if any(s.severity == "high" for s in signals) and before + points > HIGH_SIGNAL_CAP:
        points = HIGH_SIGNAL_CAP - before
        items.append(InputItem(f"a high-severity signal is open: the score is at most {HIGH_SIGNAL_CAP}", HIGH_SIGNAL_CAP, "this model"))
    return Component("integrity", round(points, 1), INTEGRITY_MAX, tuple(items))


# --- the score -------------------------------------------------------------------------------

def score(inputs: TrustInputs) -> TrustScore:
    level = verification_level(inputs)
    parts = [identity(inputs, level), consistency(inputs), footprint(inputs), network(inputs)]
    parts.append(integrity(inputs, sum(p.points for p in parts)))
    total = max(0, min(100, round(sum(p.points for p in parts))))
    return TrustScore(inputs.author_id, total, band_of(total), level, inputs.claim.claimed, tuple(parts))


def _ids(works: list[WorkInput]) -> tuple[int, ...]:
    return tuple(sorted(w.work_id for w in works))


def _newest(works: list[WorkInput]) -> str | None:
    dates = [w.retrieved for w in works if w.retrieved]
    return max(dates) if dates else None
