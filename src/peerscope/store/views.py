"""Read-only view records the store hands to the serve stage (never table rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Ref:
    """A link to another entity: its numeric id and label."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class IdView:
    scheme: str
    value: str


@dataclass(frozen=True, slots=True)
class InstitutionView:
    id: int
    display_name: str
    country_code: str | None
    type: str | None
    ids: tuple[IdView, ...] = ()


@dataclass(frozen=True, slots=True)
class VenueView:
    id: int
    display_name: str
    type: str | None
    issn_l: str | None
    publisher: str | None
    ids: tuple[IdView, ...] = ()


@dataclass(frozen=True, slots=True)
class BylineEntry:
    position: int
    name: str  # as printed on the work
    author: Ref | None
    orcid: str | None
    is_corresponding: bool
    raw_affiliations: tuple[str, ...] = ()
    institutions: tuple[InstitutionView, ...] = ()


@dataclass(frozen=True, slots=True)
class LocationView:
    venue: VenueView | None
    landing_page_url: str | None
    pdf_url: str | None
    is_oa: bool
    version: str | None
    license: str | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class TopicView:
    id: int
    display_name: str
    level: str
    score: float | None = None
    works_count: int | None = None
    lineage: tuple[Ref, ...] = ()  # ancestors, root first


@dataclass(frozen=True, slots=True)
class ProvenanceView:
    source: str
    source_id: str
    retrieved_at: datetime
    ingested_at: datetime


@dataclass(frozen=True, slots=True)
class ConflictView:
    field: str
    chosen_source: str
    values: dict[str, str]  # source -> the value it gives


@dataclass(frozen=True, slots=True)
class SignalView:
    source: str
    kind: str
    observed_on: date
    value: float
    actor: str | None


@dataclass(frozen=True, slots=True)
class WorkSummary:
    id: int
    title: str
    abstract: str | None
    type: str | None
    publication_year: int | None
    publication_date: date | None
    venue: Ref | None
    venue_type: str | None
    is_oa: bool
    is_retracted: bool
    cited_by_count: int
    byline: tuple[BylineEntry, ...]
    other_versions: tuple[VersionNote, ...] = ()  # versions besides the primary one


@dataclass(frozen=True, slots=True)
class VersionNote:
    """A version of a work besides its primary location: "preprint · arXiv"."""

    version: str | None  # "submittedVersion", "acceptedVersion", "publishedVersion"
    venue: str | None


@dataclass(frozen=True, slots=True)
class WorkDetail:
    summary: WorkSummary
    ids: tuple[IdView, ...]
    language: str | None
    oa_status: str | None
    oa_url: str | None
    locations: tuple[LocationView, ...]
    topics: tuple[TopicView, ...]
    references: tuple[Ref, ...]  # referenced works present in the graph
    references_count: int  # all references, in the graph or not
    cited_by_in_graph: int
    provenance: ProvenanceView
    source_updated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    records: tuple[ProvenanceView, ...] = ()  # every source record describing the work
    field_sources: dict[str, str] | None = None  # field -> source, when several sources describe it
    conflicts: tuple[ConflictView, ...] = ()
    signals: tuple[SignalView, ...] = ()
    categories: tuple[str, ...] = ()
    journal_ref: str | None = None
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollaboratorView:
    author: Ref
    joint_works: int
    first_year: int | None
    last_year: int | None
    is_close: bool


@dataclass(frozen=True, slots=True)
class AuthorStatsView:
    works_count: int
    topics_count: int
    close_collaborators_count: int
    first_year: int | None
    last_year: int | None
    code_version: str
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class AuthorProfile:
    id: int
    display_name: str
    orcid: str | None
    ids: tuple[IdView, ...]
    name_variants: tuple[str, ...]
    description: str | None
    open_to_collaborate: bool
    affiliation: InstitutionView | None
    stats: AuthorStatsView | None
    topics: tuple[TopicView, ...]
    collaborators: tuple[CollaboratorView, ...]
    cited_by_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuthorSummary:
    id: int
    display_name: str
    orcid: str | None
    works_count: int
    affiliation: Ref | None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the items and the total count."""

    items: tuple
    total: int


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the search index holds of one work: the text it matches and the facets it counts."""

    id: int
    title: str
    abstract: str
    authors: tuple[str, ...]  # printed names and resolved display names
    venue: str
    venue_id: int | None
    year: int | None
    type: str
    topic_ids: tuple[int, ...]
    institution_ids: tuple[int, ...]
    flags: tuple[str, ...]  # integrity flag kinds, "retracted" and each notice
    is_oa: bool
    cited_by_count: int
