"""The click table's day partitions on PostgreSQL (ADR 0106): the repository of their DDL.

``click`` is partitioned by range on ``created_at``, one partition ``click_pYYYYMMDD`` per
UTC day plus ``click_default``. Partitions are created ahead of the clicks; a day past
retention is detached and dropped whole, after its converted clicks moved to the default
partition in the same transaction. SQLite keeps a plain table: every function here is for
a PostgreSQL connection whose ``click`` is partitioned (see :func:`is_partitioned`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncConnection

from clicktrail.models import Click

PREFIX = "click_p"
DEFAULT = "click_default"
#: Longest wait for a table lock: a maintenance step gives up (and runs again on the next
#: round) rather than queue the click writer behind it.
LOCK_TIMEOUT = "2s"
#: Serialises partition maintenance across processes (an arbitrary constant key).
_ADVISORY_KEY = 0x636C69636B70  # "clickp"
_COLUMNS = ", ".join(f'"{c.name}"' for c in cast(Table, Click.__table__).columns)


def partition_name(day: date) -> str:
    return f"{PREFIX}{day:%Y%m%d}"


def day_of(name: str) -> date | None:
    """The day a partition named by :func:`partition_name` holds, or None for another name."""
    digits = name.removeprefix(PREFIX)
    if name == digits or len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return datetime.strptime(digits, "%Y%m%d").replace(tzinfo=UTC).date()
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _bound(day: date) -> str:
    # A date's ISO form is digits and dashes only: safe to inline (bounds take no parameters).
    return f"'{day.isoformat()} 00:00:00+00'"


async def is_partitioned(conn: AsyncConnection) -> bool:
    """Whether ``click`` is a partitioned table (False on SQLite)."""
    if conn.dialect.name != "postgresql":
        return False
    found = await conn.scalar(
        text(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.oid = to_regclass('click')"
        )
    )
    return found is not None


async def day_partitions(conn: AsyncConnection) -> list[date]:
    """The days that have a partition, oldest first."""
    names = await conn.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass('click')"
        )
    )
    return sorted(day for day in map(day_of, names) if day is not None)


async def _maintenance_turn(conn: AsyncConnection) -> None:
    await conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})


async def create_day(conn: AsyncConnection, day: date) -> bool:
    """Create and attach ``day``'s partition in the caller's transaction; False if it exists.

    The table is created apart and attached, which locks the parent far more lightly than
    ``CREATE TABLE ... PARTITION OF`` (clicks keep being written meanwhile). Clicks of that
    day already in the default partition (none existed when they arrived) move into it.
    """
    await _maintenance_turn(conn)
    if day in await day_partitions(conn):
        return False
    name = partition_name(day)
    start, end = _bound(day), _bound(day + timedelta(days=1))
    await conn.execute(text(f"CREATE TABLE {name} (LIKE click INCLUDING DEFAULTS)"))
    await conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE created_at >= {start} "
            f"AND created_at < {end} RETURNING {_COLUMNS}) "
            f"INSERT INTO {name} ({_COLUMNS}) SELECT {_COLUMNS} FROM moved"
        )
    )
    await conn.execute(
        text(f"ALTER TABLE click ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})")
    )
    return True


async def day_rows(conn: AsyncConnection, day: date) -> int:
    """How many clicks ``day``'s partition holds."""
    return int(await conn.scalar(text(f"SELECT count(*) FROM {partition_name(day)}")) or 0)


async def drop_day(conn: AsyncConnection, day: date) -> int | None:
    """Detach and drop ``day``'s partition in the caller's transaction, first moving its
    converted clicks to the default partition; how many clicks were kept (None if the
    partition was gone already).

    Detaching takes the parent's strongest lock, so the step is short: the converted clicks
    are found through the partial index ``ix_click_converted``, never by reading the day.
    """
    await _maintenance_turn(conn)
    if day not in await day_partitions(conn):
        return None
    name = partition_name(day)
    await conn.execute(text(f"ALTER TABLE click DETACH PARTITION {name}"))
    kept = await conn.execute(
        text(f"INSERT INTO click ({_COLUMNS}) SELECT {_COLUMNS} FROM {name} WHERE has_conversion")
    )
    await conn.execute(text(f"DROP TABLE {name}"))
    return int(kept.rowcount or 0)
