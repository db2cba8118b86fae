"""Background work of the click domain: the tracking runtime's services and click retention."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, timedelta

import structlog
from sqlalchemy.exc import DBAPIError

from clicktrail.click import partitions, service
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.state import AppState, Service
from clicktrail.tracking.components import KEY, TrackingComponents, build

log = structlog.get_logger("clicktrail.click.tasks")

#: The retention job's period, and its delay after start (not on the boot path).
RETENTION_EVERY_SECONDS = 3600.0
RETENTION_FIRST_DELAY_SECONDS = 60.0
PURGE_BATCH = 5000


async def purge_expired(db: Database, retention_days: int, batch: int = PURGE_BATCH) -> int:
    """Delete every raw click past retention (not the converting ones); how many went.

    On PostgreSQL whole day partitions past retention go first (their converted clicks kept
    in the default partition); then, on both engines, one short transaction per ``batch``
    clicks deletes what is left past retention (on PostgreSQL: the default partition's),
    so the write lock is never held long.
    """
    cutoff = service.retention_cutoff(retention_days)
    total = await drop_expired_days(db, cutoff.date())
    while True:
        async with db.write() as session:
            deleted = await service.purge_batch(session, cutoff, batch)
        total += deleted
        if deleted < batch:
            return total


async def drop_expired_days(db: Database, before: date) -> int:
    """Drop the day partitions of the days before ``before`` (PostgreSQL); how many raw
    clicks went with them. A no-op on SQLite or an unpartitioned table."""
    if db.is_sqlite:
        return 0
    async with db.engine.connect() as conn:
        if not await partitions.is_partitioned(conn):
            return 0
        days = [day for day in await partitions.day_partitions(conn) if day < before]
    total = 0
    for day in days:
        async with db.engine.connect() as conn:
            rows = await partitions.day_rows(conn, day)
        try:
            async with db.connect_write() as conn:
                kept = await partitions.drop_day(conn, day)
        except DBAPIError:  # most often the lock timeout on a busy table: the next round
            log.warning("click_partition_drop_postponed", day=day.isoformat(), exc_info=True)
            break
        if kept is not None:
            total += rows - kept
            log.info("click_partition_dropped", day=day.isoformat(), clicks=rows, kept=kept)
    return total


async def ensure_partitions(db: Database, ahead_days: int) -> list[date]:
    """Create the day partitions of today and the next ``ahead_days`` days that are missing
    (PostgreSQL); the days created. A no-op on SQLite or an unpartitioned table."""
    if db.is_sqlite:
        return []
    async with db.engine.connect() as conn:
        if not await partitions.is_partitioned(conn):
            return []
        existing = set(await partitions.day_partitions(conn))
    today = utcnow().date()
    created: list[date] = []
    for day in (today + timedelta(days=n) for n in range(ahead_days + 1)):
        if day in existing:
            continue
        try:
            async with db.connect_write() as conn:
                if await partitions.create_day(conn, day):
                    created.append(day)
        except DBAPIError:  # the default partition keeps the day's clicks until next round
            log.warning("click_partition_create_postponed", day=day.isoformat(), exc_info=True)
            break
    if created:
        log.info("click_partitions_created", days=[day.isoformat() for day in created])
    return created


class RetentionJob:
    """Purges raw clicks past ``click_retention_days`` once an hour; on PostgreSQL also
    creates the day partitions ahead (at start, before the click writer, then hourly)."""

    name = "click_retention"
    #: Create the day partitions when the service starts. The test suite turns it off: its
    #: PostgreSQL database is migrated once (which creates them) and emptied between tests.
    ensure_at_start = True

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.ensure_at_start:
            await self._ensure_partitions()
        self._task = asyncio.create_task(self._run(), name="click-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _ensure_partitions(self) -> None:
        """Never fails the start: clicks of a day without its partition land in the default
        partition, and the next round moves them into the day's partition."""
        try:
            await ensure_partitions(self.state.db, self.state.settings.click_partition_days_ahead)
        except Exception:
            log.exception("click_partitions_failed")

    async def _run(self) -> None:
        await asyncio.sleep(RETENTION_FIRST_DELAY_SECONDS)
        while True:
            await self._ensure_partitions()
            try:
                days = self.state.settings.click_retention_days
                deleted = await purge_expired(self.state.db, days)
                if deleted:
                    log.info("clicks_purged", deleted=deleted, retention_days=days)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("click_retention_failed")
            await asyncio.sleep(RETENTION_EVERY_SECONDS)


def click_services(state: AppState) -> list[Service]:
    """Retention job (it creates the day partitions), tracking cache and click writer, for
    clicktrail/services.py."""
    existing = state.components.get(KEY)
    components = existing if isinstance(existing, TrackingComponents) else build(state)
    return [RetentionJob(state), *components.services]
