"""Research groups and the author team of every paper.

A group has a principal investigator (PI), an institution (sometimes a second one after a move),
a few topics of one subfield, preferred venues and a few collaborating groups.  Members
(students, postdocs, staff) join and leave over time; former students and postdocs may later
lead groups of their own elsewhere.  Teams are assigned paper by paper in date order.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from math import exp, log

import numpy as np

from .people import BURSTER, EXTERNAL, PI, POSTDOC, STAFF, STUDENT, PersonTable
from .world import World

BIN_DAYS = 30
NEVER = 1 << 30

# paper/work type codes
ARTICLE, CONFERENCE, PREPRINT, REVIEW, CHAPTER, DISSERTATION = range(6)


@dataclass
class Groups:
    weight: np.ndarray
    start: np.ndarray
    end: np.ndarray
    field: np.ndarray
    inst: np.ndarray
    inst2: np.ndarray
    move: np.ndarray  # day the group moves to ``inst2``
    topics: list[list[int]]
    topic_weights: list[list[float]]
    venues: list[list[int]]
    collab: list[list[int]]
    by_field: list[list[int]]

    def __len__(self) -> int:
        return len(self.weight)


def make_groups(nrng: np.random.Generator, prng, world: World, n_groups: int, span: int) -> Groups:
    fields = world.fields
    w = nrng.lognormal(0.0, 1.0, n_groups)
    # most groups exist before the span starts; the others are founded during it
    start = np.where(nrng.random(n_groups) < 0.65, -nrng.integers(0, 20 * 365, n_groups),
                     nrng.integers(0, int(span * 0.92) + 1, n_groups))
    start[0] = -1
    end = np.full(n_groups, span + 1, np.int64)
    lo = np.maximum(start, 0) + 3 * 365
    retire = (nrng.random(n_groups) < 0.12) & (lo < span)
    retire[0] = False
    end[retire] = lo[retire] + (nrng.random(int(retire.sum())) * (span - lo[retire])).astype(np.int64)
    fw = np.array([f.weight for f in fields])
    gfield = nrng.choice(len(fields), n_groups, p=fw / fw.sum())
    inst_w = np.array([i.weight for i in world.institutions])
    health_field = np.array([f.domain in (1, 4) for f in fields])
    inst_health = np.array([i.type == "healthcare" for i in world.institutions])
    inst = np.empty(n_groups, np.int64)
    for fi in range(len(fields)):
        sel = np.nonzero(gfield == fi)[0]
        if len(sel):
            wi = inst_w * np.where(inst_health & ~health_field[fi], 0.08, 1.0)
            inst[sel] = nrng.choice(len(inst_w), len(sel), p=wi / wi.sum())
    move = np.full(n_groups, span + 10, np.int64)
    inst2 = inst.copy()
    by_field: list[list[int]] = [[] for _ in fields]
    topics, topic_weights, venues, collab = [], [], [], []
    for g in range(n_groups):
        f = fields[int(gfield[g])]
        by_field[f.index].append(g)
        sub = world.subfields[f.subfields[prng.randrange(len(f.subfields))]]
        tops = prng.sample(sub.topics, min(len(sub.topics), prng.randint(2, 4)))
        if prng.random() < 0.3:
            other = prng.choice(f.topics)
            if other not in tops:
                tops.append(other)
        topics.append(tops)
        topic_weights.append([1.0 / (i + 1) ** 0.8 for i in range(len(tops))])
        venues.append(prng.choices(f.journals, f.journal_weights, k=3))
        a, b = max(int(start[g]), 0) + 365, min(int(end[g]), span) - 180
        if prng.random() < 0.08 and b > a:
            move[g] = prng.randint(a, b)
            same_country = world.country_insts[world.institutions[int(inst[g])].country]
            inst2[g] = prng.choice(same_country) if prng.random() < 0.5 else \
                prng.choices(range(len(inst_w)), inst_w.tolist())[0]
    for g in range(n_groups):
        fi = int(gfield[g])
        mine: list[int] = []
        for _ in range(prng.randint(1, 4)):
            c = prng.choice(by_field[fi]) if prng.random() < 0.7 else prng.randrange(n_groups)
            if c != g and c not in mine:
                mine.append(c)
        collab.append(mine)
    return Groups(w, start, end, gfield, inst, inst2, move, topics, topic_weights, venues, collab, by_field)


def assign_groups(nrng: np.random.Generator, groups: Groups, pday: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """A group for each eligible paper: among the groups active in its 30-day bin, by size."""
    pgroup = np.zeros(len(pday), np.int64)
    bins = pday[eligible] // BIN_DAYS
    order = np.argsort(bins, kind="stable")
    edges = np.flatnonzero(np.diff(bins[order])) + 1
    for chunk in np.split(order, edges):
        if not len(chunk):
            continue
        centre = int(bins[chunk[0]]) * BIN_DAYS + BIN_DAYS // 2
        active = (groups.start <= centre) & (groups.end > centre)
        w = groups.weight * active
        if w.sum() <= 0:
            w = groups.weight
        pgroup[eligible[chunk]] = nrng.choice(len(groups), len(chunk), p=w / w.sum())
    return pgroup


def team_sizes(nrng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Authors per paper: 1 + negative binomial around the field's mean, and a few consortia."""
    r = 2.0
    p = r / (r + np.maximum(mean - 1.0, 0.05))
    sizes = 1 + nrng.negative_binomial(r, p)
    big = nrng.random(len(mean)) < 0.004 * (mean / 4.0)
    sizes[big] = nrng.integers(15, 61, size=int(big.sum()))
    return np.minimum(sizes, 100)


