"""Queries on webhook endpoints and the webhook rows of the delivery outbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import (
    Advertiser,
    Affiliate,
    NetworkWebhook,
    Offer,
    OfferPayoutRevenue,
    PostbackAttempt,
    PostbackDelivery,
)

D = cast(Table, PostbackDelivery.__table__)


async def add(session: AsyncSession, webhook: NetworkWebhook) -> NetworkWebhook:
    session.add(webhook)
    await session.flush()
    return webhook


async def delete(session: AsyncSession, webhook: NetworkWebhook) -> None:
    await session.delete(webhook)
    await session.flush()


async def by_id(session: AsyncSession, webhook_id: int) -> NetworkWebhook | None:
    if not 1 <= webhook_id <= MAX_INT32:
        return None
    return await session.get(NetworkWebhook, webhook_id)


async def page(
    session: AsyncSession, offset: int, limit: int
) -> tuple[Sequence[NetworkWebhook], int]:
    total = await session.scalar(select(func.count()).select_from(NetworkWebhook))
    rows = await session.scalars(
        select(NetworkWebhook)
        .order_by(NetworkWebhook.network_webhook_id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def any_active(session: AsyncSession) -> bool:
    query = select(NetworkWebhook.network_webhook_id).where(
        NetworkWebhook.webhook_status == "active"
    )
    return (await session.scalar(query.limit(1))) is not None


async def active(session: AsyncSession) -> Sequence[NetworkWebhook]:
    query = (
        select(NetworkWebhook)
        .where(NetworkWebhook.webhook_status == "active")
        .order_by(NetworkWebhook.network_webhook_id)
    )
    return (await session.scalars(query)).all()


async def add_deliveries(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await session.execute(insert(D), list(rows))


async def cancel_unsent(session: AsyncSession, webhook_id: int, *, note: str, now: datetime) -> int:
    """Cancel the endpoint's deliveries not sent yet; returns how many."""
    statement = (
        update(D)
        .where(D.c.network_webhook_id == webhook_id, D.c.state.in_(["pending", "paused"]))
        .values(state="canceled", conversion_status_note=note, updated_at=now)
    )
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def deliveries_page(
    session: AsyncSession, webhook_id: int, offset: int, limit: int
) -> tuple[Sequence[PostbackDelivery], int]:
    """The endpoint's deliveries, newest first, and how many it has."""
    mine = PostbackDelivery.network_webhook_id == webhook_id
    total = await session.scalar(select(func.count()).select_from(PostbackDelivery).where(mine))
    rows = await session.scalars(
        select(PostbackDelivery)
        .where(mine)
        .order_by(PostbackDelivery.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def attempts_of(
    session: AsyncSession, delivery_ids: Sequence[int]
) -> dict[int, list[PostbackAttempt]]:
    """The attempts of these deliveries, each delivery's in order."""
    out: dict[int, list[PostbackAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return out
    query = (
        select(PostbackAttempt)
        .where(PostbackAttempt.delivery_id.in_(sorted(delivery_ids)))
        .order_by(PostbackAttempt.delivery_id, PostbackAttempt.attempt_no, PostbackAttempt.id)
    )
    for attempt in await session.scalars(query):
        out[attempt.delivery_id].append(attempt)
    return out


async def _names(
    session: AsyncSession, id_column: Any, name_column: Any, ids: Iterable[int]
) -> dict[int, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = await session.execute(select(id_column, name_column).where(id_column.in_(wanted)))
    return {int(key): str(name) for key, name in rows.all()}


async def offer_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    return await _names(session, Offer.network_offer_id, Offer.name, ids)


async def affiliate_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    return await _names(session, Affiliate.network_affiliate_id, Affiliate.name, ids)


async def advertiser_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    return await _names(session, Advertiser.network_advertiser_id, Advertiser.name, ids)


async def event_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    return await _names(
        session,
        OfferPayoutRevenue.network_offer_payout_revenue_id,
        OfferPayoutRevenue.entry_name,
        ids,
    )
