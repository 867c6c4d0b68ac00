"""Identifier-only resolution of works, authors, venues, institutions and topics.

The rule, for every entity kind: a record is the stored entity that shares one of its strong
identifiers; records in one batch that share an identifier are one entity; otherwise the record
is new. Deeper (fuzzy) matching is a later stage and plugs in beside this one.

Which identifiers are strong, in the order they are trusted:
- works: DOI, arXiv id, PMID, PMCID, OpenAlex id, MAG id, Semantic Scholar paper and corpus ids,
  DBLP and ACL Anthology keys;
- authors: ORCID iD (a hard link), then a source's own author id (OpenAlex, Semantic Scholar); an author the source gave
  no id is keyed by its byline slot (work + position), so re-reading the record finds it again;
- venues: OpenAlex id, ISSN-L / ISSN; institutions: ROR, OpenAlex id; topics: OpenAlex id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peerscope.normalize.records import AuthorRef, ExternalId

WORK_SCHEME_ORDER = ("doi", "arxiv", "pmid", "pmcid", "openalex", "mag", "s2", "corpusid", "dblp", "acl")
AUTHOR_SCHEME_ORDER = ("orcid", "openalex", "s2", "mention")
# The id value space an entity lookup is keyed by: (entity kind, scheme, value).
Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome for one record: an existing entity id, or a new entity's batch-local group.

    ``conflicts`` lists other stored entities the record's identifiers also point to (a sign two
    stored entities are one, for the merge stage to review).
    """

    entity_id: int | None
    group: int
    conflicts: tuple[int, ...] = ()


_RANKS = {
    "work": {s: i for i, s in enumerate(WORK_SCHEME_ORDER)},
    "author": {s: i for i, s in enumerate(AUTHOR_SCHEME_ORDER)},
}


def strong_ids(kind: str, ids: Sequence[ExternalId]) -> list[ExternalId]:
    rank = _RANKS.get(kind)
    if rank is None:
        return list(ids)
    return sorted((i for i in ids if i.scheme in rank), key=lambda i: rank[i.scheme])


def author_ids(ref: AuthorRef, work_key: str, position: int) -> list[ExternalId]:
    ids = [ExternalId("orcid", ref.orcid)] if ref.orcid else []
    ids += [i for i in ref.ids if i.scheme != "orcid"]
    if not ids:
        ids.append(ExternalId("mention", f"{work_key}#{position}"))
    return strong_ids("author", ids)


def resolve_batch(
    kind: str, id_lists: Sequence[Sequence[ExternalId]], known: Mapping[Key, int]
) -> list[Match]:
    """Resolve a batch of records of one kind, given their identifiers and the stored ones.

    Records sharing any identifier form one group (union-find); a group takes the stored entity
    its most trusted identifier points to.
    """
    parent = list(range(len(id_lists)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple[str, str], int] = {}
    for i, ids in enumerate(id_lists):
        for ext in ids:
            key = (ext.scheme, ext.value)
            j = first_seen.setdefault(key, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)

    group_ids: dict[int, list[ExternalId]] = {}
    for i, ids in enumerate(id_lists):
        group_ids.setdefault(find(i), []).extend(ids)

    group_entity: dict[int, tuple[int | None, tuple[int, ...]]] = {}
    for root, ids in group_ids.items():
        hits: list[int] = []
        for ext in strong_ids(kind, ids):
            entity = known.get((kind, ext.scheme, ext.value))
            if entity is not None and entity not in hits:
                hits.append(entity)
        group_entity[root] = (hits[0], tuple(hits[1:])) if hits else (None, ())

    out: list[Match] = []
    for i in range(len(id_lists)):
        root = find(i)
        entity, conflicts = group_entity[root]
        out.append(Match(entity, root, conflicts))
    return out
