"""ConversionDraft: every input one conversion can be recorded from, whatever the surface."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

Source = Literal["postback", "api", "api_transaction", "scaleo", "referral", "sdk"]
#: Statuses a caller may ask for; ``None`` lets the rules decide (approved unless refused).
RequestedStatus = Literal["approved", "pending", "rejected"]

STATUSES = ("approved", "pending", "rejected", "invalid")


@dataclass(slots=True)
class ConversionDraft:
    """What a surface knows about a conversion before the rules run.

    Identify the conversion by ``transaction_id`` (a click), or by ``offer_id`` and
    ``affiliate_id`` (no click: Everflow's manual conversions, referral conversions).

    - ``event_id`` / ``event_alias``: the offer's event (an offer_payout_revenue entry by its
      ``event_id`` or ``event_alias``); neither = the offer's default (base) entry.
      ``entry_id``: the entry by its ``network_offer_payout_revenue_id`` (Scaleo's positive
      ``goal_id``, the default goal included); it wins over both.
    - ``sale_amount``: the sale, used by CPS/RPS percentages.
    - ``revenue`` / ``payout``: overrides; ``None`` = computed from the offer's entry.
    - ``status``: a caller's status override (approved, pending, rejected); a refusal by the
      rules (duplicate, window, inactive offer …) still wins over it. ``None``: approved, or
      pending when the offer has ``is_must_approve_conversion``.
      ``original_status`` keeps a vendor status that maps onto another (Scaleo's "hold").
    - ``created_at``: when it happened (aware datetime); ``None`` = now.
      ``click_at``: overrides the click's time (Scaleo's click_timestamp).
    - ``idempotency_key``: a replay with the same key returns the stored conversion. When
      ``None`` and the offer deduplicates on order id, ``order_id`` makes the key.
    - ``verification_token``: checked against the offer's or advertiser's token when not
      ``None`` (the advertiser postback always passes it, as "" when absent).
    - ``country_code`` / ``region_name`` / ``city_name``: override the click's geo (Scaleo ip).
    - ``attributes``: anything else to keep (stored in ``conversion.attributes`` JSON).
    - ``strict``: True (API surfaces): an unknown offer, affiliate, event or click raises
      ``NotFound``/``ValidationFailed`` and nothing is written. False (advertiser postback):
      it is stored as an ``invalid`` conversion with Everflow's error code instead.
    """

    source: Source
    transaction_id: str | None = None
    offer_id: int | None = None
    affiliate_id: int | None = None
    event_id: int | None = None
    entry_id: int | None = None
    event_alias: str | None = None
    sale_amount: Decimal | None = None
    revenue: Decimal | None = None
    payout: Decimal | None = None
    status: RequestedStatus | None = None
    original_status: str = ""
    created_at: datetime | None = None
    click_at: datetime | None = None
    idempotency_key: str | None = None
    order_id: str = ""
    coupon_code: str = ""
    email: str = ""
    adv1: str = ""
    adv2: str = ""
    adv3: str = ""
    adv4: str = ""
    adv5: str = ""
    internal_notes: str = ""
    conversion_user_ip: str = ""
    verification_token: str | None = None
    country_code: str | None = None
    region_name: str | None = None
    city_name: str | None = None
    attributes: dict[str, Any] | None = field(default=None)
    strict: bool = True
    #: The ``nid`` an advertiser postback named; another network's is refused (code 11).
    network_id: int = 1
    #: False when the sender is over its cap on postbacks with unknown transaction ids
    #: (clicktrail.abuse): such a refusal is answered as usual but not stored.
    store_unknown_click: bool = True
    #: Without a transaction id: credit the latest impression of ``offer_id`` by
    #: ``affiliate_id`` (view-through, ADR 0103), or refuse; never credit without one.
    view_through: bool = False
