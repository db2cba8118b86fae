"""What the offer page hands out: a tracking link for an affiliate and the advertiser's
postbacks.

The link comes from the same service as the API's ``POST /v1/networks/tracking/offers/clicks``
(``click.service.tracking_link``), the postbacks from the same builder as
``GET /v1/networks/tracking/offers/{id}/conversion`` (``conversion.postback_links``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.click.schemas import TrackingLinkRequest
from clicktrail.click.service import tracking_link
from clicktrail.config import Settings
from clicktrail.conversion.postback_links import OfferPostback, offer_postback
from clicktrail.errors import ClicktrailError
from clicktrail.models import Advertiser, Offer
from clicktrail.web.console.forms import build, service_error, texts

#: The link builder's inputs beside the affiliate: what the tracking host stores per click.
LINK_PARAMS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source_id", "creative_id")
LINK_INPUTS = ("network_affiliate_id", *LINK_PARAMS)


@dataclass
class LinkBuilder:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    url: str = ""


async def build_link(
    session: AsyncSession, settings: Settings, offer: Offer, query: Mapping[str, Any]
) -> LinkBuilder:
    """The builder's state for the query string: no link until an affiliate is chosen."""
    values = {name: value.strip() for name, value in texts(query, LINK_INPUTS).items()}
    builder = LinkBuilder(values=values)
    if not values["network_affiliate_id"]:
        return builder
    data: dict[str, Any] = {name: value for name, value in values.items() if value}
    data["network_offer_id"] = offer.network_offer_id
    body, errors = build(TrackingLinkRequest, data, LINK_INPUTS)
    if body is None:
        builder.errors = errors
        return builder
    try:
        builder.url = await tracking_link(session, settings, body)
    except ClicktrailError as exc:
        builder.errors = service_error(exc, LINK_INPUTS)
    return builder


@dataclass(frozen=True)
class EventPostback:
    label: str
    made: OfferPostback


def advertiser_postbacks(
    offer: Offer, advertiser: Advertiser | None, tracking_url: str
) -> list[EventPostback]:
    """The server postback and pixels for the base conversion and each event."""
    token = advertiser.verification_token if advertiser is not None else ""
    found: list[EventPostback] = []
    entries = sorted(
        offer.payout_revenue, key=lambda e: (not e.is_default, e.network_offer_payout_revenue_id)
    )
    for entry in entries:
        event_id = 0 if entry.is_default else entry.event_id
        label = "Base conversion" if entry.is_default else (entry.entry_name or f"Event {event_id}")
        found.append(EventPostback(label, offer_postback(offer, token, tracking_url, event_id)))
    return found
