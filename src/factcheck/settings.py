"""The one place the application's configuration is read (environment variables prefixed FACTCHECK_)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FACTCHECK_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/factcheck.db"
    secret_key: str = DEVELOPMENT_SECRET

    # Ingest
    max_article_chars: int = Field(500_000, gt=0)
    max_upload_bytes: int = Field(4_000_000, gt=0)

    # Check-worthiness: what becomes a candidate claim, and what a checker sees first.
    # None means "the value the shipped model was calibrated with".
    claim_threshold: float | None = Field(None, ge=0, le=1)
    high_priority_threshold: float | None = Field(None, ge=0, le=1)
    # Score with the optional encoder's read-out (the `encoder` extra; the default scorer without it).
    detector_encoder: bool = False
    # Score with the linear model plus the read-out of the shipped static sentence vectors (no
    # extra needed; docs/checkworthiness.md: better on held-out debates, the same on dev); off:
    # the linear model alone.
    detector_vectors: bool = True

    # Workbench
    lease_minutes: int = Field(30, gt=0)
    login_max_failures: int = Field(5, gt=0)
    login_window_minutes: int = Field(15, gt=0)
    session_max_age_hours: int = Field(12, gt=0)

    # Publishing
    public_base_url: str = "https://example.org/fact-checks"
    organization_name: str = "The Newsroom"
    organization_url: str = "https://example.org"
    api_rate_limit_per_minute: int = Field(600, gt=0)
    # PostgreSQL: each process LISTENs for publishes instead of reading the verdicts fingerprint on
    # every request (api/invalidation.py). Off: every request reads (as on SQLite).
    api_cache_listen: bool = True

    # Claim matching (similarity in [0, 1])
    match_suggest_threshold: float = Field(0.55, ge=0, le=1)
    match_auto_threshold: float = Field(0.9, ge=0, le=1)
    matching_enabled: bool = True
    # Re-rank with the optional sentence encoder (the `encoder` extra; CPU-heavy, so off by default).
    matching_encoder: bool = False
    # Compare claims' static sentence vectors too (analysis/static_vectors.py: shipped, no torch).
    # Off: lexical features only (what matching was before the vectors; for comparison).
    matching_vectors: bool = True

    # Webhooks
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_max_age_hours: int = Field(24, gt=0)
    run_worker_in_app: bool | None = None  # None: on for SQLite, off for PostgreSQL
    # May deliveries go to loopback, private, link-local (cloud metadata) and other non-public
    # addresses? None: yes, except in production, where a CMS on the internal network needs true.
    webhook_allow_private_networks: bool | None = None

    @property
    def webhook_private_networks_allowed(self) -> bool:
        if self.webhook_allow_private_networks is None:
            return self.environment != "production"
        return self.webhook_allow_private_networks

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("FACTCHECK_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
