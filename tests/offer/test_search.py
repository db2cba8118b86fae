"""The console's offer search and status change (offer/service.py)."""

from __future__ import annotations

import pytest

from clicktrail.db import Database
from clicktrail.errors import NotFound
from clicktrail.kit.paging import PageRequest
from clicktrail.offer import service
from tests.fixtures.factories import make_advertiser, make_offer

PAGE = PageRequest(page=1, page_size=50)


async def _names(db: Database, **filters: object) -> list[str]:
    async with db.read() as session:
        rows, total = await service.search_offers(session, PAGE, **filters)  # type: ignore[arg-type]
        assert total == len(rows)
        return [offer.name for offer in rows]


async def test_search_by_name_id_and_filters(db: Database) -> None:
    acme = await make_advertiser(db, name="Acme")
    other = await make_advertiser(db, name="Other")
    first = await make_offer(db, advertiser_id=acme.network_advertiser_id, name="Summer Sale")
    await make_offer(
        db, advertiser_id=other.network_advertiser_id, name="Winter 50%_off", offer_status="paused"
    )
    await make_offer(
        db, advertiser_id=acme.network_advertiser_id, name="Private", visibility="private"
    )

    assert await _names(db) == ["Private", "Winter 50%_off", "Summer Sale"]
    assert await _names(db, text="sale") == ["Summer Sale"]
    assert await _names(db, text=str(first.network_offer_id)) == ["Summer Sale"]
    # % and _ are literal characters, not wildcards.
    assert await _names(db, text="50%_") == ["Winter 50%_off"]
    assert await _names(db, text="%") == ["Winter 50%_off"]
    assert await _names(db, status="paused") == ["Winter 50%_off"]
    assert await _names(db, advertiser_id=acme.network_advertiser_id) == [
        "Private",
        "Summer Sale",
    ]
    assert await _names(db, visibility="private") == ["Private"]
    assert await _names(db, text="99999999999999") == []


async def test_search_pages(db: Database) -> None:
    advertiser = await make_advertiser(db)
    for index in range(5):
        await make_offer(db, advertiser_id=advertiser.network_advertiser_id, name=f"O{index}")
    async with db.read() as session:
        rows, total = await service.search_offers(session, PageRequest(page=2, page_size=2))
    assert total == 5
    assert [o.name for o in rows] == ["O2", "O1"]


async def test_set_offer_status(db: Database) -> None:
    offer = await make_offer(db)
    before = offer.time_saved
    async with db.write() as session:
        changed = await service.set_offer_status(session, offer.network_offer_id, "paused")
        assert changed.offer_status == "paused"
    async with db.read() as session:
        stored = await service.get_offer(session, offer.network_offer_id)
        assert stored.offer_status == "paused"
        assert stored.time_saved >= before
    async with db.write() as session:
        with pytest.raises(NotFound):
            await service.set_offer_status(session, 10**12, "active")


async def test_offer_choices_skip_deleted(db: Database) -> None:
    advertiser = await make_advertiser(db)
    for name, status in (("B", "active"), ("A", "paused"), ("C", "deleted")):
        await make_offer(
            db, advertiser_id=advertiser.network_advertiser_id, name=name, offer_status=status
        )
    async with db.read() as session:
        assert [name for _id, name in await service.offer_choices(session)] == ["A", "B"]
