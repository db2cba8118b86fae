"""Everflow's metadata API: ``GET /v1/meta/timezones``, ``/currencies``, ``/countries``.

Public (no key), as in Everflow's OpenAPI (``security: []``); the tables are static.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.meta import countries, currencies, timezones

router = APIRouter(prefix="/v1/meta", tags=["meta"])


@router.get("/timezones")
async def list_timezones() -> dict[str, list[dict[str, Any]]]:
    """Everflow's 99 timezones; ``utc_offset`` is the offset in effect now."""
    return {"timezones": [timezones.to_wire(tz) for tz in timezones.TIMEZONES]}


@router.get("/currencies")
async def list_currencies() -> dict[str, list[dict[str, Any]]]:
    """ISO 4217 currencies; ``currency_id`` is the code used everywhere."""
    return {"currencies": [currencies.to_wire(c) for c in currencies.CURRENCIES]}


@router.get("/countries")
async def list_countries() -> dict[str, list[dict[str, Any]]]:
    """ISO 3166-1 countries; ``country_code`` is the alpha-2 code used in reports."""
    return {"countries": [countries.to_wire(c) for c in countries.COUNTRIES]}
