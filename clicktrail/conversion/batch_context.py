"""What a batch of conversion drafts is checked against, loaded with a few queries per
batch (the conversion service's first step), and how one draft's click and offer are
resolved from it. A draft that fails a check is refused: a strict draft raises the
client's error, a lenient one is stored with the refusal's reason (``reasons.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import coupons, repository, throttle, viewthrough, viewthrough_repository
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.reasons import Reason
from clicktrail.conversion.repository import ClickFacts, EntryFacts, OfferFacts
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.ids import is_hex_id
from clicktrail.models import Conversion


@dataclass(slots=True)
class BatchContext:
    clicks: dict[str, ClickFacts]
    offers: dict[int, OfferFacts]
    affiliates: set[int]
    tokens: dict[int, str]
    accepted: set[tuple[str, int]]
    by_key: dict[str, Conversion]
    #: The cache generation the offers were read at.
    generation: int
    #: Active conversion throttles of the batch's offers (usually none).
    throttles: throttle.Throttles = field(default_factory=dict)
    #: The coupon codes the batch names (usually none).
    codes: coupons.Coupons = field(default_factory=dict)
    #: Impressions standing in for clicks (view-through, ADR 0103; usually none).
    views: viewthrough.Views = field(default_factory=viewthrough.Views)


def order_key(offer: OfferFacts, order_id: str) -> str:
    return f"order:{offer.network_offer_id}:{order_id}"


async def load_context(session: AsyncSession, drafts: Sequence[ConversionDraft]) -> BatchContext:
    tids = {d.transaction_id for d in drafts if d.transaction_id and is_hex_id(d.transaction_id)}
    clicks = await repository.click_facts(session, tids)
    codes = await coupons.load(session, drafts, clicks)
    # A transaction id that names no click may name an impression (view-through).
    seen = await viewthrough_repository.by_ids(session, tids - clicks.keys())
    offer_ids = {d.offer_id for d in drafts if d.offer_id is not None}
    offer_ids |= {c.network_offer_id for c in codes.values()}
    offer_ids |= {c.network_offer_id for c in clicks.values() if c.network_offer_id is not None}
    offer_ids |= {f.network_offer_id for f in seen.values() if f.network_offer_id is not None}
    offers, tokens, throttled, generation = await repository.offers_and_tokens(session, offer_ids)
    views = await viewthrough.load(session, viewthrough.wanted_pairs(drafts), seen, offers, clicks)
    affiliate_ids = {
        d.affiliate_id for d in drafts if d.transaction_id is None and d.affiliate_id is not None
    }
    affiliates = await repository.existing_affiliate_ids(
        session, affiliate_ids | coupons.affiliates(codes)
    )
    # A click that never had an accepted conversion cannot make a duplicate: only the
    # clicks flagged ``has_conversion`` (set with every accepted one) are looked up, and
    # the impressions standing in for clicks (they carry no flag).
    accepted = await repository.accepted_click_events(
        session,
        {tid for tid, click in clicks.items() if click.has_conversion} | views.ids,
    )
    keys = {d.idempotency_key for d in drafts if d.idempotency_key}
    keys |= {
        order_key(offers[d.offer_id], d.order_id)
        for d in drafts
        if d.order_id and d.offer_id in offers and offers[d.offer_id].is_order_id_deduplicated
    }
    keys |= {
        order_key(offers[c.network_offer_id], d.order_id)
        for d in drafts
        if d.order_id
        and d.transaction_id
        and (c := clicks.get(d.transaction_id)) is not None
        and c.network_offer_id in offers
        and offers[c.network_offer_id].is_order_id_deduplicated
    }
    keys |= {
        order_key(offers[o], d.order_id)
        for d in drafts
        if d.order_id
        and (o := coupons.offer_of(d, codes)) in offers
        and offers[o].is_order_id_deduplicated
    }
    by_key = await repository.by_idempotency_keys(session, keys)
    throttles = await repository.active_throttles(session, throttled)
    return BatchContext(
        clicks, offers, affiliates, tokens, accepted, by_key, generation, throttles, codes, views
    )


def entry_for(offer: OfferFacts, draft: ConversionDraft) -> EntryFacts | None:
    entries = offer.payout_revenue
    if draft.entry_id is not None:
        return next(
            (e for e in entries if e.network_offer_payout_revenue_id == draft.entry_id), None
        )
    if draft.event_id is not None:
        return next((e for e in entries if e.event_id == draft.event_id), None)
    if draft.event_alias:
        return next((e for e in entries if e.event_alias == draft.event_alias), None)
    return offer.default_entry() or next((e for e in entries if e.event_id == 0), None)


class Refusal(Exception):
    def __init__(self, reason: Reason) -> None:
        self.reason = reason


def refuse(draft: ConversionDraft, reason: Reason, error: Exception) -> None:
    """A strict draft raises ``error``; a lenient one stores the refusal."""
    if draft.strict:
        raise error
    raise Refusal(reason)


def resolve_click(draft: ConversionDraft, ctx: BatchContext) -> ClickFacts | None:
    tid = draft.transaction_id
    if tid is None:
        if not draft.view_through:
            return None
        pair = (draft.offer_id or 0, draft.affiliate_id or 0)
        impression = ctx.views.by_pair.get(pair)
        if impression is None:
            refuse(
                draft,
                Reason.INVALID_CLICK,
                NotFound("no impression of this offer by this affiliate", field="affiliate_id"),
            )
        return impression
    if not is_hex_id(tid):
        refuse(
            draft,
            Reason.INVALID_TRANSACTION_ID,
            ValidationFailed("transaction_id is not a transaction id", field="transaction_id"),
        )
    click = ctx.clicks.get(tid)
    if click is None or click.network_offer_id is None or click.network_affiliate_id is None:
        refuse(
            draft,
            Reason.INVALID_CLICK,
            NotFound(f"click {tid} not found", field="transaction_id"),
        )
    return click


def resolve_offer(
    draft: ConversionDraft, click: ClickFacts | None, ctx: BatchContext
) -> OfferFacts:
    if click is not None:
        if draft.offer_id is not None and draft.offer_id != click.network_offer_id:
            refuse(
                draft,
                Reason.OFFER_NOT_MATCHING,
                ValidationFailed("offer_id does not match the click's offer", field="offer_id"),
            )
        offer_id = click.network_offer_id
    else:
        offer_id = draft.offer_id
        if offer_id is None:
            refuse(
                draft,
                Reason.INVALID_OFFER,
                ValidationFailed("offer_id or transaction_id is required", field="offer_id"),
            )
    offer = ctx.offers.get(offer_id) if offer_id is not None else None
    if offer is None:
        refuse(draft, Reason.INVALID_OFFER, NotFound("offer not found", field="offer_id"))
    assert offer is not None
    return offer
