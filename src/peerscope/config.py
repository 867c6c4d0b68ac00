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

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'peerscope.db').resolve()}"

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
