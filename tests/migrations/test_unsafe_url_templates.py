"""Migration 0016 flags the rows saved before macros were refused in a URL's scheme or host:
the offer is paused with a note, the pixel made inactive with its pending postbacks paused,
the fallback URL cleared; safe rows are left alone. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, insert, select, update

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.migrations import downgrade, upgrade
from clicktrail.models import Network, Offer, Pixel, PostbackDelivery
from tests.fixtures.factories import make_advertiser, make_affiliate

UNSAFE_OFFER = "https://{sub1}/landing?tid={transaction_id}"
SAFE_OFFER = "https://advertiser.example/landing?s1={sub1}"
UNSAFE_PIXEL = "http://{sub1}:8080/pb?tid={transaction_id}"
SAFE_PIXEL = "https://partner.example/pb?tid={transaction_id}"


@dataclass
class Seeded:
    bad_offer: int
    good_offer: int
    paused_bad_offer: int
    bad_pixel: int
    good_pixel: int


async def _pixel(db: Database, affiliate_id: int, url: str) -> int:
    now = utcnow()
    async with db.write() as session:
        pixel = Pixel(
            network_affiliate_id=affiliate_id,
            pixel_level="global",
            pixel_type="conversion",
            delivery_method="postback",
            postback_url=url,
            time_created=now,
            time_saved=now,
        )
        session.add(pixel)
        await session.flush()
        for n in range(2):
            session.add(
                PostbackDelivery(
                    network_pixel_id=pixel.network_pixel_id,
                    conversion_id=f"{pixel.network_pixel_id:02d}{n:030d}",
                    payload=url.replace("{sub1}", "evil.example"),
                    state="pending" if n == 0 else "succeeded",
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        return pixel.network_pixel_id


async def _offer(db: Database, advertiser_id: int, url: str, **fields: Any) -> int:
    """An offer inserted with the columns its table has at 0017: the model also has the
    columns later migrations add, so the ORM cannot write it."""
    now = utcnow()
    values: dict[str, Any] = {
        column.name: column.default.arg
        for column in Offer.__table__.columns
        if column.default is not None and not callable(column.default.arg)
    }
    values.update(name="Example Offer", network_advertiser_id=advertiser_id)
    values.update(destination_url=url, time_created=now, time_saved=now, **fields)
    async with db.write() as session:
        connection = await session.connection()
        table = await connection.run_sync(
            lambda sync: Table("offer", MetaData(), autoload_with=sync)
        )
        present = {key: value for key, value in values.items() if key in table.c}
        statement = insert(table).values(present).returning(table.c.network_offer_id)
        return int((await session.execute(statement)).scalar_one())


async def _seed(url: str) -> Seeded:
    db = Database(url)
    try:
        advertiser = (await make_advertiser(db)).network_advertiser_id
        bad = await _offer(db, advertiser, UNSAFE_OFFER, internal_notes="keep me")
        good = await _offer(db, advertiser, SAFE_OFFER)
        paused = await _offer(db, advertiser, UNSAFE_OFFER, offer_status="paused")
        affiliate = await make_affiliate(db)
        bad_pixel = await _pixel(db, affiliate.network_affiliate_id, UNSAFE_PIXEL)
        good_pixel = await _pixel(db, affiliate.network_affiliate_id, SAFE_PIXEL)
        async with db.write() as session:
            await session.execute(update(Network).values(fallback_url="https://{sub1}/"))
        return Seeded(bad, good, paused, bad_pixel, good_pixel)
    finally:
        await db.dispose()


async def _read(url: str) -> tuple[dict[int, Offer], dict[int, Pixel], dict[str, str], str | None]:
    db = Database(url)
    try:
        async with db.read() as session:
            offers = {o.network_offer_id: o for o in await session.scalars(select(Offer))}
            pixels = {p.network_pixel_id: p for p in await session.scalars(select(Pixel))}
            deliveries = {
                d.conversion_id: d.state for d in await session.scalars(select(PostbackDelivery))
            }
            fallback = await session.scalar(select(Network.fallback_url))
        return offers, pixels, deliveries, fallback
    finally:
        await db.dispose()


def test_0016_flags_templates_with_a_macro_in_the_host(empty_url: str) -> None:
    upgrade(empty_url)
    # Seeded through the models at the head schema, then taken back to before 0016 (which
    # changes no schema and no data on the way down), so later columns can come and go.
    seeded = asyncio.run(_seed(empty_url))
    downgrade(empty_url, "0017")
    upgrade(empty_url)
    offers, pixels, deliveries, fallback = asyncio.run(_read(empty_url))

    bad = offers[seeded.bad_offer]
    assert bad.offer_status == "paused"
    assert bad.internal_notes.startswith("[migration 0016] Paused (it was active)")
    assert bad.internal_notes.endswith("\n\nkeep me")
    assert bad.destination_url == UNSAFE_OFFER  # kept, so the operator can fix it
    assert offers[seeded.good_offer].offer_status == "active"
    assert offers[seeded.good_offer].internal_notes == ""
    assert offers[seeded.paused_bad_offer].offer_status == "paused"
    assert offers[seeded.paused_bad_offer].internal_notes == ""

    flagged = pixels[seeded.bad_pixel]
    assert flagged.pixel_status == "inactive"
    assert flagged.disabled_reason.startswith("[migration 0016] postback_url has a macro")
    assert flagged.disabled_at is not None
    assert pixels[seeded.good_pixel].pixel_status == "active"
    assert pixels[seeded.good_pixel].disabled_reason == ""
    bad_pending = f"{seeded.bad_pixel:02d}{0:030d}"
    bad_done = f"{seeded.bad_pixel:02d}{1:030d}"
    good_pending = f"{seeded.good_pixel:02d}{0:030d}"
    assert deliveries[bad_pending] == "paused"
    assert deliveries[bad_done] == "succeeded"
    assert deliveries[good_pending] == "pending"

    assert fallback is None

    # Running it again (down and up) changes nothing more.
    downgrade(empty_url, "0017")
    upgrade(empty_url)
    again = asyncio.run(_read(empty_url))
    assert again[0][seeded.bad_offer].internal_notes == bad.internal_notes
    assert again[2] == deliveries
