"""Background job: release commissions whose hold period is over.

A commission recorded with a hold (auto approval, ``hold_period_days`` > 0) is ``pending``
until ``hold_until``; then it becomes ``ready_for_payment`` and its conversion is approved
through the conversion service (rollups and postback outbox follow). Rows are claimed with
``FOR UPDATE SKIP LOCKED`` so several processes can run the job.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import service as conversions
from clicktrail.kit.timeutil import utcnow
from clicktrail.referral import repository
from clicktrail.state import AppState, Service

log = structlog.get_logger("clicktrail.referral")

BATCH = 500


async def release_due_holds(session: AsyncSession, now: datetime | None = None) -> int:
    """Release one batch of due holds in the caller's transaction; how many were released."""
    now = now or utcnow()
    due = await repository.due_holds(session, now, BATCH)
    for commission in due:
        commission.status = "ready_for_payment"
        commission.hold_until = None
        commission.updated_at = now
    if due:
        await session.flush()
        await conversions.change_status(session, [c.conversion_id for c in due], "approved")
    return len(due)


class HoldReleaser:
    """Runs ``release_due_holds`` every ``interval`` seconds until stopped."""

    name = "referral-hold-releaser"

    def __init__(self, state: AppState, interval: float) -> None:
        self.state = state
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> int:
        total = 0
        while True:
            async with self.state.db.write() as session:
                released = await release_due_holds(session)
            total += released
            if released < BATCH:
                return total

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                released = await self.run_once()
                if released:
                    log.info("commission_holds_released", count=released)
            except Exception:
                log.exception("commission_hold_release_failed")


def install(state: AppState) -> list[Service]:
    interval = state.settings.referral_hold_release_seconds
    return [HoldReleaser(state, interval)] if interval > 0 else []
