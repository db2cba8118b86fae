"""Ready-made advertiser postbacks for an offer, as Everflow's offer tracking page gives them.

``offer_postback(offer, advertiser_token, tracking_url, event_id)`` builds the server
postback URL (``{tracking_url}/?nid=1&transaction_id={transaction_id}…``) and the iframe and
image pixels (the same URL with ``oid``, inside ``<iframe>``/``<img>`` tags) an advertiser
pastes into its system. Placeholders in braces are for the advertiser's own macros:
``{transaction_id}`` always, ``{amount}`` when the entry's price is a percentage of the sale,
``{order_id}`` when the offer deduplicates on it. ``event_id`` names an event (the base
conversion when 0), and the offer's or else its advertiser's verification token is included
when one is set. See ``postback_endpoint.py`` for what each parameter does.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from clicktrail.errors import NotFound
from clicktrail.models import Offer, OfferPayoutRevenue

#: Price types that take a percentage of the sale amount: their postbacks need ``amount``.
_SALE_BASED = frozenset({"cps", "cpa_cps", "rps", "rpa_rps", "prv"})


@dataclass(frozen=True, slots=True)
class OfferPostback:
    network_offer_id: int
    event_id: int
    postback_url: str
    iframe_pixel: str
    image_pixel: str


def _entry(offer: Offer, event_id: int) -> OfferPayoutRevenue:
    for entry in offer.payout_revenue:
        if (entry.is_default and event_id == 0) or (
            not entry.is_default and entry.event_id == event_id
        ):
            return entry
    raise NotFound(
        f"event_id {event_id} is not an event of offer {offer.network_offer_id}", field="event_id"
    )


def _url(base: str, params: list[tuple[str, str]]) -> str:
    # Values are plain ids and tokens; placeholders keep their braces for the advertiser.
    query = "&".join(f"{name}={quote(value, safe='{}')}" for name, value in params)
    return f"{base}/?{query}"


def offer_postback(
    offer: Offer, advertiser_token: str, tracking_url: str, event_id: int = 0
) -> OfferPostback:
    entry = _entry(offer, event_id)
    tail: list[tuple[str, str]] = [("transaction_id", "{transaction_id}")]
    if event_id:
        tail.append(("event_id", str(event_id)))
    if entry.payout_type in _SALE_BASED or entry.revenue_type in _SALE_BASED:
        tail.append(("amount", "{amount}"))
    if offer.is_order_id_deduplicated:
        tail.append(("order_id", "{order_id}"))
    token = offer.verification_token or advertiser_token
    if token:
        tail.append(("verification_token", token))
    base = tracking_url.rstrip("/")
    postback_url = _url(base, [("nid", "1"), *tail])
    pixel_url = escape(_url(base, [("nid", "1"), ("oid", str(offer.network_offer_id)), *tail]))
    return OfferPostback(
        network_offer_id=offer.network_offer_id,
        event_id=event_id,
        postback_url=postback_url,
        iframe_pixel=(
            f'<iframe src="{pixel_url}" scrolling="no" frameborder="0" width="1" height="1">'
            "</iframe>"
        ),
        image_pixel=f'<img src="{pixel_url}" width="1" height="1" alt="" />',
    )
