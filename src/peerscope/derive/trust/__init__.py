"""The trust snapshot (SPEC C7): verification level and an explainable 0–100 trust score.

``inputs`` (what the model reads), ``model`` (the versioned rules), ``graph`` (inputs from the
graph), ``history`` (what changed, chart points), ``run`` (snapshots and the calibration report).
"""
