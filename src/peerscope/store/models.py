"""Table definitions. Canonical rows are kept apart from raw source payloads (``raw_records``).

Row-level provenance: every canonical fact row carries the raw record it was built from
(``raw_record_id``) and so its source, source id and retrieval time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids on PostgreSQL; plain INTEGER on SQLite so they alias the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RawRecord(Base):
    """An immutable source payload, exactly as received (one row per distinct payload); the
    bytes may rest compressed (``payload_codec``, see ``peerscope.store.payloads``)."""

    __tablename__ = "raw_records"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(255))
    payload_hash: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_codec: Mapped[str | None] = mapped_column(String(8), nullable=True)
    retrieved_at: Mapped[datetime] = mapped_column(DateTime)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("source", "source_id", "payload_hash", name="uq_raw_records_payload"),
        Index("ix_raw_records_source_id", "source", "source_id"),
    )


class Source(Base):
    """A venue: journal, conference, repository."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(500))
    type: Mapped[str | None] = mapped_column(String(40))
    issn_l: Mapped[str | None] = mapped_column(String(9))
    publisher: Mapped[str | None] = mapped_column(String(500))


class Institution(Base):
    __tablename__ = "institutions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(500))
    country_code: Mapped[str | None] = mapped_column(String(2))
    type: Mapped[str | None] = mapped_column(String(40))


class Topic(Base):
    """A node of the topic hierarchy: domain > field > subfield > topic."""

    __tablename__ = "topics"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)


class Work(Base):
    __tablename__ = "works"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(String(40))
    publication_year: Mapped[int | None] = mapped_column(Integer, index=True)
    publication_date: Mapped[date | None] = mapped_column(Date, index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    is_oa: Mapped[bool] = mapped_column(Boolean, default=False)
    oa_status: Mapped[str | None] = mapped_column(String(16))
    oa_url: Mapped[str | None] = mapped_column(Text)
    is_retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    cited_by_count: Mapped[int] = mapped_column(Integer, default=0)
    primary_source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    source_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    categories: Mapped[str | None] = mapped_column(Text)  # source subject labels, a JSON list, primary first
    journal_ref: Mapped[str | None] = mapped_column(Text)
    notices: Mapped[str | None] = mapped_column(String(255))  # "retraction", "expression_of_concern", ... comma separated
    # which source each field came from when several sources describe the work (JSON object
    # field -> source); NULL when one source describes it, which then gave every field
    field_sources: Mapped[str | None] = mapped_column(Text)
    # the API's filter + group_by + sort (migration 0010; the two widened to cover the
    # single-valued filter columns in 0014)
    __table_args__ = (
        Index("ix_works_year_type", "publication_year", "type", "is_oa", "cited_by_count"),
        Index("ix_works_type_year", "type", "publication_year"),
        Index("ix_works_year_cited", "publication_year", "cited_by_count"),
        Index("ix_works_cited", "cited_by_count"),
        Index("ix_works_oa_year", "is_oa", "publication_year", "cited_by_count", "type"),
    )


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(500))
    orcid: Mapped[str | None] = mapped_column(String(19), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    open_to_collaborate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ExternalIdRow(Base):
    """Every known external id of every entity: (kind, scheme, value) -> our id."""

    __tablename__ = "external_ids"
    entity_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Id)
    raw_record_id: Mapped[int | None] = mapped_column(ForeignKey("raw_records.id"))
    __table_args__ = (Index("ix_external_ids_entity", "entity_kind", "entity_id"), {"sqlite_with_rowid": False})


class AuthorName(Base):
    """Name variants seen for an author, with how often."""

    __tablename__ = "author_names"
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    __table_args__ = ({"sqlite_with_rowid": False},)



class Authorship(Base):
    __tablename__ = "authorships"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"))
    position: Mapped[int] = mapped_column(Integer)
    raw_author_name: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"), index=True)
    is_corresponding: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    orcid: Mapped[str | None] = mapped_column(String(19))  # the iD a source asserted on this byline
    emails: Mapped[str | None] = mapped_column(Text)  # as printed, comma separated
    claim_source: Mapped[str | None] = mapped_column(String(16))  # a source account claimed this byline (a hint)
    claim_account: Mapped[str | None] = mapped_column(String(255))
    claim_status: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (UniqueConstraint("work_id", "position", name="uq_authorships_work_position"),)


