"""Topics for works that came with none: clusters of their titles and abstracts, each labelled
by its most distinctive terms.

Text becomes TF-IDF vectors over words and word pairs (lower-cased, stop words and numbers
dropped, a term kept when at least two works use it); spherical k-means (cosine, k-means++
seeding from a fixed seed, so the same works give the same clusters) groups them, with
k = √n bounded to [1, 60]. A cluster's label is its three terms whose weight in the
centroid most exceeds their weight over all the works, joined by " · "; each work's score is
its cosine similarity to its cluster's centroid. Only coherent clusters become topics: at least
3 works whose mean cosine between two of them is 0.15 or more; a work less similar than 0.1 to
its centroid is left without a topic rather than given one that does not describe it."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from scipy import sparse

MIN_DF, MAX_DF_SHARE = 2, 0.5
K_MIN, K_MAX = 1, 60
ITERATIONS, SEED = 25, 20261201
LABEL_TERMS = 3
MIN_MEMBERS, MIN_COHESION, MIN_SIMILARITY = 3, 0.15, 0.1
_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]|[^\W\d_]", re.UNICODE)
STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both but by can
could did do does doing down during each few for from further had has have having he her here hers herself him himself his how
i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
paper study results show propose proposed approach method methods based using use used new via towards toward however
model models data work present analysis two one three well within among many different without
""".split())


@dataclass(frozen=True, slots=True)
class Cluster:
    label: str
    terms: tuple[str, ...]  # the most distinctive terms, strongest first
    members: tuple[tuple[int, float], ...]  # (work id, cosine to the centroid), best first


def terms_of(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if len(w) > 2 and w not in STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def tfidf(texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """Rows L2-normalised; the vocabulary in column order."""
    docs = [Counter(terms_of(t)) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    limit = max(MIN_DF, int(MAX_DF_SHARE * len(docs)))
    vocab = sorted(t for t, n in df.items() if MIN_DF <= n <= limit)
    col = {t: i for i, t in enumerate(vocab)}
    # the loops stay in C (map, Counter) and the arithmetic in numpy, on the same values the
    # per-term formula gives: (1 + log tf) x log((1 + N) / (1 + df))
    cols = np.array([c for d in docs for c in map(col.get, d, repeat(-1, len(d)))], dtype=np.int64)
    tfs = np.array([tf for d in docs for tf in d.values()], dtype=np.int64)
    rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    kept = cols >= 0
    cols, tfs, rows = cols[kept], tfs[kept], rows[kept]
    distinct_tf = np.unique(tfs)
    tf_weight = np.array([1.0 + math.log(int(tf)) for tf in distinct_tf], dtype=np.float64)[np.searchsorted(distinct_tf, tfs)]
    idf = np.array([math.log((1 + len(docs)) / (1 + df[t])) for t in vocab], dtype=np.float64)
    vals = tf_weight * idf[cols] if len(cols) else np.zeros(0, dtype=np.float64)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m), vocab


def choose_k(n: int) -> int:
    return max(K_MIN, min(K_MAX, round(math.sqrt(n))))


def _seed_centroids(x: sparse.csr_matrix, k: int, rng: np.random.Generator) -> np.ndarray:
    n = x.shape[0]
    first = int(rng.integers(n))
    centres = [x[first].toarray().ravel()]
    best = np.full(n, np.inf)
    for _ in range(1, k):
        sims = x @ centres[-1]
        best = np.minimum(best, 1.0 - sims)
        weights = np.clip(best, 0, None)
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        centres.append(x[pick].toarray().ravel())
    return np.vstack(centres)


def cluster_texts(items: Sequence[tuple[int, str]]) -> list[Cluster]:
    """Clusters of the given (work id, text) pairs; works whose text has no shared term form
    none (they stay without a topic)."""
    if not items:
        return []
    x, vocab = tfidf([t for _w, t in items])
    has_terms = np.asarray(x.getnnz(axis=1)).ravel() > 0
    keep = np.flatnonzero(has_terms)
    if not len(keep) or not vocab:
        return []
    x = x[keep]
    ids = [items[i][0] for i in keep]
    k = min(choose_k(len(ids)), len(ids))
    rng = np.random.default_rng(SEED)
    centroids = _seed_centroids(x, k, rng)
    assign = np.zeros(len(ids), dtype=np.int64)
    for _ in range(ITERATIONS):
        sims = np.asarray(x @ centroids.T)
        new = sims.argmax(axis=1)
        if _ and np.array_equal(new, assign):
            break
        assign = new
        for c in range(k):
            rows = x[assign == c]
            if rows.shape[0]:
                v = np.asarray(rows.sum(axis=0)).ravel()
                centroids[c] = v / (np.linalg.norm(v) or 1.0)
    sims = np.asarray(x @ centroids.T)
    overall = np.asarray(x.mean(axis=0)).ravel()
    out = []
    for c in range(k):
        members = np.flatnonzero(assign == c)
        if not len(members):
            continue
        centre = np.asarray(x[members].mean(axis=0)).ravel()
        lift = centre - overall
        top = [vocab[i] for i in np.argsort(-lift, kind="stable")[: LABEL_TERMS * 3] if lift[i] > 0]
        terms = distinct_terms(top)[:LABEL_TERMS]
        members = np.array([i for i in members if sims[i, c] >= MIN_SIMILARITY], dtype=np.int64)
        if len(members) < MIN_MEMBERS or cohesion(x[members]) < MIN_COHESION:
            continue
        scored = sorted(((ids[i], round(float(sims[i, c]), 4)) for i in members), key=lambda m: (-m[1], m[0]))
        out.append(Cluster(" · ".join(t.capitalize() for t in terms) or "Unlabelled", tuple(terms), tuple(scored)))
    return sorted(out, key=lambda c: (-len(c.members), c.label))


def cohesion(rows: sparse.csr_matrix) -> float:
    """Mean cosine between two different members (rows are unit vectors or empty)."""
    n = rows.shape[0]
    if n < 2:
        return 0.0
    total = np.asarray(rows.sum(axis=0)).ravel()
    own = float(rows.multiply(rows).sum())
    return float((total @ total - own) / (n * (n - 1)))


def distinct_terms(terms: list[str]) -> list[str]:
    """Drop a term already contained in a stronger one (``graph`` after ``graph neural``) and a
    word pair whose words are both stronger terms already."""
    out: list[str] = []
    for t in terms:
        words = set(t.split())
        if any(t in o.split() or (" " in t and words <= set(" ".join(out).split())) for o in out):
            continue
        out = [o for o in out if not (" " not in o and o in t.split())] + [t]
    return out
