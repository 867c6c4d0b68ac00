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
    """An immutable source payload, exactly as received (one row per distinct payload)."""

    __tablename__ = "raw_records"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(255))
    payload_hash: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
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
