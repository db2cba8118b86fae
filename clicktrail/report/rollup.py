"""Hourly reporting rollups: the seam between the write paths and the aggregated reports.

CONTRACT (owned by the aggregated-reporting work; the click and conversion paths call it):

* Clicks: the click writer calls ``click_rollup_rows(rows)`` on each batch of click row
  dicts (keys = ``Click`` column names) and executes ``click_rollup_sql(dialect)`` with
  ``executemany`` on the SAME connection and transaction that inserts the batch, so the
  rollup can neither skip nor double-count. ``dialect`` is "sqlite" (qmark params, sqlite3
  driver) or "postgresql" (``$1``-style params, asyncpg driver).
* Clicks written through the ORM (not the hot path) use ``add_clicks(session, rows)``.
* Conversions: the conversion service calls ``apply_conversion(session, conversion, +1)``
  after inserting one, and ``-1`` then ``+1`` around a change of status or amounts.

Until the reporting work fills these in they do nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Conversion


def click_rollup_rows(rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Aggregate a batch of click rows into rollup parameter tuples."""
    return []


def click_rollup_sql(dialect: str) -> str | None:
    """The upsert statement for ``click_rollup_rows``' tuples, or None when there is none."""
    return None


async def add_clicks(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Roll up clicks written through the ORM, in the caller's transaction."""


async def apply_conversion(session: AsyncSession, conversion: Conversion, sign: int) -> None:
    """Add (+1) or remove (-1) one conversion's contribution, in the caller's transaction."""
