"""Background work of the click domain: the tracking runtime's services and click retention."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from clicktrail.click import service
from clicktrail.db import Database
from clicktrail.state import AppState, Service
from clicktrail.tracking.components import KEY, TrackingComponents, build

log = structlog.get_logger("clicktrail.click.tasks")

#: The retention job's period, and its delay after start (not on the boot path).
RETENTION_EVERY_SECONDS = 3600.0
RETENTION_FIRST_DELAY_SECONDS = 60.0
PURGE_BATCH = 5000


async def purge_expired(db: Database, retention_days: int, batch: int = PURGE_BATCH) -> int:
    """Delete every raw click past retention (not the converting ones); how many went.

    One short transaction per ``batch`` clicks, so the write lock is never held long.
    """
    cutoff = service.retention_cutoff(retention_days)
    total = 0
    while True:
        async with db.write() as session:
            deleted = await service.purge_batch(session, cutoff, batch)
        total += deleted
        if deleted < batch:
            return total


class RetentionJob:
    """Purges raw clicks past ``click_retention_days`` once an hour."""

    name = "click_retention"

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="click-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await asyncio.sleep(RETENTION_FIRST_DELAY_SECONDS)
        while True:
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
    """Tracking cache, click writer and retention job, for clicktrail/services.py."""
    existing = state.components.get(KEY)
    components = existing if isinstance(existing, TrackingComponents) else build(state)
    return [*components.services, RetentionJob(state)]
