"""How numbers, money and times read on a page (Jinja filters: money, percent, number, dt,
date). Times are stored UTC and shown in the network's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from datetime import date as date_type
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

Number = int | float | Decimal


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: object, places: int = 0) -> str:
    """``1234567`` -> ``1,234,567``; ``places`` decimals; "-" for nothing."""
    found = _decimal(value)
    if found is None or not found.is_finite():
        return "-"
    rounded = found.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


def money(value: object, currency: str = "") -> str:
    """``1234.5`` -> ``1,234.50 USD`` (2 decimals)."""
    text = number(value, 2)
    return f"{text} {currency}".rstrip() if text != "-" else text


def percent(value: object, places: int = 2) -> str:
    """A percentage already in percent (``12.5`` -> ``12.50%``)."""
    text = number(value, places)
    return f"{text}%" if text != "-" else text


def dt(value: datetime | None, zone: ZoneInfo | None = None) -> str:
    """An aware (or naive UTC) datetime as ``YYYY-mm-dd HH:MM`` in ``zone``."""
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone or UTC).strftime("%Y-%m-%d %H:%M")


def date(value: datetime | date_type | None, zone: ZoneInfo | None = None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(zone or UTC).strftime("%Y-%m-%d")
    return value.isoformat()
