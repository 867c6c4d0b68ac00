"""Typed settings: one object, every setting with a default and help text.

Values come from (highest first) explicit arguments (CLI flags), environment variables with the
``PEERSCOPE_`` prefix, and the defaults below. Nothing is read at import time: callers build a
``Settings`` when they need one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from peerscope.errors import ConfigError

DEFAULT_SECRET = "change-me-peerscope-development-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERSCOPE_", extra="ignore")

    mode: Literal["development", "production"] = Field(
        "development",
        description="development or production; production refuses to serve with the default secret.",
    )
    data_dir: Path = Field(
        Path("./peerscope-data"),
        description="Folder for the embedded database, indexes and caches.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the store; default: a SQLite file peerscope.db in the data dir. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/dbname.",
    )
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_SECRET),
        description="Key that signs session cookies and tokens; must be set in production.",
    )
    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the web server listens on.")
    ingest_batch_size: int = Field(
        2000, ge=1, le=100_000, description="Records written per database transaction during ingestion."
    )
    close_collaborator_min_joint_works: int = Field(
        2, ge=1, description="Joint works needed before a co-author counts as a close collaborator."
    )
    close_collaborator_max_authors: int = Field(
        25,
        ge=2,
        description="Works with more authors than this do not count towards close collaboration "
        "(large consortium papers make no one close).",
    )
    api_max_per_page: int = Field(200, ge=1, le=1000, description="Largest per_page the API accepts.")
    api_max_paged_results: int = Field(
        10_000,
        ge=1,
        description="Deepest result reachable with page-based paging (page x per_page), as OpenAlex caps basic paging.",
    )
    contact_email: str = Field(
        "admin@example.org", description="Contact address sent in the User-Agent to public APIs."
    )
    http_timeout_seconds: float = Field(
        30.0, gt=0, description="Seconds to wait for a public API to connect and answer before retrying."
    )
    http_max_retries: int = Field(
        5,
        ge=0,
        le=20,
        description="Times a request to a public API is retried (with growing pauses) after a rate-limit answer, "
        "a server error, a timeout or a dropped connection.",
    )
    openalex_base_url: str = Field("https://api.openalex.org", description="Base URL of the OpenAlex API.")
    openalex_api_key: SecretStr | None = Field(
        None,
        description="OpenAlex API key, sent as the api_key parameter; needed for higher quotas and for "
        "fetching by update date (from_updated_date).",
    )
    openalex_rate_per_second: float = Field(
        10.0, gt=0, description="Most requests per second sent to OpenAlex (its polite limit is 10)."
    )
    arxiv_api_base_url: str = Field(
        "https://export.arxiv.org/api", description="Base URL of the arXiv search API (Atom feeds)."
    )
    arxiv_oai_base_url: str = Field(
        "https://oaipmh.arxiv.org/oai", description="Base URL of arXiv's OAI-PMH interface for bulk metadata harvesting."
    )
    arxiv_rate_per_second: float = Field(
        0.33, gt=0, description="Most requests per second sent to arXiv (arXiv asks for one request every 3 seconds)."
    )
    crossref_base_url: str = Field("https://api.crossref.org", description="Base URL of the Crossref REST API.")
    crossref_rate_per_second: float = Field(
        5.0, gt=0, description="Most requests per second sent to Crossref (the contact address puts them in its polite pool)."
    )
    s2_base_url: str = Field(
        "https://api.semanticscholar.org/graph/v1", description="Base URL of the Semantic Scholar Graph API."
    )
    s2_api_key: SecretStr | None = Field(
        None, description="Semantic Scholar API key, sent in the x-api-key header; raises the shared anonymous quota."
    )
    s2_rate_per_second: float = Field(
        1.0, gt=0, description="Most requests per second sent to Semantic Scholar (1 per second with a key)."
    )
    orcid_base_url: str = Field("https://pub.orcid.org/v3.0", description="Base URL of the ORCID public API.")
    orcid_rate_per_second: float = Field(
        8.0, gt=0, description="Most requests per second sent to the ORCID public API."
    )
    hf_base_url: str = Field("https://huggingface.co", description="Base URL of Hugging Face (papers API).")
    hf_rate_per_second: float = Field(2.0, gt=0, description="Most requests per second sent to Hugging Face.")
    document_max_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Largest document (PDF, text, Markdown, HTML) accepted by check-document and ingest document, in bytes."
    )
    document_max_pages: int = Field(2000, ge=1, description="PDFs with more pages than this are refused.")
    document_parse_timeout_seconds: float = Field(
        120.0, gt=0, description="Seconds a PDF may take to read (in its own process) before it is refused."
    )
    document_parse_memory_mb: int = Field(
        1024, ge=128, description="Address-space limit of the process that reads a PDF, in MB; a PDF needing more is refused."
    )
    search_backend: Literal["tantivy", "database"] = Field(
        "tantivy",
        description="Search box and search= backend: tantivy (an embedded BM25 index with semantic and hybrid "
        "ranking and facets, built by `peerscope index build`) or database (SQLite FTS5 / PostgreSQL full-text "
        "search over titles inside the store, for one-database deployments).",
    )
    search_index_dir: Path | None = Field(
        None, description="Folder of the search index (keyword index and vectors); default: search/ in the data dir."
    )
    search_embedder: Literal["auto", "minilm", "hashed"] = Field(
        "auto",
        description="Embeddings for semantic search: minilm (all-MiniLM-L6-v2 from its PyPI package, on the CPU; the `semantic` extra), "
        "hashed (hashed character n-grams: fast, no model, spelling only), or auto (minilm when the `semantic` extra is installed, else hashed).",
    )
    search_semantic_candidates: int = Field(
        100, ge=0, le=1000, description="Nearest works by embedding that hybrid search fuses with the keyword matches."
    )

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'peerscope.db').resolve()}"

    @property
    def resolved_search_index_dir(self) -> Path:
        return (self.search_index_dir or self.data_dir / "search").expanduser().resolve()

    def check_can_serve(self) -> None:
        """Refuse to serve production traffic with the published default secret."""
        if self.mode == "production" and self.secret_key.get_secret_value() == DEFAULT_SECRET:
            raise ConfigError(
                "PEERSCOPE_SECRET_KEY is the default development secret; set a long random value "
                "before serving in production mode"
            )
        if self.mode == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ConfigError("PEERSCOPE_SECRET_KEY must be at least 32 characters in production mode")


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (None values are ignored)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError(f"invalid settings: {exc}") from exc