class AuthorshipAffiliation(Base):
    __tablename__ = "authorship_affiliations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    authorship_id: Mapped[int] = mapped_column(ForeignKey("authorships.id"), index=True)
    raw_affiliation: Mapped[str | None] = mapped_column(Text)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)


class Location(Base):
    """Where a work can be read: a version at a venue or repository."""

    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    landing_page_url: Mapped[str | None] = mapped_column(Text)
    pdf_url: Mapped[str | None] = mapped_column(Text)
    is_oa: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[str | None] = mapped_column(String(40))
    license: Mapped[str | None] = mapped_column(String(80))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))


class WorkTopic(Base):
    __tablename__ = "work_topics"
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    __table_args__ = ({"sqlite_with_rowid": False},)



class Citation(Base):
    """A reference from one work to another; ``cited_work_id`` is filled once the target is known."""

    __tablename__ = "citations"
    citing_work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    cited_scheme: Mapped[str] = mapped_column(String(16), primary_key=True)
    cited_value: Mapped[str] = mapped_column(String(255), primary_key=True)
    cited_work_id: Mapped[int | None] = mapped_column(ForeignKey("works.id"), index=True)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))
    __table_args__ = (Index("ix_citations_cited_ref", "cited_scheme", "cited_value"), {"sqlite_with_rowid": False})


class Redirect(Base):
    """An id that no longer stands alone: it points to the surviving entity."""

    __tablename__ = "redirects"
    entity_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    old_id: Mapped[int] = mapped_column(Id, primary_key=True)
    new_id: Mapped[int] = mapped_column(Id)
    reason: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuthorStats(Base):
    """Derived per-author counts shown on the profile page; rebuildable from the rows above."""

    __tablename__ = "author_stats"
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    works_count: Mapped[int] = mapped_column(Integer)
    topics_count: Mapped[int] = mapped_column(Integer)
    close_collaborators_count: Mapped[int] = mapped_column(Integer)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    last_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    code_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_author_stats_works", "works_count"),)


class DerivePending(Base):
    """Works and authors whose derived artefacts (profile counts, the title index) wait to be
    recomputed. The batch that changes them adds them in its own transaction; the derive stage
    removes them once their new values are committed. A run killed in between leaves them here,
    and the next run, resumed or not, or ``peerscope derive``, finishes the work."""

    __tablename__ = "derive_pending"
    __table_args__ = ({"sqlite_with_rowid": False},)
    entity_kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "author" or "work"
    entity_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)


class AuthorTopic(Base):
    """Derived: an author's topic profile (works per topic)."""

    __tablename__ = "author_topics"
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True)
    works_count: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    __table_args__ = ({"sqlite_with_rowid": False},)



class Collaborator(Base):
    """Derived: a co-author pair as seen from ``author_id``, with the evidence."""

    __tablename__ = "collaborators"
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    coauthor_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    joint_works: Mapped[int] = mapped_column(Integer)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    is_close: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = ({"sqlite_with_rowid": False},)


class WorkRecordRow(Base):
    """Every source record that describes a work (a contribution), with its latest payload.

    A work described by several sources is their merge; these rows are what the merge reads.
    """

    __tablename__ = "work_records"
    __table_args__ = (Index("ix_work_records_raw", "raw_record_id"), {"sqlite_with_rowid": False})
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))


class WorkConflict(Base):
    """Sources that disagree on a field of one work: every value, by source (JSON)."""

    __tablename__ = "work_conflicts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    chosen_source: Mapped[str] = mapped_column(String(32))
    values_json: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime)


class WorkSignal(Base):
    """A community signal about a work at a source (upvotes, comments, featured in a daily list)."""

    __tablename__ = "work_signals"
    __table_args__ = ({"sqlite_with_rowid": False},)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    observed_on: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    actor: Mapped[str | None] = mapped_column(String(255))
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))


class AuthorWorkRef(Base):
    """A work a person's own record lists (ORCID works): evidence for claims, not a byline."""

    __tablename__ = "author_work_refs"
    __table_args__ = ({"sqlite_with_rowid": False},)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    asserted_by: Mapped[str] = mapped_column(String(255), primary_key=True)  # "" when the record does not say
    title: Mapped[str | None] = mapped_column(Text)
    publication_year: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str | None] = mapped_column(String(40))
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))


class AuthorInstitutionRef(Base):
    """An institution a person's own record lists (ORCID employments): evidence, not a byline."""

    __tablename__ = "author_institution_refs"
    __table_args__ = ({"sqlite_with_rowid": False},)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # 0 = current or most recent first, as the record orders them
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"))


