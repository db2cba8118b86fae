"""Traffic for the console page tests: clicks and conversions of today, written through the
ORM and recorded through the ReportStore, as the API's paths do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Click, Conversion
from clicktrail.report.store import store
from tests.fixtures.factories import make_affiliate, make_offer


@dataclass
class Traffic:
    offer_id: int
    other_offer_id: int
    affiliate_id: int
    now: datetime
    clicks: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


async def seed(db: Database) -> Traffic:
    """Today: 4 clicks on "Shoes" and 2 on "Hats" by "Mine"; one approved conversion on
    Shoes (payout 5, revenue 8) and one pending on Hats (payout 2, revenue 3)."""
    shoes = await make_offer(db, name="Shoes")
    hats = await make_offer(db, name="Hats")
    mine = await make_affiliate(db, name="Mine")
    now = utcnow().replace(microsecond=0)
    traffic = Traffic(shoes.network_offer_id, hats.network_offer_id, mine.network_affiliate_id, now)
    rows: list[dict[str, Any]] = []
    for n, offer in enumerate([shoes] * 4 + [hats] * 2):
        rows.append(
            {
                "transaction_id": new_hex_id(),
                "created_at": now - timedelta(seconds=n + 1),
                "network_offer_id": offer.network_offer_id,
                "network_affiliate_id": mine.network_affiliate_id,
                "network_advertiser_id": offer.network_advertiser_id,
                "is_unique": True,
                "country_code": "US",
                "sub1": "fb" if n % 2 == 0 else "",
            }
        )
    traffic.clicks = [r["transaction_id"] for r in rows]
    conversions = []
    for click, status, payout, revenue in (
        (rows[0], "approved", "5", "8"),
        (rows[4], "pending", "2", "3"),
    ):
        conversions.append(
            Conversion(
                conversion_id=new_hex_id(),
                transaction_id=click["transaction_id"],
                network_offer_id=click["network_offer_id"],
                network_affiliate_id=click["network_affiliate_id"],
                network_advertiser_id=click["network_advertiser_id"],
                status=status,
                created_at=now,
                updated_at=now,
                payout=Decimal(payout),
                revenue=Decimal(revenue),
                country_code="US",
            )
        )
    traffic.approved = [conversions[0].conversion_id]
    traffic.pending = [conversions[1].conversion_id]
    async with db.write() as session:
        session.add_all([Click(**r) for r in rows])
        session.add_all(conversions)
        await session.flush()
        await store().record_clicks(session, rows)
        await store().record_conversions(session, conversions, +1)
    return traffic
