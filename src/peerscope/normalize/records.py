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
    scheme: str  # "openalex", "doi", "pmid", "pmcid", "arxiv", "mag", "ror", "orcid", "issn"
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
class AuthorshipRecord:
    position: int  # 0-based order in the byline
    author: AuthorRef
    raw_author_name: str
    affiliations: tuple[AffiliationRecord, ...] = ()
    is_corresponding: bool = False

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


SourceItem = WorkRecord | AuthorRecord | EntityRecord | OtherRecord
