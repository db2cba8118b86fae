"""All settings, in one place. Every field reads ``CLICKTRAIL_<NAME>`` from the environment.

docs/settings.md documents each one; tests/test_config.py keeps the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLICKTRAIL_", extra="ignore")

    # --- server -------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the server listens on.")
    database_url: str = Field(
        "sqlite+aiosqlite:///./var/clicktrail.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    auto_migrate: bool = Field(True, description="`serve` runs migrations before starting.")
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        "FULL", description="SQLite PRAGMA synchronous (WAL mode); FULL survives power loss."
    )
    log_level: str = Field("INFO", description="Log level name.")
    log_format: Literal["auto", "json", "console"] = Field(
        "auto", description="auto: JSON when stderr is not a terminal, console otherwise."
    )
    # --- tracking -----------------------------------------------------------------------
    tracking_url: str | None = Field(
        None, description="Base URL of tracking links; default http://{host}:{port}."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description='CIDRs whose X-Forwarded-For is believed (JSON list, e.g. ["10.0.0.0/8"]).',
    )
    geoip_city_path: str | None = Field(None, description="City .mmdb (GeoLite2 or DB-IP).")
    geoip_asn_path: str | None = Field(None, description="ASN .mmdb (GeoLite2 or DB-IP).")
    click_retention_days: int = Field(90, ge=1, description="Raw clicks kept this long.")
    # --- postbacks ----------------------------------------------------------------------
    worker_enabled: bool = Field(True, description="`serve` also runs a postback worker.")
    postback_allow_private: bool = Field(
        False, description="Allow postbacks to loopback, private and link-local addresses."
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def public_tracking_url(self) -> str:
        if self.tracking_url:
            return self.tracking_url.rstrip("/")
        return f"http://{self.host}:{self.port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
