"""The postback outbox: the seam between conversions and affiliate postback delivery.

CONTRACT (owned by the postback work; the conversion service calls it):

* ``enqueue_for_conversions(session, conversions)`` is called in the same transaction that
  inserts a batch of conversions (``conversion.service.record_many``, so every path); it
  writes one delivery row per matching pixel (``paused`` for an inactive pixel, sent when
  it is active again), with one pixel query and one insert
  for the whole batch, and returns how many. A committed conversion therefore always has
  its deliveries. ``enqueue_for_conversion(session, conversion)`` is the same for one.
* ``on_status_change(session, conversion, old_status)`` is called when a conversion's status
  changes (e.g. approved -> rejected after its postback fired) so the deliveries record it.

Only approved conversions fire postbacks: a pending one gets its deliveries when it is
approved. The URL is rendered here, so the worker never reads the conversion again. The
(pixel, conversion) pair is unique, so calling either function twice never doubles a
postback. A rendered URL that does not keep its template's origin (a macro in the scheme,
host or port of a URL saved before that was refused) is never sent and a warning is logged
(ADR 0066): the delivery waits ``paused`` while its pixel is inactive (fixing the URL
renders it again, and enabling the pixel sends it), else it is ``skipped``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit import urltemplate
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, Pixel, PostbackDelivery
from clicktrail.postback import macros, repository

FIRES_ON = "approved"
HTML_NOTE = "HTML pixel: rendered on the conversion page by the browser, not fired server-side"
PAUSED_NOTE = "Paused: the pixel is inactive; this postback is sent when it is active again"
REFUSED_NOTE = (
    "Refused: the postback URL has a macro in its scheme, host or port, so a visitor could "
    "choose where it goes; not sent (fix the pixel's URL)"
)

log = structlog.get_logger("clicktrail.postback.outbox")


def refused(pixel: Pixel, template: str, payload: str) -> bool:
    """True when the rendered ``payload`` of a postback pixel may not be sent: its template
    has a macro before the end of its host, or the result left the template's origin."""
    if pixel.delivery_method != "postback":
        return False
    try:
        expected = urltemplate.origin(template)
    except urltemplate.UnsafeTemplate:
        bad = True
    else:
        bad = not urltemplate.keeps_origin(payload, expected)
    if bad:
        log.warning("postback_refused", pixel_id=pixel.network_pixel_id, reason=REFUSED_NOTE)
    return bad


async def _extra_values(
    session: AsyncSession, conversion: Conversion, pixels: list[Pixel]
) -> dict[str, str]:
    """Macros that need a lookup, fetched only when some pixel uses them."""
    templates = [p.postback_url if p.delivery_method == "postback" else p.html_code for p in pixels]
    extra: dict[str, str] = {}
    if any(macros.uses(t, "event_name") for t in templates):
        entry = await repository.payout_revenue_by_id(
            session, conversion.network_offer_payout_revenue_id
        )
        extra["event_name"] = entry.entry_name if entry is not None else ""
    if any(macros.uses(t, "offer_name") for t in templates):
        offer = await repository.offer_by_id(session, conversion.network_offer_id)
        extra["offer_name"] = offer.name if offer is not None else ""
    return extra


def _row(
    pixel: Pixel, conversion: Conversion, template: str, payload: str, now: datetime
) -> dict[str, Any]:
    html = pixel.delivery_method != "postback"
    paused = not html and pixel.pixel_status != "active"
    note = HTML_NOTE if html else PAUSED_NOTE if paused else ""
    skipped = html
    if refused(pixel, template, payload):
        skipped, note = not paused, REFUSED_NOTE
    return {
        "network_id": conversion.network_id,
        "network_pixel_id": pixel.network_pixel_id,
        "conversion_id": conversion.conversion_id,
        "transaction_id": conversion.transaction_id or "",
        "network_offer_id": conversion.network_offer_id,
        "network_affiliate_id": conversion.network_affiliate_id,
        "network_offer_payout_revenue_id": conversion.network_offer_payout_revenue_id,
        "event_id": conversion.event_id,
        "delivery_method": pixel.delivery_method,
        "pixel_level": pixel.pixel_level,
        "pixel_type": pixel.pixel_type,
        "payload": payload,
        "state": "skipped" if skipped else "paused" if paused else "pending",
        "attempts": 0,
        "failed_attempts": 0,
        "next_attempt_at": now + timedelta(milliseconds=0 if html else pixel.delay_ms),
        "last_attempt_at": None,
        "delivered_at": None,
        "last_status_code": None,
        "debug_information": note,
        "conversion_status": conversion.status,
        "conversion_status_note": "",
        "created_at": now,
        "updated_at": now,
        "in_flight_since": None,
        "retry_base": 0,
    }


def fires(pixel: Pixel, conversion: Conversion) -> bool:
    """Does ``pixel`` fire for ``conversion``? (level, then conversion/event type)"""
    aff, offer = conversion.network_affiliate_id, conversion.network_offer_id
    level = pixel.pixel_level
    if level == "global":
        matched = pixel.network_affiliate_id == aff
    elif level == "specific":
        matched = pixel.network_affiliate_id == aff and pixel.network_offer_id == offer
    elif level == "global_offer":
        matched = pixel.network_offer_id == offer
    else:
        matched = False
    if not matched:
        return False
    if conversion.is_event:
        return pixel.pixel_type == "event" and pixel.network_offer_payout_revenue_id in (
            0,
            conversion.network_offer_payout_revenue_id,
        )
    return pixel.pixel_type == "conversion"


