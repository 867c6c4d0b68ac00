"""Similar works: four symmetric signals between two works, one score, a ranked list per work.

The signals, each a strength in 0–1:

- **co-citation** — works in the graph that cite both: n / √(citers of a · citers of b), the
  Salton cosine of the two citer sets, square-rooted (overlaps of reference lists are small
  fractions, and the root spreads them over the scale) and shrunk by n / (n + 1), so one shared
  citer counts for less than the same fraction of many. A work citing more than
  ``COCITATION_CAP`` works of the graph (a survey) is left out: that it cites two works says
  little about them, and it alone would make ``COCITATION_CAP``² pairs.
- **bibliographic coupling** — references both cite, the same formula over reference sets; a
  work cited by more than ``COUPLING_CAP`` works of the graph is left out for the same reasons.
- **shared topics** — the cosine of the two works' topic vectors (each topic's score on the
  work times log(1 + N / works with the topic), so a rare shared topic weighs more than a
  broad one). Topics given to more than ``TOPIC_CANDIDATE_CAP`` works still score a pair but
  do not by themselves make two works candidates.
- **text** — the cosine of the two works' TF-IDF vectors of title and abstract (the vectors the
  topic clustering uses, each cut to its ``TEXT_TERMS`` strongest terms); below ``TEXT_MIN``,
  or when the texts share fewer than ``TEXT_MIN_TERMS`` terms, it counts as nothing.
- **meaning** — when the corpus comes with embeddings (the search index's vectors of title and
  abstract), the cosine of the two works' vectors, counted above ``MEANING_MIN`` and rescaled
  from there to 1: (cos − MEANING_MIN) / (1 − MEANING_MIN). It finds works that say the same in
  other words. A work without a vector (written after the index was last updated) has none.

score = Σ weight × strength over the signals (``WEIGHTS``, summing to 1; without embeddings a
score reaches at most 1 − the meaning weight), rounded to 6 places. Candidates are every pair
that a citation, a narrow topic or a not-too-common term links, and each work's nearest
``PRESELECT`` × ``KEEP`` vectors above ``MEANING_MIN``; sparse
products of a block of works with all works estimate their scores, the ``PRESELECT`` × ``KEEP``
best estimates of each work are scored exactly, and its list keeps the ``KEEP`` best of those
with a score of at least ``MIN_SCORE``, best first, ties by the lower id. Every signal is symmetric and computed pair by pair from
element-wise products (never from a product matrix, whose sums may run in another order), so
score(a, b) == score(b, a) exactly, and the result does not depend on the order of the inputs.

Pure: numbers in, lists out; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from peerscope.derive.topics.clusters import tfidf

SIMILAR_VERSION = "similar-2"  # bump when a rule or a constant below changes (2: the meaning signal)
KEEP = 10
MIN_SCORE = 0.01
TEXT_MIN = 0.1
TEXT_MIN_TERMS = 2  # one shared term is a coincidence of wording, not closeness
TEXT_TERMS = 32
SHARED_SHOWN = 3  # topics and terms named in a reason
SHARED_TERMS_KEPT = 6  # shared terms kept in the evidence, the readable SHARED_SHOWN of them named
COCITATION_CAP = 200
COUPLING_CAP = 500
TOPIC_CANDIDATE_CAP = 500
TEXT_CANDIDATE_CAP, TEXT_CANDIDATE_SHARE = 200, 0.02  # terms used by more works make no candidates
PRESELECT = 4  # candidates kept per work, times KEEP, by the estimate before the exact scores
MEANING_MIN = 0.5  # embedding cosine below which two texts are not close in meaning
WEIGHTS: Mapping[str, float] = {"cocitation": 0.3, "coupling": 0.3, "text": 0.15, "meaning": 0.1, "topics": 0.15}
ROWS_PER_CHUNK = 512
DENSE_ROWS = 128  # rows of one dense product with every vector (128 x 1M floats is 0.5 GB)


@dataclass(frozen=True, slots=True)
class Embeddings:
    """Vectors of works' title and abstract: ``vectors[i]`` (L2-normalised float32) is work
    ``ids[i]``; ``name`` names the model (it keys the lists' inputs)."""

    ids: np.ndarray
    vectors: np.ndarray
    name: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """What the lists are computed from: every work with its text, the citations between works
    of the corpus, and the topics of the works."""

    work_ids: Sequence[int]
    texts: Sequence[str]  # title and abstract, one per work id
    citations: Sequence[tuple[int, int]]  # (citing, cited)
    topics: Sequence[tuple[int, int, float]]  # (work, topic, score)
    embeddings: Embeddings | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    cocited: int = 0  # works citing both
    shared_references: int = 0
    cocitation_strength: float = 0.0  # the two citation signals' strengths (0-1), see above
    coupling_strength: float = 0.0
    topics: tuple[int, ...] = ()  # shared topic ids, the strongest first (at most SHARED_SHOWN)
    topics_shared: int = 0  # how many topics both have
    topic_similarity: float = 0.0
    text_similarity: float = 0.0
    terms: tuple[str, ...] = ()  # the shared terms that bring the texts closest, strongest first
    meaning_similarity: float = 0.0  # the embedding cosine when at least MEANING_MIN, else 0

    @property
    def named_terms(self) -> tuple[str, ...]:
        """The terms a reason names: the strongest few, without a word a named pair contains."""
        return shown_terms(self.terms, SHARED_SHOWN)

    def as_dict(self) -> dict[str, object]:
        return {"cocited": self.cocited, "shared_references": self.shared_references, "cocitation_strength": self.cocitation_strength,
                "coupling_strength": self.coupling_strength, "topics": list(self.topics),
                "topics_shared": self.topics_shared, "topic_similarity": self.topic_similarity,
                "text_similarity": self.text_similarity, "terms": list(self.terms), "meaning_similarity": self.meaning_similarity}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Evidence:
        return cls(int(d.get("cocited", 0) or 0), int(d.get("shared_references", 0) or 0),  # type: ignore[arg-type]
                   float(d.get("cocitation_strength", 0.0) or 0.0), float(d.get("coupling_strength", 0.0) or 0.0),  # type: ignore[arg-type]
                   tuple(int(t) for t in d.get("topics", ()) or ()), int(d.get("topics_shared", 0) or 0),  # type: ignore[union-attr, arg-type]
                   float(d.get("topic_similarity", 0.0) or 0.0), float(d.get("text_similarity", 0.0) or 0.0),  # type: ignore[arg-type]
                   tuple(str(t) for t in d.get("terms", ()) or ()),  # type: ignore[union-attr]
                   float(d.get("meaning_similarity", 0.0) or 0.0))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Neighbour:
    work_id: int
    score: float
    evidence: Evidence


# --- the matrices ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Matrices:
    ids: np.ndarray  # sorted work ids; row i is ids[i]
    cites: sparse.csr_matrix  # citing x cited, 0/1, surveys removed (co-citation)
    cited_by: sparse.csr_matrix  # its transpose
    refs: sparse.csr_matrix  # citing x cited, 0/1, classics removed (coupling)
    topics: sparse.csr_matrix  # work x topic, rows L2-normalised
    narrow_topics: sparse.csr_matrix  # only the topics that may make candidates
    topic_ids: np.ndarray
    text: sparse.csr_matrix  # work x term, rows L2-normalised
    narrow_text: sparse.csr_matrix  # only the terms that may make candidates
    vocab: list[str]
    citers: np.ndarray  # per work: works citing it (co-citation's degree)
    references: np.ndarray  # per work: works it cites (coupling's degree)
    emb: np.ndarray | None = None  # work x dimension, zero rows for works without a vector


def _binary(rows: np.ndarray, cols: np.ndarray, n: int) -> sparse.csr_matrix:
    m = sparse.csr_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _keep_rows(m: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    return sparse.csr_matrix(sparse.diags(keep.astype(np.float64)) @ m)


def _prune_rows(m: sparse.csr_matrix, terms: int) -> sparse.csr_matrix:
    """Each row cut to its ``terms`` largest entries (ties by column), then re-normalised."""
    m = m.tocsr(copy=True)
    m.sort_indices()
    rows, cols, vals = [], [], []
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        if hi == lo:
            continue
        idx, data = m.indices[lo:hi], m.data[lo:hi]
        top = np.lexsort((idx, -data))[:terms]
        v = data[top]
        v = v / (np.linalg.norm(v) or 1.0)
        rows.append(np.full(len(top), r))
        cols.append(idx[top])
        vals.append(v)
    if not rows:
        return sparse.csr_matrix(m.shape)
    out = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=m.shape)
    out.sort_indices()
    return out


def _matrices(corpus: Corpus) -> _Matrices:
    order = np.argsort(np.asarray(corpus.work_ids, dtype=np.int64), kind="stable")
    ids = np.asarray(corpus.work_ids, dtype=np.int64)[order]
    if len(np.unique(ids)) != len(ids):
        raise ValueError("a work appears twice in the corpus")
    n = len(ids)
    pos = lambda values: np.searchsorted(ids, np.asarray(values, dtype=np.int64))  # noqa: E731
    known = lambda values: np.isin(np.asarray(values, dtype=np.int64), ids)  # noqa: E731

    cit = np.asarray(corpus.citations, dtype=np.int64).reshape(-1, 2)
    cit = cit[known(cit[:, 0]) & known(cit[:, 1]) & (cit[:, 0] != cit[:, 1])]
    c = _binary(pos(cit[:, 0]), pos(cit[:, 1]), n)
    out_degree = np.asarray(c.sum(axis=1)).ravel()
    cites = _keep_rows(c, out_degree <= COCITATION_CAP)
    in_degree = np.asarray(c.sum(axis=0)).ravel()
    refs = sparse.csr_matrix(c @ sparse.diags((in_degree <= COUPLING_CAP).astype(np.float64)))
    for m in (cites, refs):
        m.eliminate_zeros()

    tw = [(w, t, s) for w, t, s in corpus.topics if s > 0]
    topic_ids = np.unique(np.asarray([t for _w, t, _s in tw], dtype=np.int64))
    if tw:
        w_arr = np.asarray([w for w, _t, _s in tw], dtype=np.int64)
        mask = known(w_arr)
        t_arr = np.searchsorted(topic_ids, np.asarray([t for _w, t, _s in tw], dtype=np.int64))[mask]
        s_arr = np.asarray([s for _w, _t, s in tw], dtype=np.float64)[mask]
        t = sparse.csr_matrix((s_arr, (pos(w_arr[mask]), t_arr)), shape=(n, len(topic_ids)))
        t.sum_duplicates()
        t.data = np.minimum(t.data, 1.0)  # a topic given twice (from a source and derived) counts once
    else:
        t = sparse.csr_matrix((n, 0))
    df = np.asarray((t > 0).sum(axis=0)).ravel()
    t = sparse.csr_matrix(t @ sparse.diags(np.log1p(n / np.maximum(df, 1))))
    norms = np.sqrt(np.asarray(t.multiply(t).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    t = sparse.csr_matrix(sparse.diags(1.0 / norms) @ t)
    t.sort_indices()
    narrow = sparse.csr_matrix(t @ sparse.diags((df <= TOPIC_CANDIDATE_CAP).astype(np.float64)))
    narrow.eliminate_zeros()

    texts = [corpus.texts[i] for i in order]
    x, vocab = tfidf(texts) if n else (sparse.csr_matrix((0, 0)), [])
    x = _prune_rows(x, TEXT_TERMS)
    term_df = np.asarray((x > 0).sum(axis=0)).ravel()
    narrow_x = sparse.csr_matrix(x @ sparse.diags((term_df <= max(TEXT_CANDIDATE_CAP, TEXT_CANDIDATE_SHARE * n)).astype(np.float64)))
    narrow_x.eliminate_zeros()
    citers = np.asarray(cites.sum(axis=0)).ravel()
    references = np.asarray(refs.sum(axis=1)).ravel()
    return _Matrices(ids, cites, sparse.csr_matrix(cites.T), refs, t, narrow, topic_ids, x, narrow_x, vocab, citers, references,
                     _aligned(ids, corpus.embeddings))


def _aligned(ids: np.ndarray, e: Embeddings | None) -> np.ndarray | None:
    """The embeddings as rows of the corpus's works (zeros where a work has none)."""
    if e is None or not len(e.ids):
        return None
    vec_ids = np.asarray(e.ids, dtype=np.int64)
    vectors = np.asarray(e.vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != len(vec_ids):
        raise ValueError("embeddings: one vector per id is needed")
    out = np.zeros((len(ids), vectors.shape[1]), np.float32)
    present = np.isin(vec_ids, ids)
    out[np.searchsorted(ids, vec_ids[present])] = vectors[present]
    return out


def meaning_strength(cosine: np.ndarray | float) -> np.ndarray:
    """The meaning signal's strength from the embedding cosine (see the module's docstring)."""
    return np.clip((np.asarray(cosine, dtype=np.float64) - MEANING_MIN) / (1.0 - MEANING_MIN), 0.0, 1.0)


# --- pairs -------------------------------------------------------------------------------------
def _pair_dots(m: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row a[k] · row b[k] for each k, from element-wise products (symmetric exactly)."""
    return _pair_products(m, a, b)[0]


def _pair_products(m: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row a[k] · row b[k] for each k, and how many columns both rows have."""
    if not len(a) or m.shape[1] == 0:
        return np.zeros(len(a)), np.zeros(len(a), np.int64)
    p = sparse.csr_matrix(m[a].multiply(m[b]))
    p.eliminate_zeros()
    return np.asarray(p.sum(axis=1)).ravel(), np.diff(p.indptr)


def _strength(shared: np.ndarray, da: np.ndarray, db: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        salton = np.where(shared > 0, shared / np.sqrt(np.maximum(da * db, 1.0)), 0.0)
    return np.sqrt(salton) * shared / (shared + 1.0)


def _top_shared(m: sparse.csr_matrix, a: np.ndarray, b: np.ndarray, k: int) -> tuple[list[list[int]], np.ndarray]:
    """For each pair, the columns both rows have, the ``k`` of largest product first (ties by
    column), and how many they share."""
    if not len(a) or m.shape[1] == 0:
        return [[] for _ in a], np.zeros(len(a), np.int64)
    p = sparse.csr_matrix(m[a].multiply(m[b]))
    p.eliminate_zeros()
    p.sort_indices()
    counts = np.diff(p.indptr)
    row_of = np.repeat(np.arange(len(a)), counts)
    order = np.lexsort((p.indices, -p.data, row_of))
    rank = np.arange(len(order)) - np.repeat(p.indptr[:-1], counts)
    top = rank < k
    out: list[list[int]] = [[] for _ in a]
    for r, col in zip(row_of[order][top].tolist(), p.indices[order][top].tolist()):
        out[r].append(col)
    return out, counts


def _estimate(mx: _Matrices, rows: np.ndarray) -> sparse.coo_matrix:
    """An estimate of the score of every pair (row, other) that anything links, from the
    products of the chunk's rows with all works (the exact scores follow for the best few)."""
    n = len(mx.ids)
    total = sparse.csr_matrix((len(rows), n))
    for product, degree, weight in (
        (mx.cited_by[rows] @ mx.cites, mx.citers, WEIGHTS["cocitation"]),
        (mx.refs[rows] @ mx.refs.T, mx.references, WEIGHTS["coupling"]),
        (mx.narrow_topics[rows] @ mx.narrow_topics.T, None, WEIGHTS["topics"]),
        (mx.narrow_text[rows] @ mx.narrow_text.T, None, WEIGHTS["text"]),
    ):
        coo = sparse.coo_matrix(product)
        if not coo.nnz:
            continue
        data = coo.data if degree is None else _strength(coo.data, degree[rows[coo.row]], degree[coo.col])
        total = total + sparse.csr_matrix((weight * data, (coo.row, coo.col)), shape=total.shape)
    if mx.emb is not None:
        total = total + _nearest_vectors(mx.emb, rows)
    est = sparse.coo_matrix(total)
    keep = rows[est.row] != est.col
    return sparse.coo_matrix((est.data[keep], (est.row[keep], est.col[keep])), shape=est.shape)


def _nearest_vectors(emb: np.ndarray, rows: np.ndarray) -> sparse.csr_matrix:
    """The meaning estimate of each row's nearest ``PRESELECT`` × ``KEEP`` vectors at or above
    ``MEANING_MIN`` (exact: dense products of a few rows with every vector)."""
    k = min(PRESELECT * KEEP, len(emb))
    r_parts, c_parts, v_parts = [], [], []
    for lo in range(0, len(rows), DENSE_ROWS):
        part = rows[lo : lo + DENSE_ROWS]
        cos = emb[part] @ emb.T
        cos[np.arange(len(part)), part] = -1.0  # not itself
        near = np.argpartition(-cos, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(cos, near, axis=1)
        ok = vals >= MEANING_MIN
        r_parts.append(np.nonzero(ok)[0] + lo)
        c_parts.append(near[ok])
        v_parts.append(WEIGHTS["meaning"] * meaning_strength(vals[ok]))
    if not r_parts:
        return sparse.csr_matrix((len(rows), len(emb)))
    return sparse.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))), shape=(len(rows), len(emb)))


def _best_per_row(a: np.ndarray, b_ids: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Positions of each row's ``k`` best (score, then lower id), grouped by row; ``a`` (the
    rows) is sorted."""
    bounds = np.flatnonzero(np.diff(a)) + 1
    picked = []
    for lo, hi in zip(np.concatenate([[0], bounds]).tolist(), np.concatenate([bounds, [len(a)]]).tolist()):
        if hi <= lo:
            continue
        seg = score[lo:hi]
        if hi - lo > k:  # everything at or above the k-th best score, ties included
            cut = np.partition(seg, hi - lo - k)[hi - lo - k]
            within = np.flatnonzero(seg >= cut)
        else:
            within = np.arange(hi - lo)
        order = within[np.lexsort((b_ids[lo:hi][within], -seg[within]))][:k]
        picked.append(order + lo)
    return np.concatenate(picked) if picked else np.zeros(0, np.int64)


def score_pairs(mx: _Matrices, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each pair's score and its signals (counts and strengths), symmetric in a and b."""
    citers, references = mx.citers, mx.references
    cocited = np.rint(_pair_dots(mx.cited_by, a, b))
    coupled = np.rint(_pair_dots(mx.refs, a, b))
    topic_sim = np.clip(_pair_dots(mx.topics, a, b), 0.0, 1.0)
    text_sim, shared_terms = _pair_products(mx.text, a, b)
    text_sim = np.where((text_sim >= TEXT_MIN) & (shared_terms >= TEXT_MIN_TERMS), np.clip(text_sim, 0.0, 1.0), 0.0)
    if mx.emb is not None and len(a):
        # element-wise products summed along the same axis: exactly symmetric in a and b
        cos = np.einsum("ij,ij->i", mx.emb[a].astype(np.float64), mx.emb[b].astype(np.float64))
        cosine = np.where(cos >= MEANING_MIN, np.clip(cos, 0.0, 1.0), 0.0)
    else:
        cosine = np.zeros(len(a))
    strengths = {
        "cocitation": _strength(cocited, citers[a], citers[b]),
        "coupling": _strength(coupled, references[a], references[b]),
        "topics": topic_sim,
        "text": text_sim,
        "meaning": meaning_strength(cosine),
    }
    score = sum(WEIGHTS[k] * strengths[k] for k in WEIGHTS)
    return np.round(score, 6), {"cocited": cocited, "coupled": coupled, "cosine": cosine, **strengths}


def similar_lists(corpus: Corpus, *, keep: int = KEEP, progress: Callable[[int], None] | None = None) -> dict[int, list[Neighbour]]:
    """Every work's similar works, best first (works with none are left out)."""
    mx = _matrices(corpus)
    n = len(mx.ids)
    out: dict[int, list[Neighbour]] = {}
    for start in range(0, n, ROWS_PER_CHUNK):
        rows = np.arange(start, min(n, start + ROWS_PER_CHUNK))
        est = _estimate(mx, rows)
        # near-equal estimates are ties, so the lower id wins whatever the rounding of the sums
        pick = _best_per_row(est.row, mx.ids[est.col], np.round(est.data, 9), PRESELECT * keep)
        a, b = rows[est.row[pick]], est.col[pick].astype(np.int64)
        score, signals = score_pairs(mx, a, b)
        ok = np.flatnonzero(score >= MIN_SCORE)
        best = ok[_best_per_row(a[ok], mx.ids[b[ok]], score[ok], keep)]
        a, b, score = a[best], b[best], score[best]
        signals = {k: v[best] for k, v in signals.items()}
        topics, topic_counts = _top_shared(mx.topics, a, b, SHARED_SHOWN)
        terms, _ = _top_shared(mx.text, a, b, SHARED_TERMS_KEPT)
        ints = {k: signals[k].astype(np.int64).tolist() for k in ("cocited", "coupled")}
        fours = {k: np.round(signals[k], 4).tolist() for k in ("cocitation", "coupling", "topics", "text", "cosine")}
        topic_counts, topic_ids = topic_counts.tolist(), mx.topic_ids.tolist()
        for k, (wa, wb, sc) in enumerate(zip(mx.ids[a].tolist(), mx.ids[b].tolist(), score.tolist())):
            text_sim = fours["text"][k]
            ev = Evidence(
                cocited=ints["cocited"][k], shared_references=ints["coupled"][k],
                cocitation_strength=fours["cocitation"][k], coupling_strength=fours["coupling"][k],
                topics=tuple(topic_ids[c] for c in topics[k]), topics_shared=topic_counts[k],
                topic_similarity=fours["topics"][k], text_similarity=text_sim,
                terms=tuple(mx.vocab[c] for c in terms[k]) if text_sim > 0 else (),
                meaning_similarity=fours["cosine"][k],
            )
            out.setdefault(wa, []).append(Neighbour(wb, sc, ev))
        if progress is not None:
            progress(len(rows))
    return out


def shown_terms(terms: Sequence[str], k: int) -> tuple[str, ...]:
    """The first ``k`` terms worth naming (terms are words and word pairs): a word already in a
    stronger pair is dropped, a pair replaces the stronger single words it contains, and a
    pair whose words both stand in stronger pairs is dropped ("graph", "neural", "graph
    neural" reads "graph neural")."""
    out: list[str] = []
    words: set[str] = set()  # the words of everything kept (a pair keeps those it replaces)
    for t in terms:
        x, _, y = t.partition(" ")
        if not y:
            if t in words:
                continue
        elif x in words and y in words and x not in out and y not in out:
            continue
        elif x in out or y in out:
            out = [o for o in out if o != x and o != y]
        out.append(t)
        words.add(x)
        if y:
            words.add(y)
    return tuple(out[:k])


# --- reasons -----------------------------------------------------------------------------------
def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def contributions(ev: Evidence) -> dict[str, float]:
    """What each signal adds to the score (weight x strength)."""
    return {
        "cocitation": WEIGHTS["cocitation"] * ev.cocitation_strength,
        "coupling": WEIGHTS["coupling"] * ev.coupling_strength,
        "topics": WEIGHTS["topics"] * ev.topic_similarity,
        "text": WEIGHTS["text"] * ev.text_similarity,
        "meaning": WEIGHTS["meaning"] * float(meaning_strength(ev.meaning_similarity)),
    }


def reasons(ev: Evidence, topic_names: Mapping[int, str]) -> list[str]:
    """The evidence as short phrases, the weightiest first: "cited together by 4 works",
    "shares 12 references", "shares topics: Graph Neural Networks, Molecules", "close in text:
    graph neural, molecule", "close in meaning (embedding cosine 0.83)"."""
    phrases: dict[str, str] = {}
    if ev.cocited:
        phrases["cocitation"] = f"cited together by {_plural(ev.cocited, 'work')}"
    if ev.shared_references:
        phrases["coupling"] = f"shares {_plural(ev.shared_references, 'reference')}"
    if ev.topics_shared:
        names = [topic_names[t] for t in ev.topics if t in topic_names]
        more = ev.topics_shared - len(names)
        if names:
            label = "shares topic" if ev.topics_shared == 1 else "shares topics"
            phrases["topics"] = f"{label}: {', '.join(names)}" + (f" and {_plural(more, 'other')}" if more > 0 else "")
        else:
            phrases["topics"] = f"shares {_plural(ev.topics_shared, 'topic')}"
    if ev.text_similarity > 0:
        named = ev.named_terms
        phrases["text"] = "close in text" + (f": {', '.join(named)}" if named else "")
    if ev.meaning_similarity >= MEANING_MIN:
        phrases["meaning"] = f"close in meaning (embedding cosine {ev.meaning_similarity:.2f})"
    weight = contributions(ev)
    order = sorted(phrases, key=lambda k: (-weight[k], list(WEIGHTS).index(k)))
    return [phrases[k] for k in order]
