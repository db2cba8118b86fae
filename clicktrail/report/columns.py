"""The aggregated report's columns and filter resource types, and the rollup key behind each.

Column names follow Everflow's aggregated-data reference; filter resource types follow the
raw reports' list (seed 003: ``s1``..``s5``, ``device_platform``) and also accept the column
spellings (``sub1``, ``platform``). Filters of one resource type are OR'ed, different types
AND'ed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from clicktrail.meta import countries

Kind = Literal["entity", "dims", "value", "time"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # wire name
    kind: Kind
    key: str  # rollup key column (for "value": the dim name; for "time": the bucket kind)
    numeric: bool = False


_COLUMNS: tuple[Column, ...] = (
    Column("offer", "entity", "offer_id", True),
    Column("affiliate", "entity", "affiliate_id", True),
    Column("advertiser", "entity", "advertiser_id", True),
    Column("event_name", "entity", "event_id", True),
    Column("country", "dims", "country_code"),
    Column("country_code", "dims", "country_code"),
    Column("region", "dims", "region"),
    Column("device_type", "dims", "device_type"),
    Column("platform", "dims", "platform"),
    Column("browser", "dims", "browser"),
    Column("sub1", "value", "sub1"),
    Column("sub2", "value", "sub2"),
    Column("sub3", "value", "sub3"),
    Column("sub4", "value", "sub4"),
    Column("sub5", "value", "sub5"),
    Column("source_id", "value", "source_id"),
    Column("city", "value", "city"),
    Column("hour", "time", "hour"),
    Column("date", "time", "date"),
    Column("week", "time", "week"),
    Column("month", "time", "month"),
    Column("year", "time", "year"),
)
COLUMNS: dict[str, Column] = {c.name: c for c in _COLUMNS}
#: Everflow also says "event" for the event column.
COLUMNS["event"] = COLUMNS["event_name"]

#: Filter resource type -> the column it filters on.
FILTERS: dict[str, Column] = {
    name: c for name, c in COLUMNS.items() if c.kind != "time" and name != "country_code"
}
FILTERS.update(
    {
        "country_code": COLUMNS["country_code"],
        "device_platform": COLUMNS["platform"],
        "s1": COLUMNS["sub1"],
        "s2": COLUMNS["sub2"],
        "s3": COLUMNS["sub3"],
        "s4": COLUMNS["sub4"],
        "s5": COLUMNS["sub5"],
    }
)

#: What an affiliate may not group or filter by (its own id is implied; advertisers are the
#: network's business).
NETWORK_ONLY = frozenset({"affiliate", "advertiser"})

_COUNTRY_BY_NAME = {c.country_name.casefold(): c.country_code for c in countries.COUNTRIES}


def country_code(value: str) -> str:
    """A country filter value (Everflow sends names, e.g. "United States") as an ISO code."""
    text = value.strip()
    if len(text) == 2 and text.upper() in countries.BY_CODE:
        return text.upper()
    return _COUNTRY_BY_NAME.get(text.casefold(), text)


def country_name(code: str) -> str:
    country = countries.BY_CODE.get(code)
    return country.country_name if country else code
