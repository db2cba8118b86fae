"""The limits one process enforces, built once from the settings (``guards_of(state)``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from limits import RateLimitItem, parse

from clicktrail.abuse.limiter import AddressCap, Limiter, storage_for
from clicktrail.config import Settings
from clicktrail.state import AppState

KEY = "guards"


@dataclass
class Guards:
    """Every limit is ``None`` when off (``CLICKTRAIL_RATE_LIMITS=false`` or an empty rate)."""

    max_body_bytes: int
    limiter: Limiter | None = None
    failed_auth: AddressCap | None = None
    key_rates: dict[str, RateLimitItem] = field(default_factory=dict)
    invalid_clicks: AddressCap | None = None
    unknown_postbacks: AddressCap | None = None
    clicks: AddressCap | None = None


def build(settings: Settings) -> Guards:
    guards = Guards(max_body_bytes=settings.max_body_bytes)
    if not settings.rate_limits:
        return guards
    limiter = Limiter(storage_for(settings.redis_url))
    guards.limiter = limiter

    def cap(rate: str | None, name: str) -> AddressCap | None:
        return AddressCap(limiter, rate, name) if rate else None

    guards.failed_auth = cap(settings.rate_limit_failed_auth, "failed_auth")
    guards.invalid_clicks = cap(settings.rate_limit_invalid_clicks, "invalid_clicks")
    guards.unknown_postbacks = cap(settings.rate_limit_unknown_postbacks, "unknown_postbacks")
    guards.clicks = cap(settings.rate_limit_clicks, "clicks")
    for realm, rate in (
        ("network", settings.rate_limit_network_key),
        ("affiliate", settings.rate_limit_affiliate_key),
    ):
        if rate:
            guards.key_rates[realm] = parse(rate)
    return guards


def guards_of(state: AppState) -> Guards:
    """This process's guards, built on first use."""
    guards = state.components.get(KEY)
    if guards is None:
        guards = state.components[KEY] = build(state.settings)
    assert isinstance(guards, Guards)
    return guards
