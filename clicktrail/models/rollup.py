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
without the entity keys (or with one entity and one dimension) exist for finished days only
(:data:`COARSE`), at hour and day grain and in aligned blocks of days (:data:`BLOCK_DAYS`).

Money is stored in integer micro-units (``amount * 10**6``) so sums are exact on both
engines, each money metric in two BIGINT columns so that no sum can overflow: the metric
itself kept in [0, 10**9) and ``<metric>_carry`` counting the whole 10**9 beyond it
(clicktrail/report/carry.py, ADR 0078). ADR 0040, 0041, 0045 and 0046 explain the layout.
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
#: Impressions (ADR 0102), after the money metrics so that the older metrics keep their
#: positions in a report row's sums.
IMPRESSION_METRICS: tuple[str, ...] = ("imp",)
METRICS: tuple[str, ...] = COUNT_METRICS + MONEY_METRICS + IMPRESSION_METRICS
#: Each money metric's carry column (ADR 0078): value = carry * 10**9 + metric.
CARRY: dict[str, str] = {m: f"{m}_carry" for m in MONEY_METRICS}
#: Every stored counter column: the metrics, then the money metrics' carries.
STORED: tuple[str, ...] = METRICS + tuple(CARRY.values())

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
#: Coarse cubes, derived from their source cube for finished days only (compaction builds
#: every grain; late writers add to them); never written by the click hot path. Reports over
#: compacted days read them when they cover the request (ADR 0040). The coarse ``values``
#: cube also keeps each dimension's empty value: entity total minus every value (ADR 0046).
#: In order of preference: a report reads the first one that covers its keys and filters,
#: so narrower cubes come before wider ones over the same source.
COARSE: dict[str, tuple[str, ...]] = {
    "offer": ("offer_id", "advertiser_id", "event_id"),
    "affiliate": ("affiliate_id", "event_id"),
    "geo": DIMS_KEYS[len(ENTITY_KEYS) :],
    # Entity x one low-cardinality dimension: the two-column reports managers read daily
    # (offer or advertiser by country or device, affiliate by country), ADR 0045.
    "offer_country": ("offer_id", "advertiser_id", "event_id", "country_code"),
    "offer_device": ("offer_id", "advertiser_id", "event_id", "device_type"),
    "affiliate_country": ("affiliate_id", "event_id", "country_code"),
    "values": ("dim", "value"),
    # Values by affiliate (its own sub ids) and by offer: the entity x sub reports (ADR 0049).
    # The entity comes before the value in the key: the affiliate realm reads one affiliate.
    "affiliate_values": ("dim", "affiliate_id", "value", "event_id"),
    "offer_values": ("dim", "offer_id", "advertiser_id", "value", "event_id"),
}
#: The cube each coarse cube is summed from.
COARSE_SOURCE: dict[str, str] = {
    "offer": "entity",
    "affiliate": "entity",
    "geo": "dims",
    "offer_country": "dims",
    "offer_device": "dims",
    "affiliate_country": "dims",
    "values": "value",
    "affiliate_values": "value",
    "offer_values": "value",
}
ALL_CUBES: dict[str, tuple[str, ...]] = {**CUBES, **COARSE}
#: Coarse cubes of values by entity (ADR 0049).
ENTITY_VALUES: tuple[str, ...] = ("affiliate_values", "offer_values")
#: Coarse cubes without an hour grain: a report reads its source cube's hour rows for the
#: hours of a compacted day it needs (a non-UTC day's edges), about as many rows (ADR 0049).
HOURLESS: frozenset[str] = frozenset(ENTITY_VALUES)
GRAINS: dict[str, int] = {"hour": 3600, "day": 86400}
#: The coarse cubes' third grain (ADR 0046): aligned blocks of these many UTC days, a block
#: of ``n`` days starting on a day whose number since 1970-01-01 is a multiple of ``n``
#: (``bucket % (n * 86400) == 0``), its length in the ``days`` column. Compaction builds a
#: block when it compacts the block's last day; a long range reads a few blocks instead of
#: one row set per day.
BLOCK = "block"
BLOCK_DAYS: tuple[int, ...] = (32, 16, 8, 4, 2)

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
        sa.Column(m, sa.BigInteger(), nullable=False, server_default=sa.text("0")) for m in STORED
    ]


