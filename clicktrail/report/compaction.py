"""Day-grain compaction: derive each finished UTC day's day rows from its hour rows.

The click hot path writes only the hour grain of the current day (the cheapest upserts).
Once a UTC day is over by ``MARGIN``, compaction replaces that day's day rows with the sum
of its hour rows and moves the ``day_complete_before`` mark past it, in one transaction.
Reports use day rows only before the mark and hour rows after it, so a day is never
skipped nor counted twice.

The coarse cubes' blocks (aligned runs of 2..32 days, ADR 0046) are rebuilt from their day
rows when their last day is compacted, in the same transaction.

Writers that touch a day which is already over (late conversions, status changes, clicks
recorded with an old timestamp) add to both grains themselves (and to every block over by
then); the recomputation adds the hour sums onto day rows (``+ excluded``) after deleting
them, so a concurrent late write is kept whichever commits first (ADR 0042).

Money metrics are summed with their carry columns apart and brought back into the form
every writer keeps (``report/carry.py``, ADR 0078), so no sum overflows.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models.rollup import (
    BLOCK,
    BLOCK_DAYS,
    COARSE,
    COARSE_SOURCE,
    CUBES,
    DAY_COMPLETE_BEFORE,
    GRAINS,
    HOURLESS,
    METRICS,
    OTHER,
    STORED,
    VALUE_DIMS,
    primary_key,
    table_name,
)
from clicktrail.report import carry

DAY = GRAINS["day"]
#: A day is compacted once it has been over for this long (seconds).
MARGIN = 3600


async def day_complete_before(session: AsyncSession) -> int:
    """Unix seconds before which every UTC day has its day-grain rows (0: none yet)."""
    result = await session.execute(
        text("SELECT value FROM rollup_state WHERE name = :n"), {"n": DAY_COMPLETE_BEFORE}
    )
    value = result.scalar()
    return int(value) if value is not None else 0


async def _set_mark(session: AsyncSession, value: int) -> None:
    await session.execute(
        text(
            "INSERT INTO rollup_state (name, value) VALUES (:n, :v) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
        ),
        {"n": DAY_COMPLETE_BEFORE, "v": value},
    )


async def _first_hour(session: AsyncSession) -> int | None:
    result = await session.execute(text("SELECT MIN(bucket) FROM rollup_entity_hour"))
    value = result.scalar()
    return int(value) if value is not None else None


def _values_source() -> str:
    """The coarse ``values`` cube's rows of one day: the value cube's, plus for each
    dimension an empty-value row, the entity total minus every value (ADR 0046); the
    hot-path value cube keeps no empty values (ADR 0041)."""
    dims = " UNION ALL ".join(f"SELECT '{d}' AS dim" for d in VALUE_DIMS)
    metrics = ", ".join(STORED)
    minus = ", ".join(f"-{m} AS {m}" for m in STORED)
    window = "bucket >= :day AND bucket < :end"
    return (
        f"(SELECT bucket, dim, value, {metrics} FROM rollup_value_hour "
        f"WHERE {_scope(('dim',))}{window} "
        f"UNION ALL SELECT bucket, d.dim, '' AS value, {metrics} "
        f"FROM rollup_entity_hour CROSS JOIN ({dims}) AS d WHERE {window} "
        f"UNION ALL SELECT bucket, dim, '' AS value, {minus} FROM rollup_value_hour "
        f"WHERE {_scope(('dim',))}{window}) AS s"
    )


def _scope(keys: tuple[str, ...]) -> str:
    """The value tables' leading ``dim`` condition (lets every statement use the key)."""
    if "dim" not in keys:
        return ""
    dims = ", ".join(f"'{d}'" for d in VALUE_DIMS)
    return f"dim IN ({dims}) AND "


_VALUES_SOURCE = _values_source()
#: The ``values`` rows kept: all but empty-value rows whose every sum is zero (every click
#: had a value).
_KEEP = "HAVING value <> '' OR " + " OR ".join(carry.nonzero_sql(m) for m in METRICS)
#: The metric columns a compaction statement writes, and its sums of them (ADR 0078).
_WRITTEN = ", ".join(carry.write_columns(METRICS))
_SUMS = ", ".join(carry.sum_sql(m) for m in METRICS)


def _updates(table: str) -> str:
    """The ``ON CONFLICT`` assignments adding a statement's sums onto ``table``'s rows."""
    return ", ".join(carry.add_sql(table, m) for m in METRICS)


async def compact_day(session: AsyncSession, day: int) -> None:
    """Recompute every cube's day rows of the UTC day starting at ``day``."""
    for cube, keys in CUBES.items():
        day_table = table_name(cube, "day")
        hour_table = table_name(cube, "hour")
        scope = _scope(keys)
        await session.execute(
            text(f"DELETE FROM {day_table} WHERE {scope}bucket = :day"), {"day": day}
        )
        key_list = ", ".join(keys)
        await session.execute(
            text(
                f"INSERT INTO {day_table} (bucket, {key_list}, {_WRITTEN}) "
                f"SELECT :day, {key_list}, {_SUMS} FROM {hour_table} "
                f"WHERE {scope}bucket >= :day AND bucket < :end GROUP BY {key_list} "
                f"ON CONFLICT ({', '.join(primary_key(cube))}) DO UPDATE SET {_updates(day_table)}"
            ),
            {"day": day, "end": day + DAY},
        )


