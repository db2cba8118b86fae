"""Pixel rules: who may fire for what, validation, and the side effects of a status change.

Services never commit. ``affiliate_id`` is the caller's affiliate for the affiliate realm
(it sees and changes only its own pixels; another's answers 404) and None for the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit import urltemplate
from clicktrail.kit.timeutil import unix, utcnow
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, Offer, Pixel
from clicktrail.postback import outbox, repository
from clicktrail.postback.guard import is_public, literal_host, url_problem
from clicktrail.postback.schemas import AffiliatePixelIn, NetworkPixelIn

PIXEL_FILTERS = {
    "network_offer_id": int,
    "network_affiliate_id": int,
    "network_offer_payout_revenue_id": int,
    "pixel_status": str,
    "pixel_type": str,
    "delivery_method": str,
    "pixel_level": str,
}


def _values(body: NetworkPixelIn | AffiliatePixelIn, affiliate_id: int | None) -> dict[str, Any]:
    values = body.model_dump()
    if affiliate_id is not None:
        values["network_affiliate_id"] = affiliate_id
    if values["pixel_type"] == "post_conversion":
        values["pixel_type"] = "event"
    return values


async def _validate(session: AsyncSession, v: dict[str, Any], *, allow_private: bool) -> None:
    level, offer_id, aff_id = v["pixel_level"], v["network_offer_id"], v["network_affiliate_id"]
    if level in ("global", "specific") and not aff_id:
        raise ValidationFailed(f"a {level} pixel needs an affiliate", field="network_affiliate_id")
    if level in ("specific", "global_offer") and not offer_id:
        raise ValidationFailed(f"a {level} pixel needs an offer", field="network_offer_id")
    if level == "global" and offer_id:
        raise ValidationFailed(
            "a global pixel fires for every offer; send 0 or use pixel_level specific",
            field="network_offer_id",
        )
    if level == "global_offer" and aff_id:
        raise ValidationFailed(
            "a global_offer pixel fires for every affiliate; send 0 or use pixel_level specific",
            field="network_affiliate_id",
        )
    if aff_id and await repository.affiliate_by_id(session, aff_id) is None:
        raise ValidationFailed(f"unknown affiliate {aff_id}", field="network_affiliate_id")
    if offer_id and await repository.offer_by_id(session, offer_id) is None:
        raise ValidationFailed(f"unknown offer {offer_id}", field="network_offer_id")
    entry_id = v["network_offer_payout_revenue_id"]
    if entry_id:
        if v["pixel_type"] != "event":
            raise ValidationFailed(
                "only event pixels fire on a payout/revenue entry",
                field="network_offer_payout_revenue_id",
            )
        entry = await repository.payout_revenue_by_id(session, entry_id)
        if entry is None or entry.network_offer_id != offer_id:
            raise ValidationFailed(
                f"unknown payout/revenue entry {entry_id} for offer {offer_id}",
                field="network_offer_payout_revenue_id",
            )
    if v["delivery_method"] == "postback":
        url = v["postback_url"].strip()
        v["postback_url"] = url
        if not url:
            raise ValidationFailed("is required for a postback pixel", field="postback_url")
        problem = url_problem(url) or urltemplate.problem(url)
        if problem:
            raise ValidationFailed(f"postback_url {problem}", field="postback_url")
        host = literal_host(url)
        if host is not None and not allow_private and not is_public(host):
            raise ValidationFailed(
                f"postback_url points at {host}, which is not a public address",
                field="postback_url",
            )
    elif not v["html_code"].strip():
        raise ValidationFailed("is required for an html pixel", field="html_code")


async def get_pixel(session: AsyncSession, pixel_id: int, *, affiliate_id: int | None) -> Pixel:
    pixel = await repository.pixel_by_id(session, pixel_id)
    if pixel is None or (affiliate_id is not None and pixel.network_affiliate_id != affiliate_id):
        raise NotFound(f"pixel {pixel_id} does not exist", field="pixel_id")
    return pixel


async def create_pixel(
    session: AsyncSession,
    body: NetworkPixelIn | AffiliatePixelIn,
    *,
    affiliate_id: int | None,
    allow_private: bool,
) -> Pixel:
    values = _values(body, affiliate_id)
    await _validate(session, values, allow_private=allow_private)
    now = utcnow()
    pixel = Pixel(**values, time_created=now, time_saved=now)
    return await repository.add_pixel(session, pixel)


async def _status_changed(session: AsyncSession, pixel: Pixel, old: str, now: datetime) -> None:
    if old == pixel.pixel_status:
        return
    if pixel.pixel_status == "active":
        pixel.failure_streak = 0
        pixel.failure_streak_started_at = None
        pixel.disabled_reason = ""
        pixel.disabled_at = None
        await repository.move_pixel_deliveries(
            session, pixel.network_pixel_id, from_states=["paused"], to_state="pending", now=now
        )
    else:
        await repository.move_pixel_deliveries(
            session, pixel.network_pixel_id, from_states=["pending"], to_state="paused", now=now
        )


async def update_pixel(
    session: AsyncSession,
    pixel_id: int,
    body: NetworkPixelIn | AffiliatePixelIn,
    *,
    affiliate_id: int | None,
    allow_private: bool,
) -> Pixel:
    pixel = await get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    values = _values(body, affiliate_id)
    await _validate(session, values, allow_private=allow_private)
    old_status, old_target = pixel.pixel_status, (pixel.postback_url, pixel.html_code)
    for name, value in values.items():
        setattr(pixel, name, value)
    now = utcnow()
    pixel.time_saved = now
    if (pixel.postback_url, pixel.html_code) != old_target:
        await outbox.rerender_unsent(session, pixel)
    await _status_changed(session, pixel, old_status, now)
    return pixel


async def delete_pixel(session: AsyncSession, pixel_id: int, *, affiliate_id: int | None) -> None:
    pixel = await get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    now = utcnow()
    pixel.is_deleted = True
    pixel.time_saved = now
    await repository.move_pixel_deliveries(
        session,
        pixel_id,
        from_states=["pending", "paused"],
        to_state="canceled",
        now=now,
        note="pixel deleted before delivery; postback not sent",
    )


def parse_filters(params: Mapping[str, str | None], expressions: Sequence[str]) -> dict[str, Any]:
    """Direct query parameters and Everflow's ``filter=field=value`` (repeatable)."""
    pairs: list[tuple[str, str]] = [(k, v) for k, v in params.items() if v not in (None, "")]
    for expression in expressions:
        name, sep, value = expression.partition("=")
        if not sep:
            raise ValidationFailed("filter must look like field=value", field="filter")
        pairs.append((name.strip(), value.strip()))
    filters: dict[str, Any] = {}
    for name, raw in pairs:
        kind = PIXEL_FILTERS.get(name)
        if kind is None:
            raise ValidationFailed(f"cannot filter pixels on {name}", field="filter")
        try:
            value = kind(raw)
        except ValueError as exc:
            raise ValidationFailed(f"{name} must be an integer", field=name) from exc
        if isinstance(value, int) and not 0 <= value <= MAX_INT32:
            raise ValidationFailed(f"{name} is out of range", field=name)
        filters[name] = value
    if filters.get("pixel_type") == "post_conversion":
        filters["pixel_type"] = "event"
    return filters


