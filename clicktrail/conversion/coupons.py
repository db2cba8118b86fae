"""Coupon code attribution (ADR 0104): who a conversion with a coupon code is credited to.

- No click and no affiliate named (an advertiser postback with ``coupon_code``, and ``oid``
  or not): the code's affiliate, on the code's offer, when the code is active, within its
  dates, has an affiliate and belongs to the offer named. Otherwise the conversion is
  refused as an invalid click (Everflow's code 13: nothing to attribute it to), with the
  coupon's problem kept in ``attributes["coupon_code_error"]``; a strict draft raises
  ``ValidationFailed`` naming ``coupon_code``.
- A click and a usable code of the click's offer that belongs to another affiliate: the
  advertiser's ``attribution_priority`` decides. ``click`` (the default) keeps the click;
  ``coupon_code`` credits the code's affiliate instead, with no click (the click's
  transaction id is kept in ``attributes["click_transaction_id"]``).
- An affiliate named by the caller (Everflow's manual conversions): the code is only kept.

The code is the draft's, else the one its click carried (``coupon_code`` / ``__cc`` on the
tracking link). The batch's codes are read with one query, and none when no draft or click
of the batch has a code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion.coupon_repository import CouponFacts, facts_by_keys
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.repository import ClickFacts, OfferFacts

Coupons = Mapping[str, CouponFacts]


def key_of(code: str) -> str:
    """Codes match whatever their case (they are unique that way)."""
    return code.strip().lower()


def _code(draft: ConversionDraft, click: ClickFacts | None) -> str:
    return draft.coupon_code or (click.coupon_code if click is not None else "")


async def load(
    session: AsyncSession, drafts: Sequence[ConversionDraft], clicks: Mapping[str, ClickFacts]
) -> dict[str, CouponFacts]:
    """The codes the batch's drafts and their clicks name (no query when none does)."""
    keys = {key_of(d.coupon_code) for d in drafts if d.coupon_code}
    keys |= {key_of(c.coupon_code) for c in clicks.values() if c.coupon_code}
    keys.discard("")
    return await facts_by_keys(session, keys)


def affiliates(coupons: Coupons) -> set[int]:
    return {c.network_affiliate_id for c in coupons.values() if c.network_affiliate_id}


def offer_of(draft: ConversionDraft, coupons: Coupons) -> int:
    """The offer of a draft that only a coupon code places (no click, no offer, no
    affiliate named); 0 for any other."""
    if draft.transaction_id or draft.offer_id is not None or draft.affiliate_id is not None:
        return 0
    coupon = coupons.get(key_of(draft.coupon_code)) if draft.coupon_code else None
    return coupon.network_offer_id if coupon is not None else 0


def capped_pairs(coupons: Coupons, offers: Mapping[int, OfferFacts]) -> set[tuple[int, int]]:
    """(offer, affiliate) of the codes whose offer counts caps: a conversion credited to a
    code is counted against its affiliate's caps."""
    return {
        (c.network_offer_id, c.network_affiliate_id)
        for c in coupons.values()
        if c.network_affiliate_id
        and (offer := offers.get(c.network_offer_id)) is not None
        and offer.is_caps_enabled
    }


def problem(coupon: CouponFacts | None, offer_id: int | None, at: datetime) -> str:
    """Why ``coupon`` cannot credit a conversion of ``offer_id`` at ``at`` ("" when it can)."""
    if coupon is None:
        return "unknown"
    if coupon.coupon_status != "active":
        return coupon.coupon_status
    if offer_id is not None and offer_id != coupon.network_offer_id:
        return "other_offer"
    if not coupon.network_affiliate_id:
        return "no_affiliate"
    day = at.date().isoformat()
    if coupon.start_date and day < coupon.start_date:
        return "not_started"
    if coupon.end_date and day > coupon.end_date:
        return "expired"
    return ""


MESSAGES = {
    "unknown": "is not a known coupon code",
    "paused": "is paused",
    "other_offer": "belongs to another offer",
    "no_affiliate": "has no affiliate",
    "not_started": "is not valid yet",
    "expired": "has expired",
}


class Attribution(NamedTuple):
    draft: ConversionDraft
    click: ClickFacts | None
    #: Why the draft's code cannot credit it ("" when it can, or when it need not).
    problem: str = ""


def attribute(
    draft: ConversionDraft, click: ClickFacts | None, coupons: Coupons, at: datetime
) -> Attribution:
    """The draft and click the rules go on with, once the coupon code had its say."""
    code = _code(draft, click)
    if not code:
        return Attribution(draft, click)
    coupon = coupons.get(key_of(code))
    if click is None:
        if draft.affiliate_id is not None or draft.transaction_id is not None:
            return Attribution(draft, None)
        why = problem(coupon, draft.offer_id, at)
        if why:
            attributes = {**(draft.attributes or {}), "coupon_code_error": why}
            return Attribution(replace(draft, attributes=attributes), None, why)
        assert coupon is not None
        credited = replace(
            draft, offer_id=coupon.network_offer_id, affiliate_id=coupon.network_affiliate_id
        )
        return Attribution(credited, None)
    if (
        coupon is None
        or coupon.attribution_priority != "coupon_code"
        or coupon.network_affiliate_id == click.network_affiliate_id
        or problem(coupon, click.network_offer_id, at)
    ):
        return Attribution(draft, click)
    credited = replace(
        draft,
        transaction_id=None,
        offer_id=coupon.network_offer_id,
        affiliate_id=coupon.network_affiliate_id,
        coupon_code=code,
        attributes={**(draft.attributes or {}), "click_transaction_id": click.transaction_id},
    )
    return Attribution(credited, None)
