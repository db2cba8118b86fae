"""Queries of view-through attribution (ADR 0103): impressions as the conversion rules read
clicks (:class:`~clicktrail.conversion.repository.ClickFacts`, the impression id in
``transaction_id``, ``has_conversion`` always false)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import Table, false, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion.repository import ClickFacts
from clicktrail.models import Impression

_TABLE = cast(Table, Impression.__table__)


def _facts() -> Any:
    columns: list[Any] = []
    for name in ClickFacts._fields:
        if name == "transaction_id":
            columns.append(_TABLE.c.impression_id)
        elif name == "has_conversion":
            columns.append(false().label("has_conversion"))
        elif name not in _TABLE.c:  # what only a click carries (its coupon code)
            columns.append(literal("").label(name))
        else:
            columns.append(_TABLE.c[name])
    return select(*columns)


_FACTS = _facts()


async def by_ids(session: AsyncSession, ids: Collection[str]) -> dict[str, ClickFacts]:
    """The impressions with these ids (a postback whose transaction id names no click)."""
    if not ids:
        return {}
    result = await session.execute(_FACTS.where(_TABLE.c.impression_id.in_(sorted(ids))))
    return {row[0]: ClickFacts(*row) for row in result}


async def latest(
    session: AsyncSession, pairs: Collection[tuple[int, int]]
) -> dict[tuple[int, int], ClickFacts]:
    """The latest impression of each (offer, affiliate): one backward index probe each
    (``ix_impression_offer_affiliate``); view-through postbacks are few."""
    found: dict[tuple[int, int], ClickFacts] = {}
    for offer_id, affiliate_id in sorted(pairs):
        stmt = (
            _FACTS.where(
                _TABLE.c.network_offer_id == offer_id,
                _TABLE.c.network_affiliate_id == affiliate_id,
            )
            .order_by(_TABLE.c.created_at.desc())
            .limit(1)
        )
        row = (await session.execute(stmt)).first()
        if row is not None:
            found[(offer_id, affiliate_id)] = ClickFacts(*row)
    return found
