"""The reporting background service: applies the rollup limits and compacts finished days."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from clicktrail.config import Settings
from clicktrail.report.admission import ADMISSION
from clicktrail.report.compaction import compact
from clicktrail.state import AppState, Service

log = structlog.get_logger("clicktrail.report")


def configure_admission(settings: Settings) -> None:
    """This process's caps on high-cardinality rollup values (ADR 0041)."""
    ADMISSION.configure(
        per_day=settings.rollup_values_per_day,
        per_affiliate=settings.rollup_values_per_affiliate,
    )


class RollupCompactor:
    """Runs day compaction at start and then every ``rollup_compact_seconds``."""

    name = "rollup-compactor"

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        done = 0
        while True:
            async with self.state.db.write() as session:
                step = await compact(session)
            done += step
            if step == 0:
                return done

    async def _loop(self, interval: float) -> None:
        while True:
            try:
                days = await self.run_once()
                if days:
                    log.info("rollup_days_compacted", days=days)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("rollup_compaction_failed")
            await asyncio.sleep(interval)

    async def start(self) -> None:
        settings = self.state.settings
        configure_admission(settings)
        if settings.rollup_compact_seconds > 0:
            self._task = asyncio.create_task(self._loop(settings.rollup_compact_seconds))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def install(state: AppState) -> Service:
    service = RollupCompactor(state)
    state.components["rollup_compactor"] = service
    return service
