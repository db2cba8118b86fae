"""Offer rules: create, replace, read. Never commits.

Besides what the body says, the service keeps the derived columns other domains rely on:
the effective click-to-conversion window (``min/max_click_to_conversion_seconds``), the
entries' event ids, and ``time_saved`` (bumped on every change so caches notice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Advertiser, Offer
from clicktrail.network.service import get_network
from clicktrail.offer import repository
from clicktrail.offer.entries import assign_event_ids, check_entries, plan_entries
from clicktrail.offer.schemas import OfferIn, OfferStatus
from clicktrail.offer.targeting import targeting_values

_LEGACY_PIXEL_METHODS = {
    "http_image_pixel",
    "https_image_pixel",
    "http_iframe_pixel",
    "https_iframe_pixel",
    "cookie_based",
}


#: Body fields stored in a shape of their own (or not as columns at all).
_NOT_COLUMNS = {"payout_revenue", "currency_id", "ruleset", "internal_redirects"}


async def _check(session: AsyncSession, body: OfferIn) -> Advertiser:
    advertisers = await repository.advertisers_by_id(session, [body.network_advertiser_id])
    advertiser = advertisers.get(body.network_advertiser_id)
    if advertiser is None:
        raise ValidationFailed(
            f"advertiser {body.network_advertiser_id} does not exist",
            field="network_advertiser_id",
        )
    max_seconds = body.session_tracking_lifespan_hour * 3600
    if (
        body.is_session_tracking_enabled
        and max_seconds > 0
        and body.session_tracking_minimum_lifespan_second > max_seconds
    ):
        raise ValidationFailed(
            "the minimum click-to-conversion time exceeds the maximum",
            field="session_tracking_minimum_lifespan_second",
        )
    check_entries(body.payout_revenue)
    return advertiser


async def _values(
    session: AsyncSession, body: OfferIn, offer_id: int | None = None
) -> dict[str, Any]:
    values = body.model_dump(exclude=_NOT_COLUMNS)
    values.update(await targeting_values(session, body, offer_id))
    if values["conversion_method"] in _LEGACY_PIXEL_METHODS:
        values["conversion_method"] = "html_pixel_cookie_based"
    currency = body.currency_id
    if currency is None:
        currency = (await get_network(session)).currency_id
    values["currency_id"] = currency
    enabled = body.is_session_tracking_enabled
    values["min_click_to_conversion_seconds"] = (
        body.session_tracking_minimum_lifespan_second if enabled else 0
    )
    values["max_click_to_conversion_seconds"] = (
        body.session_tracking_lifespan_hour * 3600 if enabled else 0
    )
    return values


async def create_offer(session: AsyncSession, body: OfferIn) -> tuple[Offer, Advertiser]:
    advertiser = await _check(session, body)
    now = utcnow()
    offer = Offer(**await _values(session, body), time_created=now, time_saved=now)
    offer.payout_revenue = plan_entries([], body.payout_revenue).rows
    await repository.add(session, offer)
    assign_event_ids(offer.payout_revenue)
    await repository.flush(session)
    return offer, advertiser


async def get_offer(session: AsyncSession, offer_id: int) -> Offer:
    offer = await repository.by_id(session, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} not found")
    return offer


async def replace_offer(
    session: AsyncSession, offer_id: int, body: OfferIn
) -> tuple[Offer, Advertiser]:
    offer = await get_offer(session, offer_id)
    advertiser = await _check(session, body)
    for key, value in (await _values(session, body, offer_id)).items():
        setattr(offer, key, value)
    plan = plan_entries(list(offer.payout_revenue), body.payout_revenue)
    offer.payout_revenue = plan.rows
    offer.time_saved = utcnow()
    await repository.flush(session)
    assign_event_ids(offer.payout_revenue)
    await repository.flush(session)
    return offer, advertiser


async def list_offers(session: AsyncSession, request: PageRequest) -> tuple[Sequence[Offer], int]:
    total = await repository.count(session)
    rows = await repository.page(session, request.offset, request.page_size)
    return rows, total


async def search_offers(
    session: AsyncSession,
    request: PageRequest,
    *,
    text: str = "",
    status: OfferStatus | None = None,
    advertiser_id: int | None = None,
    visibility: str | None = None,
) -> tuple[Sequence[Offer], int]:
    """The console's offer list: name or id contains ``text``, and the other filters match."""
    return await repository.search(
        session,
        text=text,
        status=status,
        advertiser_id=advertiser_id,
        visibility=visibility,
        offset=request.offset,
        limit=request.page_size,
    )


async def set_offer_status(session: AsyncSession, offer_id: int, status: OfferStatus) -> Offer:
    """Pause, activate (or any other status) without replacing the rest of the offer."""
    offer = await get_offer(session, offer_id)
    if offer.offer_status != status:
        offer.offer_status = status
        offer.time_saved = utcnow()
        await repository.flush(session)
    return offer


async def advertisers_of(session: AsyncSession, offers: Sequence[Offer]) -> dict[int, Advertiser]:
    return await repository.advertisers_by_id(
        session, {offer.network_advertiser_id for offer in offers}
    )


#: At most this many offers in a form's select list.
MAX_CHOICES = 1000


async def offer_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) pairs of the offers not deleted, by name, at most :data:`MAX_CHOICES`."""
    return await repository.choices(session, MAX_CHOICES)
