"""Run the trust model over the graph: gather inputs through the store, score the authors
whose inputs (or the model) changed, append their snapshots with what changed, and report."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from peerscope.derive.trust.graph import TrustContext
from peerscope.derive.trust.history import explain_changes
from peerscope.derive.trust.model import BANDS, MODEL_VERSION, TrustScore, inputs_hash, score
from peerscope.store import trust as store_trust
from peerscope.store.db import Store

WRITE_BATCH = 5000
EVIDENCE_LIMIT = 25  # evidence ids kept per input in a stored snapshot


@dataclass(frozen=True, slots=True)
class TrustRunReport:
    model_version: str
    authors: int
    recomputed: int
    unchanged: int
    removed: int


def snapshot_components(result: TrustScore) -> list[dict]:
    out = []
    for c in result.components:
        inputs = []
        for i in c.inputs:
            inputs.append({"name": i.name, "value": i.value, "source": i.source, "as_of": i.as_of,
                           "works": list(i.works[:EVIDENCE_LIMIT]), "flags": list(i.flags[:EVIDENCE_LIMIT])})
        out.append({"name": c.name, "points": c.points, "max_points": c.max_points, "inputs": inputs})
    return out


def derive_trust(store: Store, progress: Callable[[int], None] | None = None, total: Callable[[int], None] | None = None) -> TrustRunReport:
    """Snapshot every author whose inputs or model version differ from their latest snapshot.

    Inputs are built a batch at a time from indexes over the graph, so memory holds the graph
    and one batch. ``total(n)`` is called once with the number of authors, ``progress(k)`` after
    each batch."""
    ctx = TrustContext(store_trust.read_trust_graph(store))
    ids = ctx.author_ids()
    if total:
        total(len(ids))
    states = store_trust.current_states(store)
    removed = sorted(set(states) - set(ids))
    recomputed = unchanged = 0
    for start in range(0, max(len(ids), 1), WRITE_BATCH):
        chunk = ids[start : start + WRITE_BATCH]
        todo = []
        for aid in chunk:
            inputs = ctx.inputs(aid)
            h = inputs_hash(inputs)
            if states.get(aid) == (MODEL_VERSION, h):
                unchanged += 1
            else:
                todo.append((inputs, h))
        previous = store_trust.latest_components(store, [i.author_id for i, _h in todo])
        rows = []
        for inputs, h in todo:
            aid = inputs.author_id
            result = score(inputs)
            comps = snapshot_components(result)
            before = previous.get(aid)
            changes = explain_changes(before[1] if before else None, comps, states.get(aid, (None,))[0], MODEL_VERSION)
            rows.append(store_trust.SnapshotRow(aid, MODEL_VERSION, h, result.score, result.band, result.verification_level, result.claimed, comps, changes))
        store_trust.write_snapshots(store, rows, removed if start == 0 else [], datetime.now(UTC).replace(tzinfo=None))
        recomputed += len(rows)
        if progress:
            progress(len(chunk))
    return TrustRunReport(MODEL_VERSION, len(ids), recomputed, unchanged, len(removed))


def calibration_report(store: Store) -> dict:
    """The distribution of current scores, bands and levels, and each component's contribution."""
    dist = store_trust.distribution(store)
    scores = dist["scores"]
    points: dict[str, list[float]] = defaultdict(list)
    maxima: dict[str, float] = {}
    for comps in store_trust.current_components(store):
        for c in comps:
            points[c["name"]].append(c["points"])
            maxima[c["name"]] = c["max_points"]
    histogram = Counter(min(s // 10, 9) for s in scores)

    def pct(q: float) -> float | None:
        return scores[min(len(scores) - 1, int(q * len(scores)))] if scores else None

    mean_score = statistics.fmean(scores) if scores else 0.0
    return {
        "model_version": MODEL_VERSION,
        "authors": len(scores),
        "score": {
            "mean": round(statistics.fmean(scores), 2) if scores else None,
            "p10": pct(0.1), "p25": pct(0.25), "median": pct(0.5), "p75": pct(0.75), "p90": pct(0.9),
            "min": scores[0] if scores else None, "max": scores[-1] if scores else None,
            "histogram": {f"{10 * k}-{10 * k + 9 if k < 9 else 100}": histogram.get(k, 0) for k in range(10)},
        },
        "bands": {name: dist["bands"].get(name, 0) for _floor, name in reversed(BANDS)},
        "levels": {lvl: dist["levels"].get(lvl, 0) for lvl in ("L0", "L1", "L2", "L3")},
        "components": {
            name: {"max_points": maxima[name], "mean": round(statistics.fmean(v), 2), "share_of_score": round(statistics.fmean(v) / mean_score, 3) if mean_score else None, "min": min(v), "max": max(v)}
            for name, v in sorted(points.items())
        },
    }
