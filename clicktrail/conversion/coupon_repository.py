"""The conversion writer's coupon code query: the codes a batch names, in one statement.

It lives in the conversion domain, not in ``clicktrail.coupon``, because that package
reaches the tracking host (its affiliate links), which imports this one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.sqlin import in_list
from clicktrail.models import Advertiser, CouponCode, Offer


class CouponFacts(NamedTuple):
    """A coupon code as the conversion rules read it, with the attribution priority of the
    advertiser of its offer (``click`` or ``coupon_code``)."""

    coupon_code_key: str
    network_coupon_code_id: int
    network_offer_id: int
    network_affiliate_id: int
    coupon_status: str
    start_date: str
    end_date: str
    attribution_priority: str


_COUPON = cast(Table, CouponCode.__table__)
_OFFER = cast(Table, Offer.__table__)
_ADVERTISER = cast(Table, Advertiser.__table__)


def _facts_stmt(dialect: str) -> Any:
    return (
        select(
            *(_COUPON.c[name] for name in CouponFacts._fields[:-1]),
            func.coalesce(_ADVERTISER.c.attribution_priority, "click"),
        )
        .join(_OFFER, _OFFER.c.network_offer_id == _COUPON.c.network_offer_id)
        .outerjoin(
            _ADVERTISER, _ADVERTISER.c.network_advertiser_id == _OFFER.c.network_advertiser_id
        )
        .where(in_list(_COUPON.c.coupon_code_key, "ids", dialect))
    )


_FACTS = {d: _facts_stmt(d) for d in ("sqlite", "postgresql")}


async def facts_by_keys(session: AsyncSession, keys: Collection[str]) -> dict[str, CouponFacts]:
    """The coupon codes with these keys (codes in lower case): one statement, none when
    ``keys`` is empty."""
    if not keys:
        return {}
    dialect = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    result = await session.execute(_FACTS[dialect], {"ids": sorted(keys)})
    return {row[0]: CouponFacts(*row) for row in result}
