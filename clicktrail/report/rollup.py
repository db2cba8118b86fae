"""Reporting rollups: the seam between the write paths and the aggregated reports.

CONTRACT (owned by the aggregated-reporting work; the click and conversion paths call it):

* Clicks, hot path: for each batch of click row dicts (keys = ``Click`` column names; only
  ``created_at``, the ids, ``is_unique``, ``error_code``, ``payout``/``revenue`` and the
  geo/device/sub columns are read), the click writer calls
  ``click_rollup_statements(rows, dialect)`` and runs every returned ``(sql, params)`` pair
  with ``executemany`` on the SAME connection and transaction that inserts the batch, after
  the insert, so the rollups can neither skip nor double-count a click:

  - ``dialect="sqlite"``: qmark SQL for a sqlite3 connection/cursor
    (``conn.executemany(sql, params)``);
  - ``dialect="postgresql"``: ``$1``-style SQL for asyncpg
    (``await conn.executemany(sql, params)``).

  The function is pure Python (no I/O): it aggregates the batch per rollup key first, one
  upsert per distinct key (hour rows only for today's clicks: entity, dims, and one per
  non-empty sub/source/city value; diverse traffic costs more than concentrated traffic,
  docs/benchmarks.md). Pass the batch as a whole; the
  statements are independent of each other and of their order. ``created_at`` must be an
  aware datetime (naive is read as UTC). An empty batch gives ``[]``.
* Clicks written through the ORM (not the hot path): ``await add_clicks(session, rows)``,
  same row dicts, in the caller's transaction.
* Conversions: the conversion service calls ``await apply_conversion(session, conversion,
  +1)`` after inserting one (``apply_conversions`` for a list), and ``-1`` BEFORE changing
  its status or amounts and ``+1`` after, in the same transaction. What a conversion adds
  depends on its status: approved -> ``cv`` (or ``event`` when ``event_id != 0``), payout,
  revenue, sale amount; pending -> the on-hold counters; rejected/invalid -> ``invalid_cv``
  only. It is bucketed at ``created_at`` and keyed on the click dimensions copied onto it.
  Pass a batch as a whole: ``apply_conversions`` costs one admission lookup (only for
  values this process has not admitted yet) plus one executemany upsert per rollup table,
  whatever the batch size.

ADR 0040 (cubes and grains) and 0041 (high-cardinality values) explain the design.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Literal

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Conversion
from clicktrail.models.rollup import (
    BLOCK,
    BLOCK_DAYS,
    GRAINS,
    HOURLESS,
    IMPRESSION_METRICS,
    METRICS,
    TABLES,
    VALUE_DIMS,
    key_names,
    primary_key,
    table_name,
)
from clicktrail.report import carry
from clicktrail.report.admission import ADMISSION, clean_value
from clicktrail.report.coarse import coarse_keys

ParamStyle = Literal["sqlite", "postgresql", "named"]
Statement = tuple[str, list[tuple[Any, ...]]]

CLICK_METRICS: tuple[str, ...] = (
    "total_click",
    "unique_click",
    "invalid_click",
    "payout",
    "revenue",
)
CONVERSION_METRICS: tuple[str, ...] = tuple(
    m for m in METRICS if m not in CLICK_METRICS[:3] and m not in IMPRESSION_METRICS
)
#: What an impression adds (ADR 0102): one ``imp`` and its CPM money.
IMPRESSION_ROLLUP: tuple[str, ...] = (*IMPRESSION_METRICS, "payout", "revenue")

#: Click/conversion column -> (rollup key, size) for the dims cube's own keys.
_DIM_SOURCES: tuple[tuple[str, int], ...] = (
    ("country_code", 2),
    ("region_name", 128),
    ("device_type", 16),
    ("platform_name", 64),
    ("browser_name", 64),
)
#: value-cube dim -> click/conversion column
VALUE_SOURCES: dict[str, str] = {
    "sub1": "sub1",
    "sub2": "sub2",
    "sub3": "sub3",
    "sub4": "sub4",
    "sub5": "sub5",
    "source_id": "source_id",
    "city": "city_name",
}
assert tuple(VALUE_SOURCES) == VALUE_DIMS

_MICRO = Decimal(1_000_000)
_HOUR = GRAINS["hour"]
_DAY = GRAINS["day"]


def micros(amount: object) -> int:
    """A money amount in integer micro-units (exact for NUMERIC(20, 6))."""
    if amount is None:
        return 0
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return int((value * _MICRO).to_integral_value())


def _epoch(moment: object) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())
    if isinstance(moment, int | float):
        return int(moment)
    raise TypeError(f"created_at must be a datetime, got {type(moment).__name__}")


@cache
def upsert_sql(cube: str, grain: str, metrics: tuple[str, ...], style: ParamStyle) -> str:
    """INSERT ... ON CONFLICT DO UPDATE adding ``metrics`` onto a rollup row (money
    metrics as two columns each, ADR 0078)."""
    table = table_name(cube, grain)
    columns = ["bucket", *key_names(cube, grain), *carry.write_columns(metrics)]
    if style == "sqlite":
        marks = ["?"] * len(columns)
    elif style == "postgresql":
        marks = [f"${i}" for i in range(1, len(columns) + 1)]
    else:
        marks = [f":p{i}" for i in range(len(columns))]
    updates = ", ".join(carry.add_sql(table, m) for m in metrics)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(marks)}) "
        f"ON CONFLICT ({', '.join(primary_key(cube, grain))}) DO UPDATE SET {updates}"
    )


class _Acc:
    """Per-batch accumulators: (cube, grain) -> key -> metric deltas."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.data: dict[tuple[str, str], dict[tuple[Any, ...], list[int]]] = {
            table: {} for table in TABLES
        }

    def add(self, cube: str, grain: str, key: tuple[Any, ...], deltas: Sequence[int]) -> None:
        bucket = self.data[(cube, grain)]
        row = bucket.get(key)
        if row is None:
            bucket[key] = list(deltas)
        else:
            for i in range(self.width):
                row[i] += deltas[i]

    def statements(self, metrics: tuple[str, ...], style: ParamStyle) -> list[Statement]:
        """One upsert per table, tables in a fixed order and rows in key order, so that
        concurrent writers lock rollup rows in the same order (no deadlocks on PostgreSQL).
        Money deltas are split into metric and carry (ADR 0078), so that no parameter
        overflows however many conversions at the bound a batch adds to one row."""
        out: list[Statement] = []
        mask = carry.money_mask(metrics)
        spread = carry.spread
        for (cube, grain), rows in self.data.items():
            if rows:
                params = [(*key, *spread(rows[key], mask)) for key in sorted(rows)]
                out.append((upsert_sql(cube, grain, metrics, style), params))
        return out


