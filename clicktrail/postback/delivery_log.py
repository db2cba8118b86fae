"""One pixel's delivery log: its deliveries, newest first, each with its attempts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.paging import PageRequest
from clicktrail.models import Pixel, PostbackAttempt, PostbackDelivery
from clicktrail.postback import repository
from clicktrail.postback.service import get_pixel


@dataclass(frozen=True, slots=True)
class LoggedDelivery:
    delivery: PostbackDelivery
    attempts: list[PostbackAttempt]


@dataclass(frozen=True, slots=True)
class DeliveryLog:
    pixel: Pixel
    deliveries: list[LoggedDelivery]
    total: int


async def delivery_log(
    session: AsyncSession, pixel_id: int, *, affiliate_id: int | None, page: PageRequest
) -> DeliveryLog:
    """A page of the pixel's deliveries; ``affiliate_id`` set: only its own pixel (another's
    is NotFound, as in the affiliate API)."""
    pixel = await get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    total = await repository.count_pixel_deliveries(session, pixel_id)
    rows = await repository.pixel_deliveries(
        session, pixel_id, offset=page.offset, limit=page.page_size
    )
    attempts = await repository.attempts_of(session, (d.id for d in rows))
    return DeliveryLog(
        pixel=pixel,
        deliveries=[LoggedDelivery(d, attempts.get(d.id, [])) for d in rows],
        total=total,
    )
