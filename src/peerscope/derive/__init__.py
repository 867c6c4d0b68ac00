"""Derived artefacts: rebuildable from the store, versioned, recomputed only when inputs change."""
