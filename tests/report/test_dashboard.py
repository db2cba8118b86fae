"""The dashboard figures: local-day periods, the daily series, top lists and the two views.

Clicks and conversions are written through the ORM and the rollup contract at known
moments around a fixed ``now``; the expected figures are counted here from those moments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Click, Conversion
from clicktrail.report import rollup
from clicktrail.report.dashboard import SERIES_DAYS, dashboard
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer

TZ = "America/New_York"
ZONE = ZoneInfo(TZ)
#: 10:30 in New York on 2026-06-15 (EDT, UTC-4).
NOW = datetime(2026, 6, 15, 14, 30, tzinfo=UTC)
TODAY = date(2026, 6, 15)


@dataclass
class World:
    offers: list[int]
    affiliates: list[int]
    advertisers: list[int]
    clicks: list[dict[str, Any]]
    conversions: list[Conversion]


async def _seed(db: Database) -> World:
    advertisers = [await make_advertiser(db, name=f"Adv {i}") for i in range(2)]
    offers = [
        await make_offer(db, advertiser_id=advertisers[i].network_advertiser_id, name=f"Offer {i}")
        for i in range(2)
    ]
    partners = [await make_affiliate(db, name=f"Partner {i}") for i in range(2)]
    # (UTC moment, offer index, affiliate index, clicks)
    plan = [
        (NOW - timedelta(hours=1), 0, 0, 4),  # today
        (datetime(2026, 6, 15, 3, 0, tzinfo=UTC), 1, 0, 2),  # 23:00 on the 14th in New York
        (NOW - timedelta(days=1), 1, 1, 3),  # yesterday
        (NOW - timedelta(days=5), 0, 1, 5),  # in the last 7 days
        (NOW - timedelta(days=20), 1, 0, 6),  # in the last 30 days only
        (NOW - timedelta(days=40), 0, 0, 7),  # outside every period
    ]
    clicks: list[dict[str, Any]] = []
    for moment, offer, partner, count in plan:
        for n in range(count):
            clicks.append(
                {
                    "transaction_id": new_hex_id(),
                    "created_at": moment + timedelta(seconds=n),
                    "network_offer_id": offers[offer].network_offer_id,
                    "network_affiliate_id": partners[partner].network_affiliate_id,
                    "network_advertiser_id": offers[offer].network_advertiser_id,
                    "is_unique": n % 2 == 0,
                }
            )
    # (UTC moment, offer, affiliate, status, payout, revenue)
    made = [
        (NOW - timedelta(minutes=30), 0, 0, "approved", "5", "8"),
        (NOW - timedelta(minutes=20), 0, 0, "approved", "5", "8"),
        (NOW - timedelta(minutes=10), 0, 0, "pending", "5", "8"),
        (NOW - timedelta(days=1), 1, 1, "approved", "2", "30"),
        (NOW - timedelta(days=5), 0, 1, "approved", "4", "6"),
        (NOW - timedelta(days=20), 1, 0, "approved", "1", "3"),
    ]
    conversions = [
        Conversion(
            conversion_id=new_hex_id(),
            network_offer_id=offers[offer].network_offer_id,
            network_affiliate_id=partners[partner].network_affiliate_id,
            network_advertiser_id=offers[offer].network_advertiser_id,
            status=status,
            created_at=moment,
            updated_at=moment,
            payout=Decimal(payout),
            revenue=Decimal(revenue),
        )
        for moment, offer, partner, status, payout, revenue in made
    ]
    async with db.write() as session:
        session.add_all([Click(**c) for c in clicks])
        session.add_all(conversions)
        await session.flush()
        await rollup.add_clicks(session, clicks)
        await rollup.apply_conversions(session, conversions, +1)
    return World(
        offers=[o.network_offer_id for o in offers],
        affiliates=[a.network_affiliate_id for a in partners],
        advertisers=[a.network_advertiser_id for a in advertisers],
        clicks=clicks,
        conversions=conversions,
    )


def _local(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _count(world: World, first: date, last: date, **where: int) -> dict[str, Any]:
    """Expected figures from the seeded rows (approved conversions only)."""

    def keep(row: Any) -> bool:
        at = row["created_at"] if isinstance(row, dict) else row.created_at
        fields = row if isinstance(row, dict) else row.__dict__
        return first <= _local(at) <= last and all(fields[k] == v for k, v in where.items())

    clicks = sum(1 for c in world.clicks if keep(c))
    approved = [v for v in world.conversions if v.status == "approved" and keep(v)]
    payout = sum((v.payout for v in approved), Decimal(0))
    revenue = sum((v.revenue for v in approved), Decimal(0))
    return {"clicks": clicks, "conversions": len(approved), "payout": payout, "revenue": revenue}


async def test_periods_series_and_tops_in_the_network_timezone(db: Database) -> None:
    world = await _seed(db)
    async with db.read() as session:
        board = await dashboard(session, tz=TZ, now=NOW)

    assert board.today == TODAY
    assert not board.partner
    assert board.ranked_by == "revenue"
    spans = {
        "today": (TODAY, TODAY),
        "yesterday": (TODAY - timedelta(days=1), TODAY - timedelta(days=1)),
        "last_7_days": (TODAY - timedelta(days=6), TODAY),
        "last_30_days": (TODAY - timedelta(days=29), TODAY),
    }
    assert [p.key for p in board.periods] == list(spans)
    for period in board.periods:
        want = _count(world, *spans[period.key])
        f = period.figures
        assert (period.first, period.last) == spans[period.key]
        assert (f.clicks, f.conversions, f.payout, f.revenue) == (
            want["clicks"],
            want["conversions"],
            want["payout"],
            want["revenue"],
        ), period.key
        assert f.profit == want["revenue"] - want["payout"]
        assert f.cvr == round(want["conversions"] * 100 / want["clicks"], 2)
        assert f.epc == round(float(want["payout"]) / want["clicks"], 4)
    today = board.periods[0].figures
    # 4 clicks and 2 approved conversions today; the 23:00 clicks belong to yesterday.
    assert (today.clicks, today.conversions, today.cvr, today.epc) == (4, 2, 50.0, 2.5)
    assert board.periods[1].figures.clicks == 2 + 3

    assert len(board.series) == SERIES_DAYS
    assert board.series[0].day == TODAY - timedelta(days=SERIES_DAYS - 1)
    assert board.series[-1].day == TODAY
    for point in board.series:
        want = _count(world, point.day, point.day)
        assert (point.clicks, point.conversions, point.payout, point.revenue) == (
            want["clicks"],
            want["conversions"],
            want["payout"],
            want["revenue"],
        ), point.day
    assert sum(p.clicks for p in board.series) == board.periods[3].figures.clicks

    # Last 7 days by revenue: offer 1 (30) before offer 0 (16 + 6); affiliate 1 (36) first.
    assert [t.id for t in board.top_offers] == [world.offers[1], world.offers[0]]
    assert [t.name for t in board.top_offers] == ["Offer 1", "Offer 0"]
    assert board.top_offers[0].figures.revenue == Decimal(30)
    assert [t.id for t in board.top_affiliates] == [world.affiliates[1], world.affiliates[0]]
    assert board.top_affiliates[0].figures.revenue == Decimal(36)


async def test_the_partner_view_has_its_own_data_and_no_revenue(db: Database) -> None:
    world = await _seed(db)
    mine = world.affiliates[1]
    async with db.read() as session:
        board = await dashboard(session, tz=TZ, now=NOW, affiliate_id=mine)

    assert board.partner
    assert board.ranked_by == "payout"
    assert board.top_affiliates == []
    for period in board.periods:
        want = _count(world, period.first, period.last, network_affiliate_id=mine)
        assert (period.figures.clicks, period.figures.payout) == (want["clicks"], want["payout"])
        assert period.figures.revenue is None
        assert period.figures.profit is None
    assert all(p.revenue is None and p.profit is None for p in board.series)
    assert all(t.figures.revenue is None for t in board.top_offers)
    # Its last 7 days: offer 0 paid 4, offer 1 paid 2.
    assert [t.id for t in board.top_offers] == [world.offers[0], world.offers[1]]


async def test_an_advertiser_filter_keeps_its_offers_only(db: Database) -> None:
    world = await _seed(db)
    async with db.read() as session:
        board = await dashboard(session, tz=TZ, now=NOW, advertiser_id=world.advertisers[1])
    want = _count(world, TODAY - timedelta(days=29), TODAY, network_offer_id=world.offers[1])
    assert board.periods[3].figures.clicks == want["clicks"]
    assert board.periods[3].figures.revenue == want["revenue"]
    assert [t.id for t in board.top_offers] == [world.offers[1]]


async def test_a_day_with_no_traffic_is_zero_and_an_unknown_timezone_is_refused(
    db: Database,
) -> None:
    async with db.read() as session:
        board = await dashboard(session, tz="UTC", now=NOW)
        assert all(p.figures.clicks == 0 and p.figures.cvr == 0.0 for p in board.periods)
        assert len(board.series) == SERIES_DAYS
        assert board.top_offers == []
        with pytest.raises(ValidationFailed) as caught:
            await dashboard(session, tz="Mars/Olympus", now=NOW)
    assert caught.value.field == "tz"
