"""Public response models of the API, and the mapping from store views to them.

These are the only shapes that leave the server: no table row or internal field is exposed by
accident (an email address or a password hash cannot appear here).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from peerscope.serve.ids import public_id
from peerscope.store.trust import SnapshotView, TrustBadge
from peerscope.store.views import AuthorProfile, AuthorSummary, IdView, InstitutionView, TopicView, VenueView, WorkDetail, WorkSummary

ID_URLS = {
    "doi": "https://doi.org/{}",
    "orcid": "https://orcid.org/{}",
    "openalex": "https://openalex.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}",
    "arxiv": "https://arxiv.org/abs/{}",
    "ror": "https://ror.org/{}",
}


def id_url(scheme: str, value: str) -> str:
    template = ID_URLS.get(scheme)
    return template.format(value) if template else value


def ids_dict(kind: str, number: int, ids: tuple[IdView, ...]) -> dict[str, str]:
    out = {"peerscope": public_id(kind, number)}
    for i in ids:
        out.setdefault(i.scheme, id_url(i.scheme, i.value))
    return out


class ErrorOut(BaseModel):
    error: str = Field(description="Short error class, as OpenAlex names it.")
    message: str = Field(description="What was wrong, naming the parameter and the fault.")


class Meta(BaseModel):
    count: int
    db_response_time_ms: int
    page: int
    per_page: int
    groups_count: int | None = None


class DehydratedAuthor(BaseModel):
    id: str | None
    display_name: str
    orcid: str | None = None


class DehydratedInstitution(BaseModel):
    id: str
    display_name: str
    ror: str | None = None
    country_code: str | None = None
    type: str | None = None


class Authorship(BaseModel):
    author_position: str
    author: DehydratedAuthor
    institutions: list[DehydratedInstitution]
    is_corresponding: bool
    raw_author_name: str
    raw_affiliation_strings: list[str]


class DehydratedSource(BaseModel):
    id: str
    display_name: str
    type: str | None = None
    issn_l: str | None = None
    host_organization_name: str | None = None


class LocationOut(BaseModel):
    is_oa: bool
    landing_page_url: str | None
    pdf_url: str | None
    source: DehydratedSource | None
    license: str | None
    version: str | None
    is_primary: bool


class TopicOut(BaseModel):
    id: str
    display_name: str
    score: float | None = None
    count: int | None = None
    lineage: list[str] = Field(default_factory=list, description="Ancestor topics, root first.")


class OpenAccess(BaseModel):
    is_oa: bool
    oa_status: str | None = None
    oa_url: str | None = None


class SourceRecordOut(BaseModel):
    source: str
    source_id: str
    retrieved_at: datetime
    ingested_at: datetime


class ConflictOut(BaseModel):
    field: str
    chosen_source: str = Field(description="The source the merge policy took the value from.")
    values: dict[str, str] = Field(description="Each source's value.")


class Provenance(SourceRecordOut):
    """The record the work's title came from, every source record that describes the work, and
    which source each field came from (see the merge policy in the documentation)."""

    records: list[SourceRecordOut] = Field(default_factory=list)
    field_sources: dict[str, str] | None = Field(None, description="Field -> source, when several sources describe the work; otherwise every field comes from the one record.")
    conflicts: list[ConflictOut] = Field(default_factory=list)


class SignalOut(BaseModel):
    source: str
    kind: str = Field(description="upvotes, comments or featured")
    observed_on: date
    value: float
    actor: str | None = None


class WorkOut(BaseModel):
    id: str
    doi: str | None
    title: str
    display_name: str
    publication_year: int | None
    publication_date: date | None
    ids: dict[str, str]
    language: str | None = None
    type: str | None
    open_access: OpenAccess
    authorships: list[Authorship]
    primary_location: LocationOut | None = None
    locations: list[LocationOut] = Field(default_factory=list)
    locations_count: int = 0
    topics: list[TopicOut] = Field(default_factory=list)
    abstract: str | None = Field(description="Plain text; harvested text is never markup.")
    abstract_inverted_index: dict[str, list[int]] | None = None
    is_retracted: bool
    cited_by_count: int = Field(description="As reported by the source.")
    referenced_works: list[str] = Field(default_factory=list, description="Referenced works present in this graph.")
    referenced_works_count: int = 0
    provenance: Provenance | None = None
    community_signals: list[SignalOut] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list, description="Source subject labels (arXiv categories first).")
    journal_ref: str | None = None
    notices: list[str] = Field(default_factory=list, description="retraction, expression_of_concern, correction, as sources mark them.")
    updated_date: datetime | None = None
    created_date: datetime | None = None


class AuthorCounts(BaseModel):
    topics_count: int
    close_collaborators_count: int
    first_year: int | None
    last_year: int | None


class Collaborator(BaseModel):
    author: DehydratedAuthor
    joint_works: int
    first_year: int | None
    last_year: int | None
    is_close: bool


class TrustSummaryOut(BaseModel):
    score: int = Field(description="0–100; a signal for readers, never a ranking of people's worth (docs/trust.md).")
    band: str = Field(description="New (0–19), Emerging (20–39), Established (40–59), Trusted (60–79), Highly trusted (80–100).")
    verification_level: str = Field(description="L0 Unverified, L1 Corroborated, L2 Claimed, L3 Verified.")
    claimed: bool
    model_version: str
    computed_at: datetime


class AuthorOut(BaseModel):
    id: str
    display_name: str
    display_name_alternatives: list[str]
    orcid: str | None
    ids: dict[str, str]
    works_count: int
    cited_by_count: int
    last_known_institutions: list[DehydratedInstitution]
    topics: list[TopicOut]
    summary_stats: AuthorCounts | None
    close_collaborators: list[Collaborator]
    open_to_collaborate: bool
    trust: TrustSummaryOut | None = Field(None, description="The latest trust snapshot in brief (null until `peerscope trust derive` has run); the whole of it at /api/authors/{id}/trust.")
    works_api_url: str
    updated_date: datetime
    created_date: datetime


class WorkList(BaseModel):
    meta: Meta
    results: list[WorkOut]
    group_by: list = Field(default_factory=list)


class InstitutionRef(BaseModel):
    id: str
    display_name: str


class AuthorListItem(BaseModel):
    id: str
    display_name: str
    orcid: str | None
    works_count: int
    last_known_institutions: list[InstitutionRef]
    trust: TrustSummaryOut | None = None


class TrustInputOut(BaseModel):
    name: str
    value: float | int | str | bool
    source: str = Field(description="Where the input comes from.")
    as_of: str | None = Field(None, description="Date of the newest record behind it.")
    works: list[str] = Field(default_factory=list, description="Evidence: the works it is about (at most 25).")
    flags: list[int] = Field(default_factory=list, description="Evidence: the integrity flags it is about.")


class TrustComponentOut(BaseModel):
    name: str
    points: float
    max_points: float
    inputs: list[TrustInputOut]


class TrustChangeOut(BaseModel):
    component: str
    before: float | None
    after: float | None
    why: list[str]


class TrustHistoryOut(BaseModel):
    computed_at: datetime
    score: int
    band: str
    verification_level: str
    model_version: str
    changes: list[TrustChangeOut] = Field(description="What moved since the snapshot before, and why.")


class TrustOut(BaseModel):
    author: str
    score: int
    band: str
    verification_level: str = Field(description="L0 Unverified, L1 Corroborated, L2 Claimed, L3 Verified.")
    claimed: bool
    model_version: str
    computed_at: datetime
    components: list[TrustComponentOut]
    history: list[TrustHistoryOut] = Field(description="Every snapshot, oldest first.")
    formula: str = Field("/docs/trust.md", description="Where the formula is documented.")


class AuthorList(BaseModel):
    meta: Meta
    results: list[AuthorListItem]
    group_by: list = Field(default_factory=list)


POSITIONS = ("first", "middle", "last")


def _position(i: int, n: int) -> str:
    if i == 0:
        return "first"
    return "last" if i == n - 1 else "middle"


def inverted_index(text: str | None) -> dict[str, list[int]] | None:
    if not text:
        return None
    out: dict[str, list[int]] = {}
    for i, word in enumerate(text.split()):
        out.setdefault(word, []).append(i)
    return out


def institution_out(i: InstitutionView) -> DehydratedInstitution:
    ror = next((x.value for x in i.ids if x.scheme == "ror"), None)
    return DehydratedInstitution(id=public_id("institution", i.id), display_name=i.display_name, ror=id_url("ror", ror) if ror else None, country_code=i.country_code, type=i.type)


def _source(v: VenueView | None) -> DehydratedSource | None:
    if v is None:
        return None
    return DehydratedSource(id=public_id("source", v.id), display_name=v.display_name, type=v.type, issn_l=v.issn_l, host_organization_name=v.publisher)


def topic_out(t: TopicView) -> TopicOut:
    return TopicOut(id=public_id("topic", t.id), display_name=t.display_name, score=t.score, count=t.works_count, lineage=[r.name for r in t.lineage])


def work_out(w: WorkSummary, detail: WorkDetail | None = None) -> WorkOut:
    n = len(w.byline)
    ids = ids_dict("work", w.id, detail.ids) if detail else {"peerscope": public_id("work", w.id)}
    doi = ids.get("doi")
    locations = [
        LocationOut(is_oa=loc.is_oa, landing_page_url=loc.landing_page_url, pdf_url=loc.pdf_url, source=_source(loc.venue), license=loc.license, version=loc.version, is_primary=loc.is_primary)
        for loc in (detail.locations if detail else ())
    ]
    return WorkOut(
        id=public_id("work", w.id),
        doi=doi,
        title=w.title,
        display_name=w.title,
        publication_year=w.publication_year,
        publication_date=w.publication_date,
        ids=ids,
        language=detail.language if detail else None,
        type=w.type,
        open_access=OpenAccess(is_oa=w.is_oa, oa_status=detail.oa_status if detail else None, oa_url=detail.oa_url if detail else None),
        authorships=[
            Authorship(
                author_position=_position(i, n),
                author=DehydratedAuthor(id=public_id("author", b.author.id) if b.author else None, display_name=b.author.name if b.author else b.name, orcid=id_url("orcid", b.orcid) if b.orcid else None),
                institutions=[institution_out(x) for x in b.institutions],
                is_corresponding=b.is_corresponding,
                raw_author_name=b.name,
                raw_affiliation_strings=list(b.raw_affiliations),
            )
            for i, b in enumerate(w.byline)
        ],
        primary_location=next((loc for loc in locations if loc.is_primary), None),
        locations=locations,
        locations_count=len(locations),
        topics=[topic_out(t) for t in detail.topics] if detail else [],
        abstract=w.abstract,
        abstract_inverted_index=inverted_index(w.abstract),
        is_retracted=w.is_retracted,
        cited_by_count=w.cited_by_count,
        referenced_works=[public_id("work", r.id) for r in detail.references] if detail else [],
        referenced_works_count=detail.references_count if detail else 0,
        provenance=Provenance(
            **vars_of(detail.provenance),
            records=[SourceRecordOut(**vars_of(r)) for r in detail.records],
            field_sources=detail.field_sources,
            conflicts=[ConflictOut(**vars_of(c)) for c in detail.conflicts],
        )
        if detail
        else None,
        community_signals=[SignalOut(**vars_of(sig)) for sig in detail.signals] if detail else [],
        categories=list(detail.categories) if detail else [],
        journal_ref=detail.journal_ref if detail else None,
        notices=list(detail.notices) if detail else [],
        updated_date=detail.updated_at if detail else None,
        created_date=detail.created_at if detail else None,
    )


def vars_of(obj: object) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def author_out(a: AuthorProfile, base_url: str, trust: TrustBadge | None = None) -> AuthorOut:
    pid = public_id("author", a.id)
    stats = a.stats
    return AuthorOut(
        id=pid,
        display_name=a.display_name,
        display_name_alternatives=list(a.name_variants),
        orcid=id_url("orcid", a.orcid) if a.orcid else None,
        ids=ids_dict("author", a.id, a.ids),
        works_count=stats.works_count if stats else 0,
        cited_by_count=a.cited_by_count,
        last_known_institutions=[institution_out(a.affiliation)] if a.affiliation else [],
        topics=[topic_out(t) for t in a.topics],
        summary_stats=AuthorCounts(topics_count=stats.topics_count, close_collaborators_count=stats.close_collaborators_count, first_year=stats.first_year, last_year=stats.last_year) if stats else None,
        close_collaborators=[
            Collaborator(author=DehydratedAuthor(id=public_id("author", c.author.id), display_name=c.author.name), joint_works=c.joint_works, first_year=c.first_year, last_year=c.last_year, is_close=c.is_close)
            for c in a.collaborators
            if c.is_close
        ],
        open_to_collaborate=a.open_to_collaborate,
        trust=trust_summary_out(trust),
        works_api_url=f"{base_url}api/authors/{pid}/works",
        updated_date=a.updated_at,
        created_date=a.created_at,
    )


def trust_summary_out(b: TrustBadge | None) -> TrustSummaryOut | None:
    if b is None:
        return None
    return TrustSummaryOut(score=b.score, band=b.band, verification_level=b.verification_level, claimed=b.claimed, model_version=b.model_version, computed_at=b.computed_at)


def trust_out(author_id: int, current: SnapshotView, snapshots: list[SnapshotView]) -> TrustOut:
    components = [
        TrustComponentOut(name=c["name"], points=c["points"], max_points=c["max_points"], inputs=[
            TrustInputOut(**{**i, "works": [public_id("work", w) for w in i.get("works", [])]}) for i in c["inputs"]
        ])
        for c in current.components
    ]
    history = [
        TrustHistoryOut(computed_at=s.computed_at, score=s.score, band=s.band, verification_level=s.verification_level, model_version=s.model_version, changes=[TrustChangeOut(**c) for c in s.changes])
        for s in snapshots
    ]
    return TrustOut(author=public_id("author", author_id), score=current.score, band=current.band, verification_level=current.verification_level, claimed=current.claimed,
                    model_version=current.model_version, computed_at=current.computed_at, components=components, history=history)


def author_summary_out(a: AuthorSummary, trust: TrustBadge | None = None) -> AuthorListItem:
    return AuthorListItem(
        trust=trust_summary_out(trust),
        id=public_id("author", a.id),
        display_name=a.display_name,
        orcid=id_url("orcid", a.orcid) if a.orcid else None,
        works_count=a.works_count,
        last_known_institutions=[InstitutionRef(id=public_id("institution", a.affiliation.id), display_name=a.affiliation.name)] if a.affiliation else [],
    )


class EvidenceOut(BaseModel):
    kind: str = Field(description="orcid, most_alike, a feature name (coauthors_shared, affiliation_jaccard, ...), source or undo.")
    detail: str
    weight: float | None = Field(None, description="The feature's contribution to the log-odds, or the pair's score for most_alike.")
    with_byline: str | None = Field(None, alias="with", description="The byline (work:position) the evidence compares with.")

    model_config = {"populate_by_name": True}


class RunRefOut(BaseModel):
    id: int
    resolver_version: str
    at: str


class BylineWhyOut(BaseModel):
    position: int
    name: str
    rule: str = Field(description="orcid, constraint, source_profile, evidence, alone, undo, or source (not yet re-resolved).")
    score: float | None
    evidence: list[EvidenceOut]
    run: RunRefOut | None


class WhyOut(BaseModel):
    """Why a work is on an author's profile."""

    author: str
    work: str
    bylines: list[BylineWhyOut]



