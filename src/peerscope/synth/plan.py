"""Planning a corpus: who wrote what, when, where, about what, and who cites whom.

The plan is made of compact arrays (numpy for anything per work or per authorship, plain lists
for the per-person name table).  Rendering reads it back one work at a time.

Model, in brief:
  * research groups around a principal investigator (PI), each at an institution, working on a
    few topics of one subfield; groups start and sometimes end within the time span, and a PI
    sometimes moves the group to another institution;
  * group members (students, postdocs, staff) have careers of a few years; former members can
    become PIs of later groups elsewhere;
  * a paper gets a date (growing output over time), a group (weighted by group size among the
    groups active at that date), an author team (members, usually the PI last, sometimes
    colleagues from collaborating groups or people from elsewhere), topics and a venue;
  * some papers also exist as an earlier arXiv preprint: two works, one paper;
  * citations go to strictly older works: recent works of the same topic, references copied
    from other same-topic works (rich-get-richer), older works in general and the authors' own.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from math import log
from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from . import names
from .citations import BIN_DAYS, pick_ring, plan_citations, ring_edges
from .world import World

# paper/work type codes
ARTICLE, CONFERENCE, PREPRINT, REVIEW, CHAPTER, DISSERTATION = range(6)
# person roles
PI, STUDENT, POSTDOC, STAFF, EXTERNAL, BURSTER = range(6)

YEARS = 15
GROWTH_PER_YEAR = 0.08


@dataclass
class Plan:
    n: int
    start: date
    end: date
    span: int  # days from start to end (end is day ``span``)
    # per work, chronological
    day: np.ndarray
    paper: np.ndarray
    wtype: np.ndarray
    role: np.ndarray  # 0 single, 1 preprint of a pair, 2 published version of a pair
    partner: np.ndarray
    wnum: np.ndarray
    arxiv: np.ndarray  # running number within the month for preprints, else 0
    ref_ptr: np.ndarray
    refs: np.ndarray
    ref_override: dict
    cby: np.ndarray  # (n, YEARS + 1) citations received per year offset
    cited_by: np.ndarray
    flags: np.ndarray  # bit 1 retracted, 2 no abstract, 4 tortured, 8 thin, 16 markup
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
    names: list
    habit: np.ndarray
    orcid: list
    aid1: np.ndarray
    aid2: np.ndarray
    cut_day: np.ndarray
    display_of: np.ndarray  # person whose canonical name the first author id shows
    # truth
    integrity: list = field(default_factory=list)
    id_errors: list = field(default_factory=list)
    persons_used: int = 0
    author_ids_used: int = 0
    authorships: int = 0
    pairs: int = 0


def _exp_days(nrng: np.random.Generator, k: int, span: int) -> np.ndarray:
    g = GROWTH_PER_YEAR / 365.25
    u = nrng.random(k)
    return np.minimum(np.log1p(u * math.expm1(g * span)) / g, span).astype(np.int64)


class _People:
    """The person table and the group state used while assigning author teams."""

    def __init__(self, world: World, prng: random.Random):
        self.world = world
        self.r = prng
        self.name: list[tuple] = []
        self.role = array("b")
        self.end = array("i")
        self.weight = array("d")
        self.inst = array("i")
        self.country_mix = []
        for c in names.COUNTRIES:
            cultures = list(c["mix"])
            cum = []
            acc = 0.0
            for cu in cultures:
                acc += c["mix"][cu]
                cum.append(acc)
            self.country_mix.append((cultures, cum))
        self.alumni: list[list[int]] = [[] for _ in world.fields]
        self.externals: list[list[int]] = [[] for _ in world.fields]
        iw = [i.weight for i in world.institutions]
        self.inst_cum = list(np.cumsum(iw))

    def _pick(self, pool: list) -> str:
        return pool[int(len(pool) * self.r.random() ** 1.6)]

    def new(self, country: int, role: int, end: int, weight: float, inst: int = -1) -> int:
        r = self.r
        if self.name and r.random() < 0.012:
            nm = self.name[int(r.random() * len(self.name))]
        else:
            cultures, cum = self.country_mix[country]
            culture = cultures[bisect(cum, r.random() * cum[-1])]
            info = names.CULTURES[culture]
            given = self._pick(info["given"])
            family = self._pick(info["family"])
            if r.random() < info.get("compound", 0.0):
                second = self._pick(info["family"])
                if second != family:
                    family = f"{family} {second}" if r.random() < 0.8 else f"{family}-{second}"
            middle = ""
            if info["middle"] and r.random() < info["middle_rate"]:
                middle = info["middle"][int(r.random() * len(info["middle"]))]
            nm = (culture, given, middle, family)
        self.name.append(nm)
        self.role.append(role)
        self.end.append(end)
        self.weight.append(weight)
        self.inst.append(inst)
        return len(self.name) - 1

    def random_inst(self) -> int:
        cum = self.inst_cum
        return min(bisect(cum, self.r.random() * cum[-1]), len(cum) - 1)


def _team_sizes(nrng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    k = len(mean)
    r = 2.0
    p = r / (r + np.maximum(mean - 1.0, 0.05))
    sizes = 1 + nrng.negative_binomial(r, p)
    big = nrng.random(k) < 0.004 * (mean / 4.0)
    sizes[big] = nrng.integers(15, 61, size=int(big.sum()))
    return np.minimum(sizes, 100)


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
    n_fields = len(fields)

    # ---- how many of each kind of paper --------------------------------------------------
    integrity_on = n >= 1000
    per_day = max(1, round(n * 0.0004)) if n >= 120 else 0
    daily = 30 * per_day
    burst_sizes = [prng.randint(12, 24) for _ in range(max(1, n // 100_000))] if integrity_on else []
    rest = n - daily - sum(burst_sizes)
    pairs = int(round(0.075 * rest)) if rest >= 20 else 0
    regular = rest - 2 * pairs
    n_papers = regular + pairs + daily + sum(burst_sizes)

    # kind: 0 regular, 1 paired, 2 daily preprint, 3 burst preprint
    kind = np.concatenate([np.zeros(regular, np.int8), np.ones(pairs, np.int8), np.full(daily, 2, np.int8),
                           np.full(sum(burst_sizes), 3, np.int8)])
    pday = np.empty(n_papers, np.int64)
    pday[: regular + pairs] = _exp_days(nrng, regular + pairs, span)
    paired_sl = slice(regular, regular + pairs)
    pday[paired_sl] = np.maximum(pday[paired_sl], 45 + nrng.integers(0, 30, pairs))
    pday[paired_sl] = np.minimum(pday[paired_sl], span)
    lag = np.clip(nrng.lognormal(math.log(110), 0.8, pairs).astype(np.int64), 7, 720)
    lag = np.minimum(lag, pday[paired_sl] - 1)
    pos = regular + pairs
    pday[pos: pos + daily] = span - np.repeat(np.arange(30), per_day)
    pos += daily
    burst_ranges = []
    for size in burst_sizes:
        w0 = span - prng.randint(45, 3 * 365)
        pday[pos: pos + size] = w0 + np.sort(nrng.integers(0, 14, size))
        burst_ranges.append((pos, pos + size))
        pos += size

    # ---- groups -----------------------------------------------------------------------------
    n_groups = max(2, round(n_papers / 40))
    g_w = nrng.lognormal(0.0, 1.0, n_groups)
    g_start = np.where(nrng.random(n_groups) < 0.65, -nrng.integers(0, 20 * 365, n_groups),
                       nrng.integers(0, int(span * 0.92) + 1, n_groups))
    g_start[0] = -1
    g_end = np.full(n_groups, span + 1, np.int64)
    retire = (nrng.random(n_groups) < 0.12) & (np.maximum(g_start, 0) + 3 * 365 < span)
    retire[0] = False
    lo = np.maximum(g_start, 0) + 3 * 365
    g_end[retire] = lo[retire] + (nrng.random(int(retire.sum())) * (span - lo[retire])).astype(np.int64)
    fw = np.array([f.weight for f in fields])
    g_field = nrng.choice(n_fields, n_groups, p=fw / fw.sum())
    inst_w = np.array([i.weight for i in world.institutions])
    health_field = np.array([f.domain in (1, 4) for f in fields])
    inst_health = np.array([i.type == "healthcare" for i in world.institutions])
    g_inst = np.empty(n_groups, np.int64)
    for fi in range(n_fields):
        sel = np.nonzero(g_field == fi)[0]
        if len(sel):
            w = inst_w * np.where(inst_health & ~health_field[fi], 0.08, 1.0)
            g_inst[sel] = nrng.choice(len(inst_w), len(sel), p=w / w.sum())
    g_move = np.full(n_groups, span + 10, np.int64)
    g_inst2 = g_inst.copy()
    groups_by_field: list[list[int]] = [[] for _ in fields]
    g_topics: list[list[int]] = []
    g_tw: list[list[float]] = []
    g_venues: list[list[int]] = []
    g_collab: list[list[int]] = []
    for g in range(n_groups):
        f = fields[int(g_field[g])]
        groups_by_field[f.index].append(g)
        sub = world.subfields[f.subfields[prng.randrange(len(f.subfields))]]
        tops = prng.sample(sub.topics, min(len(sub.topics), prng.randint(2, 4)))
        if prng.random() < 0.3:
            other = prng.choice(f.topics)
            if other not in tops:
                tops.append(other)
        g_topics.append(tops)
        g_tw.append([1.0 / (i + 1) ** 0.8 for i in range(len(tops))])
        vs = prng.choices(f.journals, f.journal_weights, k=3)
        g_venues.append(vs)
        a, b = max(int(g_start[g]), 0) + 365, min(int(g_end[g]), span) - 180
        if prng.random() < 0.08 and b > a:
            g_move[g] = prng.randint(a, b)
            same = world.country_insts[world.institutions[int(g_inst[g])].country]
            g_inst2[g] = prng.choice(same) if prng.random() < 0.5 else int(
                nrng.choice(len(inst_w), p=inst_w / inst_w.sum()))
    for g in range(n_groups):
        fi = int(g_field[g])
        k = prng.randint(1, 4)
        collab = []
        for _ in range(k):
            pool = groups_by_field[fi] if prng.random() < 0.7 else range(n_groups)
            c = prng.choice(pool)
            if c != g and c not in collab:
                collab.append(c)
        g_collab.append(collab)

    # group of each paper: among groups active in its 30-day bin, weighted by size
    pgroup = np.empty(n_papers, np.int64)
    nonburst = np.arange(pos - sum(burst_sizes)) if burst_sizes else np.arange(n_papers)
    bins = pday[nonburst] // BIN_DAYS
    order_b = np.argsort(bins, kind="stable")
    sorted_bins = bins[order_b]
    edges = np.flatnonzero(np.diff(sorted_bins)) + 1
    for chunk in np.split(order_b, edges):
        if not len(chunk):
            continue
        centre = int(pday[nonburst[chunk[0]]] // BIN_DAYS) * BIN_DAYS + BIN_DAYS // 2
        active = (g_start <= centre) & (g_end > centre)
        w = g_w * active
        if w.sum() <= 0:
            w = g_w
        pgroup[nonburst[chunk]] = nrng.choice(n_groups, len(chunk), p=w / w.sum())
    for a, b in burst_ranges:
        pgroup[a:b] = int(nrng.integers(0, n_groups))

    # paper types
    pfield = g_field[pgroup]
    u = nrng.random(n_papers)
    ptype = np.full(n_papers, ARTICLE, np.int8)
    reg = kind == 0
    ptype[reg & (u < 0.06)] = PREPRINT
    ptype[reg & (u >= 0.06) & (u < 0.11)] = REVIEW
    ptype[reg & (u >= 0.11) & (u < 0.135)] = CHAPTER
    ptype[reg & (u >= 0.135) & (u < 0.147)] = DISSERTATION
    cs_like = np.isin(pfield, [f.index for f in fields if f.code in (17, 22)])
    ptype[reg & (u >= 0.147) & cs_like & (nrng.random(n_papers) < 0.35)] = CONFERENCE
    ptype[kind >= 2] = PREPRINT
    team_mean = np.array([f.team for f in fields])[pfield]
    nauth = _team_sizes(nrng, team_mean)
    nauth[ptype == DISSERTATION] = 1
    nauth[kind == 3] = np.where(nrng.random(int((kind == 3).sum())) < 0.3, 2, 1)

    # ---- topics and venues per paper --------------------------------------------------------
    p_topics = _paper_topics(nrng, world, pgroup, g_topics, g_tw)
    p_venue = _paper_venues(nrng, world, pgroup, pfield, ptype, g_venues)

    # ---- author teams (chronological) -----------------------------------------------------
    porder = np.lexsort((nrng.random(n_papers), pday))
    people = _People(world, prng)
    r = prng
    g_pi = [-1] * n_groups
    g_members: list[list[int]] = [[] for _ in range(n_groups)]
    g_target = np.clip(np.round(2 + 3 * g_w**0.7), 2, 40).astype(int).tolist()
    g_start_l, g_end_l = g_start.tolist(), g_end.tolist()
    g_move_l, g_inst_l, g_inst2_l = g_move.tolist(), g_inst.tolist(), g_inst2.tolist()
    g_field_l = g_field.tolist()
    inst_country = [i.country for i in world.institutions]

    def group_inst(g: int, t: int) -> int:
        return g_inst2_l[g] if t >= g_move_l[g] else g_inst_l[g]

    def ensure_pi(g: int, t: int) -> int:
        p = g_pi[g]
        if p >= 0:
            return p
        fi = g_field_l[g]
        pool = people.alumni[fi]
        if pool and r.random() < 0.3:
            j = int(r.random() * len(pool))
            pool[j], pool[-1] = pool[-1], pool[j]
            p = pool.pop()
            people.role[p] = PI
            people.end[p] = 1 << 30
        else:
            p = people.new(inst_country[group_inst(g, t)], PI, 1 << 30, 1.0)
        g_pi[g] = p
        return p

    def spawn(g: int, t: int) -> int:
        u = r.random()
        v = r.random()
        if u < 0.55:
            role, dur, wf = STUDENT, 3 * 365 + int(v * 3 * 365), 1.3
        elif u < 0.85:
            role, dur, wf = POSTDOC, 540 + int(v * 735), 1.4
        else:
            role, dur, wf = STAFF, 6 * 365 + int(v * 14 * 365), 0.8
        begin = t - int(dur * 0.3 * r.random())
        return people.new(inst_country[group_inst(g, t)], role, begin + dur, wf * r.lognormvariate(0, 0.7))

    g_next_end = [1 << 30] * n_groups

    def members(g: int, t: int, k: int, exclude: set) -> list[int]:
        ends = people.end
        act = g_members[g]
        if t >= g_next_end[g]:
            # some careers in the group have ended: they leave (students and postdocs as alumni)
            cur = act
            act = [m for m in cur if ends[m] > t]
            fi = g_field_l[g]
            for m in cur:
                if ends[m] <= t and people.role[m] in (STUDENT, POSTDOC):
                    people.alumni[fi].append(m)
            g_members[g] = act
            g_next_end[g] = min([ends[m] for m in act], default=1 << 30)
        avail = [m for m in act if m not in exclude] if exclude else act[:]
        target = g_target[g]
        n_act = len(act)
        while len(avail) < k or (n_act < target and r.random() < 0.12):
            m = spawn(g, t)
            g_members[g].append(m)
            if ends[m] < g_next_end[g]:
                g_next_end[g] = ends[m]
            n_act += 1
            avail.append(m)
        wts = people.weight
        if k == 1:
            if len(avail) == 1:
                return avail
            x = r.random() * sum([wts[m] for m in avail])
            for m in avail:
                x -= wts[m]
                if x < 0:
                    return [m]
            return [avail[-1]]
        # weighted sampling without replacement, in order: a race of exponential clocks
        rnd = r.random
        keyed = sorted([(-log(1.0 - rnd()) / wts[m], m) for m in avail])
        return [m for _, m in keyed[:k]]

    def external(fi: int) -> tuple[int, int]:
        pool = people.externals[fi]
        if pool and r.random() < 0.35:
            p = pool[int(r.random() * len(pool))]
            return p, people.inst[p]
        inst = people.random_inst()
        p = people.new(inst_country[inst], EXTERNAL, 1 << 30, 1.0, inst)
        pool.append(p)
        return p, inst

    pt_person = array("i")
    pt_inst = array("i")
    pt_count = np.zeros(n_papers, np.int64)
    burst_person = {}
    pday_l, pgroup_l, ptype_l, nauth_l, kind_l = pday.tolist(), pgroup.tolist(), ptype.tolist(), nauth.tolist(), \
        kind.tolist()

    for k in porder.tolist():
        g = pgroup_l[k]
        t = pday_l[k]
        ty = ptype_l[k]
        n_a = nauth_l[k]
        fi = g_field_l[g]
        f = fields[fi]
        ginst = group_inst(g, t)
        team: list[int] = []
        insts: list[int] = []
        if kind_l[k] == 3:
            bkey = next(i for i, (a, b) in enumerate(burst_ranges) if a <= k < b)
            if bkey not in burst_person:
                burst_person[bkey] = people.new(inst_country[ginst], BURSTER, 1 << 30, 1.0)
            team.append(burst_person[bkey])
            insts.append(ginst)
            if n_a > 1:
                m = members(g, t, 1, set(team))[0]
                team.append(m)
                insts.append(ginst)
        elif ty == DISSERTATION:
            m = members(g, t, 1, set())[0]
            team.append(m)
            insts.append(ginst)
        else:
            pi = ensure_pi(g, t)
            use_pi = r.random() < (0.9 if n_a >= 2 else 0.35)
            slots = n_a - 1 if use_pi else n_a
            exclude = {pi}
            big = n_a >= 12
            own = 0
            extra: list[tuple[int, int]] = []
            for j in range(slots):
                if j == 0:
                    own += 1
                    continue
                u = r.random()
                if big:
                    if u < 0.45:
                        same = groups_by_field[fi]
                        c = same[int(r.random() * len(same))]
                        if g_start_l[c] <= t < g_end_l[c] and c != g:
                            p = ensure_pi(c, t)
                            if p not in exclude:
                                exclude.add(p)
                                extra.append((p, group_inst(c, t)))
                                continue
                    if u < 0.75:
                        p, ins = external(fi)
                        if p not in exclude:
                            exclude.add(p)
                            extra.append((p, ins))
                            continue
                    own += 1
                    continue
                if u < 0.15 and g_collab[g]:
                    c = g_collab[g][int(r.random() * len(g_collab[g]))]
                    if g_start_l[c] <= t < g_end_l[c]:
                        if r.random() < 0.5:
                            p = ensure_pi(c, t)
                        else:
                            p = members(c, t, 1, exclude)[0]
                        if p not in exclude:
                            exclude.add(p)
                            extra.append((p, group_inst(c, t)))
                            continue
                elif u < 0.21:
                    p, ins = external(fi)
                    if p not in exclude:
                        exclude.add(p)
                        extra.append((p, ins))
                        continue
                own += 1
            mem = members(g, t, own, exclude) if own else []
            if mem:
                team.append(mem[0])
                insts.append(ginst)
            # middle authors: remaining own members and guests, interleaved
            middle = [(m, ginst) for m in mem[1:]] + extra
            if len(middle) > 1:
                r.shuffle(middle)
            for p, ins in middle:
                team.append(p)
                insts.append(ins)
            if use_pi or not team:
                team.append(pi)
                insts.append(ginst)
        pt_person.extend(team)
        pt_inst.extend(insts)
        pt_count[k] = len(team)

    # team slices were appended in chronological order: index them per paper
    pt_ptr = np.zeros(n_papers + 1, np.int64)
    counts_in_order = pt_count[porder]
    starts_in_order = np.concatenate([[0], np.cumsum(counts_in_order)[:-1]])
    paper_start = np.empty(n_papers, np.int64)
    paper_start[porder] = starts_in_order
    pt_person_np = np.frombuffer(pt_person, dtype=np.int32).copy()
    pt_inst_np = np.frombuffer(pt_inst, dtype=np.int32).copy()
    # a second affiliation on some authorships: another institution of the same country
    pt_inst2_np = np.full(len(pt_inst_np), -1, np.int32)
    second = np.nonzero(nrng.random(len(pt_inst_np)) < 0.06)[0]
    c_of = np.array(inst_country, np.int64)[pt_inst_np[second]]
    c_list = [np.array(x, np.int64) for x in world.country_insts]
    c_ptr = np.concatenate([[0], np.cumsum([len(x) for x in c_list])])
    c_all = np.concatenate(c_list)
    other = c_all[c_ptr[c_of] + (nrng.random(len(second)) * (c_ptr[c_of + 1] - c_ptr[c_of])).astype(np.int64)]
    pt_inst2_np[second] = np.where(other != pt_inst_np[second], other, -1)
    # reorder to paper-index order so that pt_ptr is monotone
    gather = _gather(paper_start, pt_count)
    pt_person_np = pt_person_np[gather]
    pt_inst_np = pt_inst_np[gather]
    pt_ptr[1:] = np.cumsum(pt_count)

    # ---- works ------------------------------------------------------------------------------
    paired_idx = np.arange(regular, regular + pairs)
    w_paper = np.concatenate([np.arange(n_papers), paired_idx])
    w_day = np.concatenate([pday, pday[paired_idx] - lag])
    w_role = np.concatenate([np.where(kind == 1, 2, 0).astype(np.int8), np.ones(pairs, np.int8)])
    w_type = np.concatenate([ptype, np.full(pairs, PREPRINT, np.int8)])
    worder = np.lexsort((nrng.random(n), w_day))
    w_paper, w_day, w_role, w_type = w_paper[worder], w_day[worder], w_role[worder], w_type[worder]
    inv = np.empty(n, np.int64)
    inv[worder] = np.arange(n)
    partner = np.full(n, -1, np.int64)
    pub_pos = inv[paired_idx]
    pre_pos = inv[n_papers + np.arange(pairs)]
    partner[pub_pos] = pre_pos
    partner[pre_pos] = pub_pos

    gaps = nrng.integers(1, max(2, 2 * 2_400_000_000 // max(n, 1)), n)
    wnum = 2_000_000_000 + np.cumsum(gaps)

    # arXiv numbers: running count per month among preprints, in date order
    arx = np.zeros(n, np.int64)
    pre = np.nonzero(w_type == PREPRINT)[0]
    if len(pre):
        months = _months(start, w_day[pre])
        step = nrng.integers(1, 40, len(pre))
        cs = np.cumsum(step)
        first = np.concatenate([[True], months[1:] != months[:-1]])
        base = np.maximum.accumulate(np.where(first, cs - step, 0))
        arx[pre] = cs - base

    # ---- authorships per work -----------------------------------------------------------------
    w_nauth = pt_count[w_paper]
    tot = int(w_nauth.sum())
    a_ptr = np.zeros(n + 1, np.int64)
    a_ptr[1:] = np.cumsum(w_nauth)
    src = np.repeat(pt_ptr[w_paper] - a_ptr[:-1], w_nauth) + np.arange(tot)
    a_person = pt_person_np[src].astype(np.int64)
    a_work = np.repeat(np.arange(n), w_nauth)
    n_persons = len(people.name)
    pkeys = np.sort(a_person * n + a_work)
    p_first = np.searchsorted(pkeys, np.arange(n_persons + 1) * n)
    p_count = np.diff(p_first)

    # ---- citations ------------------------------------------------------------------------------
    w_ptopic = p_topics[w_paper, 0]
    mean_refs = np.array([16, 12, 14, 45, 10, 30], np.float64)[w_type]
    rr = 3.0
    nrefs = nrng.negative_binomial(rr, rr / (rr + mean_refs))
    w_kind = kind[w_paper]
    nrefs[w_kind == 3] = nrng.integers(0, 3, int((w_kind == 3).sum()))
    ref_ptr, refs = plan_citations(nrng, n, w_day, w_ptopic, len(world.topics), partner, a_ptr, a_person, pkeys,
                               p_first, nrefs)

    # ---- planted integrity cases ------------------------------------------------------------
    flags = np.zeros(n, np.int64)
    flags[nrng.random(n) < 0.10] |= 2
    flags[w_kind == 3] |= 8
    integrity: list[dict] = []
    override: dict[int, np.ndarray] = {}
    def W(i: int) -> str:
        return f"https://openalex.org/W{int(wnum[i])}"

    def P(p: int) -> str:
        return f"P{int(p):06d}"

    def team_of(i: int) -> list[int]:
        return a_person[a_ptr[i]:a_ptr[i + 1]].tolist()

    if integrity_on:
        # retracted articles
        cands = np.nonzero(np.isin(w_type, [ARTICLE, REVIEW]) & (w_day < span - 365) & (w_kind != 3))[0]
        for i in nrng.choice(cands, min(len(cands), max(1, n // 5000)), replace=False).tolist():
            flags[i] |= 1
            integrity.append({"kind": "retracted", "works": [W(i)], "persons": [P(p) for p in team_of(i)],
                              "note": "published article later retracted by the venue"})
        # tortured phrases
        cs_field = [f.index for f in fields if f.code in (17, 27)]
        cands = np.nonzero(np.isin(p_field_of(pfield, w_paper), cs_field) & (w_type != PREPRINT) & (flags & 1 == 0)
                           & (w_role == 0))[0]
        if not len(cands):
            cands = np.nonzero((flags & 1 == 0) & (w_role == 0) & (w_kind != 3))[0]
        for i in nrng.choice(cands, min(len(cands), max(1, n // 20_000)), replace=False).tolist():
            flags[i] = (flags[i] | 4) & ~2
            integrity.append({"kind": "tortured_phrases", "works": [W(i)], "persons": [P(p) for p in team_of(i)],
                              "note": "abstract uses tortured phrases such as 'counterfeit consciousness' "
                                      "(artificial intelligence) and 'profound learning' (deep learning)"})
        # bursts of thin preprints
        for bkey, bp in sorted(burst_person.items()):
            a, b = burst_ranges[bkey]
            ws = np.nonzero((w_paper >= a) & (w_paper < b))[0]
            d0, d1 = int(w_day[ws].min()), int(w_day[ws].max())
            integrity.append({"kind": "preprint_burst", "works": [W(i) for i in ws.tolist()], "persons": [P(bp)],
                              "note": f"{len(ws)} thin preprints by one person within {d1 - d0 + 1} days"})
        # citation rings
        for _ in range(max(1, n // 200_000)):
            ring = pick_ring(prng, set(burst_person.values()), p_count, pfield, w_paper, pkeys, p_first, n, n_fields)
            if not ring:
                break
            extra_edges = ring_edges(prng, ring, pkeys, p_first, n, w_day, ref_ptr, refs, override)
            if extra_edges:
                ring_works = sorted({w for e in extra_edges for w in e})
                integrity.append({"kind": "citation_ring", "works": [W(i) for i in ring_works],
                                  "persons": [P(p) for p in ring],
                                  "note": f"{len(ring)} persons citing each other's works; "
                                          f"{len(extra_edges)} planted citations among {len(ring_works)} works"})
    # markup that must be shown as text
    markup: dict[int, str] = {}
    if n >= 20:
        cands = np.nonzero((flags & 7 == 0) & (w_role == 0) & (w_kind != 3))[0]
        k = min(len(cands), max(4, n // 25_000))
        for j, i in enumerate(sorted(nrng.choice(cands, k, replace=False).tolist())):
            markup[i] = ("script", "latex", "math", "entity")[j % 4]
            flags[i] |= 16

    # ---- citation counts per year ---------------------------------------------------------------
    years = np.array([(start + timedelta(days=int(d))).year for d in range(0, span + 1, 1)], np.int64)
    w_year = years[w_day]
    first_year = start.year
    ny = YEARS + 1
    citing = np.repeat(np.arange(n), np.diff(ref_ptr))
    targets = refs[: ref_ptr[-1]].astype(np.int64)
    for i, new in override.items():
        old = refs[ref_ptr[i]:ref_ptr[i + 1]]
        add = np.setdiff1d(new, old)
        citing = np.concatenate([citing, np.full(len(add), i, np.int64)])
        targets = np.concatenate([targets, add.astype(np.int64)])
    cby = np.bincount(targets * ny + (w_year[citing] - first_year), minlength=n * ny).astype(np.int32)
    cby = cby.reshape(n, ny)
    cited_by = cby.sum(axis=1)

    # ---- author ids, ORCIDs, planted id errors ---------------------------------------------------
    used = p_count > 0
    persons_used = int(used.sum())
    aid_pool = np.unique(nrng.integers(5_000_000_000, 6_000_000_000, n_persons + n_persons // 20 + 16))
    nrng.shuffle(aid_pool)
    aid1 = aid_pool[:n_persons].copy()
    aid2 = np.zeros(n_persons, np.int64)
    cut = np.full(n_persons, 1 << 30, np.int64)
    display_of = np.arange(n_persons)
    spare = list(aid_pool[n_persons:].tolist())
    id_errors: list[dict] = []
    productive = np.nonzero(p_count >= 5)[0]
    n_split = int(round(0.02 * len(productive)))
    if n >= 300 and len(productive):
        n_split = max(1, n_split)
    for p in sorted(nrng.choice(productive, min(n_split, len(productive), len(spare)), replace=False).tolist()):
        ws = pkeys[p_first[p]:p_first[p + 1]] % n
        days = w_day[ws]
        mid = days[len(days) // 2]
        if mid <= days[0]:
            later = days[days > days[0]]
            if not len(later):
                continue
            mid = later[0]
        aid2[p] = spare.pop()
        cut[p] = int(mid)
        id_errors.append({"kind": "split", "author_ids": [f"https://openalex.org/A{aid1[p]}",
                                                          f"https://openalex.org/A{aid2[p]}"],
                          "persons": [P(p)]})
    # merges: distinct persons with exactly the same name under one id
    by_name: dict[str, list[int]] = {}
    for p in np.nonzero(used)[0].tolist():
        by_name.setdefault(names.full_name(people.name[p]), []).append(p)
    shared = [(nm, ps) for nm, ps in by_name.items() if len(ps) >= 2]
    shared.sort(key=lambda x: x[1][0])
    n_merge = min(len(shared), max(1, n // 10_000)) if n >= 300 else 0
    merged = 0
    prng.shuffle(shared)
    for nm, ps in shared:
        if merged >= n_merge:
            break
        a, b = ps[0], ps[1]
        if aid2[a] or aid2[b]:
            continue
        wa = pkeys[p_first[a]:p_first[a + 1]] % n
        wb = pkeys[p_first[b]:p_first[b + 1]] % n
        if np.intersect1d(wa, wb).size or np.intersect1d(partner[wa], wb).size:
            continue
        aid1[b] = aid1[a]
        display_of[b] = a
        merged += 1
        id_errors.append({"kind": "merge", "author_ids": [f"https://openalex.org/A{aid1[a]}"],
                          "persons": [P(a), P(b)]})
    ids_used = set(aid1[used].tolist()) | set(aid2[aid2 > 0].tolist())

    orcid: list = [None] * n_persons
    has = nrng.random(n_persons) < 0.35
    seen_orcid: set[int] = set()
    from .ids import orcid_from_int
    for p in np.nonzero(has)[0].tolist():
        while True:
            if r.random() < 0.7:
                num = r.randrange(15_000_000, 35_000_000)
            else:
                num = 900_000_000_000_000 + r.randrange(0, 10**9)
            if num not in seen_orcid:
                seen_orcid.add(num)
                break
        orcid[p] = orcid_from_int(num)
    habit = np.where(nrng.random(n_persons) < 0.7, 0, nrng.integers(0, 8, n_persons)).astype(np.int8)

    plan = Plan(
        n=n, start=start, end=end, span=span, day=w_day, paper=w_paper, wtype=w_type, role=w_role, partner=partner,
        wnum=wnum, arxiv=arx, ref_ptr=ref_ptr, refs=refs, ref_override=override, cby=cby, cited_by=cited_by,
        flags=flags, markup=markup, p_venue=p_venue, p_topics=p_topics, p_field=pfield, pt_ptr=pt_ptr,
        pt_person=pt_person_np, pt_inst=pt_inst_np, pt_inst2=pt_inst2_np, names=people.name, habit=habit,
        orcid=orcid, aid1=aid1, aid2=aid2, cut_day=cut, display_of=display_of, integrity=integrity,
        id_errors=id_errors, persons_used=persons_used, author_ids_used=len(ids_used), authorships=tot, pairs=pairs,
    )
    return plan, world


def _paper_topics(nrng, world: World, pgroup: np.ndarray, g_topics: list, g_tw: list) -> np.ndarray:
    """Primary topic from the group's topics (skewed weights), plus up to two related topics."""
    n_groups = len(g_topics)
    width = max(len(t) for t in g_topics)
    gt = np.full((n_groups, width), -1, np.int64)
    cw = np.full((n_groups, width), 2.0)
    cand_lists = []
    for g, (tops, w) in enumerate(zip(g_topics, g_tw)):
        gt[g, :len(tops)] = tops
        c = np.cumsum(w) / sum(w)
        cw[g, :len(tops)] = c
        cw[g, len(tops) - 1] = 1.0
        sub = world.subfields[world.topics[tops[0]].subfield_index].topics
        cand_lists.append(list(dict.fromkeys(tops + sub)))
    cwidth = max(len(c) for c in cand_lists)
    cand = np.full((n_groups, cwidth), -1, np.int64)
    n_cand = np.zeros(n_groups, np.int64)
    for g, c in enumerate(cand_lists):
        cand[g, :len(c)] = c
        n_cand[g] = len(c)
    k = len(pgroup)
    u = nrng.random(k)
    idx = (u[:, None] >= cw[pgroup]).sum(axis=1)
    out = np.full((k, 3), -1, np.int64)
    out[:, 0] = gt[pgroup, idx]
    n_extra = np.searchsorted([0.3, 0.7], nrng.random(k), side="right")
    nc = n_cand[pgroup]
    for j in (1, 2):
        pick = cand[pgroup, (nrng.random(k) * nc).astype(np.int64)]
        ok = (n_extra >= j) & (pick != out[:, 0]) & (pick != out[:, 1])
        out[ok, j] = pick[ok]
    # keep extras packed to the left
    gap = (out[:, 1] < 0) & (out[:, 2] >= 0)
    out[gap, 1] = out[gap, 2]
    out[gap, 2] = -1
    return out


