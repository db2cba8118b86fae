"""The console's affiliate search and select list (affiliate/service.py)."""

from __future__ import annotations

from clicktrail.affiliate import service
from clicktrail.db import Database
from clicktrail.kit.paging import PageRequest
from tests.fixtures.factories import make_affiliate


async def test_search_and_choices(db: Database) -> None:
    zed = await make_affiliate(db, name="Zed Media")
    await make_affiliate(db, name="Ann Traffic", account_status="pending")
    page = PageRequest(page=1, page_size=10)
    async with db.read() as session:
        rows, total = await service.search_affiliates(session, page, text="MEDIA")
        assert (total, [a.name for a in rows]) == (1, ["Zed Media"])
        rows, _ = await service.search_affiliates(
            session, page, text=f" {zed.network_affiliate_id} "
        )
        assert [a.name for a in rows] == ["Zed Media"]
        rows, _ = await service.search_affiliates(session, page, status="pending")
        assert [a.name for a in rows] == ["Ann Traffic"]
        choices = await service.affiliate_choices(session)
    assert [name for _id, name in choices] == ["Ann Traffic", "Zed Media"]
