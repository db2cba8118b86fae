"""Seeded traffic for the report tests, and an oracle that reports from the raw rows.

``seed_traffic`` writes clicks (hour rollups only, as the hot path does) and conversions
through the ORM plus the rollup contract, compacts part of the days, then changes some
conversions' status (late writes onto compacted days). ``oracle`` recomputes a report
straight from the raw ``click`` and ``conversion`` rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.timeutil import parse_local_date_or_datetime
from clicktrail.meta import timezones
from clicktrail.models import Click, Conversion
from clicktrail.models.rollup import METRICS
from clicktrail.report import rollup
from clicktrail.report.compaction import compact
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer

COUNTRIES = ["US", "CA", "FR", ""]
DEVICES = ["PC", "Mobile", "Tablet"]
PLATFORMS = ["Windows", "iOS", "Android"]
BROWSERS = ["Chrome", "Safari"]
SUB1 = ["fb", "google", "", "tt"]
CITIES = ["Paris", "Boston", ""]
STATUSES = ["approved", "approved", "approved", "pending", "rejected", "invalid"]


@dataclass
class Seeded:
    offers: list[int]
    affiliates: list[int]
    advertisers: list[int]
    events: list[int]
    start: datetime
    now: datetime
    mark: int = 0
    names: dict[str, dict[int, str]] = field(default_factory=dict)


def _money(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 2000)) / Decimal(100)


async def seed_traffic(
    db: Database, *, seed: int = 7, clicks: int = 500, days: int = 5, compacted: int | None = None
) -> Seeded:
    """Seed ``clicks`` clicks over ``days`` days; compaction runs as if the clock read
    ``start + compacted`` days (default: about half of the days are compacted)."""
    rng = random.Random(seed)
    adv = [await make_advertiser(db, name=f"Adv {i}") for i in range(2)]
    offers = []
    for i in range(3):
        entries: list[dict[str, Any]] = [
            {
                "event_id": 0,
                "entry_name": "Base",
                "payout_type": "cpa",
                "payout_amount": Decimal("5"),
                "revenue_type": "rpa",
                "revenue_amount": Decimal("8"),
                "is_default": True,
            },
            {
                "event_id": 900 + i,
                "entry_name": f"Upsell {i}",
                "payout_type": "cpa",
                "payout_amount": Decimal("1"),
                "revenue_type": "rpa",
                "revenue_amount": Decimal("2"),
                "is_default": False,
            },
        ]
        offers.append(
            await make_offer(
                db,
                advertiser_id=adv[i % 2].network_advertiser_id,
                name=f"Offer {i}",
                payout_revenue=entries,
            )
        )
    affiliates = [await make_affiliate(db, name=f"Partner {i}") for i in range(3)]
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=days)
    span = int((now - start).total_seconds()) - 60

    click_rows: list[dict[str, Any]] = []
    for _ in range(clicks):
        offer = rng.choice(offers)
        invalid = rng.random() < 0.08
        row: dict[str, Any] = {
            "transaction_id": new_hex_id(),
            "created_at": start + timedelta(seconds=rng.randint(0, span)),
            "network_offer_id": None if invalid and rng.random() < 0.5 else offer.network_offer_id,
            "network_affiliate_id": rng.choice(affiliates).network_affiliate_id,
            "network_advertiser_id": offer.network_advertiser_id,
            "is_unique": rng.random() < 0.8,
            "error_code": 1 if invalid else 0,
            "payout": Decimal("0.05") if rng.random() < 0.2 else Decimal(0),
            "revenue": Decimal("0.10") if rng.random() < 0.2 else Decimal(0),
            "country_code": rng.choice(COUNTRIES),
            "region_name": rng.choice(["", "Quebec", "Ohio"]),
            "device_type": rng.choice(DEVICES),
            "platform_name": rng.choice(PLATFORMS),
            "browser_name": rng.choice(BROWSERS),
            "sub1": rng.choice(SUB1),
            "sub2": f"s{rng.randint(0, 30)}" if rng.random() < 0.5 else "",
            "source_id": rng.choice(["", "src1", "src2"]),
            "city_name": rng.choice(CITIES),
        }
        click_rows.append(row)
    async with db.write() as session:
        session.add_all([Click(**row) for row in click_rows])
        await session.flush()
        await rollup.add_clicks(session, click_rows, now=0.0)  # hour rows only

    conversions: list[Conversion] = []
    valid = [r for r in click_rows if not r["error_code"]]
    for row in rng.sample(valid, k=min(len(valid), clicks // 4)):
        offer_id = row["network_offer_id"]
        index = [o.network_offer_id for o in offers].index(offer_id)
        at = min(row["created_at"] + timedelta(minutes=rng.randint(0, 600)), now)
        conversions.append(
            Conversion(
                conversion_id=new_hex_id(),
                transaction_id=row["transaction_id"],
                network_offer_id=offer_id,
                network_affiliate_id=row["network_affiliate_id"],
                network_advertiser_id=row["network_advertiser_id"],
                event_id=900 + index if rng.random() < 0.25 else 0,
                status=rng.choice(STATUSES),
                created_at=at,
                updated_at=at,
                payout=_money(rng),
                revenue=_money(rng),
                sale_amount=_money(rng),
                currency_id="USD",
                sub1=row["sub1"],
                sub2=row["sub2"],
                source_id=row["source_id"],
                country_code=row["country_code"],
                region_name=row["region_name"],
                city_name=row["city_name"],
                device_type=row["device_type"],
                platform_name=row["platform_name"],
                browser_name=row["browser_name"],
            )
        )
    async with db.write() as session:
        session.add_all(conversions)
        await session.flush()
        await rollup.apply_conversions(session, conversions, +1)
    # Compact the first half of the days (day rows), leave the rest on hour rows.
    until = start + timedelta(days=days // 2 + 1 if compacted is None else compacted)
    while True:
        async with db.write() as session:
            if not await compact(session, now=until.timestamp()):
                break
    # Late writes onto compacted days: status changes (-1, change, +1).
    changed = rng.sample(conversions, k=len(conversions) // 5)
    async with db.write() as session:
        for conversion in changed:
            fresh = await session.get(Conversion, conversion.conversion_id)
            assert fresh is not None
            await rollup.apply_conversion(session, fresh, -1)
            fresh.status = "rejected" if fresh.status == "approved" else "approved"
            await rollup.apply_conversion(session, fresh, +1)
    seeded = Seeded(
        offers=[o.network_offer_id for o in offers],
        affiliates=[a.network_affiliate_id for a in affiliates],
        advertisers=[a.network_advertiser_id for a in adv],
        events=[900, 901, 902],
        start=start,
        now=now,
    )
    seeded.names = {
        "offer_id": {o.network_offer_id: o.name for o in offers},
        "affiliate_id": {a.network_affiliate_id: a.name for a in affiliates},
        "advertiser_id": {a.network_advertiser_id: a.name for a in adv},
    }
    return seeded


# --- the oracle ---------------------------------------------------------------------------

#: report column -> raw attribute (clicks and conversions share the names)
RAW = {
    "offer": "network_offer_id",
    "affiliate": "network_affiliate_id",
    "advertiser": "network_advertiser_id",
    "event_name": "event_id",
    "country": "country_code",
    "country_code": "country_code",
    "region": "region_name",
    "device_type": "device_type",
    "platform": "platform_name",
    "browser": "browser_name",
    "sub1": "sub1",
    "sub2": "sub2",
    "sub3": "sub3",
    "sub4": "sub4",
    "sub5": "sub5",
    "source_id": "source_id",
    "city": "city_name",
}
FILTER_RAW = {**RAW, "s1": "sub1", "s2": "sub2", "device_platform": "platform_name"}
_I = {m: i for i, m in enumerate(METRICS)}


def _value(raw: Any, column: str) -> str:
    if column in ("offer", "affiliate", "advertiser", "event_name"):
        return str(raw or 0)
    return "" if raw is None else str(raw)


def _time_id(moment: datetime, zone: ZoneInfo, kind: str) -> str:
    local = moment.astimezone(zone)
    if kind == "hour":
        return str(local.hour)
    day = local.date()
    if kind == "week":
        day = day - timedelta(days=day.weekday())
    elif kind == "month":
        day = day.replace(day=1)
    elif kind == "year":
        day = day.replace(month=1, day=1)
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def _click_deltas(click: Click) -> list[int]:
    out = [0] * len(METRICS)
    if click.error_code or not click.network_offer_id:
        out[_I["invalid_click"]] = 1
        return out
    out[_I["total_click"]] = 1
    out[_I["unique_click"]] = 1 if click.is_unique else 0
    out[_I["payout"]] = int(click.payout * 1_000_000)
    out[_I["revenue"]] = int(click.revenue * 1_000_000)
    return out


def _conversion_deltas(conversion: Conversion) -> list[int]:
    out = [0] * len(METRICS)
    if conversion.status == "approved":
        out[_I["event" if conversion.event_id else "cv"]] = 1
        out[_I["payout"]] = int(conversion.payout * 1_000_000)
        out[_I["revenue"]] = int(conversion.revenue * 1_000_000)
        out[_I["sale_amount"]] = int(conversion.sale_amount * 1_000_000)
    elif conversion.status == "pending":
        out[_I["pending_cv"]] = 1
        out[_I["pending_payout"]] = int(conversion.payout * 1_000_000)
        out[_I["pending_revenue"]] = int(conversion.revenue * 1_000_000)
    else:
        out[_I["invalid_cv"]] = 1
    return out


async def raw_rows(db: Database) -> tuple[list[Click], list[Conversion]]:
    async with db.read() as session:
        clicks = list((await session.execute(select(Click))).scalars())
        conversions = list((await session.execute(select(Conversion))).scalars())
    return clicks, conversions


def oracle(
    clicks: Iterable[Click],
    conversions: Iterable[Conversion],
    request: dict[str, Any],
    *,
    affiliate_id: int | None = None,
) -> dict[tuple[str, ...], list[int]]:
    """Report sums keyed by the row's column ids, computed from raw rows."""
    zone = timezones.zone_for(request.get("timezone_id", 67))
    start = parse_local_date_or_datetime(request["from"], zone)
    end = parse_local_date_or_datetime(request["to"], zone, end=True)
    columns = [c["column"] for c in request["columns"]]
    filters: dict[str, set[str]] = {}
    for f in request.get("query", {}).get("filters", []):
        attr = FILTER_RAW[f["resource_type"]]
        filters.setdefault(attr, set()).add(str(f["filter_id_value"]))
    out: dict[tuple[str, ...], list[int]] = {}
    rows: list[tuple[Any, list[int]]] = [(c, _click_deltas(c)) for c in clicks]
    rows += [(c, _conversion_deltas(c)) for c in conversions]
    for row, deltas in rows:
        if not start <= row.created_at < end:
            continue
        if affiliate_id is not None and row.network_affiliate_id != affiliate_id:
            continue
        ok = True
        for attr, allowed in filters.items():
            raw = getattr(row, attr, 0)
            text = str(raw or 0) if attr.endswith("_id") and attr != "source_id" else str(raw)
            if text not in allowed:
                ok = False
                break
        if not ok:
            continue
        key = []
        for column in columns:
            if column in ("hour", "date", "week", "month", "year"):
                key.append(_time_id(row.created_at, zone, column))
            else:
                key.append(_value(getattr(row, RAW[column], 0), column))
        target = out.setdefault(tuple(key), [0] * len(METRICS))
        for i, d in enumerate(deltas):
            target[i] += d
    return {k: v for k, v in out.items() if any(v)}


def pending_conversion(created_at: datetime, **values: str) -> Conversion:
    """A pending base conversion of offer/affiliate/advertiser 1 (payout 1.5, revenue 2):
    on-hold sums without clicks or approved conversions; ``values``: its sub1..sub5."""
    return Conversion(
        conversion_id=new_hex_id(),
        network_offer_id=1,
        network_affiliate_id=1,
        network_advertiser_id=1,
        event_id=0,
        status="pending",
        created_at=created_at,
        updated_at=created_at,
        payout=Decimal("1.5"),
        revenue=Decimal(2),
        sale_amount=Decimal(0),
        **values,
    )
