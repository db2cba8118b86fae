"""Everflow's network object (``GET /v1/networks``, ``/v1/networks/info``) and its update.

Everflow's docs name the defaults two ways (``timezone_id`` / ``reporting_timezone_id``,
``currency_id`` / ``default_currency_id``); both spellings are read and written.
``fallback_url`` (where invalid or paused links send visitors) is clicktrail's own field.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from clicktrail.kit.wire import Name, OptionalHttpUrlText
from clicktrail.models import Network
from clicktrail.network.wire import CurrencyId, TimezoneId, unix_or_zero

#: The longest fallback URL the ``network.fallback_url`` column holds.
FALLBACK_URL_MAX = 2048


class NetworkUpdate(BaseModel):
    """PUT body: every field optional; omitted fields keep their value."""

    name: Name | None = None
    timezone_id: TimezoneId | None = None
    reporting_timezone_id: TimezoneId | None = None
    currency_id: CurrencyId | None = None
    default_currency_id: CurrencyId | None = None
    #: An http(s) URL, or "" / null to clear it (visitors then get a plain 404 page).
    fallback_url: Annotated[OptionalHttpUrlText, Field(max_length=FALLBACK_URL_MAX)] | None = None

    @property
    def timezone(self) -> int | None:
        return self.timezone_id if self.timezone_id is not None else self.reporting_timezone_id

    @property
    def currency(self) -> str | None:
        return self.currency_id if self.currency_id is not None else self.default_currency_id


def network_out(network: Network) -> dict[str, Any]:
    return {
        "network_id": network.network_id,
        "name": network.name,
        "account_status": "active",
        "timezone_id": network.timezone_id,
        "reporting_timezone_id": network.timezone_id,
        "currency_id": network.currency_id,
        "default_currency_id": network.currency_id,
        "fallback_url": network.fallback_url or "",
        "time_created": unix_or_zero(network.time_created),
        "time_saved": unix_or_zero(network.time_saved),
    }
