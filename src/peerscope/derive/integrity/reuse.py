"""``text_reuse``: passages that nearly duplicate texts already in the graph (works' titles and
abstracts, other stored documents).

Rule (docs/documents.md): texts are cut into 5-word shingles (folded words). Stored texts go
into a MinHash LSH index (datasketch, 128 permutations, Jaccard threshold 0.3); the document is
read in windows of 120 words (stride 60) and each window queries the index. A candidate is
confirmed on the exact shingles: at least half of the stored text's shingles, and at least 8,
appear in the document (containment). The evidence quotes the overlapping spans with their
offsets and pages, and carries containment and the LSH estimate. Containment of 0.8 or more is
high severity, otherwise medium.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from datasketch import MinHash, MinHashLSH

from peerscope.derive.integrity.common import span
from peerscope.documents.records import Document, Flag
from peerscope.normalize.names import ascii_fold

SHINGLE_WORDS = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.3
WINDOW_WORDS, WINDOW_STRIDE = 120, 60
MIN_CONTAINMENT, MIN_SHARED = 0.5, 8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class StoredText:
    """A text already in the graph: kind "work" or "document", its id, a label to show."""

    kind: str
    id: int
    label: str
    text: str


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    return [(ascii_fold(m.group(0)).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def shingles(words: Sequence[str]) -> list[str]:
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(0, len(words) - SHINGLE_WORDS + 1))]


def minhash(items: Sequence[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=17)
    m.update_batch([s.encode("utf-8") for s in items])
    return m


class ReuseIndex:
    """Stored texts in an LSH index, built once per run."""

    def __init__(self, texts: Sequence[StoredText]) -> None:
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.texts: dict[str, StoredText] = {}
        self.shingle_sets: dict[str, frozenset[str]] = {}
        for t in texts:
            sh = shingles([w for w, _, _ in words_with_offsets(t.text)])
            if len(sh) < MIN_SHARED:
                continue
            key = f"{t.kind}:{t.id}"
            if key in self.texts:
                continue
            self.texts[key] = t
            self.shingle_sets[key] = frozenset(sh)
            self.lsh.insert(key, minhash(sh))

    def __len__(self) -> int:
        return len(self.texts)


def _spans(positions: Sequence[int], words: Sequence[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Runs of shared shingles (by first word index) as character spans."""
    out: list[tuple[int, int]] = []
    run_start = prev = None
    for p in sorted(positions):
        if prev is not None and p <= prev + 1:
            prev = p
            continue
        if run_start is not None:
            out.append((run_start, prev))  # type: ignore[arg-type]
        run_start = prev = p
    if run_start is not None:
        out.append((run_start, prev))  # type: ignore[arg-type]
    return [(words[a][1], words[min(b + SHINGLE_WORDS - 1, len(words) - 1)][2]) for a, b in out]


def check_reuse(doc: Document, index: ReuseIndex, *, exclude: frozenset[str] = frozenset()) -> Flag | None:
    if not len(index):
        return None
    words = words_with_offsets(doc.text)
    doc_shingles = shingles([w for w, _, _ in words])
    if not doc_shingles:
        return None
    candidates: set[str] = set()
    for start in range(0, max(1, len(doc_shingles) - WINDOW_WORDS // 2), WINDOW_STRIDE):
        window = doc_shingles[start : start + WINDOW_WORDS]
        candidates.update(index.lsh.query(minhash(window)))
    candidates -= exclude
    positions: dict[str, list[int]] = {}
    for i, sh in enumerate(doc_shingles):
        for key in candidates:
            if sh in index.shingle_sets[key]:
                positions.setdefault(key, []).append(i)
    evidence: list[dict[str, Any]] = []
    work_ids: list[int] = []
    best = 0.0
    for key, found in positions.items():
        stored = index.shingle_sets[key]
        shared = stored.intersection(doc_shingles[i] for i in found)
        containment = len(shared) / len(stored)
        if containment < MIN_CONTAINMENT or len(shared) < MIN_SHARED:
            continue
        t = index.texts[key]
        best = max(best, containment)
        spans = _spans(found, words)
        item = span(doc, spans[0][0], spans[0][1], kind="matched_" + t.kind, score=round(containment, 3), shared_shingles=len(shared),
                    spans=[span(doc, a, b) for a, b in spans[:10]])
        item["matched"] = {"kind": t.kind, "id": t.id, "label": t.label[:300]}
        evidence.append(item)
        if t.kind == "work":
            work_ids.append(t.id)
    if not evidence:
        return None
    evidence.sort(key=lambda e: -e["score"])
    labels = "; ".join(e["matched"]["label"][:80] for e in evidence[:3])
    return Flag("text_reuse", "high" if best >= 0.8 else "medium", f"Passages nearly duplicate {len(evidence)} text{'s' if len(evidence) > 1 else ''} already in the graph: {labels}", tuple(evidence[:20]), work_ids=tuple(work_ids))
