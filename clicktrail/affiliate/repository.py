"""Queries on affiliates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.search import name_or_id
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate


async def add(session: AsyncSession, affiliate: Affiliate) -> Affiliate:
    session.add(affiliate)
    await session.flush()
    return affiliate


async def by_id(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    if not 1 <= affiliate_id <= MAX_INT32:
        return None
    return await session.get(Affiliate, affiliate_id)


async def page(session: AsyncSession, offset: int, limit: int) -> Sequence[Affiliate]:
    result = await session.scalars(
        select(Affiliate).order_by(Affiliate.network_affiliate_id).offset(offset).limit(limit)
    )
    return result.all()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Affiliate)) or 0)


async def search(
    session: AsyncSession, *, text: str, status: str | None, offset: int, limit: int
) -> tuple[Sequence[Affiliate], int]:
    """One page of the affiliates whose name or id matches ``text`` and whose status is
    ``status`` (any when None), newest first, and their count."""
    where: list[ColumnElement[bool]] = []
    term = name_or_id(Affiliate.network_affiliate_id, Affiliate.name, text)
    if term is not None:
        where.append(term)
    if status:
        where.append(Affiliate.account_status == status)
    total = await session.scalar(select(func.count()).select_from(Affiliate).where(*where))
    rows = await session.scalars(
        select(Affiliate)
        .where(*where)
        .order_by(Affiliate.network_affiliate_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def choices(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the first ``limit`` affiliates by name, for a form's select list."""
    rows = await session.execute(
        select(Affiliate.network_affiliate_id, Affiliate.name)
        .order_by(Affiliate.name, Affiliate.network_affiliate_id)
        .limit(limit)
    )
    return [(int(row[0]), str(row[1])) for row in rows]
