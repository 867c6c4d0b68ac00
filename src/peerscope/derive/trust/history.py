"""What changed between two snapshots of one author, and the points of a small history chart.
Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MOVED = 0.05  # points: smaller moves are rounding


def explain_changes(before: list[dict] | None, after: list[dict], before_version: str | None = None, after_version: str | None = None) -> list[dict]:
    """For each component whose points moved: before, after and the inputs that changed."""
    if before is None:
        return [{"component": "all", "before": None, "after": None, "why": ["first snapshot"]}]
    old = {c["name"]: c for c in before}
    out = []
    if before_version and after_version and before_version != after_version:
        out.append({"component": "model", "before": None, "after": None, "why": [f"model {before_version} → {after_version}"]})
    for comp in after:
        prev = old.get(comp["name"])
        if prev is None:
            out.append({"component": comp["name"], "before": None, "after": comp["points"], "why": ["new component"]})
            continue
        if abs(prev["points"] - comp["points"]) < MOVED:
            continue
        prev_inputs = {i["name"]: i["value"] for i in prev["inputs"]}
        why = [f"{i['name']}: {prev_inputs.get(i['name'], '—')} → {i['value']}" for i in comp["inputs"] if prev_inputs.get(i["name"]) != i["value"]]
        why += [f"{name}: {value} → —" for name, value in prev_inputs.items() if name not in {i["name"] for i in comp["inputs"]}]
        out.append({"component": comp["name"], "before": prev["points"], "after": comp["points"], "why": why or ["inputs changed"]})
    return out


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    score: int
    label: str


def chart_points(scores: Sequence[tuple[int, str]], width: float = 240, height: float = 60, pad: float = 4) -> list[ChartPoint]:
    """(score, label) in time order -> points on a ``width`` x ``height`` chart, 0 at the bottom
    and 100 at the top; one snapshot sits in the middle."""
    n = len(scores)
    out = []
    for i, (score, label) in enumerate(scores):
        x = width / 2 if n == 1 else pad + i * (width - 2 * pad) / (n - 1)
        y = pad + (100 - score) * (height - 2 * pad) / 100
        out.append(ChartPoint(round(x, 1), round(y, 1), score, label))
    return out