class DeferredRecord(Base):
    """A stored payload that completes a work not yet in the graph (a references page of a
    paper we do not have): attached when a work with that id arrives."""

    __tablename__ = "deferred_records"
    __table_args__ = (Index("ix_deferred_records_key", "scheme", "value"),)
    raw_record_id: Mapped[int] = mapped_column(ForeignKey("raw_records.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(255))


class Quarantine(Base):
    """An input record (or file) that could not be ingested: the reason and the payload as read."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    location: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class IngestCheckpoint(Base):
    """How far a named ingestion stream got: committed with the batch it follows."""

    __tablename__ = "ingest_checkpoints"
    stream: Mapped[str] = mapped_column(String(255), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    cursor: Mapped[str | None] = mapped_column(Text)
    records: Mapped[int] = mapped_column(BigInteger)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ResolutionRun(Base):
    """One run of author resolution (or the undoing of one): what it changed is in
    ``resolution_changes`` and ``retired_authors``, so it can be explained and reversed."""

    __tablename__ = "resolution_runs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    stage: Mapped[str] = mapped_column(String(16))  # "authors", "undo"
    resolver_version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text)  # JSON: counts of mentions, clusters, merges, splits
    undoes_run: Mapped[int | None] = mapped_column(Id)
    undone_by_run: Mapped[int | None] = mapped_column(Id)


class ResolutionChange(Base):
    """A byline that a run moved from one author to another. Bylines are named by (work,
    position): work ids are stable and authorship rows are rewritten when a work changes."""

    __tablename__ = "resolution_changes"
    __table_args__ = ({"sqlite_with_rowid": False},)
    run_id: Mapped[int] = mapped_column(ForeignKey("resolution_runs.id"), primary_key=True)
    work_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    from_author_id: Mapped[int | None] = mapped_column(Id)
    to_author_id: Mapped[int] = mapped_column(Id)


class RetiredAuthor(Base):
    """An author a run merged into another: its row, names and identifiers as they were, so an
    undo can bring it back under the same id."""

    __tablename__ = "retired_authors"
    __table_args__ = ({"sqlite_with_rowid": False},)
    run_id: Mapped[int] = mapped_column(ForeignKey("resolution_runs.id"), primary_key=True)
    author_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    survivor_id: Mapped[int] = mapped_column(Id)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON: the author row, its names, its external ids


class AuthorLink(Base):
    """Why a byline is on its author's profile: the rule, score and evidence that put it there."""

    __tablename__ = "author_links"
    __table_args__ = (Index("ix_author_links_author", "author_id"), {"sqlite_with_rowid": False})
    work_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(Id)
    rule: Mapped[str] = mapped_column(String(32))  # "orcid", "constraint", "evidence", "alone"
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)  # JSON list of {"kind", "detail", "weight", "with"}
    run_id: Mapped[int] = mapped_column(ForeignKey("resolution_runs.id"))


class ResolutionConstraint(Base):
    """A claim or moderator correction as a constraint on clustering: two bylines are the same
    person ("must") or not ("cannot"). Resolution honours them on every run."""

    __tablename__ = "resolution_constraints"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "must" or "cannot"
    work_a: Mapped[int] = mapped_column(Id)
    position_a: Mapped[int] = mapped_column(Integer)
    work_b: Mapped[int] = mapped_column(Id)
    position_b: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class WorkMatchRow(Base):
    """Why two stored works became one without sharing an identifier (a preprint and its
    journal version): the matcher's rule, score and evidence, kept with the survivor."""

    __tablename__ = "work_matches"
    __table_args__ = ({"sqlite_with_rowid": False},)
    survivor_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    folded_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    rule: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)  # JSON list of {"kind", "value", "note"}
    matcher_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DocumentRow(Base):
    """A full-text document: its bytes' hash, size and type, its text and parsed structure."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the bytes
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(500))
    title: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    structure: Mapped[str] = mapped_column(Text)  # JSON: authors, summaries, statements, sections, references
    work_id: Mapped[int | None] = mapped_column(ForeignKey("works.id"), index=True)  # the work it is the full text of
    checks_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class IntegrityFlag(Base):
    """A signal with evidence, not a verdict: what a check found, about a document, work or author."""

    __tablename__ = "integrity_flags"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)  # JSON list
    status: Mapped[str] = mapped_column(String(16), default="open")  # "open", "answered", "withdrawn"
    checks_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FlagSubject(Base):
    """A work or author a flag concerns."""

    __tablename__ = "flag_subjects"
    __table_args__ = (Index("ix_flag_subjects_entity", "entity_kind", "entity_id"), {"sqlite_with_rowid": False})
    flag_id: Mapped[int] = mapped_column(ForeignKey("integrity_flags.id"), primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "work" or "author"
    entity_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))  # "byline", "cited", "matched", "document"


class IntegrityDerived(Base):
    """The version and input hash of the graph-level integrity checks last run on one work or
    author, so a check reruns only when what it reads has changed; its flags have no document
    and name the entity as their subject (role "subject")."""

    __tablename__ = "integrity_derived"
    __table_args__ = ({"sqlite_with_rowid": False},)
    entity_kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "work" or "author"
    entity_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    code_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class TrustSnapshot(Base):
    """Derived: one author's trust score, level and components as one model version computed
    them from inputs with the given hash. A new row only when the inputs or the model change,
    so the rows of an author are its history; ``changes`` says what moved since the row before."""

    __tablename__ = "trust_snapshots"
    __table_args__ = (Index("ix_trust_snapshots_author", "author_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    author_id: Mapped[int] = mapped_column(Id)
    model_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(32))
    verification_level: Mapped[str] = mapped_column(String(2))
    claimed: Mapped[bool] = mapped_column(Boolean, default=False)
    components: Mapped[str] = mapped_column(Text)  # JSON list of {"name", "points", "max_points", "inputs"}
    changes: Mapped[str] = mapped_column(Text)  # JSON list of {"component", "before", "after", "why"}
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class TrustCurrent(Base):
    """Derived: each author's latest trust snapshot, for lists sorted or filtered by trust."""

    __tablename__ = "trust_current"
    __table_args__ = (Index("ix_trust_current_score", "score"), Index("ix_trust_current_band", "band"))
    author_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    snapshot_id: Mapped[int] = mapped_column(Id)
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(32))
    verification_level: Mapped[str] = mapped_column(String(2))
    claimed: Mapped[bool] = mapped_column(Boolean, default=False)
    model_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class WorkTopicAssignment(Base):
    """Derived: a topic given to a work that came without any from its sources, by ``method``
    ("arxiv_category": its arXiv categories; "cluster": a cluster of its text), with a score."""

    __tablename__ = "work_topic_assignments"
    __table_args__ = (Index("ix_work_topic_assignments_topic", "topic_id", "score"), {"sqlite_with_rowid": False})
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))


