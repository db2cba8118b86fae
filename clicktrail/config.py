"""All settings, in one place. Every field reads ``CLICKTRAIL_<NAME>`` from the environment.

docs/settings.md documents each one; tests/test_config.py keeps the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from limits import parse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLICKTRAIL_", extra="ignore")

    # --- server -------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the server listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Server processes sharing the port (each runs the tracking host, the APIs "
        "and the background jobs); more than 1 uses more cores.",
    )
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
    click_partition_days_ahead: int = Field(
        7, ge=1, le=60, description="PostgreSQL: day partitions of clicks created this far ahead."
    )
    conversion_batch_max: int = Field(
        1000,
        ge=1,
        le=10000,
        description="Most advertiser postbacks and referral conversions written per commit.",
    )
    conversion_writers: int = Field(
        0,
        ge=0,
        le=8,
        description="Advertiser-postback batches in flight at once per process; 0 = 2 on "
        "PostgreSQL (the next batch runs while the previous one commits), 1 on SQLite.",
    )
    conversion_writer_process: bool = Field(
        True,
        description="Record advertiser postbacks and referral conversions in a writer process "
        "of their own (another core for the batches' work); false = in the server process.",
    )
    # --- postbacks ----------------------------------------------------------------------
    worker_enabled: bool = Field(True, description="`serve` also runs a postback worker.")
    postback_allow_private: bool = Field(
        False, description="Allow postbacks to loopback, private and link-local addresses."
    )
    postback_timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="Time one postback request may take (per redirect hop)."
    )
    postback_max_attempts: int = Field(
        10, ge=1, le=100, description="Attempts per delivery before it is marked failed."
    )
    postback_retry_base_seconds: float = Field(
        30.0, gt=0, description="First retry delay; doubles per attempt (with jitter)."
    )
    postback_retry_cap_seconds: float = Field(
        3600.0, gt=0, description="Longest delay between two attempts."
    )
    postback_disable_after_failures: int = Field(
        10, ge=1, description="Consecutive failed attempts that disable a pixel."
    )
    postback_disable_window_hours: float = Field(
        72.0, gt=0, description="The failures that disable a pixel must fall in this window."
    )
    postback_concurrency: int = Field(
        256, ge=1, le=4096, description="Postback requests in flight per worker process."
    )
    postback_batch_size: int = Field(
        500, ge=1, le=10000, description="Deliveries claimed (and results written) per batch."
    )
    postback_max_redirects: int = Field(
        3, ge=0, le=10, description="Redirects followed per postback attempt."
    )
    postback_max_response_bytes: int = Field(
        8192, ge=0, description="Bytes of a postback response body read (rest discarded)."
    )
    postback_poll_seconds: float = Field(
        0.5, gt=0, description="How often an idle worker looks for due deliveries."
    )
    referral_hold_release_seconds: float = Field(
        60.0, ge=0, description="How often held commissions are released (0: never)."
    )
    rollup_values_per_day: int = Field(2000, ge=0, description="sub1..city values kept a day.")
    rollup_values_per_affiliate: int = Field(500, ge=0, description="Of which per affiliate.")
    rollup_compact_seconds: float = Field(300.0, ge=0, description="Day compaction (0: off).")
    # --- limits (docs/settings.md "Limits"; ADRs 0063, 0064) ----------------------------
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body (413 above it, unread)."
    )
    max_url_bytes: int = Field(
        8192, ge=256, description="Longest request target, path and query (414 above it)."
    )
    max_header_bytes: int = Field(
        32768, ge=1024, description="Largest request head: request line and headers (431)."
    )
    max_headers: int = Field(100, ge=10, description="Most header fields in a request (431).")
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="Time a client has to send a request's head (408 and close)."
    )
    rate_limits: bool = Field(True, description="false turns every rate limit off.")
    redis_url: str | None = Field(
        None, description="redis://host:port/db: rate-limit counters shared by every process."
    )
    rate_limit_failed_auth: str | None = Field(
        "30/minute", description="Failed authentications per client address."
    )
    rate_limit_network_key: str | None = Field(
        "3000/minute", description="Requests per network key."
    )
    rate_limit_affiliate_key: str | None = Field(
        "600/minute", description="Requests per affiliate key."
    )
    rate_limit_invalid_clicks: str | None = Field(
        "60/minute", description="Invalid clicks stored per client address."
    )
    rate_limit_unknown_postbacks: str | None = Field(
        "60/minute", description="Postbacks with unknown transaction ids stored per address."
    )
    rate_limit_clicks: str | None = Field(
        None, description="Opt-in: clicks per client address (unset: no limit)."
    )
    metrics_token: str | None = Field(
        None, description="Bearer token /metrics asks for (unset: open)."
    )

    @field_validator(
        "rate_limit_failed_auth",
        "rate_limit_network_key",
        "rate_limit_affiliate_key",
        "rate_limit_invalid_clicks",
        "rate_limit_unknown_postbacks",
        "rate_limit_clicks",
    )
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate such as 600/minute") from exc
        return value.strip()

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
