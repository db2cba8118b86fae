"""Every query on coupon codes of the coupon API (the conversion writer's batch lookup is
in clicktrail/conversion/coupon_repository.py: conversion must not import this package)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, CouponCode, Offer


async def add(session: AsyncSession, coupons: Sequence[CouponCode]) -> None:
    session.add_all(coupons)
    await session.flush()


async def delete(session: AsyncSession, coupon: CouponCode) -> None:
    await session.delete(coupon)
    await session.flush()


async def by_id(session: AsyncSession, coupon_id: int) -> CouponCode | None:
    if not 1 <= coupon_id <= MAX_INT32:
        return None
    return await session.get(CouponCode, coupon_id)


async def ids_by_keys(session: AsyncSession, keys: Collection[str]) -> dict[str, int]:
    """coupon_code_key -> network_coupon_code_id for the keys already taken."""
    if not keys:
        return {}
    rows = await session.execute(
        select(CouponCode.coupon_code_key, CouponCode.network_coupon_code_id).where(
            CouponCode.coupon_code_key.in_(sorted(set(keys)))
        )
    )
    return {str(key): int(coupon_id) for key, coupon_id in rows.all()}


def _where(filters: Mapping[str, Any]) -> list[Any]:
    where: list[Any] = []
    for name, value in filters.items():
        if name == "coupon_code":
            where.append(CouponCode.coupon_code_key == str(value).lower())
        else:
            where.append(getattr(CouponCode, name) == value)
    return where


async def page(
    session: AsyncSession, filters: Mapping[str, Any], offset: int, limit: int
) -> tuple[Sequence[CouponCode], int]:
    where = _where(filters)
    total = await session.scalar(select(func.count()).select_from(CouponCode).where(*where))
    rows = await session.scalars(
        select(CouponCode)
        .where(*where)
        .order_by(CouponCode.network_coupon_code_id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def of_affiliate(
    session: AsyncSession, affiliate_id: int, *, status: str = "active", limit: int = 1000
) -> Sequence[CouponCode]:
    rows = await session.scalars(
        select(CouponCode)
        .where(CouponCode.network_affiliate_id == affiliate_id, CouponCode.coupon_status == status)
        .order_by(CouponCode.network_coupon_code_id)
        .limit(limit)
    )
    return rows.all()


async def missing_ids(session: AsyncSession, kind: str, ids: Collection[int]) -> list[int]:
    """The ids among ``ids`` that name no offer / affiliate (``kind``)."""
    if not ids:
        return []
    column = {
        "offer": Offer.network_offer_id,
        "affiliate": Affiliate.network_affiliate_id,
    }[kind]
    found = set((await session.scalars(select(column).where(column.in_(sorted(set(ids)))))).all())
    return sorted(set(ids) - found)
