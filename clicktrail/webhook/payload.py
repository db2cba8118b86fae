"""A webhook's JSON body: Everflow's simplified conversion payload, plus what was notified.

Everflow's Conversion Registered and Event Registered webhooks carry one flat conversion
object (core, financial and tracking fields, with ``relationship`` holding the offer, the
advertiser and the affiliate); the field names and values here are those of the conversion
report (clicktrail/conversion/wire.py). Everflow has no status-change webhook: that one is
the same object (its ``status`` is the new one) with ``previous_status``. Every body says
which notification it is in ``webhook_event`` and when it was made in
``webhook_generation_time`` (Everflow's name for it in its other webhook envelopes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.money import _to_number
from clicktrail.kit.timeutil import unix
from clicktrail.models import Conversion
from clicktrail.webhook import repository


@dataclass(slots=True)
class Names:
    """The names a batch of conversions' payloads show, read once per batch."""

    offers: dict[int, str] = field(default_factory=dict)
    affiliates: dict[int, str] = field(default_factory=dict)
    advertisers: dict[int, str] = field(default_factory=dict)
    events: dict[int, str] = field(default_factory=dict)

    @classmethod
    async def of(cls, session: AsyncSession, conversions: Sequence[Conversion]) -> Names:
        return cls(
            offers=await repository.offer_names(session, (c.network_offer_id for c in conversions)),
            affiliates=await repository.affiliate_names(
                session, (c.network_affiliate_id for c in conversions)
            ),
            advertisers=await repository.advertiser_names(
                session, (c.network_advertiser_id for c in conversions)
            ),
            events=await repository.event_names(
                session, (c.network_offer_payout_revenue_id for c in conversions if c.is_event)
            ),
        )


def conversion_payload(
    c: Conversion,
    names: Names,
    *,
    webhook_event: str,
    generated_at: int,
    previous_status: str | None = None,
) -> dict[str, Any]:
    network = c.network_id
    body: dict[str, Any] = {
        "webhook_event": webhook_event,
        "webhook_generation_time": generated_at,
        "conversion_id": c.conversion_id,
        "conversion_unix_timestamp": unix(c.created_at),
        "status": c.status,
        "transaction_id": c.transaction_id or "",
        "click_unix_timestamp": unix(c.click_at) if c.click_at is not None else 0,
        "is_event": c.is_event,
        "event": names.events.get(c.network_offer_payout_revenue_id, "") if c.is_event else "",
        "is_view_through": False,
        "currency_id": c.currency_id,
        "payout": _to_number(c.payout),
        "revenue": _to_number(c.revenue),
        "payout_type": c.payout_type,
        "revenue_type": c.revenue_type,
        "sale_amount": _to_number(c.sale_amount),
        "coupon_code": c.coupon_code,
        "order_id": c.order_id,
        "sub1": c.sub1,
        "sub2": c.sub2,
        "sub3": c.sub3,
        "sub4": c.sub4,
        "sub5": c.sub5,
        "source_id": c.source_id,
        "adv1": c.adv1,
        "adv2": c.adv2,
        "adv3": c.adv3,
        "adv4": c.adv4,
        "adv5": c.adv5,
        "relationship": {
            "offer": {
                "network_offer_id": c.network_offer_id,
                "network_id": network,
                "name": names.offers.get(c.network_offer_id, ""),
            },
            "advertiser": {
                "network_advertiser_id": c.network_advertiser_id,
                "network_id": network,
                "name": names.advertisers.get(c.network_advertiser_id, ""),
            },
            "affiliate": {
                "network_affiliate_id": c.network_affiliate_id,
                "network_id": network,
                "name": names.affiliates.get(c.network_affiliate_id, ""),
            },
        },
    }
    if previous_status is not None:
        body["previous_status"] = previous_status
    return body


def encode(payload: dict[str, Any]) -> str:
    """The body's text, as stored and sent (compact JSON, UTF-8)."""
    return orjson.dumps(payload).decode("utf-8")