def key_names(cube: str, grain: str) -> tuple[str, ...]:
    """The key columns after ``bucket``: block rows also carry their length, ``days``."""
    return ("days", *ALL_CUBES[cube]) if grain == BLOCK else ALL_CUBES[cube]


def primary_key(cube: str, grain: str = "hour") -> tuple[str, ...]:
    """Key order: value cubes lead with ``dim`` (every query names one); blocks then
    ``days``."""
    keys = ALL_CUBES[cube]
    lead = ("days",) if grain == BLOCK else ()
    if keys[0] == "dim":
        return ("dim", *lead, "bucket", *keys[1:])
    return (*lead, "bucket", *keys)


#: The coarse ``values`` tables whose rows carry ``solo`` (ADR 0047).
SOLO_GRAINS: tuple[str, ...] = ("day", BLOCK)
#: A row's rank among solo rows: clicks of every kind, then conversions, then the value.
SOLO_RANK: tuple[str, ...] = ("(total_click + invalid_click) DESC", "cv DESC", "value")


def _solo_parts(name: str, grain: str) -> list[sa.schema.SchemaItem]:
    """``solo`` = 1: when compaction wrote this row, no other UTC day had a row of its
    value (ADR 0047). Its index lists a bucket's solo rows in report order, so a report over
    many single-day values reads the first rows of each bucket instead of grouping them all,
    and finds the bucket's other rows.
    Day rows are also indexed by value, with their day and flag, for compaction to look
    the others up and for a report to find which of the values it groups have a solo day
    in its range, index only."""
    lead = ("dim", "days", "bucket", "solo") if grain == BLOCK else ("dim", "bucket", "solo")
    items: list[sa.schema.SchemaItem] = [
        sa.Column("solo", sa.SmallInteger(), nullable=False, server_default=sa.text("0")),
        sa.Index(f"ix_{name}_solo", *lead, *[sa.text(rank) for rank in SOLO_RANK]),
    ]
    if grain == "day":
        items.append(sa.Index(f"ix_{name}_value", "dim", "value", "bucket", "solo"))
    return items


def _value_column(cube: str, name: str) -> sa.Column[object]:
    """The coarse ``values`` cube's value sorts by code point on both engines (SQLite's
    BINARY, PostgreSQL's "C"): the order reports list values in (ADR 0046, 0047)."""
    if cube != "values" or name != "value":
        return key_column(name)
    kind = sa.String(VALUE_MAX).with_variant(sa.String(VALUE_MAX, collation="C"), "postgresql")
    return sa.Column(name, kind, nullable=False)


def _table(cube: str, grain: str) -> sa.Table:
    """Day tables of the hot cubes and of ``affiliate_values`` also index (affiliate,
    bucket) for the affiliate realm; hour tables are on the click hot path and keep their
    primary key only."""
    name = table_name(cube, grain)
    lead = ("dim",) if "dim" in ALL_CUBES[cube] else ()
    extra = [sa.Index(f"ix_{name}_affiliate", *lead, "affiliate_id", "bucket")]
    return sa.Table(
        name,
        Base.metadata,
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        *[_value_column(cube, k) for k in key_names(cube, grain)],
        *metric_columns(),
        sa.PrimaryKeyConstraint(*primary_key(cube, grain), name=f"pk_{name}"),
        *(extra if grain == "day" and (cube in CUBES or cube == "affiliate_values") else []),
        *(_solo_parts(name, grain) if cube == "values" and grain in SOLO_GRAINS else []),
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

#: (cube, grain) -> Table, each cube's grains in write order (hour, day, block).
TABLES: dict[tuple[str, str], sa.Table] = {
    (cube, grain): _table(cube, grain)
    for cube in ALL_CUBES
    for grain in (*GRAINS, *((BLOCK,) if cube in COARSE else ()))
    if not (grain == "hour" and cube in HOURLESS)
}
