"""From bylines to a resolution plan: block, cluster, join by ORCID, keep stable ids.

Pure (no I/O). The store reads the bylines and applies the plan; an engine (in process,
DuckDB or Spark, see ``peerscope.engines``) runs ``resolve_block`` over the blocks, which is the
one definition of the clustering every engine shares.

* ORCID iDs are hard links: two bylines with the same iD are one person (must-link), two
  different iDs are never one (cannot-link), also across blocks when a person's name changed.
* Claims and moderator corrections arrive as must-link / cannot-link constraints between
  bylines and are honoured on every run.
* Every byline keeps why it is where it is: the rule, the score, the most alike byline and the
  evidence between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import count

from peerscope.resolve.authors.cluster import Constraints, ExistingCluster, Link, attach, cluster_block
from peerscope.resolve.authors.features import FEATURIZER_VERSION
from peerscope.resolve.authors.mentions import AuthorMention
from peerscope.resolve.authors.scorer import PairScorer
from peerscope.resolve.stable_ids import assign_stable_ids

Byline = tuple[int, int]  # (work id, position)

RESOLVER_VERSION = f"authors-1/f{FEATURIZER_VERSION}"


def mention_id(byline: Byline) -> str:
    return f"{byline[0]}:{byline[1]}"


def byline_of(mention: str) -> Byline:
    work, position = mention.split(":")
    return int(work), int(position)


@dataclass(frozen=True, slots=True)
class BylineInput:
    """What resolution knows of one byline: its mention, current author and asserted iD."""

    byline: Byline
    mention: AuthorMention
    author_id: int
    name: str  # as printed
    orcid: str | None = None
    held: bool = True  # its author is more than this byline (a source's id, an ORCID iD, other bylines)


@dataclass(frozen=True, slots=True)
class BylineLink:
    """Why a byline belongs to its author: ``rule`` is ``orcid``, ``constraint``, ``evidence``
    or ``alone``; ``evidence`` items are ``{"kind", "detail", "weight", "with"}``."""

    rule: str
    score: float | None
    evidence: tuple[dict, ...] = ()


@dataclass(slots=True)
class ResolutionPlan:
    """What a run decided. Author ids below zero are new authors, described in
    ``new_authors`` (display name, ORCID iD) and given real ids when the plan is stored."""

    resolver_version: str
    assignment: dict[Byline, int]
    links: dict[Byline, BylineLink]
    new_authors: dict[int, tuple[str, str | None]]
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (old id, survivor, bylines moved)
    splits: list[tuple[int, list[tuple[int, int]]]] = field(default_factory=list)  # (old id, [(part id, bylines)])
    summary: dict = field(default_factory=dict)


def _one_per_work(mention_ids: Sequence[str]) -> list[str]:
    """The first of each work's mentions: a source that put one id (or one ORCID iD) on two
    bylines of a work contradicts itself, and only the first is held to it."""
    seen: set[str] = set()
    out = []
    for m in mention_ids:
        work = m.split(":", 1)[0]
        if work not in seen:
            seen.add(work)
            out.append(m)
    return out


def block_constraints(
    inputs: Sequence[BylineInput], stored: Iterable[tuple[str, Byline, Byline]]
) -> dict[str, Constraints]:
    """Constraints per block.

    * ORCID iDs: the same iD must link, different iDs cannot.
    * Two bylines of one work are never one person.
    * The stored claims and corrections whose two bylines fall in the same block.
    * The bylines an author already holds stay together (the source's own author id, or an
      earlier run's decision): resolution joins such groups on evidence, and takes a byline out
      of its group only when a correction or a different ORCID iD says it is someone else.
    """
    stored = list(stored)
    block_of = {i.byline: i.mention.block for i in inputs}
    must: dict[str, set[tuple[str, str]]] = defaultdict(set)
    cannot: dict[str, set[tuple[str, str]]] = defaultdict(set)
    by_block_orcid: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for i in inputs:
        if i.orcid:
            by_block_orcid[i.mention.block][i.orcid].append(i.mention.mention_id)
    for block, groups in by_block_orcid.items():
        for members in groups.values():
            members = _one_per_work(members)
            must[block].update((members[0], m) for m in members[1:])
        firsts = [members[0] for members in groups.values()]
        cannot[block].update((a, b) for n, a in enumerate(firsts) for b in firsts[n + 1 :])
    released = {b for kind, a, b in stored if kind == "cannot"} | {a for kind, a, b in stored if kind == "cannot"}
    for kind, a, b in stored:
        if a in block_of and block_of.get(a) == block_of.get(b):
            (must if kind == "must" else cannot)[block_of[a]].add((mention_id(a), mention_id(b)))
    # two bylines of one work are two people
    on_work: dict[tuple[str, int], list[str]] = defaultdict(list)
    for i in inputs:
        on_work[(i.mention.block, i.byline[0])].append(i.mention.mention_id)
    for (block, _work), members in on_work.items():
        cannot[block].update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    groups: dict[tuple[str, int], list[BylineInput]] = defaultdict(list)
    for i in inputs:
        if i.byline not in released:
            groups[(i.mention.block, i.author_id)].append(i)
    for (block, _author), members in groups.items():
        orcid = next((m.orcid for m in members if m.orcid), None)
        held = [m for m in members if m.orcid in (None, orcid)]
        kept = set(_one_per_work([m.mention.mention_id for m in held]))
        held = [m for m in held if m.mention.mention_id in kept]
        must[block].update((held[0].mention.mention_id, m.mention.mention_id) for m in held[1:])
    blocks = set(must) | set(cannot)
    return {b: Constraints.of(must.get(b, ()), cannot.get(b, ())) for b in blocks}


def resolve_block(mentions: Sequence[AuthorMention], scorer: PairScorer, constraints: Constraints | None = None) -> list[Link]:
    """The clustering every engine runs on each block: the mentions' links, in input order."""
    ordered = sorted(mentions, key=lambda m: m.mention_id)  # the same clusters whatever order an engine delivers
    links = cluster_block(ordered, scorer, constraints or Constraints())
    by_id = {link.mention_id: link for link in links}
    return [by_id[m.mention_id] for m in mentions]


BlockRunner = Callable[[Mapping[str, Sequence[AuthorMention]], PairScorer, Mapping[str, Constraints]], list[Link]]


def run_in_process(blocks: Mapping[str, Sequence[AuthorMention]], scorer: PairScorer, constraints: Mapping[str, Constraints]) -> list[Link]:
    return [link for key, members in blocks.items() for link in resolve_block(members, scorer, constraints.get(key))]


def _evidence(link: Link, names: Mapping[str, str]) -> tuple[dict, ...]:
    if link.partner is None:
        return ()
    partner = names.get(link.partner, link.partner)
    items = [{"kind": "most_alike", "detail": f"most alike byline: {partner}", "weight": link.partner_score, "with": link.partner}]
    for feature, weight in sorted(link.contributions, key=lambda p: -abs(p[1])):
        if weight:
            value = link.evidence.as_dict().get(feature) if link.evidence else None
            items.append({"kind": feature, "detail": f"{feature.replace('_', ' ')} = {value}", "weight": round(weight, 3), "with": link.partner})
    return tuple(items)


class _Forest:
    """Union-find over strings; a set is named by its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            self.parent[x] = self.parent.get(self.parent[x], self.parent[x])
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def join_blocks(inputs: Sequence[BylineInput]) -> list[BylineInput]:
    """One block for all bylines an author already holds, and for all bylines with one ORCID iD:
    a person's name printed two ways ("M. Á. Fernández García", "Miguel Fernández") falls under
    two name keys, and the groups that tie them must be clustered together."""
    blocks = _Forest()
    first: dict[tuple[str, object], str] = {}
    for i in inputs:
        for tie in (("author", i.author_id), ("orcid", i.orcid)):
            if tie[1] is not None:
                blocks.join(i.mention.block, first.setdefault(tie, i.mention.block))
    find = blocks.find
    return [i if find(i.mention.block) == i.mention.block else replace(i, mention=replace(i.mention, block=find(i.mention.block))) for i in inputs]


def _byline_links(
    inputs: Sequence[BylineInput],
    links: Mapping[str, Link],
    cluster_of: Mapping[str, str],
    members: Mapping[str, set[Byline]],
    stored_constraints: Sequence[tuple[str, Byline, Byline]],
) -> dict[Byline, BylineLink]:
    """Why each byline is where the plan puts it (bylines an incremental run left alone keep
    their earlier reason and get none here)."""
    by_mention = {i.mention.mention_id: i for i in inputs}
    names = {m: i.name for m, i in by_mention.items()}
    claimed_with: dict[str, set[str]] = defaultdict(set)  # mention -> mentions a claim or correction joins it to
    for kind, a, b in stored_constraints:
        if kind == "must":
            claimed_with[mention_id(a)].add(mention_id(b))
            claimed_with[mention_id(b)].add(mention_id(a))
    out: dict[Byline, BylineLink] = {}
    for i in inputs:
        me = i.mention.mention_id
        link = links[me]
        if link.reason == "kept":
            continue
        same_orcid = bool(i.orcid) and any(by_mention[mention_id(b)].orcid == i.orcid for b in members[cluster_of[me]] if mention_id(b) != me)
        if same_orcid:
            rule, score = "orcid", 1.0
        elif link.reason == "alone":
            rule, score = "alone", None
        elif any(cluster_of.get(other) == cluster_of[me] for other in claimed_with.get(me, ())):
            rule, score = "constraint", 1.0
        elif link.reason == "must_link":
            rule, score = "source_profile", link.score  # kept with the profile its source built
        else:
            rule, score = "evidence", link.score
        evidence = _evidence(link, names)
        if rule == "orcid":
            evidence = ({"kind": "orcid", "detail": f"ORCID iD {i.orcid} on this byline and others of the profile", "weight": None, "with": None}, *evidence)
        elif rule == "constraint":
            joined = sorted(o for o in claimed_with[me] if cluster_of.get(o) == cluster_of[me])
            evidence = ({"kind": "constraint", "detail": f"a claim or correction joins it to {names.get(joined[0], joined[0])}", "weight": None, "with": joined[0]}, *evidence)
        elif rule == "source_profile":
            evidence = ({"kind": "source_profile", "detail": "the source's own author id (or an earlier run) puts it on this profile", "weight": None, "with": None}, *evidence)
        out[i.byline] = BylineLink(rule, score, evidence)
    return out


def plan_resolution(
    inputs: Sequence[BylineInput],
    stored_constraints: Iterable[tuple[str, Byline, Byline]],
    scorer: PairScorer,
    run_blocks: BlockRunner = run_in_process,
    group_scorer: PairScorer | None = None,
    *,
    incremental: bool = False,
) -> ResolutionPlan:
    """Cluster every byline and give each cluster a stable author id, in two passes:

    1. bylines whose author is already more than one byline (a source's author id, an ORCID
       iD, an earlier run's cluster) are clustered by the engine with those groups kept
       together, joined only at ``group_scorer``'s stricter threshold: a source's own
       disambiguation is evidence too, and joining two of its profiles needs strong reasons;
    2. lone bylines (no id at all, as from sources without author ids) are attached to those
       clusters, or clustered among themselves, at ``scorer``'s threshold.

    ``incremental`` skips the first pass: every author stays as it is, and only lone bylines
    (new mentions) are attached, so nothing is reclustered.
    """
    stored_constraints = list(stored_constraints)
    inputs = join_blocks(inputs)
    constraints = block_constraints(inputs, stored_constraints)
    held = [i for i in inputs if i.held]
    lone = [i for i in inputs if not i.held]
    blocks: dict[str, list[AuthorMention]] = defaultdict(list)
    for i in held:
        blocks[i.mention.block].append(i.mention)
    if incremental:
        links = {i.mention.mention_id: Link(i.mention.mention_id, f"author:{i.author_id}", "kept") for i in held}
    else:
        links = {link.mention_id: link for link in run_blocks(dict(blocks), group_scorer or scorer, constraints)}
    if lone:
        # block by block, so each block's constraints are all attach() has to look through
        held_members: dict[str, dict[str, list[AuthorMention]]] = defaultdict(lambda: defaultdict(list))
        for i in held:
            held_members[i.mention.block][links[i.mention.mention_id].cluster_id].append(i.mention)
        arrivals: dict[str, list[AuthorMention]] = defaultdict(list)
        for i in lone:
            arrivals[i.mention.block].append(i.mention)
        for block in sorted(arrivals):
            existing = [ExistingCluster(cid, tuple(ms)) for cid, ms in sorted(held_members[block].items())]
            ordered = sorted(arrivals[block], key=lambda m: m.mention_id)
            links.update((link.mention_id, link) for link in attach(existing, ordered, scorer, constraints.get(block, Constraints())))
    all_blocks = {i.mention.block for i in inputs}
    by_mention = {i.mention.mention_id: i for i in inputs}
    # clusters, then joined across blocks by a shared ORCID iD (a name that changed)
    joined = _Forest()
    first_with_orcid: dict[str, str] = {}
    for i in inputs:
        if i.orcid:
            cluster = links[i.mention.mention_id].cluster_id
            joined.join(cluster, first_with_orcid.setdefault(i.orcid, cluster))
    find = joined.find
    members: dict[str, set[Byline]] = defaultdict(set)
    for i in inputs:
        members[find(links[i.mention.mention_id].cluster_id)].add(i.byline)
    keys = sorted(members)
    clusters = [frozenset(members[k]) for k in keys]
    fresh = count(-1, -1)
    stable = assign_stable_ids({i.byline: i.author_id for i in inputs}, clusters, lambda: next(fresh))
    assignment: dict[Byline, int] = {}
    new_authors: dict[int, tuple[str, str | None]] = {}
    for cluster, author_id in zip(clusters, stable.cluster_ids):
        for byline in cluster:
            assignment[byline] = author_id
        if author_id < 0:
            ordered = sorted(cluster)
            orcids = sorted({by_mention[mention_id(b)].orcid for b in ordered if by_mention[mention_id(b)].orcid})
            name = max((by_mention[mention_id(b)].name for b in ordered), key=len)
            new_authors[author_id] = (name, orcids[0] if len(orcids) == 1 else None)
    cluster_of = {i.mention.mention_id: find(links[i.mention.mention_id].cluster_id) for i in inputs}
    plan_links = _byline_links(inputs, links, cluster_of, members, stored_constraints)
    return ResolutionPlan(
        resolver_version=RESOLVER_VERSION,
        assignment=assignment,
        links=plan_links,
        new_authors=new_authors,
        merges=[(m.old_id, m.survivor, m.mentions) for m in stable.merges],
        splits=[(s.old_id, list(s.parts)) for s in stable.splits],
        summary={"bylines": len(inputs), "lone_bylines": len(lone), "blocks": len(all_blocks), "clusters": len(clusters), "would_move": stable.moved},
    )