class TopicCluster(Base):
    """Derived: a topic made by clustering works' text: the terms its label comes from."""

    __tablename__ = "topic_clusters"
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True, autoincrement=False)
    terms: Mapped[str] = mapped_column(Text)  # JSON list, strongest first
    works_count: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class GraphEdge(Base):
    """Derived: one weighted edge of the research graph, stored once from each end so the
    strongest neighbours of any node are one index range away. ``evidence`` (JSON) holds the
    facts the edge rests on (joint works, shared references, a topic score …); the years bound
    the works behind it, NULL when no year applies."""

    __tablename__ = "graph_edges"
    __table_args__ = (
        Index("ix_graph_edges_rank", "src_kind", "src_id", "dst_kind", "weight"),
        {"sqlite_with_rowid": False},
    )
    src_kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    src_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    dst_kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    dst_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    year_min: Mapped[int | None] = mapped_column(Integer)
    year_max: Mapped[int | None] = mapped_column(Integer)


class GraphBuild(Base):
    """The graph derivation last run: its code version, the hash of its inputs, what it wrote."""

    __tablename__ = "graph_builds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    edges: Mapped[str] = mapped_column(Text)  # JSON: edge rows written, by kind
    seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class SimilarWork(Base):
    """Derived: one entry of a work's ranked list of similar works (``rank`` 1 is the closest),
    with the combined score and the evidence it rests on (JSON: works citing both, shared
    references, shared topics, text cosine and the terms behind it). No foreign keys, as in
    ``graph_edges``: the list is rebuilt from the store, and reads join the works still there."""

    __tablename__ = "similar_works"
    __table_args__ = ({"sqlite_with_rowid": False},)
    work_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    similar_work_id: Mapped[int] = mapped_column(Id)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)


class SimilarBuild(Base):
    """The similar-works derivation last run: code version, hash of its inputs, what it wrote."""

    __tablename__ = "similar_builds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    works: Mapped[int] = mapped_column(Integer)  # works in the corpus
    listed: Mapped[int] = mapped_column(Integer)  # works with at least one similar work
    seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