class FlagOut(BaseModel):
    """An integrity flag: a signal with evidence, not a verdict."""

    id: int
    kind: str
    severity: str
    summary: str
    status: str
    document: str | None = Field(None, description="The document the flag was found in (PD…)")
    role: str | None = Field(None, description="How the entity is concerned: byline, cited, matched, document")
    evidence: list[dict] = Field(default_factory=list, description="Quoted spans with offsets and pages, matched works, scores")


class FlagList(BaseModel):
    entity: str
    results: list[FlagOut]


class DocumentOut(BaseModel):
    """A stored document's parsed structure; authors' e-mail addresses are not exposed."""

    id: str
    title: str | None
    media_type: str
    pages: int
    size: int
    content_hash: str
    work: str | None
    authors: list[dict]
    summaries: list[dict]
    statements: list[dict]
    sections: list[dict]
    references: list[dict]
    flags: list[FlagOut]


def flag_out(view) -> FlagOut:  # type: ignore[no-untyped-def]
    return FlagOut(
        id=view.id, kind=view.kind, severity=view.severity, summary=view.summary, status=view.status,
        document=f"PD{view.document_id}" if view.document_id is not None else None, role=view.role, evidence=view.evidence,
    )


def document_out(view, flags) -> DocumentOut:  # type: ignore[no-untyped-def]
    st = view.structure
    return DocumentOut(
        id=f"PD{view.id}", title=view.title, media_type=view.media_type, pages=view.pages, size=view.size,
        content_hash=view.content_hash, work=public_id("work", view.work_id) if view.work_id else None,
        authors=[{"name": a["name"], "affiliations": a["affiliations"]} for a in st.get("authors", [])],
        summaries=st.get("summaries", []), statements=st.get("statements", []), sections=st.get("sections", []),
        references=st.get("references", []), flags=[flag_out(f) for f in flags],
    )


