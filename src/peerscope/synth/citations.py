"""Citations among the works of a corpus, and planted citation rings."""

from __future__ import annotations

import numpy as np

BIN_DAYS = 30


def plan_citations(nrng, n, w_day, w_ptopic, n_topics, partner, a_ptr, a_person, pkeys, p_first, nrefs):
    """Reference lists (CSR: ``ref_ptr``, ``refs``), built month by month.

    Every reference points to a strictly older work.  Each reference slot is one of:
      * a recent work of the citing work's topic, drawn in proportion to a per-work fitness
        (lognormal), so that some works collect many citations and many collect none;
      * a reference copied from an older work of the same topic (rich get richer);
      * an older work of any topic (recency-weighted, by fitness);
      * an older work of one of the citing work's authors (self-citation).
    """
    cap = int(nrefs.sum())
    refs = np.empty(max(cap, 1), np.int32)
    ref_ptr = np.zeros(n + 1, np.int64)
    fill = 0
    tkeys = np.sort(w_ptopic.astype(np.int64) * n + np.arange(n))
    t_first = np.searchsorted(tkeys, np.arange(n_topics + 1) * n)
    topic_starts = np.arange(n_topics) * n
    bounds = np.searchsorted(w_day, np.arange(0, int(w_day[-1]) + BIN_DAYS + 1, BIN_DAYS)) if n else np.array([0])
    bounds = np.unique(np.concatenate([bounds, [n]]))
    fitness = nrng.lognormal(0.0, 1.4, n)
    tcum = np.cumsum(fitness[tkeys % n]) if n else np.zeros(0)
    gcum = np.cumsum(fitness)
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if e <= s:
            continue
        if s == 0:
            continue
        # older works per topic at the start of this month
        avail_topic = np.searchsorted(tkeys, topic_starts + s) - t_first[:-1]
        # a work cites at most a fraction of what is older in its topic: the corpus has no
        # literature before its start, and early works would otherwise soak up every citation
        k = np.minimum(nrefs[s:e], (avail_topic[w_ptopic[s:e]] * 0.25 + s * 0.01).astype(np.int64) + 1)
        tot = int(k.sum())
        if tot == 0:
            ref_ptr[s + 1:e + 1] = fill
            continue
        citing = np.repeat(np.arange(s, e), k)
        t = w_ptopic[citing]
        avail = avail_topic[t]
        u = nrng.random(tot)
        target = np.full(tot, -1, np.int64)

        sel = np.nonzero((u < 0.6) & (avail > 0))[0]
        if len(sel):
            av, tf = avail[sel], t_first[t[sel]]
            win = np.minimum(av, (nrng.exponential(1.0, len(sel)) * av * 0.5).astype(np.int64) + 8)
            target[sel] = tkeys[_weighted_pick(nrng, tcum, tf + av - win, tf + av)] % n

        sel = np.nonzero((u >= 0.6) & (u < 0.76) & (avail > 0))[0]
        if len(sel):
            av, tf = avail[sel], t_first[t[sel]]
            uj = tkeys[tf + (nrng.random(len(sel)) * av).astype(np.int64)] % n
            cnt = ref_ptr[uj + 1] - ref_ptr[uj]
            ri = ref_ptr[uj] + (nrng.random(len(sel)) * cnt).astype(np.int64)
            target[sel] = np.where(cnt > 0, refs[np.minimum(ri, max(fill - 1, 0))], uj)

        sel = np.nonzero(u >= 0.86)[0]
        if len(sel):
            c = citing[sel]
            na = a_ptr[c + 1] - a_ptr[c]
            p = a_person[a_ptr[c] + (nrng.random(len(sel)) * na).astype(np.int64)]
            pf = p_first[p]
            pc = np.searchsorted(pkeys, p * n + s) - pf
            has = pc > 0
            pick = pf[has] + (nrng.random(int(has.sum())) * pc[has]).astype(np.int64)
            target[sel[has]] = pkeys[pick] % n

        sel = np.nonzero(target < 0)[0]
        if len(sel):
            gwin = np.minimum(s, (nrng.exponential(1.0, len(sel)) * s * 0.3).astype(np.int64) + 8)
            target[sel] = _weighted_pick(nrng, gcum, s - gwin, np.full(len(sel), s))

        ok = target != partner[citing]
        keys = np.unique(citing[ok] * n + target[ok])
        c = keys // n
        tg = keys - c * n
        m = len(tg)
        refs[fill:fill + m] = tg
        ref_ptr[s + 1:e + 1] = fill + np.cumsum(np.bincount(c - s, minlength=e - s))
        fill += m
    return ref_ptr, refs[:fill].copy()


def _weighted_pick(nrng, cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """For each [lo, hi) range of positions, one position drawn in proportion to its weight.

    ``cum`` is the running sum of the weights; empty ranges give -1.
    """
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    top = cum[np.maximum(hi - 1, 0)]
    x = base + nrng.random(len(lo)) * (top - base)
    pos = np.searchsorted(cum, x, side="left")
    pos = np.minimum(np.maximum(pos, lo), hi - 1)
    return np.where(hi > lo, pos, -1)


def pick_ring(prng, exclude: set, p_count, pfield, w_paper, pkeys, p_first, n, n_fields) -> list[int]:
    """8-10 persons with a moderate number of works, from the field where most such persons are."""
    cands = np.nonzero((p_count >= 3) & (p_count <= 80))[0]
    if len(cands) < 8:
        cands = np.nonzero(p_count >= 2)[0]
    if len(cands) < 8:
        return []
    first_work = pkeys[p_first[cands]] % n
    fields_of = pfield[w_paper[first_work]]
    counts = np.bincount(fields_of, minlength=n_fields)
    best = int(np.argmax(counts))
    pool = cands[fields_of == best].tolist() if counts[best] >= 8 else cands.tolist()
    pool = [p for p in pool if p not in exclude]
    size = min(len(pool), prng.randint(8, 10))
    ring = sorted(prng.sample(pool, size))
    return ring if len(ring) >= 8 else []


def ring_edges(prng, ring, pkeys, p_first, n, w_day, ref_ptr, refs, override) -> list[tuple[int, int]]:
    """Make each work of a ring member cite 6-14 older works of the other members.

    The new reference lists go into ``override`` (work -> sorted references); the added
    (citing, cited) pairs are returned.
    """
    works_of = {p: (pkeys[p_first[p]:p_first[p + 1]] % n).tolist() for p in ring}
    all_works = sorted({w for ws in works_of.values() for w in ws})
    owner = {}
    for p, ws in works_of.items():
        for w in ws:
            owner.setdefault(w, set()).add(p)
    edges = []
    for w in all_works:
        older = [x for x in all_works if w_day[x] < w_day[w] and not (owner[x] & owner[w])]
        if not older:
            continue
        k = min(len(older), prng.randint(6, 14))
        picked = prng.sample(older, k)
        base = override.get(w, refs[ref_ptr[w]:ref_ptr[w + 1]])
        new = np.union1d(base, np.array(picked, np.int64)).astype(np.int32)
        added = np.setdiff1d(new, base)
        if len(added):
            override[w] = new
            edges.extend((w, int(x)) for x in added.tolist())
    return edges