def _paper_venues(nrng, world: World, pgroup, pfield, ptype, g_venues: list) -> np.ndarray:
    k = len(pgroup)
    venue = np.full(k, -1, np.int64)
    gv = np.array(g_venues, np.int64)
    u = nrng.random(k)
    own = gv[pgroup, np.searchsorted([0.5, 5 / 6], nrng.random(k), side="right")]
    for f in world.fields:
        sel = pfield == f.index
        if not sel.any():
            continue
        jw = np.array(f.journal_weights)
        m = int(sel.sum())
        journal = np.array(f.journals)[nrng.choice(len(jw), m, p=jw / jw.sum())]
        t = ptype[sel]
        v = np.where(u[sel] < 0.7, own[sel], journal)
        if f.conferences:
            conf = np.array(f.conferences)[nrng.integers(0, len(f.conferences), m)]
            v = np.where(t == CONFERENCE, conf, v)
        if f.review_journals:
            rev = np.array(f.review_journals)[nrng.integers(0, len(f.review_journals), m)]
            v = np.where((t == REVIEW) & (nrng.random(m) < 0.6), rev, v)
        v = np.where(t == CHAPTER, f.book_series[0], v)
        v = np.where(t == PREPRINT, world.arxiv, v)
        v = np.where(t == DISSERTATION, -1, v)
        venue[sel] = v
    return venue


def p_field_of(pfield: np.ndarray, w_paper: np.ndarray) -> np.ndarray:
    return pfield[w_paper]


def _gather(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    tot = int(count.sum())
    ptr = np.concatenate([[0], np.cumsum(count)[:-1]])
    return np.repeat(start - ptr, count) + np.arange(tot)


def _months(start: date, days: np.ndarray) -> np.ndarray:
    base = np.datetime64(start.isoformat(), "D")
    dt = base + days.astype("timedelta64[D]")
    return dt.astype("datetime64[M]").astype(np.int64)
