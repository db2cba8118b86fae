"""Conversion throttling: which conversions a throttle holds back (Everflow error code 1).

A throttle (clicktrail/models/conversion_throttle.py) gives an offer, for one affiliate or
for all of them (affiliate id 0), the share of otherwise accepted conversions to hold
back. The decision is a hash, not a coin: the conversion's key (its click and event, else its
idempotency key or order id) is hashed into one of 10,000 buckets and held back when the
bucket falls under the share. So the same conversion replayed gets the same answer, every
process agrees without sharing a counter, and over many conversions the held-back share
tends to the configured one (ADR 0097).
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clicktrail.conversion.draft import ConversionDraft
    from clicktrail.conversion.repository import ClickFacts, EntryFacts, OfferFacts

#: (offer id, affiliate id or 0) -> percentage held back.
Throttles = dict[tuple[int, int], Decimal]

BUCKETS = 10_000


def share(throttles: Throttles, offer_id: int, affiliate_id: int | None) -> Decimal:
    """The percentage held back for this affiliate on this offer: its own throttle, else the
    offer's, else 0."""
    if affiliate_id is not None:
        own = throttles.get((offer_id, affiliate_id))
        if own is not None:
            return own
    return throttles.get((offer_id, 0), Decimal(0))


def bucket(key: str) -> int:
    """0 .. BUCKETS-1, spread evenly over keys."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def holds_back(percentage: Decimal, key: str | None) -> bool:
    """Whether a conversion with ``key`` (None: no stable key, a fresh one is drawn) is held
    back by a throttle of ``percentage``."""
    if percentage <= 0:
        return False
    if percentage >= 100:
        return True
    return bucket(key or secrets.token_hex(16)) < percentage * BUCKETS / 100


def throttled(
    draft: ConversionDraft,
    offer: OfferFacts,
    entry: EntryFacts,
    click: ClickFacts | None,
    throttles: Throttles,
) -> bool:
    """Whether a throttle holds this accepted conversion back."""
    affiliate_id = click.network_affiliate_id if click is not None else draft.affiliate_id
    percentage = share(throttles, offer.network_offer_id, affiliate_id)
    if not percentage:
        return False
    if click is not None:
        key: str | None = f"{click.transaction_id}:{entry.event_id}"
    else:
        key = draft.idempotency_key or (f"order:{draft.order_id}" if draft.order_id else None)
    return holds_back(percentage, key)
