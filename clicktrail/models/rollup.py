"""Reporting rollups: pre-aggregated click and conversion counters ("cubes").

Three cubes, each stored at two grains (``hour`` and ``day``, both UTC, ``bucket`` = the
bucket's start in unix seconds):

* ``entity``: offer x affiliate x advertiser x event. Small; serves the common reports.
* ``dims``:   the entity dimensions plus the low-cardinality ones (country, region,
  device type, platform, browser).
* ``value``:  the entity dimensions plus ONE high-cardinality dimension (``dim`` names it:
  sub1..sub5, source_id, city; ``value`` is its value). Values are admitted per UTC day up
  to a cap; the rest are counted under :data:`OTHER` so totals stay exact. Empty values
  have no rows: they are the entity cube's total minus the values.

The click hot path writes the hour grain; day rows are derived by compaction once a UTC
day is over (``rollup_state``), and written directly by the rare late writers. Coarse cubes
without the entity keys exist for finished days only (:data:`COARSE`).

Money is stored in integer micro-units (``amount * 10**6``) so sums are exact on both
engines. ADR 0040 and 0041 explain the layout.
"""

from __future__ import annotations

import sqlalchemy as sa

from clicktrail.models.base import Base

#: Counters kept per rollup row.
COUNT_METRICS: tuple[str, ...] = (
    "total_click",  # valid clicks (unique + duplicate)
    "unique_click",
    "invalid_click",
    "cv",  # approved base conversions
    "event",  # approved event conversions
    "invalid_cv",  # rejected or invalid conversions (Everflow's "invalid_cv_scrub")
    "pending_cv",  # pending conversions (Everflow's "on hold")
)
#: Money counters, in micro-units.
MONEY_METRICS: tuple[str, ...] = (
    "payout",
    "revenue",
    "sale_amount",
    "pending_payout",
    "pending_revenue",
)
METRICS: tuple[str, ...] = COUNT_METRICS + MONEY_METRICS

ENTITY_KEYS: tuple[str, ...] = ("offer_id", "affiliate_id", "advertiser_id", "event_id")
DIMS_KEYS: tuple[str, ...] = (
    *ENTITY_KEYS,
    "country_code",
    "region",
    "device_type",
    "platform",
    "browser",
)
VALUE_KEYS: tuple[str, ...] = ("dim", "value", *ENTITY_KEYS)
#: The high-cardinality dimensions kept in the value cube, by their ``dim`` name.
VALUE_DIMS: tuple[str, ...] = ("sub1", "sub2", "sub3", "sub4", "sub5", "source_id", "city")
#: The value under which clicks beyond a day's admitted values are counted.
OTHER = "\x1fother"
#: Longest value kept in a rollup key (longer ones are cut).
VALUE_MAX = 255

CUBES: dict[str, tuple[str, ...]] = {"entity": ENTITY_KEYS, "dims": DIMS_KEYS, "value": VALUE_KEYS}
#: Coarse cubes, derived from the entity cube for finished days only (compaction builds both
#: grains; late writers add to them); never written by the click hot path. Reports over
#: compacted days read them when they cover the request (ADR 0040).
COARSE: dict[str, tuple[str, ...]] = {
    "offer": ("offer_id", "advertiser_id", "event_id"),
    "affiliate": ("affiliate_id", "event_id"),
    "geo": DIMS_KEYS[len(ENTITY_KEYS) :],
    "values": ("dim", "value"),
}
#: The cube each coarse cube is summed from.
COARSE_SOURCE: dict[str, str] = {
    "offer": "entity",
    "affiliate": "entity",
    "geo": "dims",
    "values": "value",
}
ALL_CUBES: dict[str, tuple[str, ...]] = {**CUBES, **COARSE}
GRAINS: dict[str, int] = {"hour": 3600, "day": 86400}

_STRING_SIZES = {
    "dim": 16,
    "value": VALUE_MAX,
    "country_code": 2,
    "region": 128,
    "device_type": 16,
    "platform": 64,
    "browser": 64,
}


def table_name(cube: str, grain: str) -> str:
    return f"rollup_{cube}_{grain}"


def key_column(name: str) -> sa.Column[object]:
    size = _STRING_SIZES.get(name)
    kind: sa.types.TypeEngine[object] = sa.String(size) if size else sa.Integer()  # type: ignore[assignment]
    return sa.Column(name, kind, nullable=False)


def metric_columns() -> list[sa.Column[object]]:
    return [
        sa.Column(m, sa.BigInteger(), nullable=False, server_default=sa.text("0")) for m in METRICS
    ]


def primary_key(cube: str) -> tuple[str, ...]:
    """Key order: value cubes lead with ``dim`` (every query names one)."""
    keys = ALL_CUBES[cube]
    if keys[0] == "dim":
        return ("dim", "bucket", *keys[1:])
    return ("bucket", *keys)


def _table(cube: str, grain: str) -> sa.Table:
    """Day tables also index (affiliate, bucket) for the affiliate realm; hour tables are on
    the click hot path and keep their primary key only."""
    name = table_name(cube, grain)
    lead = ("dim",) if cube == "value" else ()
    extra = [sa.Index(f"ix_{name}_affiliate", *lead, "affiliate_id", "bucket")]
    return sa.Table(
        name,
        Base.metadata,
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        *[key_column(k) for k in ALL_CUBES[cube]],
        *metric_columns(),
        sa.PrimaryKeyConstraint(*primary_key(cube), name=f"pk_{name}"),
        *(extra if grain == "day" and cube in CUBES else []),
    )


#: Compaction state: ``day_complete_before`` (unix seconds) = every UTC day before it has
#: its day-grain rows (see clicktrail/report/compaction.py).
STATE = sa.Table(
    "rollup_state",
    Base.metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger(), nullable=False),
)
DAY_COMPLETE_BEFORE = "day_complete_before"

#: (cube, grain) -> Table
TABLES: dict[tuple[str, str], sa.Table] = {
    (cube, grain): _table(cube, grain) for cube in ALL_CUBES for grain in GRAINS
}
