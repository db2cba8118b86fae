"""Shared by the caps tests: offers with caps, drafts, stored rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record_many
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Affiliate, Click, Conversion, CustomCapSetting, Network, Offer
from tests.fixtures.factories import make_click


async def set_caps(db: Database, offer: Offer, **caps: Any) -> None:
    async with db.write() as session:
        await session.execute(
            update(Offer)
            .where(Offer.network_offer_id == offer.network_offer_id)
            .values(is_caps_enabled=True, **caps)
        )


async def add_custom(db: Database, offer: Offer, affiliate: Affiliate, **fields: Any) -> int:
    now = utcnow()
    async with db.write() as session:
        row = CustomCapSetting(
            network_offer_id=offer.network_offer_id,
            network_affiliate_id=affiliate.network_affiliate_id,
            time_created=now,
            time_saved=now,
            **fields,
        )
        session.add(row)
        await session.flush()
        return row.network_custom_cap_setting_id


async def set_timezone(db: Database, timezone_id: int) -> None:
    async with db.write() as session:
        await session.execute(update(Network).values(timezone_id=timezone_id))


async def postbacks(db: Database, offer: Offer, affiliate: Affiliate, n: int) -> list[Conversion]:
    """``n`` advertiser-postback conversions, each on its own click, in one batch."""
    clicks: list[Click] = [await make_click(db, offer, affiliate) for _ in range(n)]
    drafts = [
        ConversionDraft(source="postback", transaction_id=c.transaction_id, strict=False)
        for c in clicks
    ]
    async with db.write() as session:
        recorded = await record_many(session, drafts)
    return [r.conversion for r in recorded]


async def stored(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion).order_by(Conversion.created_at)))