def _entity(row: Mapping[str, Any]) -> tuple[int, int, int, int]:
    return (
        row.get("network_offer_id") or 0,
        row.get("network_affiliate_id") or 0,
        row.get("network_advertiser_id") or 0,
        row.get("event_id") or 0,
    )


@lru_cache(maxsize=4096)
def _clean_dims(raw: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(
        clean_value(value, size) for value, (_, size) in zip(raw, _DIM_SOURCES, strict=True)
    )


def _dims(row: Mapping[str, Any]) -> tuple[str, ...]:
    # Few distinct combinations (country, region, device, platform, browser): cleaned once
    # each, not once per click and row.
    raw = tuple(row.get(col) for col, _ in _DIM_SOURCES)
    try:
        return _clean_dims(raw)
    except TypeError:  # an unhashable value: clean it directly
        return tuple(
            clean_value(value, size) for value, (_, size) in zip(raw, _DIM_SOURCES, strict=True)
        )


def _accumulate(
    acc: _Acc,
    row: Mapping[str, Any],
    deltas: Sequence[int],
    *,
    now: float,
    admitted: Mapping[str, str] | None = None,
) -> None:
    """Add one click or conversion's deltas to every cube: the hour grain always, the day
    grain when its UTC day is over, and the coarse cubes' blocks that are over (compaction
    derives the rest, ADR 0042 and 0046). Empty high-cardinality values get no value-cube
    rows (ADR 0041), only coarse values-cube rows."""
    at = _epoch(row["created_at"])
    hour = at - at % _HOUR
    day = at - at % _DAY
    grains: tuple[tuple[str, int], ...] = (("hour", hour),)
    blocks: list[tuple[int, int]] = []
    if day + _DAY <= now:  # a finished day (rare: late conversions, old clicks)
        grains = (("hour", hour), ("day", day))
        blocks = [(day - day % (n * _DAY), n) for n in BLOCK_DAYS]
        blocks = [(start, n) for start, n in blocks if start + n * _DAY <= now]
    entity = _entity(row)
    dims = _dims(row)
    values: list[tuple[str, str]] = []
    for dim, column in VALUE_SOURCES.items():
        if admitted is not None and dim in admitted:
            value = admitted[dim]
        else:
            raw = row.get(column)
            value = ADMISSION.admit(day, dim, entity[1], clean_value(raw)) if raw else ""
        if value:
            values.append((dim, value))
    for grain, bucket in grains:
        if len(grains) == 2:  # a finished day: the coarse cubes too (ADR 0042)
            for cube, key in coarse_keys((bucket,), (*entity, *dims), values):
                if grain == "day" or cube not in HOURLESS:
                    acc.add(cube, grain, key, deltas)
        acc.add("entity", grain, (bucket, *entity), deltas)
        acc.add("dims", grain, (bucket, *entity, *dims), deltas)
        for dim, value in values:
            acc.add("value", grain, (bucket, dim, value, *entity), deltas)
    for start, n in blocks:  # blocks over by now (ADR 0046)
        for cube, key in coarse_keys((start, n), (*entity, *dims), values):
            acc.add(cube, BLOCK, key, deltas)


def _click_deltas(row: Mapping[str, Any]) -> tuple[int, ...]:
    invalid = bool(row.get("error_code")) or not row.get("network_offer_id")
    if invalid:
        return (0, 0, 1, 0, 0)
    unique = 1 if row.get("is_unique", True) else 0
    return (1, unique, 0, micros(row.get("payout")), micros(row.get("revenue")))


def _click_acc(rows: Iterable[Mapping[str, Any]], *, now: float | None = None) -> _Acc:
    acc = _Acc(len(CLICK_METRICS))
    now = time.time() if now is None else now
    for row in rows:
        _accumulate(acc, row, _click_deltas(row), now=now)
    return acc


def click_rollup_statements(
    rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
) -> list[Statement]:
    """The rollup upserts for a batch of clicks: ``[(sql, params), ...]`` for executemany."""
    if not rows:
        return []
    return _click_acc(rows).statements(CLICK_METRICS, dialect)


def impression_rollup_statements(
    rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
) -> list[Statement]:
    """The rollup upserts for a batch of impressions (impression rows: the click row's
    column names for the keys and dimensions, ``payout``/``revenue`` what each earns)."""
    if not rows:
        return []
    acc = _Acc(len(IMPRESSION_ROLLUP))
    now = time.time()
    for row in rows:
        deltas = (1, micros(row.get("payout")), micros(row.get("revenue")))
        _accumulate(acc, row, deltas, now=now)
    return acc.statements(IMPRESSION_ROLLUP, dialect)


async def _run_upserts(session: AsyncSession, acc: _Acc, metrics: tuple[str, ...]) -> None:
    """Run a batch's upserts on the session's connection as driver-level executemany
    (positional tuples: no per-row dict or type processing, the values are plain ints and
    strings)."""
    style: ParamStyle = (
        "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    )
    statements = acc.statements(metrics, style)
    if not statements:
        return
    connection = await session.connection()
    for sql, params in statements:
        await connection.exec_driver_sql(sql, params)


async def add_clicks(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]], *, now: float | None = None
) -> None:
    """Roll up clicks written through the ORM, in the caller's transaction.

    ``now`` (tests) is the clock that decides whether a click's UTC day is over, and so
    whether its day rows are written too (default: the real clock)."""
    if rows:
        acc = _click_acc(rows, now=now)
        await _run_upserts(session, acc, CLICK_METRICS)


