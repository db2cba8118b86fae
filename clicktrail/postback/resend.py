"""Resending failed postbacks through the API: one delivery, or all matching a filter.

A delivery that gave up (``failed``) is queued again with the full number of attempts: due
now when its pixel is active, ``paused`` (sent when the pixel is active again) when it is
not. Only approved conversions fire, and a deleted pixel's deliveries stay as they are.
``affiliate_id`` is the caller's affiliate in the affiliate realm (its own pixels only;
another's answers 404) and None for the network. Services never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import Conflict, NotFound
from clicktrail.kit.timeutil import utcnow
from clicktrail.postback import outbox, report, repository, service
from clicktrail.postback.schemas import PixelReportIn


async def resend_one(
    session: AsyncSession, pixel_id: int, conversion_id: str, *, affiliate_id: int | None
) -> dict[str, Any]:
    pixel = await service.get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    delivery = await repository.delivery_of(session, pixel_id, conversion_id)
    if delivery is None:
        raise NotFound(
            f"pixel {pixel_id} has no postback for conversion {conversion_id}",
            field="conversion_id",
        )
    if delivery.state != "failed":
        raise Conflict(
            f"only a failed postback can be resent; this one is {delivery.state}",
            field="conversion_id",
        )
    if delivery.conversion_status != "approved":
        raise Conflict(
            f"the conversion is {delivery.conversion_status}; only approved ones fire postbacks",
            field="conversion_id",
        )
    now = utcnow()
    delivery.state = "pending" if pixel.pixel_status == "active" else "paused"
    delivery.next_attempt_at = now
    delivery.retry_base = delivery.attempts
    delivery.updated_at = now
    await outbox.rerender(session, pixel, [delivery])  # to the pixel's URL as it is now
    return {
        "result": True,
        "pixel_id": pixel_id,
        "conversion_id": conversion_id,
        "resent": 1 if delivery.state == "pending" else 0,
        "paused": 1 if delivery.state == "paused" else 0,
    }


async def resend_matching(
    session: AsyncSession, body: PixelReportIn, *, affiliate_id: int | None
) -> dict[str, Any]:
    """Every failed delivery the seed-002 report body selects (window and filters)."""
    scope = report.scope_of(body)
    now = utcnow()
    queued = {
        active: await repository.resend_failed(
            session, scope, owner_affiliate_id=affiliate_id, pixel_active=active, now=now
        )
        for active in (True, False)
    }
    # Render them with their pixel's URL as it is now (it may have been fixed since).
    for pixel_id in sorted(set(queued[True]) | set(queued[False])):
        pixel = await repository.pixel_by_id(session, pixel_id)
        if pixel is not None:
            await outbox.rerender_unsent(session, pixel)
    return {"result": True, "resent": len(queued[True]), "paused": len(queued[False])}
