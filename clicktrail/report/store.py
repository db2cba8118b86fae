"""The ReportStore seam: the only way into the storage behind the aggregated reports.

Everything outside ``clicktrail.report`` records clicks and conversion changes and runs
report queries through a ``ReportStore`` (``store()``), never through the rollup tables or
``clicktrail.report.rollup`` directly (an import-linter contract in pyproject.toml enforces
it), so the storage behind reports can change without touching its callers (ADR 0083).

The methods keep the durability promises of the rollup contract (clicktrail/report/rollup.py):
whatever a store records is written in the caller's transaction, so a click or a conversion
change and its report counters commit or roll back together.

* ``click_statements(rows, dialect)``: the hot click path. Pure Python; the click writer runs
  every returned ``(sql, params)`` with ``executemany`` on the connection and transaction
  that inserts the batch, after the insert (``"sqlite"``: qmark SQL for sqlite3,
  ``"postgresql"``: ``$1`` SQL for asyncpg).
* ``impression_statements(rows, dialect)``: the same for a batch of impressions (ADR 0102).
* ``record_clicks(session, rows)``: clicks written through the ORM (not the hot path).
* ``record_conversions(session, conversions, sign)`` / ``record_conversion_rows(session,
  rows, sign)``: ``+1`` after inserting conversions, ``-1`` before changing their status or
  amounts and ``+1`` after; rows are the group-commit writer's insert rows.
* ``run_report(session, body, ...)``: answer an aggregated report request.

The default, ``RollupStore``, is today's pre-aggregated cubes; its methods hand straight
on to the rollup functions (one method call of indirection on the hot paths).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Conversion
from clicktrail.report import rollup, service
from clicktrail.report.schemas import ReportIn

Statement = rollup.Statement
Report = service.Report
MAX_ROWS = service.MAX_ROWS


class ReportStore(Protocol):
    """What the write paths and the report endpoints need from the reports' storage."""

    def click_statements(
        self, rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
    ) -> list[Statement]:
        """The statements that record a batch of clicks, for the batch's own transaction."""

    def impression_statements(
        self, rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
    ) -> list[Statement]:
        """The statements that record a batch of impressions (their ``imp`` and CPM money),
        for the batch's own transaction, like ``click_statements``."""

    async def record_clicks(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        """Record clicks written through the ORM, in the caller's transaction."""

    async def record_conversions(
        self, session: AsyncSession, conversions: Sequence[Conversion], sign: int
    ) -> None:
        """Add (+1) or remove (-1) these conversions, in the caller's transaction."""

    async def record_conversion_rows(
        self, session: AsyncSession, rows: Sequence[Mapping[str, Any]], sign: int
    ) -> None:
        """``record_conversions`` for conversion insert rows (column name -> value)."""

    async def run_report(
        self,
        session: AsyncSession,
        body: ReportIn,
        *,
        affiliate_id: int | None = None,
        limit: int | None = MAX_ROWS,
    ) -> Report:
        """Answer ``body`` (``affiliate_id``: that affiliate's data only; ``limit``: the
        most rows, None for every row)."""


class RollupStore:
    """The reports' storage as today's rollup cubes (clicktrail/models/rollup.py)."""

    def click_statements(
        self, rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
    ) -> list[Statement]:
        return rollup.click_rollup_statements(rows, dialect)

    def impression_statements(
        self, rows: Sequence[Mapping[str, Any]], dialect: Literal["sqlite", "postgresql"]
    ) -> list[Statement]:
        return rollup.impression_rollup_statements(rows, dialect)

    async def record_clicks(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        await rollup.add_clicks(session, rows)

    async def record_conversions(
        self, session: AsyncSession, conversions: Sequence[Conversion], sign: int
    ) -> None:
        await rollup.apply_conversions(session, conversions, sign)

    async def record_conversion_rows(
        self, session: AsyncSession, rows: Sequence[Mapping[str, Any]], sign: int
    ) -> None:
        await rollup.apply_conversion_rows(session, rows, sign)

    async def run_report(
        self,
        session: AsyncSession,
        body: ReportIn,
        *,
        affiliate_id: int | None = None,
        limit: int | None = MAX_ROWS,
    ) -> Report:
        return await service.run(session, body, affiliate_id=affiliate_id, limit=limit)


_store: ReportStore = RollupStore()


def store() -> ReportStore:
    """The process's report store (the rollup cubes unless ``use`` replaced it)."""
    return _store


def use(replacement: ReportStore) -> ReportStore:
    """Make ``replacement`` the process's report store; returns the one it replaces.

    Call it at start-up, before any click or conversion is written: a store swapped while
    writes are in flight would split their counters between two stores."""
    global _store
    previous, _store = _store, replacement
    return previous
