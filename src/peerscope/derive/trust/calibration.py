"""Calibration against planted cases: where the records behind known integrity cases (from a
generated corpus's truth) land, beside where the whole corpus lands. Pure: no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from peerscope.derive.trust.model import BANDS, HIGH_SIGNAL_CAP

LOWEST_BANDS = tuple(name for floor, name in BANDS if floor <= HIGH_SIGNAL_CAP)  # New, Emerging
OUTLIERS_SHOWN = 20


def _summary(scores: Sequence[tuple[int, str]]) -> dict:
    bands = Counter(band for _s, band in scores)
    low = sum(bands[b] for b in LOWEST_BANDS)
    return {
        "authors": len(scores),
        "in_lowest_bands": low,
        "share_in_lowest_bands": round(low / len(scores), 4) if scores else None,
        "mean_score": round(sum(s for s, _b in scores) / len(scores), 2) if scores else None,
        "bands": {name: bands.get(name, 0) for _floor, name in reversed(BANDS)},
    }


def planted_report(cases: Sequence[tuple[str, frozenset[int]]], current: Mapping[int, tuple[int, str]]) -> dict:
    """``cases``: (kind, the records on its bylines that are the planted people); ``current``:
    every scored record's (score, band). The corpus as a whole is the baseline."""
    by_kind: dict[str, set[int]] = {}
    case_counts: Counter[str] = Counter()
    for kind, authors in cases:
        by_kind.setdefault(kind, set()).update(authors)
        case_counts[kind] += 1
    kinds = {}
    outliers = []
    planted: set[int] = set()
    for kind in sorted(by_kind):
        authors = sorted(by_kind[kind])
        scored = [(a, *current[a]) for a in authors if a in current]
        planted.update(a for a, _s, _b in scored)
        kinds[kind] = {"cases": case_counts[kind], "unscored": len(authors) - len(scored), **_summary([(s, b) for _a, s, b in scored])}
        outliers += [{"kind": kind, "author_id": a, "score": s, "band": b} for a, s, b in scored if b not in LOWEST_BANDS]
    return {
        "lowest_bands": list(LOWEST_BANDS),
        "planted": {"cases": sum(case_counts.values()), **_summary([current[a] for a in sorted(planted)])},
        "by_kind": kinds,
        "corpus": _summary(list(current.values())),
        "outside_lowest_bands": sorted(outliers, key=lambda o: (-o["score"], o["author_id"]))[:OUTLIERS_SHOWN],
    }
