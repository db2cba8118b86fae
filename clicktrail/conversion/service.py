"""The conversion service: every path that records a conversion goes through here.

Public API (other domains call these; each takes the caller's session and never commits):

* ``record_conversion(session, draft) -> Conversion`` records one conversion.
* ``record(session, draft) -> Recorded``: the same, also saying whether it was a replay
  (an idempotency key that already had a conversion: the stored one comes back).
* ``record_many(session, drafts) -> list[Recorded]``: a batch in one transaction (the
  advertiser-postback group-commit writer); same rules, a few queries per batch.
* ``change_status(session, conversion_ids, status, *, note="")``: approve or reject (it lives
  in ``adjust.py`` with the other changes of a recorded conversion and their history).

In the caller's transaction each new conversion is inserted together with its rollup
(``report.store``: ``store().record_conversions``) and its outbound postback deliveries
(``postback.outbox.enqueue_for_conversions``) and webhook deliveries
(``webhook.outbox.enqueue_for_conversions``), and its click gets ``has_conversion``. So a
committed conversion always has its reports, postbacks and webhooks, and a failed one has
none.
Each of those steps is one or two statements per batch, never one per conversion.

Refusals are stored, never dropped: see ``reasons.py`` for the codes and statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps.counting import ConversionCaps
from clicktrail.conversion import (
    coupons,
    repository,
    rows,
    throttle,
    viewthrough,
)
from clicktrail.conversion.adjust import change_status
from clicktrail.conversion.batch_context import (
    BatchContext,
    Refusal,
    entry_for,
    load_context,
    order_key,
    refuse,
    resolve_click,
    resolve_offer,
)
from clicktrail.conversion.capped import capped_pairs
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.pricing import effective_entry
from clicktrail.conversion.reasons import Reason
from clicktrail.conversion.repository import ClickFacts, EntryFacts, OfferFacts
from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.money import ZERO, check_money
from clicktrail.kit.timeutil import BOUNDS_TEXT, EARLIEST, LATEST, utcnow
from clicktrail.models import Conversion
from clicktrail.postback import outbox
from clicktrail.report.store import store
from clicktrail.webhook import outbox as webhook_outbox

__all__ = [
    "ConversionDraft",
    "Recorded",
    "change_status",
    "record",
    "record_conversion",
    "record_many",
]


@dataclass(slots=True)
class Recorded:
    conversion: Conversion
    #: True when an idempotency key matched: ``conversion`` is the one stored before.
    replayed: bool = False


async def record_conversion(session: AsyncSession, draft: ConversionDraft) -> Conversion:
    """Record one conversion in the caller's transaction and return it.

    Resolves the click (``draft.transaction_id``) or the offer and affiliate, applies the
    offer's rules (inactive offer, verification token, event, click-to-conversion window,
    duplicates, throttles), prices it from the offer's payout_revenue entry for the event (or
    the custom payout/revenue setting that wins for the affiliate at the conversion's time), and
    inserts it with its rollup and postback deliveries. A refusal comes back as a stored
    conversion with status ``rejected``/``invalid`` and ``error_code``; only unknown references
    in a strict draft raise (``NotFound`` / ``ValidationFailed`` naming the field), before
    anything is written. A replayed idempotency key returns the stored conversion.
    """
    return (await record(session, draft)).conversion


async def record(session: AsyncSession, draft: ConversionDraft) -> Recorded:
    """``record_conversion`` that also says whether the idempotency key was replayed."""
    return (await record_many(session, [draft]))[0]


def _check_amounts(draft: ConversionDraft) -> None:
    for name in ("sale_amount", "revenue", "payout"):
        value: Decimal | None = getattr(draft, name)
        if value is None:
            continue
        try:
            check_money(value)
        except ValueError as exc:
            raise ValidationFailed(f"{name} {exc}", field=name) from None
    if draft.created_at is not None and draft.created_at.tzinfo is None:
        raise ValueError("ConversionDraft.created_at must be timezone-aware")
    if draft.created_at is not None and not EARLIEST <= draft.created_at < LATEST:
        raise ValidationFailed(f"created_at {BOUNDS_TEXT}", field="created_at")


#: Refusals of a postback whose transaction id names no click (capped per sender).
UNKNOWN_CLICK = frozenset({Reason.INVALID_TRANSACTION_ID, Reason.INVALID_CLICK})


@dataclass(slots=True)
class _Batch:
    ctx: BatchContext
    now: datetime
    bulk: bool
    new: list[Conversion] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Transaction id -> created_at of the clicks this batch converts.
    converted: dict[str, datetime] = field(default_factory=dict)
    #: The batch's caps, when one of its offers has caps enabled (else None: no cost).
    caps: ConversionCaps | None = None


def _build(draft: ConversionDraft, batch: _Batch) -> Recorded:
    ctx = batch.ctx
    if draft.idempotency_key and draft.idempotency_key in ctx.by_key:
        return _replay(draft, ctx.by_key[draft.idempotency_key], "idempotency key")
    created_at = draft.created_at or batch.now
    click: ClickFacts | None = None
    offer: OfferFacts | None = None
    entry: EntryFacts | None = None
    reason = Reason.NONE
    try:
        if draft.network_id != 1:
            refuse(draft, Reason.INVALID_NETWORK, ValidationFailed("unknown network", field="nid"))
        click = resolve_click(draft, ctx)
        if ctx.codes or draft.coupon_code:
            draft, click, why = coupons.attribute(draft, click, ctx.codes, created_at)
            if why:
                error = f"coupon_code {draft.coupon_code!r} {coupons.MESSAGES[why]}"
                refuse(draft, Reason.INVALID_CLICK, ValidationFailed(error, field="coupon_code"))
        offer = resolve_offer(draft, click, ctx)
        if click is None:
            affiliate_id = draft.affiliate_id
            if affiliate_id is None or affiliate_id not in ctx.affiliates:
                refuse(
                    draft,
                    Reason.INVALID_CLICK,
                    NotFound("affiliate not found", field="affiliate_id"),
                )
        entry = entry_for(offer, draft)
        if entry is None:
            field = "event_id" if draft.event_id is not None or not draft.event_alias else "alias"
            field = "entry_id" if draft.entry_id is not None else field
            refuse(
                draft,
                Reason.UNMATCHING_EVENT,
                NotFound("the offer has no such event", field=field),
            )
    except Refusal as refusal:
        reason = refusal.reason

    key = draft.idempotency_key
    if key is None and offer is not None and offer.is_order_id_deduplicated and draft.order_id:
        key = order_key(offer, draft.order_id)
    if key is not None and key in ctx.by_key:
        return _replay(
            draft,
            ctx.by_key[key],
            "order_id" if draft.idempotency_key is None else "idempotency key",
        )

    click_at = draft.click_at or (click.created_at if click is not None else None)
    if reason is Reason.NONE and offer is not None and entry is not None:
        reason = _rules(draft, offer, entry, click, click_at, created_at, ctx)
    view = click is not None and click.transaction_id in ctx.views.ids
    if (
        view
        and reason is Reason.NONE
        and offer is not None
        and click is not None
        and viewthrough.beyond_lookback(offer, click, created_at)
    ):
        reason = Reason.ABOVE_LOOKBACK_WINDOW

    if offer is not None and entry is not None and offer.custom:
        affiliate_id = click.network_affiliate_id if click is not None else draft.affiliate_id
        entry = effective_entry(entry, offer.custom, affiliate_id, created_at)
    values = rows.values(draft, reason, click, offer, entry, click_at, created_at, batch.now)
    values["idempotency_key"] = key
    values["is_view_through"] = view
    if (
        reason is Reason.NONE
        and batch.caps is not None
        and offer is not None
        and offer.is_caps_enabled
        and values["status"] != "rejected"
        and not batch.caps.admit(
            offer.network_offer_id,
            values["network_affiliate_id"],
            values["payout"],
            values["revenue"],
        )
    ):
        reason = Reason.OVER_CAPS
        values["status"] = reason.status
        values["error_code"] = int(reason)
        values["error_message"] = reason.message
    if reason in UNKNOWN_CLICK and not draft.store_unknown_click:
        return Recorded(rows.transient(values))  # answered, never stored
    batch.rows.append(values)
    conversion = rows.transient(values) if batch.bulk else Conversion(**values)
    if key is not None:
        ctx.by_key[key] = conversion
    if click is not None and reason is Reason.NONE:
        ctx.accepted.add((click.transaction_id, conversion.event_id))
        batch.converted[click.transaction_id] = click.created_at
    batch.new.append(conversion)
    return Recorded(conversion)


def _replay(draft: ConversionDraft, stored: Conversion, key: str) -> Recorded:
    """The stored conversion for a replayed key, if the replay names the same money (a
    money field it leaves out is not compared; a missing sale amount is 0); else Conflict,
    as Stripe answers a reused idempotency key with other parameters (ADR 0062)."""
    sent = (
        ("sale_amount", draft.sale_amount if draft.sale_amount is not None else ZERO),
        ("revenue", draft.revenue),
        ("payout", draft.payout),
    )
    for name, value in sent:
        if value is not None and value != getattr(stored, name):
            raise Conflict(
                f"{name} differs from the conversion first recorded with this {key}",
                field=name,
            )
    return Recorded(stored, replayed=True)


def _rules(
    draft: ConversionDraft,
    offer: OfferFacts,
    entry: EntryFacts,
    click: ClickFacts | None,
    click_at: datetime | None,
    created_at: datetime,
    ctx: BatchContext,
) -> Reason:
    if offer.offer_status != "active":
        return Reason.INACTIVE_OFFER
    if draft.verification_token is not None:
        expected = offer.verification_token or ctx.tokens.get(offer.network_advertiser_id, "")
        if expected and draft.verification_token != expected:
            return Reason.INVALID_VERIFICATION_TOKEN
    if click_at is not None:
        elapsed = (created_at - click_at).total_seconds()
        low, high = offer.min_click_to_conversion_seconds, offer.max_click_to_conversion_seconds
        if low and elapsed < low:
            return Reason.BELOW_LOOKBACK_WINDOW
        if high and elapsed > high:
            return Reason.ABOVE_LOOKBACK_WINDOW
    if (
        click is not None
        and not offer.is_allow_duplicate_conversion
        and (click.transaction_id, entry.event_id) in ctx.accepted
    ):
        return Reason.DUPLICATE
    if ctx.throttles and throttle.throttled(draft, offer, entry, click, ctx.throttles):
        return Reason.THROTTLED
    return Reason.NONE


async def _insert(session: AsyncSession, batch: _Batch) -> None:
    if batch.bulk:
        await repository.insert_rows(session, batch.rows)
    else:
        await repository.add_all(session, batch.new)


async def record_many(
    session: AsyncSession,
    drafts: Sequence[ConversionDraft],
    *,
    bulk: bool = False,
    _retry: bool = True,
) -> list[Recorded]:
    """Record a batch of conversions in the caller's transaction, in order.

    Later drafts see earlier ones (a duplicate or a replayed key within the batch is
    handled as if they had come one by one). A strict draft that raises aborts the batch
    before anything is written.

    ``bulk`` (the group-commit writer) inserts the rows with one Core executemany instead
    of through the session's unit of work; the returned conversions are then transient
    (readable, not attached to the session).
    """
    for draft in drafts:
        _check_amounts(draft)
    ctx = await load_context(session, drafts)
    batch = _Batch(ctx=ctx, now=utcnow(), bulk=bulk)
    pairs = capped_pairs(drafts, ctx.clicks, ctx.offers)
    if ctx.codes:
        pairs |= coupons.capped_pairs(ctx.codes, ctx.offers)
    if pairs:
        batch.caps = await ConversionCaps.load(session, pairs, batch.now, ctx.generation)
    results = [_build(draft, batch) for draft in drafts]
    if batch.new:
        try:
            if any(row["idempotency_key"] for row in batch.rows):
                async with session.begin_nested():
                    await _insert(session, batch)
            else:  # only an idempotency key can collide: no savepoint needed
                await _insert(session, batch)
        except IntegrityError:
            # A concurrent transaction committed one of these idempotency keys first (the
            # unique index waited for it): decide again, now seeing its conversion.
            if not _retry:
                raise
            return await record_many(session, drafts, bulk=bulk, _retry=False)
        await repository.mark_clicks_converted(session, batch.converted)
        if batch.caps is not None:
            await batch.caps.save(session)
        await store().record_conversion_rows(session, batch.rows, +1)
        await outbox.enqueue_for_conversions(session, batch.new)
        await webhook_outbox.enqueue_for_conversions(session, batch.new)
    return results
