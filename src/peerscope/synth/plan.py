"""Planning a corpus: who wrote what, when, where, about what, and who cites whom.

The plan is made of compact arrays (numpy, one entry per work, paper, authorship or person).
Rendering reads it back one work at a time.

Model, in brief:
  * research groups around a principal investigator (see ``teams``) produce papers; a paper
    gets a date (output grows over time), a group (by size, among the groups active then), an
    author team, topics from the group's topics and a venue;
  * some papers exist twice, as an arXiv preprint and as the later published article;
  * the last 30 days get a steady daily flow of preprints;
  * citations point to strictly older works (see ``citations``);
  * planted cases: retractions, tortured phrases, a burst of thin preprints, citation rings,
    and errors of the source's own author ids (split persons, merged namesakes).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .citations import pick_ring, plan_citations, ring_edges
from .people import NameTable, assign_names, assign_orcids
from .teams import (ARTICLE, CHAPTER, CONFERENCE, DISSERTATION, PREPRINT, REVIEW, add_second_affiliations,
                    assign_groups, assign_teams, make_groups, team_sizes)
from .world import World

__all__ = ["ARTICLE", "CHAPTER", "CONFERENCE", "DISSERTATION", "PREPRINT", "REVIEW", "Plan", "plan_corpus"]

YEARS = 15
GROWTH_PER_YEAR = 0.08
NO_ABSTRACT_SHARE = 0.10
PAIR_SHARE = 0.075  # pairs per work: about 15% of works belong to a preprint/published pair

# flag bits per work
RETRACTED, NO_ABSTRACT, TORTURED, THIN, MARKUP = 1, 2, 4, 8, 16


@dataclass
class Plan:
    n: int
    start: date
    end: date
    span: int  # days from start to end (end is day ``span``)
    # per work, in date order
    day: np.ndarray
    paper: np.ndarray
    wtype: np.ndarray
    role: np.ndarray  # 0 single, 1 preprint of a pair, 2 published version of a pair
    partner: np.ndarray
    wnum: np.ndarray
    arxiv: np.ndarray  # running number within the month for preprints, else 0
    ref_ptr: np.ndarray
    refs: np.ndarray
    ref_override: dict  # work -> reference list replacing its slice of ``refs``
    cby: np.ndarray  # (works, YEARS + 1): citations received per year since the start year
    cited_by: np.ndarray
    flags: np.ndarray
    markup: dict  # work -> markup kind
    # per paper
    p_venue: np.ndarray
    p_topics: np.ndarray  # (papers, 3), -1 padded
    p_field: np.ndarray
    pt_ptr: np.ndarray
    pt_person: np.ndarray
    pt_inst: np.ndarray
    pt_inst2: np.ndarray
    # per person
    names: NameTable
    habit: np.ndarray  # the byline form a person usually uses
    orcid: list
    aid1: np.ndarray
    aid2: np.ndarray  # second author id of a split person, else 0
    cut_day: np.ndarray  # from this day on a split person's authorships carry ``aid2``
    display_of: np.ndarray  # person whose name the first author id shows (differs for merges)
    # truth
    integrity: list = field(default_factory=list)
    id_errors: list = field(default_factory=list)
    persons_used: int = 0
    author_ids_used: int = 0
    authorships: int = 0
    pairs: int = 0


def _wid(wnum: np.ndarray, i: int) -> str:
    return f"https://openalex.org/W{int(wnum[i])}"


def _pid(p: int) -> str:
    return f"P{int(p):06d}"


def _exp_days(nrng: np.random.Generator, k: int, span: int) -> np.ndarray:
    """Days in [0, span] with density growing exponentially over time."""
    g = GROWTH_PER_YEAR / 365.25
    u = nrng.random(k)
    return np.minimum(np.log1p(u * math.expm1(g * span)) / g, span).astype(np.int64)


def _months(start: date, days: np.ndarray) -> np.ndarray:
    dt = np.datetime64(start.isoformat(), "D") + days.astype("timedelta64[D]")
    return dt.astype("datetime64[M]").astype(np.int64)


def plan_corpus(n: int, seed: int, end: date) -> tuple[Plan, World]:
    nrng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    prng = random.Random(seed * 1_000_003 + 12345)
    try:
        start = end.replace(year=end.year - YEARS) + timedelta(days=1)
    except ValueError:  # 29 February
        start = date(end.year - YEARS, 3, 1)
    span = (end - start).days
    world = World(random.Random(seed * 7919 + 3), n)
    fields = world.fields

    # ---- papers: kinds and dates ----------------------------------------------------------------
    integrity_on = n >= 1000
    per_day = max(1, round(n * 0.0004)) if n >= 120 else 0
    daily = 30 * per_day
    burst_sizes = [prng.randint(12, 24) for _ in range(max(1, n // 100_000))] if integrity_on else []
    n_burst = sum(burst_sizes)
    rest = n - daily - n_burst
    pairs = int(round(PAIR_SHARE * rest)) if rest >= 20 else 0
    regular = rest - 2 * pairs
    n_papers = regular + pairs + daily + n_burst
    # kind: 0 regular, 1 with a preprint, 2 recent daily preprint, 3 burst preprint
    kind = np.repeat(np.arange(4, dtype=np.int8), [regular, pairs, daily, n_burst])
    pday = np.empty(n_papers, np.int64)
    pday[: regular + pairs] = _exp_days(nrng, regular + pairs, span)
    paired = np.arange(regular, regular + pairs)
    pday[paired] = np.minimum(np.maximum(pday[paired], 45 + nrng.integers(0, 30, pairs)), span)
    lag = np.clip(nrng.lognormal(math.log(110), 0.8, pairs).astype(np.int64), 7, 720)
    lag = np.minimum(lag, pday[paired] - 1)
    pos = regular + pairs
    pday[pos: pos + daily] = span - np.repeat(np.arange(30), per_day)
    pos += daily
    burst_of = np.full(n_papers, -1, np.int64)
    burst_ranges = []
    for b, size in enumerate(burst_sizes):
        w0 = span - prng.randint(45, 3 * 365)
        pday[pos: pos + size] = w0 + np.sort(nrng.integers(0, 14, size))
        burst_of[pos: pos + size] = b
        burst_ranges.append((pos, pos + size))
        pos += size

    # ---- groups, types, topics, venues -------------------------------------------------------
    groups = make_groups(nrng, prng, world, max(2, round(n_papers / 40)), span)
    pgroup = assign_groups(nrng, groups, pday, np.nonzero(kind != 3)[0])
    for a, b in burst_ranges:
        pgroup[a:b] = int(nrng.integers(0, len(groups)))
    pfield = groups.field[pgroup]
    ptype = _paper_types(nrng, world, kind, pfield)
    nauth = team_sizes(nrng, np.array([f.team for f in fields])[pfield])
    nauth[ptype == DISSERTATION] = 1
    nauth[kind == 3] = np.where(nrng.random(n_burst) < 0.3, 2, 1)
    p_topics = _paper_topics(nrng, world, pgroup, groups.topics, groups.topic_weights)
    p_venue = _paper_venues(nrng, world, pfield, ptype, groups.venues, pgroup)

    # ---- author teams ------------------------------------------------------------------------
    order = np.lexsort((nrng.random(n_papers), pday))
    teams = assign_teams(prng, world, groups, pday, pgroup, ptype, nauth, burst_of, order)
    add_second_affiliations(nrng, world, teams)
    people = teams.persons
    n_persons = len(people)

    # ---- works: papers plus the preprint versions, in date order ------------------------------
    w_paper = np.concatenate([np.arange(n_papers), paired])
    w_day = np.concatenate([pday, pday[paired] - lag])
    w_role = np.concatenate([np.where(kind == 1, 2, 0).astype(np.int8), np.ones(pairs, np.int8)])
    w_type = np.concatenate([ptype, np.full(pairs, PREPRINT, np.int8)])
    worder = np.lexsort((nrng.random(n), w_day))
    w_paper, w_day, w_role, w_type = w_paper[worder], w_day[worder], w_role[worder], w_type[worder]
    inv = np.empty(n, np.int64)
    inv[worder] = np.arange(n)
    partner = np.full(n, -1, np.int64)
    partner[inv[paired]] = inv[n_papers + np.arange(pairs)]
    partner[inv[n_papers + np.arange(pairs)]] = inv[paired]
    w_kind = kind[w_paper]
    # OpenAlex-like ids growing with time
    wnum = 2_000_000_000 + np.cumsum(nrng.integers(1, max(2, 4_800_000_000 // max(n, 1)), n))
    arxiv = _arxiv_numbers(nrng, start, w_day, w_type)

    # authorships per work, and each person's works in order
    w_nauth = teams.count[w_paper]
    n_auth = int(w_nauth.sum())
    a_ptr = np.zeros(n + 1, np.int64)
    a_ptr[1:] = np.cumsum(w_nauth)
    src = np.repeat(teams.ptr[w_paper] - a_ptr[:-1], w_nauth) + np.arange(n_auth)
    a_person = teams.person[src].astype(np.int64)
    pkeys = np.sort(a_person * n + np.repeat(np.arange(n), w_nauth))
    p_first = np.searchsorted(pkeys, np.arange(n_persons + 1) * n)
    p_count = np.diff(p_first)

    # ---- citations ------------------------------------------------------------------------------
    w_ptopic = p_topics[w_paper, 0]
    mean_refs = np.array([16, 12, 14, 45, 10, 30], np.float64)[w_type]
    nrefs = nrng.negative_binomial(3.0, 3.0 / (3.0 + mean_refs))
    nrefs[w_kind == 3] = nrng.integers(0, 3, int((w_kind == 3).sum()))
    ref_ptr, refs = plan_citations(nrng, n, w_day, w_ptopic, len(world.topics), partner, a_ptr, a_person, pkeys,
                                   p_first, nrefs)

    # ---- planted cases ------------------------------------------------------------------------
    flags = np.zeros(n, np.int64)
    flags[nrng.random(n) < NO_ABSTRACT_SHARE] |= NO_ABSTRACT
    flags[w_kind == 3] |= THIN
    override: dict[int, np.ndarray] = {}
    integrity: list[dict] = []
    if integrity_on:
        integrity = _plant_integrity(nrng, prng, world, n, span, w_type, w_day, w_role, w_kind, w_paper, pfield,
                                     wnum, flags, a_ptr, a_person, teams.burst_person, burst_ranges, p_count,
                                     pkeys, p_first, ref_ptr, refs, override)
    markup: dict[int, str] = {}
    if n >= 20:
        cands = np.nonzero((flags & (RETRACTED | NO_ABSTRACT | TORTURED) == 0) & (w_role == 0) & (w_kind != 3))[0]
        k = min(len(cands), max(4, n // 25_000))
        for j, i in enumerate(sorted(nrng.choice(cands, k, replace=False).tolist())):
            markup[i] = ("script", "latex", "math", "entity")[j % 4]
            flags[i] |= MARKUP

    # ---- citations received per year ----------------------------------------------------------
    cby = _citations_per_year(n, start, span, w_day, ref_ptr, refs, override)

    # ---- persons: names, ORCIDs, author ids -----------------------------------------------------
    person_names = assign_names(nrng, np.frombuffer(people.country, dtype=np.int16))
    ids = _author_ids(nrng, prng, n, w_day, partner, p_count, pkeys, p_first, person_names)

    plan = Plan(
        n=n, start=start, end=end, span=span, day=w_day, paper=w_paper, wtype=w_type, role=w_role, partner=partner,
        wnum=wnum, arxiv=arxiv, ref_ptr=ref_ptr, refs=refs, ref_override=override, cby=cby,
        cited_by=cby.sum(axis=1), flags=flags, markup=markup, p_venue=p_venue, p_topics=p_topics, p_field=pfield,
        pt_ptr=teams.ptr, pt_person=teams.person, pt_inst=teams.inst, pt_inst2=teams.inst2, names=person_names,
        habit=np.where(nrng.random(n_persons) < 0.7, 0, nrng.integers(0, 8, n_persons)).astype(np.int8),
        orcid=assign_orcids(nrng, n_persons), integrity=integrity, persons_used=int((p_count > 0).sum()),
        authorships=n_auth, pairs=pairs, **ids,
    )
    return plan, world


def _citations_per_year(n, start: date, span: int, w_day, ref_ptr, refs, override) -> np.ndarray:
    """(works, YEARS + 1) counts: citations each work receives, by year since the start year."""
    year_of_day = np.array([(start + timedelta(days=d)).year - start.year for d in range(span + 1)], np.int32)
    ny = YEARS + 1
    cby = np.zeros(n * ny, np.int64)
    step = 1_000_000
    for a in range(0, n, step):  # in slices of citing works, to bound temporary memory
        b = min(n, a + step)
        citing_year = np.repeat(year_of_day[w_day[a:b]], np.diff(ref_ptr[a:b + 1]))
        cited = refs[ref_ptr[a]:ref_ptr[b]].astype(np.int64)
        cby += np.bincount(cited * ny + citing_year, minlength=n * ny)
    for i, new in sorted(override.items()):
        add = np.setdiff1d(new, refs[ref_ptr[i]:ref_ptr[i + 1]]).astype(np.int64)
        np.add.at(cby, add * ny + year_of_day[w_day[i]], 1)
    return cby.astype(np.int32).reshape(n, ny)


def _paper_types(nrng: np.random.Generator, world: World, kind: np.ndarray, pfield: np.ndarray) -> np.ndarray:
    k = len(kind)
    u = nrng.random(k)
    ptype = np.full(k, ARTICLE, np.int8)
    reg = kind == 0
    ptype[reg & (u < 0.06)] = PREPRINT
    ptype[reg & (u >= 0.06) & (u < 0.11)] = REVIEW
    ptype[reg & (u >= 0.11) & (u < 0.135)] = CHAPTER
    ptype[reg & (u >= 0.135) & (u < 0.147)] = DISSERTATION
    cs_like = np.isin(pfield, [f.index for f in world.fields if f.code in (17, 22)])
    ptype[reg & (u >= 0.147) & cs_like & (nrng.random(k) < 0.35)] = CONFERENCE
    ptype[kind >= 2] = PREPRINT
    return ptype


def _paper_topics(nrng, world: World, pgroup: np.ndarray, g_topics: list, g_tw: list) -> np.ndarray:
    """Primary topic from the group's topics (skewed weights), plus up to two related topics."""
    n_groups = len(g_topics)
    width = max(len(t) for t in g_topics)
    gt = np.full((n_groups, width), -1, np.int64)
    cw = np.full((n_groups, width), 2.0)
    cand_lists = []
    for g, (tops, w) in enumerate(zip(g_topics, g_tw)):
        gt[g, :len(tops)] = tops
        cw[g, :len(tops)] = np.cumsum(w) / sum(w)
        cw[g, len(tops) - 1] = 1.0
        sub = world.subfields[world.topics[tops[0]].subfield_index].topics
        cand_lists.append(list(dict.fromkeys(tops + sub)))
    cand = np.full((n_groups, max(len(c) for c in cand_lists)), -1, np.int64)
    n_cand = np.zeros(n_groups, np.int64)
    for g, c in enumerate(cand_lists):
        cand[g, :len(c)] = c
        n_cand[g] = len(c)
    k = len(pgroup)
    idx = (nrng.random(k)[:, None] >= cw[pgroup]).sum(axis=1)
    out = np.full((k, 3), -1, np.int64)
    out[:, 0] = gt[pgroup, idx]
    n_extra = np.searchsorted([0.3, 0.7], nrng.random(k), side="right")
    nc = n_cand[pgroup]
    for j in (1, 2):
        pick = cand[pgroup, (nrng.random(k) * nc).astype(np.int64)]
        ok = (n_extra >= j) & (pick != out[:, 0]) & (pick != out[:, 1])
        out[ok, j] = pick[ok]
    gap = (out[:, 1] < 0) & (out[:, 2] >= 0)  # keep extras packed to the left
    out[gap, 1] = out[gap, 2]
    out[gap, 2] = -1
    return out


