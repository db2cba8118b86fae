"""The console's advertiser search and select list (advertiser/service.py)."""

from __future__ import annotations

from clicktrail.advertiser import service
from clicktrail.db import Database
from clicktrail.kit.paging import PageRequest
from tests.fixtures.factories import make_advertiser


async def test_search_and_choices(db: Database) -> None:
    beta = await make_advertiser(db, name="Beta Brands")
    await make_advertiser(db, name="Alpha Ads", account_status="inactive")
    page = PageRequest(page=1, page_size=10)
    async with db.read() as session:
        rows, total = await service.search_advertisers(session, page, text="brand")
        assert (total, [a.name for a in rows]) == (1, ["Beta Brands"])
        rows, total = await service.search_advertisers(
            session, page, text=str(beta.network_advertiser_id)
        )
        assert [a.name for a in rows] == ["Beta Brands"]
        rows, total = await service.search_advertisers(session, page, status="inactive")
        assert [a.name for a in rows] == ["Alpha Ads"]
        rows, total = await service.search_advertisers(session, page)
        assert [a.name for a in rows] == ["Alpha Ads", "Beta Brands"]
        choices = await service.advertiser_choices(session)
    assert [name for _id, name in choices] == ["Alpha Ads", "Beta Brands"]
