"""Helpers shared by the tracking and click tests: a ready offer/affiliate pair, stored clicks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.models import Affiliate, Click, Network, Offer
from clicktrail.tracking.cache import TrackingCache
from tests.fixtures.factories import make_affiliate, make_offer

DESTINATION = (
    "https://advertiser.example/landing?tid={transaction_id}&o={offer_id}&a={affiliate_id}"
    "&s1={sub1}&s2={sub2}&src={source_id}&cr={creative_id}&cc={coupon_code}&x={nope}"
)


@dataclass
class Pair:
    offer: Offer
    affiliate: Affiliate

    @property
    def oid(self) -> int:
        return self.offer.network_offer_id

    @property
    def affid(self) -> int:
        return self.affiliate.network_affiliate_id


def cache_of(app: ClicktrailApp) -> TrackingCache:
    cache = app.state.components["tracking_cache"]
    assert isinstance(cache, TrackingCache)
    return cache


async def make_pair(app: ClicktrailApp, **offer_fields: Any) -> Pair:
    db = app.state.db
    offer_fields.setdefault("destination_url", DESTINATION)
    offer = await make_offer(db, **offer_fields)
    affiliate = await make_affiliate(db)
    await cache_of(app).reload()
    return Pair(offer, affiliate)


async def set_fallback(app: ClicktrailApp, url: str | None) -> None:
    async with app.state.db.write() as session:
        await session.execute(update(Network).values(fallback_url=url))
    await cache_of(app).reload()


async def clicks(db: Database) -> list[Click]:
    async with db.read() as session:
        result = await session.execute(select(Click).order_by(Click.created_at))
        return list(result.scalars())


async def click(db: Database, transaction_id: str) -> Click:
    async with db.read() as session:
        found = await session.get(Click, transaction_id)
    assert found is not None, f"click {transaction_id} not stored"
    return found


def query_of(location: str) -> dict[str, str]:
    """The query parameters of a redirect target (first values; blanks kept)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}