async def enqueue_for_conversions(
    session: AsyncSession,
    conversions: Sequence[Conversion],
    *,
    now: datetime | None = None,
    existing: bool = False,
) -> int:
    """Write the deliveries of new conversions for their matching pixels, with one pixel
    query and one insert for the whole batch; returns how many.

    A new conversion has no deliveries yet, so only ``existing=True`` (a conversion approved
    later) looks for the ones it already has before adding the missing ones.
    """
    approved = [c for c in conversions if c.status == FIRES_ON]
    if not approved:
        return 0
    pixels = await repository.candidate_pixels(
        session,
        (c.network_affiliate_id for c in approved),
        (c.network_offer_id for c in approved),
    )
    if not pixels:
        return 0
    moment = now or utcnow()
    rows: list[dict[str, Any]] = []
    for conversion in approved:
        matching = [p for p in pixels if fires(p, conversion)]
        if matching and existing:
            done = await repository.delivered_pixel_ids(session, conversion.conversion_id)
            matching = [p for p in matching if p.network_pixel_id not in done]
        if not matching:
            continue
        extra = await _extra_values(session, conversion, matching)
        values = macros.macro_values(conversion, extra)
        for pixel in matching:
            template = (
                pixel.postback_url if pixel.delivery_method == "postback" else pixel.html_code
            )
            payload = macros.render(template, values)
            rows.append(_row(pixel, conversion, template, payload, moment))
    await repository.add_deliveries(session, rows)
    return len(rows)


async def enqueue_for_conversion(
    session: AsyncSession,
    conversion: Conversion,
    *,
    now: datetime | None = None,
    existing: bool = False,
) -> int:
    """Write the deliveries of one conversion for its matching pixels; returns how many."""
    return await enqueue_for_conversions(session, [conversion], now=now, existing=existing)


async def on_status_change(
    session: AsyncSession,
    conversion: Conversion,
    old_status: str,
    *,
    now: datetime | None = None,
) -> None:
    """Record a status change on the conversion's deliveries.

    Approved now: its postbacks are enqueued (once). No longer approved: a delivery not yet
    sent is canceled; one already sent keeps its result and notes the change.
    """
    new_status = conversion.status
    if new_status == old_status:
        return
    moment = now or utcnow()
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    for delivery in await repository.deliveries_of_conversion(session, conversion.conversion_id):
        delivery.conversion_status = new_status
        delivery.updated_at = moment
        change = f"conversion {old_status} -> {new_status} at {stamp}"
        if new_status == FIRES_ON:
            if delivery.state == "canceled":
                delivery.state = "pending"
                delivery.next_attempt_at = moment
                delivery.conversion_status_note = f"{change}; postback queued again"
            else:
                delivery.conversion_status_note = change
        elif delivery.state in ("pending", "paused"):
            delivery.state = "canceled"
            delivery.conversion_status_note = f"{change}, before delivery; postback not sent"
        elif delivery.state == "succeeded":
            delivery.conversion_status_note = f"{change}, after the postback was delivered"
        else:
            delivery.conversion_status_note = f"{change}, after {delivery.attempts} attempt(s)"
    if new_status == FIRES_ON:
        await enqueue_for_conversion(session, conversion, now=moment, existing=True)


async def on_amount_change(session: AsyncSession, conversion: Conversion) -> int:
    """Record a change of the conversion's payout, revenue or sale amount (ADR 0098).

    Nothing fires again: a postback already sent keeps what it said. One not yet sent
    (pending or paused) is rendered again, so it carries the new amounts when it goes.
    Returns how many were rendered again."""
    unsent = [
        d
        for d in await repository.deliveries_of_conversion(session, conversion.conversion_id)
        if d.state in ("pending", "paused")
    ]
    pixels = {d.network_pixel_id for d in unsent if d.network_pixel_id is not None}
    rendered = 0
    for pixel_id in sorted(pixels):
        pixel = await repository.pixel_by_id(session, pixel_id)
        if pixel is not None:
            mine = [d for d in unsent if d.network_pixel_id == pixel_id]
            rendered += await rerender(session, pixel, mine)
    return rendered


async def rerender_unsent(session: AsyncSession, pixel: Pixel) -> int:
    """Render the pixel's unsent deliveries again (after its URL changed), so postbacks
    paused or waiting for a retry go to the corrected URL."""
    deliveries = list(await repository.unsent_deliveries(session, pixel.network_pixel_id))
    return await rerender(session, pixel, deliveries)


async def rerender(
    session: AsyncSession, pixel: Pixel, deliveries: Sequence[PostbackDelivery]
) -> int:
    """Render these deliveries of ``pixel`` with its current URL (or HTML code)."""
    conversions = await repository.conversions_by_ids(
        session, (d.conversion_id for d in deliveries)
    )
    template = pixel.postback_url if pixel.delivery_method == "postback" else pixel.html_code
    for delivery in deliveries:
        conversion = conversions.get(delivery.conversion_id)
        if conversion is None:
            continue
        extra = await _extra_values(session, conversion, [pixel])
        delivery.payload = macros.render(template, macros.macro_values(conversion, extra))
        if refused(pixel, template, delivery.payload):
            delivery.state = "paused" if pixel.pixel_status != "active" else "skipped"
            delivery.debug_information = REFUSED_NOTE
    return len(deliveries)