async def compact_coarse(
    session: AsyncSession, day: int, cubes: Iterable[str] | None = None
) -> None:
    """Rebuild the coarse cubes' (or only ``cubes``') hour and day rows of one UTC day from
    their source cube's hour rows, then the blocks that end with that day.

    Cube by cube, hour then day then block: the order late writers lock rows in, so a late
    write and a compaction never wait on each other in a cycle (PostgreSQL)."""
    window = {"day": day, "end": day + DAY}
    for cube in COARSE if cubes is None else cubes:
        keys = COARSE[cube]
        key_list = ", ".join(keys)
        scope = _scope(keys)
        source = (
            _VALUES_SOURCE
            if cube == "values"
            else f"(SELECT * FROM {table_name(COARSE_SOURCE[cube], 'hour')} "
            f"WHERE {scope}bucket >= :day AND bucket < :end) AS s"
        )
        for grain in ("day",) if cube in HOURLESS else ("hour", "day"):
            table = table_name(cube, grain)
            bucket = "bucket" if grain == "hour" else ":day"
            group = f"bucket, {key_list}" if grain == "hour" else key_list
            await session.execute(
                text(f"DELETE FROM {table} WHERE {scope}bucket >= :day AND bucket < :end"),
                window,
            )
            await session.execute(
                text(
                    f"INSERT INTO {table} (bucket, {key_list}, {_WRITTEN}) "
                    f"SELECT {bucket}, {key_list}, {_SUMS} FROM {source} GROUP BY {group} "
                    f"{_KEEP if cube == 'values' else ''} "
                    f"ON CONFLICT ({', '.join(primary_key(cube))}) "
                    f"DO UPDATE SET {_updates(table)}"
                ),
                window,
            )
        if cube == "values":
            await _mark_solo(session, day)
        await _rebuild_blocks(session, cube, day)


async def _mark_solo(session: AsyncSession, day: int) -> None:
    """Mark the day's ``values`` rows whose value no other UTC day has (ADR 0047). A row
    written later for one of these values, on another day, has ``solo = 0`` (late writers
    never set it, and this sees the earlier row), so at most one day row of a value is solo
    and a report that reads a second row of it groups them all. The empty value and
    ``(other)`` recur every day and are never solo."""
    await session.execute(
        text(
            f"UPDATE rollup_values_day SET solo = 1 WHERE {_scope(('dim',))}bucket = :day "
            "AND value NOT IN ('', :other) AND NOT EXISTS (SELECT 1 FROM rollup_values_day AS o "
            "WHERE o.dim = rollup_values_day.dim AND o.value = rollup_values_day.value "
            "AND o.bucket <> :day)"
        ),
        {"day": day, "other": OTHER},
    )


async def compact_blocks(
    session: AsyncSession, day: int, cubes: Iterable[str] | None = None
) -> None:
    """Rebuild only the blocks that end with the UTC day starting at ``day`` (their day rows
    must be complete)."""
    for cube in COARSE if cubes is None else cubes:
        await _rebuild_blocks(session, cube, day)


async def _rebuild_blocks(session: AsyncSession, cube: str, day: int) -> None:
    """Each block of ``cube`` that ends with this day: delete it, then add the sums of its
    day rows (ADR 0046; the same delete-then-add as the day rows, ADR 0042)."""
    end = day + DAY
    keys = COARSE[cube]
    key_list = ", ".join(keys)
    scope = _scope(keys)
    table = table_name(cube, BLOCK)
    updates = _updates(table)
    # A values block row is solo when it is one solo day row (ADR 0047); a late writer that
    # got there first made it a sum of two writes, and it stays 0.
    solo_column, solo_sum = ("", "")
    if cube == "values":
        solo_column = ", solo"
        solo_sum = ", CASE WHEN COUNT(*) = 1 THEN MIN(solo) ELSE 0 END"
        updates += ", solo = 0"
    for days in BLOCK_DAYS:
        if end % (days * DAY):
            continue
        params = {"start": end - days * DAY, "end": end, "days": days}
        await session.execute(
            text(f"DELETE FROM {table} WHERE {scope}days = :days AND bucket = :start"), params
        )
        await session.execute(
            text(
                f"INSERT INTO {table} (bucket, days, {key_list}, {_WRITTEN}{solo_column}) "
                f"SELECT :start, :days, {key_list}, {_SUMS}{solo_sum} "
                f"FROM {table_name(cube, 'day')} "
                f"WHERE {scope}bucket >= :start AND bucket < :end GROUP BY {key_list} "
                f"ON CONFLICT ({', '.join(primary_key(cube, BLOCK))}) DO UPDATE SET {updates}"
            ),
            params,
        )


async def compact(session: AsyncSession, *, now: float | None = None, max_days: int = 31) -> int:
    """Compact the finished days after the mark (at most ``max_days``); returns how many.

    On PostgreSQL an advisory transaction lock keeps two processes from compacting at
    once; SQLite has a single writer anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(7407)"))
    now = time.time() if now is None else now
    limit = int(now - MARGIN) // DAY * DAY  # every day starting before this is over
    stored = await day_complete_before(session)
    mark = stored
    if mark == 0:
        first = await _first_hour(session)
        mark = limit if first is None else min(first // DAY * DAY, limit)
    done = 0
    while mark < limit and done < max_days:
        await compact_day(session, mark)
        await compact_coarse(session, mark)
        mark += DAY
        done += 1
    if mark != stored:
        await _set_mark(session, mark)
    return done
