"""Pixel health: a pixel whose postbacks fail N times in a row within a window is disabled.

Everflow's rule is 10 consecutive failures within 72 hours (both are settings). A success
ends the streak; a failure after the window has passed starts a new one. Disabling sets
the pixel ``inactive`` with ``disabled_reason`` and pauses its pending deliveries, and the
failed ones of an inactive pixel (the one that disabled it too, even on its last retry),
which are sent when the pixel is set active again, so nothing is lost while an affiliate's
server is down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Pixel
from clicktrail.postback import repository
from clicktrail.postback.sender import AttemptResult

log = structlog.get_logger("clicktrail.postback")


def _why(result: AttemptResult) -> str:
    if result.error:
        return result.error
    return f"HTTP {result.status_code}"


class PixelHealth:
    def __init__(self, *, threshold: int, window: timedelta) -> None:
        self.threshold = threshold
        self.window = window

    def observe(self, pixel: Pixel, result: AttemptResult, now: datetime) -> bool:
        """Count one outcome; True when it makes the pixel cross the threshold."""
        if result.ok:
            pixel.failure_streak = 0
            pixel.failure_streak_started_at = None
            return False
        started = pixel.failure_streak_started_at
        if started is None or pixel.failure_streak == 0 or now - started > self.window:
            pixel.failure_streak = 0
            pixel.failure_streak_started_at = now
        pixel.failure_streak += 1
        return pixel.pixel_status == "active" and pixel.failure_streak >= self.threshold

    @staticmethod
    def _unchanged(pixel: Pixel, outcomes: Sequence[AttemptResult]) -> bool:
        """True when counting ``outcomes`` would leave the pixel as it is: all of them
        succeeded and it has no failure streak to end."""
        return (
            pixel.failure_streak == 0
            and pixel.failure_streak_started_at is None
            and all(r.ok for r in outcomes)
        )

    async def apply(
        self,
        session: AsyncSession,
        outcomes: Sequence[tuple[int, AttemptResult]],
        *,
        now: datetime,
        lock: bool,
    ) -> set[int]:
        """Count the outcomes (disabling pixels that cross the threshold); returns the ids of
        the pixels that are inactive now, whose failed deliveries wait paused.

        The pixels are read without a lock first: a pixel whose outcomes all succeeded and
        that has no streak is left alone, so batches of healthy deliveries do not queue on
        its row lock. Only the pixels that change are read again under ``FOR UPDATE``
        (when ``lock``) and counted."""
        by_pixel: dict[int, list[AttemptResult]] = {}
        for pixel_id, result in outcomes:
            by_pixel.setdefault(pixel_id, []).append(result)
        pixels = await repository.pixels_for_update(session, by_pixel, lock=False)
        changing = [
            pixel_id
            for pixel_id, results in by_pixel.items()
            if pixel_id in pixels and not self._unchanged(pixels[pixel_id], results)
        ]
        if changing and lock:
            pixels.update(await repository.pixels_for_update(session, changing, lock=True))
        for pixel_id in changing:
            pixel = pixels[pixel_id]
            for result in by_pixel[pixel_id]:
                if self.observe(pixel, result, now):
                    await self._disable(session, pixel, result, now)
        return {
            pixel_id
            for pixel_id, pixel in pixels.items()
            if pixel.pixel_status != "active" and not pixel.is_deleted
        }

    async def _disable(
        self, session: AsyncSession, pixel: Pixel, result: AttemptResult, now: datetime
    ) -> None:
        hours = self.window.total_seconds() / 3600
        pixel.pixel_status = "inactive"
        pixel.disabled_at = now
        pixel.disabled_reason = (
            f"disabled after {pixel.failure_streak} consecutive failed postbacks within "
            f"{hours:g} hours; last: {_why(result)}"
        )
        pixel.time_saved = now
        paused = await repository.move_pixel_deliveries(
            session, pixel.network_pixel_id, from_states=["pending"], to_state="paused", now=now
        )
        log.warning(
            "pixel_disabled",
            pixel_id=pixel.network_pixel_id,
            reason=pixel.disabled_reason,
            paused_deliveries=paused,
        )
