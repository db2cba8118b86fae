"""Conversions a network creates by hand (Everflow's "Create Conversions" endpoints), mapped
onto the conversion service. Both are all-or-nothing: an unknown offer, affiliate, event or
click is an error and nothing is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion.draft import ConversionDraft, Source
from clicktrail.conversion.schemas import (
    ManualConversionsIn,
    TransactionConversionsIn,
    _CreateBase,
)
from clicktrail.conversion.service import Recorded, record_many
from clicktrail.errors import ValidationFailed
from clicktrail.kit.timeutil import BOUNDS_TEXT, parse_local_datetime, utcnow
from clicktrail.meta.timezones import zone_for


def created_at(body: _CreateBase) -> datetime | None:
    """``None`` for is_now; else ``date`` (YYYY-MM-DD HH:mm:ss) read in ``timezone_id``."""
    if body.is_now:
        return None
    if not body.date:
        raise ValidationFailed("date is required when is_now is false", field="date")
    try:
        moment = parse_local_datetime(body.date.strip(), zone_for(body.timezone_id))
    except ValueError as exc:
        if str(exc) == BOUNDS_TEXT:
            raise ValidationFailed(f"date {BOUNDS_TEXT}", field="date") from exc
        raise ValidationFailed("date must be YYYY-MM-DD HH:mm:ss", field="date") from exc
    if moment > utcnow():
        raise ValidationFailed("date may not be in the future", field="date")
    return moment


def _draft(body: _CreateBase, source: Source) -> ConversionDraft:
    return ConversionDraft(
        source=source,
        offer_id=body.offer_id,
        event_id=body.event_id,
        sale_amount=body.sale_amount,
        revenue=body.revenue_override(),
        payout=body.payout_override(),
        created_at=created_at(body),
        order_id=body.order_id,
        coupon_code=body.coupon_code,
        email=body.email,
        adv1=body.adv1,
        adv2=body.adv2,
        adv3=body.adv3,
        adv4=body.adv4,
        adv5=body.adv5,
        internal_notes=body.internal_notes,
    )


async def create_without_clicks(session: AsyncSession, body: ManualConversionsIn) -> list[Recorded]:
    draft = replace(_draft(body, "api"), affiliate_id=body.affiliate_id)
    return await record_many(session, [draft] * body.number_of_conversions)


async def create_for_clicks(
    session: AsyncSession, body: TransactionConversionsIn
) -> list[Recorded]:
    base = _draft(body, "api_transaction")
    unique = list(dict.fromkeys(t.lower() for t in body.transaction_ids))
    return await record_many(session, [replace(base, transaction_id=t) for t in unique])
