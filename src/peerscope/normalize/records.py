"""The canonical records passed between stages: small, frozen, typed.

Identifiers are kept in normalised form (see ``peerscope.normalize.ids``): a DOI is lower-case
without a resolver prefix, an OpenAlex id is its short form (``W2741809807``), an ORCID iD is the
bare 16-character form with hyphens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: the source, its id there, when it was retrieved."""

    source: str
    source_id: str
    retrieved_at: datetime


@dataclass(frozen=True, slots=True)
class ExternalId:
    scheme: str  # "openalex", "doi", "pmid", "pmcid", "arxiv", "mag", "ror", "orcid", "issn",
    # "s2" (Semantic Scholar paperId / authorId), "corpusid", "dblp", "acl", "hf_user", "scopus"
    value: str


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    ids: tuple[ExternalId, ...]
    display_name: str
    country_code: str | None = None
    type: str | None = None

    @property
    def ror(self) -> str | None:
        return next((i.value for i in self.ids if i.scheme == "ror"), None)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A venue: journal, conference, repository (e.g. arXiv)."""

    ids: tuple[ExternalId, ...]
    display_name: str
    type: str | None = None
    issn_l: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A topic with its place in the hierarchy domain > field > subfield > topic.

    ``lineage`` lists the ancestors from the root down, each as (external id, display name, level).
    """

    ids: tuple[ExternalId, ...]
    display_name: str
    level: str = "topic"
    lineage: tuple[tuple[ExternalId, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class LocationRecord:
    source: SourceRecord | None
    landing_page_url: str | None
    pdf_url: str | None
    is_oa: bool
    version: str | None
    license: str | None
    is_primary: bool = False


@dataclass(frozen=True, slots=True)
class AuthorRef:
    """The person behind an authorship as the source identified them."""

    ids: tuple[ExternalId, ...]
    display_name: str
    orcid: str | None = None


@dataclass(frozen=True, slots=True)
class AffiliationRecord:
    """One affiliation of one authorship: the string as printed and, when known, the institution."""

    raw: str | None
    institution: InstitutionRecord | None


@dataclass(frozen=True, slots=True)
class ClaimHint:
    """A source's statement that an account there claimed a byline (e.g. a Hugging Face user
    who claimed an author slot of a paper). A hint for claims, never a verification by itself."""

    source: str  # "hf"
    account: str  # the account's user name at the source
    status: str | None = None  # as the source says, e.g. "claimed_verified"
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class SignalRecord:
    """A community signal about a work at a source: upvotes, comments, a daily-list feature."""

    source: str  # "hf"
    kind: str  # "upvotes", "comments", "featured"
    value: float
    observed_on: date | None = None
    actor: str | None = None  # e.g. the user who submitted the paper to the list


@dataclass(frozen=True, slots=True)
class AuthorshipRecord:
    position: int  # 0-based order in the byline
    author: AuthorRef
    raw_author_name: str
    affiliations: tuple[AffiliationRecord, ...] = ()
    is_corresponding: bool = False
    emails: tuple[str, ...] = ()
    claim: ClaimHint | None = None

    @property
    def institutions(self) -> tuple[InstitutionRecord, ...]:
        seen: list[InstitutionRecord] = []
        for aff in self.affiliations:
            if aff.institution is not None and aff.institution not in seen:
                seen.append(aff.institution)
        return tuple(seen)

    @property
    def raw_affiliations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.raw for a in self.affiliations if a.raw))


@dataclass(frozen=True, slots=True)
class WorkTopicRecord:
    topic: TopicRecord
    score: float


@dataclass(frozen=True, slots=True)
class WorkRecord:
    ids: tuple[ExternalId, ...]
    title: str
    provenance: Provenance
    abstract: str | None = None
    type: str | None = None
    publication_year: int | None = None
    publication_date: date | None = None
    language: str | None = None
    is_oa: bool = False
    oa_status: str | None = None
    oa_url: str | None = None
    is_retracted: bool = False
    cited_by_count: int = 0
    locations: tuple[LocationRecord, ...] = ()
    authorships: tuple[AuthorshipRecord, ...] = ()
    topics: tuple[WorkTopicRecord, ...] = ()
    referenced_works: tuple[ExternalId, ...] = ()
    updated_date: datetime | None = None
    categories: tuple[str, ...] = ()  # source subject labels, primary first (arXiv "cs.LG", S2 fields of study)
    journal_ref: str | None = None  # a free-text citation of the published version (arXiv)
    notices: tuple[str, ...] = ()  # "retraction", "expression_of_concern", "correction" marked by the source
    signals: tuple[SignalRecord, ...] = ()
    publisher: str | None = None
    version: str | None = None  # "v3" for an arXiv record of that version

    def id_of(self, scheme: str) -> str | None:
        return next((i.value for i in self.ids if i.scheme == scheme), None)

    @property
    def primary_location(self) -> LocationRecord | None:
        return next((loc for loc in self.locations if loc.is_primary), None)


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    """A person as a source describes them (an author entity, not a byline)."""

    ids: tuple[ExternalId, ...]
    display_name: str
    provenance: Provenance
    orcid: str | None = None
    name_variants: tuple[str, ...] = ()
    last_known_institutions: tuple[InstitutionRecord, ...] = ()
    works: tuple[WorkRef, ...] = ()  # works the person's own record lists (ORCID): claim evidence
    emails: tuple[str, ...] = ()
    works_count: int | None = None
    cited_by_count: int | None = None


@dataclass(frozen=True, slots=True)
class WorkRef:
    """A work named by another record (a person's list of works) without its full description."""

    ids: tuple[ExternalId, ...]
    title: str | None = None
    publication_year: int | None = None
    type: str | None = None
    source_name: str | None = None  # who asserted it at the origin (e.g. "Crossref" in ORCID)


@dataclass(frozen=True, slots=True)
class ReferenceListRecord:
    """References of one work as a source lists them, without the work's own description (a
    Semantic Scholar references page). Attached to the citing work when it is in the graph."""

    citing: tuple[ExternalId, ...]
    references: tuple[ExternalId, ...]
    provenance: Provenance
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """A venue, institution or topic described on its own (not inside a work)."""

    kind: str  # "source", "institution", "topic"
    record: SourceRecord | InstitutionRecord | TopicRecord
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class OtherRecord:
    """A record of a kind the graph does not model yet (concepts, funders, publishers):
    its payload is kept so the graph can be rebuilt once it does."""

    kind: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class MergedIdRecord:
    """A source's statement that one of its ids was merged into another (OpenAlex merged_ids)."""

    kind: str  # "work", "author", "institution", "source", "topic"
    old: ExternalId
    new: ExternalId
    provenance: Provenance
    merged_on: date | None = None


SourceItem = WorkRecord | AuthorRecord | EntityRecord | OtherRecord | ReferenceListRecord | MergedIdRecord
