"""The ``conversion`` row a decided draft becomes: column values, and a cheap transient
object for the bulk path."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.pricing import price
from clicktrail.conversion.reasons import Reason
from clicktrail.conversion.repository import ClickFacts, EntryFacts, OfferFacts
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.money import ZERO
from clicktrail.models import Conversion

#: Click columns copied onto the conversion, so reports never join raw clicks.
CLICK_COPY = (
    "source_id",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "creative_id",
    "user_ip",
    "country_code",
    "region_name",
    "city_name",
    "device_type",
    "platform_name",
    "browser_name",
)
_NO_CLICK: dict[str, Any] = dict.fromkeys(CLICK_COPY, "") | {"creative_id": None}


def status_of(draft: ConversionDraft, reason: Reason, offer: OfferFacts | None) -> str:
    if reason is not Reason.NONE:
        return reason.status
    if draft.status is not None:
        return draft.status
    return "pending" if offer is not None and offer.is_must_approve_conversion else "approved"


def values(
    draft: ConversionDraft,
    reason: Reason,
    click: ClickFacts | None,
    offer: OfferFacts | None,
    entry: EntryFacts | None,
    click_at: datetime | None,
    created_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """Every column of the conversion row (``idempotency_key`` is set by the caller)."""
    sale = draft.sale_amount if draft.sale_amount is not None else ZERO
    row: dict[str, Any] = {
        "conversion_id": new_hex_id(),
        "network_id": 1,
        "idempotency_key": None,
        "transaction_id": click.transaction_id if click is not None else None,
        "network_offer_id": offer.network_offer_id if offer is not None else (draft.offer_id or 0),
        "network_affiliate_id": (
            click.network_affiliate_id
            if click is not None and click.network_affiliate_id is not None
            else (draft.affiliate_id or 0)
        ),
        "network_advertiser_id": offer.network_advertiser_id if offer is not None else 0,
        "event_id": entry.event_id if entry is not None else (draft.event_id or 0),
        "network_offer_payout_revenue_id": (
            entry.network_offer_payout_revenue_id if entry is not None else 0
        ),
        "is_event": entry is not None and entry.event_id != 0,
        "status": status_of(draft, reason, offer),
        "original_status": draft.original_status,
        "error_code": int(reason),
        "error_message": reason.message,
        "source": draft.source,
        "created_at": created_at,
        "click_at": click_at,
        "updated_at": now,
        "sale_amount": sale,
        "currency_id": offer.currency_id if offer is not None else "USD",
        "order_id": draft.order_id,
        "coupon_code": draft.coupon_code or (click.coupon_code[:255] if click is not None else ""),
        "email": draft.email,
        "adv1": draft.adv1,
        "adv2": draft.adv2,
        "adv3": draft.adv3,
        "adv4": draft.adv4,
        "adv5": draft.adv5,
        "internal_notes": draft.internal_notes,
        "conversion_user_ip": draft.conversion_user_ip,
        "attributes": draft.attributes,
        "is_view_through": False,
    }
    if entry is not None:
        amounts = price(entry, sale, revenue_override=draft.revenue, payout_override=draft.payout)
        row["payout_type"] = amounts.payout_type
        row["payout"] = amounts.payout
        row["revenue_type"] = amounts.revenue_type
        row["revenue"] = amounts.revenue
    else:
        row["payout_type"] = ""
        row["revenue_type"] = ""
        row["payout"] = draft.payout if draft.payout is not None else ZERO
        row["revenue"] = draft.revenue if draft.revenue is not None else ZERO
    if click is not None:
        for name in CLICK_COPY:
            row[name] = getattr(click, name)
    else:
        row.update(_NO_CLICK)
    for name in ("country_code", "region_name", "city_name"):
        override = getattr(draft, name)
        if override is not None:
            row[name] = override
    return row


def transient(row: dict[str, Any]) -> Conversion:
    """``row``'s columns as attributes, for readers of a Conversion (answers, the outbox,
    macros), without an ORM instance: no instance state, no attribute events (cheaper
    than a detached instance, much cheaper than ``Conversion(**row)``). Read-only; it has no
    relationships and cannot be added to a session."""
    return cast(Conversion, SimpleNamespace(**row))
