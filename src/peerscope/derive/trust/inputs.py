"""What the trust model reads about one author record: small frozen dataclasses, nothing else.

The store gathers these (``peerscope.store.trust``); ``peerscope.derive.trust.graph`` turns the
gathered graph into one ``TrustInputs`` per author; ``peerscope.derive.trust.model`` scores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# how a citing work relates to the author whose work it cites
INDEPENDENT = "independent"
SELF = "self"  # the citing work carries the author on its byline
COAUTHOR = "coauthor"  # the citing work is by one of the author's co-authors (the co-author cluster)
RECIPROCAL = "reciprocal"  # the citing work's authors are themselves cited by this author (a ring)
DELETED = "deleted"  # the citing work was withdrawn or deleted upstream
RELATIONS = (INDEPENDENT, SELF, COAUTHOR, RECIPROCAL, DELETED)


@dataclass(frozen=True, slots=True)
class CitingWork:
    work_id: int
    relation: str  # one of RELATIONS
    spread: int  # how many of this author's works it cites (its weight is shared among them)


@dataclass(frozen=True, slots=True)
class WorkInput:
    """One work on the author's record, with what the model needs to know about it."""

    work_id: int
    year: int | None
    month: str | None  # "YYYY-MM" of the publication date, when known
    kind: str  # "peer_reviewed", "preprint" or "other"
    thin: bool  # no abstract in any source
    retracted: bool
    concern: bool  # an expression of concern
    sources: tuple[str, ...]  # the independent sources describing it, sorted
    conflicts: int  # fields those sources disagree on
    link_rule: str | None  # why the byline is on this record (author resolution), None if never resolved
    link_score: float | None
    orcid_asserted_by: str | None  # a source other than the person that put the record's iD on this byline
    retrieved: str | None  # ISO date of the newest source record of the work
    field_baseline: float  # mean counted citations of works of its field and year in this graph
    citing: tuple[CitingWork, ...] = ()


@dataclass(frozen=True, slots=True)
class FlagInput:
    flag_id: int
    kind: str
    severity: str  # "high", "medium" or "low"
    created: str  # ISO date
    role: str = "subject"  # "subject": about the record itself; "byline": about a work or document they authored
    from_document: bool = False  # raised by the checks of a stored document (else by the graph-level checks)


@dataclass(frozen=True, slots=True)
class ClaimInputs:
    """What claims will supply (C8). No accounts exist yet, so every record is unclaimed."""

    claimed: bool = False
    institutional_email_proof: bool = False  # control of an address at an institution on the record
    orcid_login_proof: bool = False  # ORCID sign-in whose record lists a work added by another source
    institution_current: bool = False
    open_dispute: bool = False


@dataclass(frozen=True, slots=True)
class ResolutionInputs:
    merges: int = 0  # other records merged into this one
    splits: int = 0  # bylines resolution moved off this record to another
    last_run: str | None = None  # ISO date of the last resolution run that touched it


@dataclass(frozen=True, slots=True)
class TrustInputs:
    author_id: int
    works: tuple[WorkInput, ...]
    resolution: ResolutionInputs = ResolutionInputs()
    flags: tuple[FlagInput, ...] = ()
    claim: ClaimInputs = ClaimInputs()
    self_asserted_ids: int = 0  # identifiers only the person's own record asserts (not counted)
    verified_coauthors: tuple[int, ...] = ()  # co-authors (small bylines) at L1 or above
    coauthor_ids: tuple[int, ...] = field(default=())  # every co-author on a small byline
