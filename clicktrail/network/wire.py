"""Wire shapes shared by the Everflow-compatible entity endpoints (advertisers, affiliates,
offers, network settings): currency and timezone ids, contact addresses, labels, timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from clicktrail.kit.timeutil import unix
from clicktrail.kit.wire import Name, ShortText
from clicktrail.meta import countries, currencies, timezones


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in currencies.BY_CODE:
        raise ValueError(f"unknown currency {value!r} (see GET /v1/meta/currencies)")
    return code


def _timezone(value: int) -> int:
    if value not in timezones.BY_ID:
        raise ValueError(f"unknown timezone_id {value} (see GET /v1/meta/timezones)")
    return value


def _country(value: str) -> str:
    code = value.strip().upper()
    if code and code not in countries.BY_CODE:
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2)")
    return code


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


#: An ISO 4217 code known to GET /v1/meta/currencies; stored upper case.
CurrencyId = Annotated[str, StringConstraints(max_length=3), AfterValidator(_currency)]
#: An Everflow timezone id (1..99).
TimezoneId = Annotated[int, AfterValidator(_timezone)]
#: Optional text where clients send null for "none".
NullableText = Annotated[ShortText, BeforeValidator(_none_as_empty)]


class ContactAddress(BaseModel):
    """Everflow's ``contact_address`` object (affiliates and advertisers)."""

    address_1: NullableText = ""
    address_2: NullableText = ""
    city: NullableText = ""
    region_code: NullableText = ""
    country_code: Annotated[NullableText, AfterValidator(_country)] = ""
    zip_postal_code: NullableText = ""


#: Labels: up to 100 names (1-255 characters, no control characters).
Labels = Annotated[list[Name], Field(max_length=100)]


def labels_relationship(labels: list[str] | None) -> dict[str, Any]:
    """Everflow's ``relationship.labels``: ``{"total": n, "entries": [...]}``."""
    entries = list(labels or [])
    return {"total": len(entries), "entries": entries}


def unix_or_zero(moment: datetime | None) -> int:
    return unix(moment) if moment is not None else 0