def _paper_venues(nrng, world: World, pfield, ptype, g_venues: list, pgroup) -> np.ndarray:
    """Venue by type: the group's usual journals, other journals of the field, conferences..."""
    k = len(pgroup)
    venue = np.full(k, -1, np.int64)
    u = nrng.random(k)
    own = np.array(g_venues, np.int64)[pgroup, np.searchsorted([0.5, 5 / 6], nrng.random(k), side="right")]
    for f in world.fields:
        sel = pfield == f.index
        m = int(sel.sum())
        if not m:
            continue
        jw = np.array(f.journal_weights)
        v = np.where(u[sel] < 0.7, own[sel], np.array(f.journals)[nrng.choice(len(jw), m, p=jw / jw.sum())])
        t = ptype[sel]
        if f.conferences:
            v = np.where(t == CONFERENCE, np.array(f.conferences)[nrng.integers(0, len(f.conferences), m)], v)
        if f.review_journals:
            rev = np.array(f.review_journals)[nrng.integers(0, len(f.review_journals), m)]
            v = np.where((t == REVIEW) & (nrng.random(m) < 0.6), rev, v)
        v = np.where(t == CHAPTER, f.book_series[0], v)
        v = np.where(t == PREPRINT, world.arxiv, v)
        venue[sel] = np.where(t == DISSERTATION, -1, v)
    return venue