_AT = {m: i for i, m in enumerate(CONVERSION_METRICS)}


def row_deltas(row: Mapping[str, Any], sign: int) -> tuple[int, ...]:
    """A conversion row's contribution in CONVERSION_METRICS order, times ``sign`` (reads
    status, event_id, payout, revenue, sale_amount)."""
    out = [0] * len(CONVERSION_METRICS)
    status = row["status"]
    if status == "approved":
        out[_AT["event" if row["event_id"] else "cv"]] = sign
        out[_AT["payout"]] = sign * micros(row["payout"])
        out[_AT["revenue"]] = sign * micros(row["revenue"])
        out[_AT["sale_amount"]] = sign * micros(row["sale_amount"])
    elif status == "pending":
        out[_AT["pending_cv"]] = sign
        out[_AT["pending_payout"]] = sign * micros(row["payout"])
        out[_AT["pending_revenue"]] = sign * micros(row["revenue"])
    else:  # rejected, invalid
        out[_AT["invalid_cv"]] = sign
    return tuple(out)


#: The columns of a conversion (or conversion row) the rollups read.
ROW_COLUMNS = (
    "created_at",
    "network_offer_id",
    "network_affiliate_id",
    "network_advertiser_id",
    "event_id",
    "status",
    "payout",
    "revenue",
    "sale_amount",
    *(column for column, _size in _DIM_SOURCES),
    *VALUE_SOURCES.values(),
)


