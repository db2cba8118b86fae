"""Queries on advertisers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.search import name_or_id
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Advertiser


async def add(session: AsyncSession, advertiser: Advertiser) -> Advertiser:
    session.add(advertiser)
    await session.flush()
    return advertiser


async def by_id(session: AsyncSession, advertiser_id: int) -> Advertiser | None:
    if not 1 <= advertiser_id <= MAX_INT32:
        return None
    return await session.get(Advertiser, advertiser_id)


async def page(session: AsyncSession, offset: int, limit: int) -> Sequence[Advertiser]:
    result = await session.scalars(
        select(Advertiser).order_by(Advertiser.network_advertiser_id).offset(offset).limit(limit)
    )
    return result.all()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Advertiser)) or 0)


async def search(
    session: AsyncSession, *, text: str, status: str | None, offset: int, limit: int
) -> tuple[Sequence[Advertiser], int]:
    """One page of the advertisers whose name or id matches ``text`` and whose status is
    ``status`` (any when None), newest first, and their count."""
    where: list[ColumnElement[bool]] = []
    term = name_or_id(Advertiser.network_advertiser_id, Advertiser.name, text)
    if term is not None:
        where.append(term)
    if status:
        where.append(Advertiser.account_status == status)
    total = await session.scalar(select(func.count()).select_from(Advertiser).where(*where))
    rows = await session.scalars(
        select(Advertiser)
        .where(*where)
        .order_by(Advertiser.network_advertiser_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def choices(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the first ``limit`` advertisers by name, for a form's select list."""
    rows = await session.execute(
        select(Advertiser.network_advertiser_id, Advertiser.name)
        .order_by(Advertiser.name, Advertiser.network_advertiser_id)
        .limit(limit)
    )
    return [(int(row[0]), str(row[1])) for row in rows]