class ListMeta(BaseModel):
    """OpenAlex's list meta: ``page`` is null with cursor paging, which fills ``next_cursor``."""

    count: int
    db_response_time_ms: int
    page: int | None
    per_page: int
    next_cursor: str | None = None
    groups_count: int | None = None


class GroupOut(BaseModel):
    key: str
    key_display_name: str
    count: int


class InstitutionOut(BaseModel):
    id: str
    display_name: str
    ror: str | None
    country_code: str | None
    type: str | None
    ids: dict[str, str]
    works_count: int = Field(description="Works in this graph with an author affiliated here.")


class SourceOut(BaseModel):
    id: str
    display_name: str
    issn_l: str | None
    type: str | None
    host_organization_name: str | None
    ids: dict[str, str]
    works_count: int = Field(description="Works in this graph whose primary location is here.")


class SubfieldRef(BaseModel):
    id: str
    display_name: str


class TopicEntityOut(BaseModel):
    id: str
    display_name: str
    ids: dict[str, str]
    subfield: SubfieldRef | None
    works_count: int = Field(description="Works in this graph scored with this topic.")


class EntityListOut(BaseModel):
    """A list page (``results``) or group-by counts (``group_by``), as OpenAlex answers."""

    meta: ListMeta
    results: list[dict]
    group_by: list[GroupOut] = Field(default_factory=list)


class AutocompleteItem(BaseModel):
    id: str
    display_name: str
    hint: str | None = None
    works_count: int | None = None
    cited_by_count: int | None = None
    entity_type: str
    external_id: str | None = None


class AutocompleteOut(BaseModel):
    meta: ListMeta
    results: list[AutocompleteItem]


def entity_row_out(kind: str, r):  # type: ignore[no-untyped-def]
    """Institution, source or topic list rows (store ``EntityRow``) as their public models."""
    ids = ids_dict(kind, r.id, r.ids)
    if kind == "institution":
        return InstitutionOut(id=public_id(kind, r.id), display_name=r.display_name, ror=ids.get("ror"), country_code=r.country_code, type=r.type, ids=ids, works_count=r.works_count)
    if kind == "source":
        return SourceOut(id=public_id(kind, r.id), display_name=r.display_name, issn_l=r.issn_l, type=r.type, host_organization_name=r.publisher, ids=ids, works_count=r.works_count)
    sub = SubfieldRef(id=public_id("topic", r.parent.id), display_name=r.parent.name) if r.parent else None
    return TopicEntityOut(id=public_id(kind, r.id), display_name=r.display_name, ids=ids, subfield=sub, works_count=r.works_count)