def _arxiv_numbers(nrng, start: date, w_day: np.ndarray, w_type: np.ndarray) -> np.ndarray:
    """Running arXiv numbers within each month, in date order, with gaps (other submissions).

    Numbers stay below 100000 (10000 before 2015, when they had four digits).
    """
    out = np.zeros(len(w_day), np.int64)
    pre = np.nonzero(w_type == PREPRINT)[0]
    if len(pre):
        months = _months(start, w_day[pre])
        first = np.concatenate([[True], months[1:] != months[:-1]])
        group = np.cumsum(first) - 1
        per_month = np.bincount(group)
        cap = np.where(months[first] < np.datetime64("2015-01", "M").astype(np.int64), 9_900, 99_000)
        max_step = np.maximum(1, np.minimum(39, cap // per_month))[group]
        step = 1 + (nrng.random(len(pre)) * max_step).astype(np.int64)
        cs = np.cumsum(step)
        out[pre] = cs - np.maximum.accumulate(np.where(first, cs - step, 0))
    return out


def _plant_integrity(nrng, prng, world, n, span, w_type, w_day, w_role, w_kind, w_paper, pfield, wnum, flags,
                     a_ptr, a_person, burst_person, burst_ranges, p_count, pkeys, p_first, ref_ptr, refs,
                     override) -> list[dict]:
    def team_of(i: int) -> list[str]:
        return [_pid(p) for p in a_person[a_ptr[i]:a_ptr[i + 1]].tolist()]

    cases: list[dict] = []
    cands = np.nonzero(np.isin(w_type, [ARTICLE, REVIEW]) & (w_day < span - 365) & (w_kind != 3))[0]
    for i in nrng.choice(cands, min(len(cands), max(1, n // 5000)), replace=False).tolist():
        flags[i] |= RETRACTED
        cases.append({"kind": "retracted", "works": [_wid(wnum, i)], "persons": team_of(i),
                      "note": "published article later retracted by the venue"})
    ai_fields = [f.index for f in world.fields if f.code in (17, 27)]
    cands = np.nonzero(np.isin(pfield[w_paper], ai_fields) & (w_type != PREPRINT) & (flags & RETRACTED == 0)
                       & (w_role == 0))[0]
    if not len(cands):
        cands = np.nonzero((flags & RETRACTED == 0) & (w_role == 0) & (w_kind != 3))[0]
    for i in nrng.choice(cands, min(len(cands), max(1, n // 20_000)), replace=False).tolist():
        flags[i] = (flags[i] | TORTURED) & ~NO_ABSTRACT
        cases.append({"kind": "tortured_phrases", "works": [_wid(wnum, i)], "persons": team_of(i),
                      "note": "abstract uses tortured phrases such as 'counterfeit consciousness' "
                              "(artificial intelligence) and 'profound learning' (deep learning)"})
    for b, person in sorted(burst_person.items()):
        lo, hi = burst_ranges[b]
        ws = np.nonzero((w_paper >= lo) & (w_paper < hi))[0]
        days = int(w_day[ws].max() - w_day[ws].min()) + 1
        cases.append({"kind": "preprint_burst", "works": [_wid(wnum, i) for i in ws.tolist()],
                      "persons": [_pid(person)], "note": f"{len(ws)} thin preprints by one person within {days} days"})
    exclude = set(burst_person.values())
    for _ in range(max(1, n // 200_000)):
        ring = pick_ring(prng, exclude, p_count, pfield, w_paper, pkeys, p_first, n, len(world.fields))
        if not ring:
            break
        exclude.update(ring)
        edges = ring_edges(prng, ring, pkeys, p_first, n, w_day, ref_ptr, refs, override)
        if edges:
            ring_works = sorted({w for e in edges for w in e})
            cases.append({"kind": "citation_ring", "works": [_wid(wnum, i) for i in ring_works],
                          "persons": [_pid(p) for p in ring],
                          "note": f"{len(ring)} persons citing each other's works; "
                                  f"{len(edges)} planted citations among {len(ring_works)} works"})
    return cases


def _author_ids(nrng, prng, n, w_day, partner, p_count, pkeys, p_first, person_names: NameTable) -> dict:
    """The source's own author ids: one per person, except planted splits and merges."""
    n_persons = len(p_count)
    used = p_count > 0
    pool = np.unique(nrng.integers(5_000_000_000, 6_000_000_000, n_persons + n_persons // 20 + 16))
    nrng.shuffle(pool)
    aid1 = pool[:n_persons].copy()
    spare = pool[n_persons:].tolist()
    aid2 = np.zeros(n_persons, np.int64)
    cut = np.full(n_persons, 1 << 30, np.int64)
    display_of = np.arange(n_persons)
    errors: list[dict] = []
    # splits: about 2% of productive persons get a second id for their later works
    productive = np.nonzero(p_count >= 5)[0]
    n_split = int(round(0.02 * len(productive)))
    if n >= 300 and len(productive):
        n_split = max(1, n_split)
    for p in sorted(nrng.choice(productive, min(n_split, len(productive), len(spare)), replace=False).tolist()):
        days = np.sort(w_day[pkeys[p_first[p]:p_first[p + 1]] % n])
        later = days[days > days[0]]
        if not len(later):
            continue
        aid2[p] = spare.pop()
        cut[p] = int(max(days[len(days) // 2], later[0]))
        errors.append({"kind": "split", "author_ids": [f"https://openalex.org/A{aid1[p]}",
                                                       f"https://openalex.org/A{aid2[p]}"], "persons": [_pid(p)]})
    # merges: two namesakes (never coauthors) under one id
    people = np.nonzero(used)[0]
    keys = person_names.key()[people]
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], sk[1:] != sk[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(sk)]]))
    shared = [(int(people[order[s]]), int(people[order[s + 1]])) for s in starts[sizes >= 2].tolist()]
    prng.shuffle(shared)
    n_merge = min(len(shared), max(1, n // 10_000)) if n >= 300 else 0
    merged = 0
    for a, b in shared:
        if merged >= n_merge:
            break
        if aid2[a] or aid2[b]:
            continue
        wa = pkeys[p_first[a]:p_first[a + 1]] % n
        wb = pkeys[p_first[b]:p_first[b + 1]] % n
        if np.intersect1d(wa, wb).size or np.intersect1d(partner[wa], wb).size:
            continue
        aid1[b] = aid1[a]
        display_of[b] = a
        merged += 1
        errors.append({"kind": "merge", "author_ids": [f"https://openalex.org/A{aid1[a]}"],
                       "persons": [_pid(a), _pid(b)]})
    ids_used = set(aid1[used].tolist()) | set(aid2[aid2 > 0].tolist())
    return {"aid1": aid1, "aid2": aid2, "cut_day": cut, "display_of": display_of, "id_errors": errors,
            "author_ids_used": len(ids_used)}