def _conversion_row(conversion: Conversion) -> dict[str, Any]:
    """The columns of a conversion the rollups read."""
    return {column: getattr(conversion, column) for column in ROW_COLUMNS}


#: Values per admission lookup (well under every SQLite's bound-parameter limit).
_LOOKUP_CHUNK = 900


async def _admitted_in_db(
    session: AsyncSession, wanted: Mapping[int, set[tuple[str, str]]]
) -> set[tuple[int, str, str]]:
    """Which of these (day -> {(dim, value)}) already have their own row that day (any
    writer process): one query per day and chunk of values, for the whole batch."""
    stmt = text(
        "SELECT DISTINCT dim, value FROM rollup_value_day "
        "WHERE dim IN :dims AND bucket = :day AND value IN :values"
    ).bindparams(bindparam("dims", expanding=True), bindparam("values", expanding=True))
    found: set[tuple[int, str, str]] = set()
    for day, pairs in wanted.items():
        dims = sorted({dim for dim, _ in pairs})
        values = sorted({value for _, value in pairs})
        for start in range(0, len(values), _LOOKUP_CHUNK):
            chunk = values[start : start + _LOOKUP_CHUNK]
            result = await session.execute(stmt, {"dims": dims, "day": day, "values": chunk})
            found.update((day, dim, value) for dim, value in result if (dim, value) in pairs)
    return found


async def apply_conversions(
    session: AsyncSession, conversions: Sequence[Conversion], sign: int
) -> None:
    """Add (+1) or remove (-1) these conversions' contributions, in the caller's transaction."""
    await apply_conversion_rows(session, [_conversion_row(c) for c in conversions], sign)


async def apply_conversion_rows(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]], sign: int
) -> None:
    """``apply_conversions`` for conversion rows (column name -> value: the group-commit
    writer's insert rows), without going through ORM objects.

    One admission lookup for the whole batch (values this process has not admitted yet),
    then one executemany upsert per rollup table with the batch's deltas summed per key."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    prepared: list[tuple[Mapping[str, Any], int, dict[str, str]]] = []
    unknown: dict[int, set[tuple[str, str]]] = {}
    for row in rows:
        at = _epoch(row["created_at"])
        day = at - at % _DAY
        values = {dim: clean_value(row[col]) for dim, col in VALUE_SOURCES.items()}
        for dim, value in values.items():
            if value and not ADMISSION.is_admitted(day, dim, value):
                unknown.setdefault(day, set()).add((dim, value))
        prepared.append((row, day, values))
    in_db = await _admitted_in_db(session, unknown) if unknown else set()
    acc = _Acc(len(CONVERSION_METRICS))
    now = time.time()
    for row, day, values in prepared:
        # A value with its own row that day (admitted by any process) keeps it, so that a
        # -1 always lands where the +1 went.
        admitted = {
            dim: value
            if (not value or (day, dim, value) in in_db)
            else ADMISSION.admit(day, dim, row["network_affiliate_id"] or 0, value)
            for dim, value in values.items()
        }
        _accumulate(acc, row, row_deltas(row, sign), now=now, admitted=admitted)
    await _run_upserts(session, acc, CONVERSION_METRICS)


async def apply_conversion(session: AsyncSession, conversion: Conversion, sign: int) -> None:
    """Add (+1) or remove (-1) one conversion's contribution, in the caller's transaction."""
    await apply_conversions(session, [conversion], sign)