async def list_pixels(
    session: AsyncSession, filters: dict[str, Any], *, affiliate_id: int | None
) -> Sequence[Pixel]:
    if affiliate_id is not None:
        filters = {**filters, "network_affiliate_id": affiliate_id}
    return await repository.list_pixels(session, filters)


# --- wire shapes ----------------------------------------------------------------------------


def offer_relationship(offer: Offer) -> dict[str, Any]:
    return {
        "network_offer_id": offer.network_offer_id,
        "network_id": offer.network_id,
        "network_advertiser_id": offer.network_advertiser_id,
        "network_offer_group_id": offer.network_offer_group_id,
        "name": offer.name,
        "offer_status": offer.offer_status,
        "network_tracking_domain_id": offer.network_tracking_domain_id,
        "visibility": offer.visibility,
        "currency_id": offer.currency_id,
    }


def affiliate_relationship(affiliate: Affiliate) -> dict[str, Any]:
    return {
        "network_affiliate_id": affiliate.network_affiliate_id,
        "network_id": affiliate.network_id,
        "name": affiliate.name,
        "account_status": affiliate.account_status,
        "network_traffic_source_id": affiliate.network_traffic_source_id,
    }


def pixel_to_wire(
    pixel: Pixel, offers: Mapping[int, Offer], affiliates: Mapping[int, Affiliate]
) -> dict[str, Any]:
    relationship: dict[str, Any] = {}
    if pixel.network_offer_id in offers:
        relationship["offer"] = offer_relationship(offers[pixel.network_offer_id])
    if pixel.network_affiliate_id in affiliates:
        relationship["affiliate"] = affiliate_relationship(affiliates[pixel.network_affiliate_id])
    return {
        "network_pixel_id": pixel.network_pixel_id,
        "network_id": pixel.network_id,
        "network_affiliate_id": pixel.network_affiliate_id,
        "network_offer_id": pixel.network_offer_id,
        "network_offer_payout_revenue_id": pixel.network_offer_payout_revenue_id,
        "delivery_method": pixel.delivery_method,
        "pixel_level": pixel.pixel_level,
        "pixel_status": pixel.pixel_status,
        "pixel_type": pixel.pixel_type,
        "postback_url": pixel.postback_url,
        "html_code": pixel.html_code,
        "description": pixel.description,
        "delay_ms": pixel.delay_ms,
        "disabled_reason": pixel.disabled_reason,
        "time_created": unix(pixel.time_created),
        "time_saved": unix(pixel.time_saved),
        "relationship": relationship,
    }


async def pixels_to_wire(session: AsyncSession, pixels: Sequence[Pixel]) -> list[dict[str, Any]]:
    offers = await repository.offers_by_ids(session, (p.network_offer_id for p in pixels))
    affiliates = await repository.affiliates_by_ids(
        session, (p.network_affiliate_id for p in pixels)
    )
    return [pixel_to_wire(p, offers, affiliates) for p in pixels]