@dataclass
class Teams:
    ptr: np.ndarray  # per paper, into person/inst/inst2
    person: np.ndarray
    inst: np.ndarray
    inst2: np.ndarray
    count: np.ndarray
    persons: PersonTable
    burst_person: dict[int, int]  # burst index -> person


def assign_teams(prng, world: World, groups: Groups, pday: np.ndarray, pgroup: np.ndarray, ptype: np.ndarray,
                 nauth: np.ndarray, burst_of: np.ndarray, order: np.ndarray) -> Teams:
    """Author teams (persons and their affiliations) of all papers, visited in ``order``."""
    rnd = prng.random
    n_groups = len(groups)
    people = PersonTable(len(world.fields), [i.weight for i in world.institutions], rnd)
    inst_country = [i.country for i in world.institutions]
    g_pi = [-1] * n_groups
    g_members: list[list[int]] = [[] for _ in range(n_groups)]
    g_next_end = [NEVER] * n_groups  # earliest end of a member's career in the group
    g_target = np.clip(np.round(2 + 3 * groups.weight ** 0.7), 2, 40).astype(int).tolist()
    g_start, g_end = groups.start.tolist(), groups.end.tolist()
    g_move, g_inst, g_inst2 = groups.move.tolist(), groups.inst.tolist(), groups.inst2.tolist()
    g_field = groups.field.tolist()
    g_collab, by_field = groups.collab, groups.by_field
    ends, weights, roles = people.end, people.weight, people.role

    def group_inst(g: int, t: int) -> int:
        return g_inst2[g] if t >= g_move[g] else g_inst[g]

    def ensure_pi(g: int, t: int) -> int:
        p = g_pi[g]
        if p >= 0:
            return p
        pool = people.alumni[g_field[g]]
        if pool and rnd() < 0.3:
            j = int(rnd() * len(pool))
            pool[j], pool[-1] = pool[-1], pool[j]
            p = pool.pop()
            roles[p] = PI
            ends[p] = NEVER
        else:
            p = people.new(inst_country[group_inst(g, t)], PI, NEVER, 1.0)
        g_pi[g] = p
        return p

    def spawn(g: int, t: int) -> int:
        u, v = rnd(), rnd()
        if u < 0.55:
            role, dur, wf = STUDENT, 3 * 365 + int(v * 3 * 365), 1.3
        elif u < 0.85:
            role, dur, wf = POSTDOC, 540 + int(v * 735), 1.4
        else:
            role, dur, wf = STAFF, 6 * 365 + int(v * 14 * 365), 0.8
        begin = t - int(dur * 0.3 * rnd())
        activity = wf * exp(0.7 * prng.gauss(0.0, 1.0))
        return people.new(inst_country[group_inst(g, t)], role, begin + dur, activity)

    def members(g: int, t: int, k: int, exclude: set) -> list[int]:
        """k distinct active members (weighted by activity), hiring when there are too few."""
        act = g_members[g]
        if t >= g_next_end[g]:
            cur = act
            act = [m for m in cur if ends[m] > t]
            alumni = people.alumni[g_field[g]]
            for m in cur:
                if ends[m] <= t and roles[m] in (STUDENT, POSTDOC):
                    alumni.append(m)
            g_members[g] = act
            g_next_end[g] = min([ends[m] for m in act], default=NEVER)
        avail = [m for m in act if m not in exclude] if exclude else act[:]
        target = g_target[g]
        n_act = len(act)
        while len(avail) < k or (n_act < target and rnd() < 0.12):
            m = spawn(g, t)
            g_members[g].append(m)
            if ends[m] < g_next_end[g]:
                g_next_end[g] = ends[m]
            n_act += 1
            avail.append(m)
        if k == 1:
            if len(avail) == 1:
                return avail
            x = rnd() * sum([weights[m] for m in avail])
            for m in avail:
                x -= weights[m]
                if x < 0:
                    return [m]
            return [avail[-1]]
        # weighted sampling without replacement, in order: a race of exponential clocks
        keyed = sorted([(-log(1.0 - rnd()) / weights[m], m) for m in avail])
        return [m for _, m in keyed[:k]]

    def external(fi: int) -> tuple[int, int]:
        pool = people.externals[fi]
        if pool and rnd() < 0.35:
            p = pool[int(rnd() * len(pool))]
            return p, people.inst[p]
        inst = people.random_inst()
        p = people.new(inst_country[inst], EXTERNAL, NEVER, 1.0, inst)
        pool.append(p)
        return p, inst

    n_papers = len(pday)
    pt_person = array("i")
    pt_inst = array("i")
    count_l = array("q", bytes(8 * n_papers))
    burst_person: dict[int, int] = {}
    # compact arrays rather than lists: indexing is as fast, memory is a fraction
    pday_l, pgroup_l, ptype_l, nauth_l, burst_l = (array("q", pday.astype(np.int64).tobytes()),
                                                   array("q", pgroup.astype(np.int64).tobytes()),
                                                   array("b", ptype.astype(np.int8).tobytes()),
                                                   array("q", nauth.astype(np.int64).tobytes()),
                                                   array("q", burst_of.astype(np.int64).tobytes()))
    for k in array("q", order.astype(np.int64).tobytes()):
        g = pgroup_l[k]
        t = pday_l[k]
        n_a = nauth_l[k]
        fi = g_field[g]
        ginst = group_inst(g, t)
        team: list[int] = []
        insts: list[int] = []
        b = burst_l[k]
        if b >= 0:
            if b not in burst_person:
                burst_person[b] = people.new(inst_country[ginst], BURSTER, NEVER, 1.0)
            team.append(burst_person[b])
            insts.append(ginst)
            if n_a > 1:
                team.append(members(g, t, 1, set(team))[0])
                insts.append(ginst)
        elif ptype_l[k] == DISSERTATION:
            team.append(members(g, t, 1, set())[0])
            insts.append(ginst)
        else:
            pi = ensure_pi(g, t)
            use_pi = rnd() < (0.9 if n_a >= 2 else 0.35)
            slots = n_a - 1 if use_pi else n_a
            exclude = {pi}
            big = n_a >= 12
            own = 1 if slots else 0  # the first author is always a member
            guests: list[tuple[int, int]] = []
            for _ in range(slots - 1):
                u = rnd()
                p = -1
                if big:
                    # consortium papers: PIs of other groups of the field, and outsiders
                    if u < 0.45:
                        same = by_field[fi]
                        c = same[int(rnd() * len(same))]
                        if c != g and g_start[c] <= t < g_end[c]:
                            p, ins = ensure_pi(c, t), group_inst(c, t)
                    if p < 0 and u < 0.75:
                        p, ins = external(fi)
                elif u < 0.15 and g_collab[g]:
                    c = g_collab[g][int(rnd() * len(g_collab[g]))]
                    if g_start[c] <= t < g_end[c]:
                        p = ensure_pi(c, t) if rnd() < 0.5 else members(c, t, 1, exclude)[0]
                        ins = group_inst(c, t)
                elif 0.15 <= u < 0.21:
                    p, ins = external(fi)
                if p >= 0 and p not in exclude:
                    exclude.add(p)
                    guests.append((p, ins))
                else:
                    own += 1
            mem = members(g, t, own, exclude) if own else []
            if mem:
                team.append(mem[0])
                insts.append(ginst)
            middle = [(m, ginst) for m in mem[1:]] + guests
            for j in range(len(middle) - 1, 0, -1):  # shuffle
                x = int(rnd() * (j + 1))
                middle[j], middle[x] = middle[x], middle[j]
            for p, ins in middle:
                team.append(p)
                insts.append(ins)
            if use_pi or not team:
                team.append(pi)
                insts.append(ginst)
        pt_person.extend(team)
        pt_inst.extend(insts)
        count_l[k] = len(team)
    count = np.frombuffer(count_l, dtype=np.int64).copy()

    # the teams were appended in visiting order: lay them out in paper order
    start_in_order = np.concatenate([[0], np.cumsum(count[order])[:-1]]).astype(np.int64)
    paper_start = np.empty(n_papers, np.int64)
    paper_start[order] = start_in_order
    gather = np.repeat(paper_start - np.concatenate([[0], np.cumsum(count)[:-1]]), count) + np.arange(count.sum())
    person = np.frombuffer(pt_person, dtype=np.int32)[gather]
    inst = np.frombuffer(pt_inst, dtype=np.int32)[gather]
    ptr = np.zeros(n_papers + 1, np.int64)
    ptr[1:] = np.cumsum(count)
    return Teams(ptr, person, inst, np.full(len(inst), -1, np.int32), count, people, burst_person)


def add_second_affiliations(nrng: np.random.Generator, world: World, teams: Teams, share: float = 0.06) -> None:
    """A second affiliation on some authorships: another institution of the same country."""
    inst_country = np.array([i.country for i in world.institutions], np.int64)
    second = np.nonzero(nrng.random(len(teams.inst)) < share)[0]
    c_of = inst_country[teams.inst[second]]
    lists = [np.array(x, np.int64) for x in world.country_insts]
    ptr = np.concatenate([[0], np.cumsum([len(x) for x in lists])])
    flat = np.concatenate(lists)
    other = flat[ptr[c_of] + (nrng.random(len(second)) * (ptr[c_of + 1] - ptr[c_of])).astype(np.int64)]
    teams.inst2[second] = np.where(other != teams.inst[second], other, -1)
