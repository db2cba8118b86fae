"""The console's paged click list: the stream's window and filters, a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clicktrail.click import service
from clicktrail.click.schemas import ClickStreamRequest
from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from tests.fixtures.factories import make_affiliate, make_click, make_offer

T0 = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def _body(**query: object) -> ClickStreamRequest:
    raw: dict[str, object] = {
        "from": "2026-03-02 00:00:00",
        "to": "2026-03-02 23:59:59",
        "timezone_id": 67,
    }
    if query:
        raw["query"] = query
    return ClickStreamRequest.model_validate(raw)


async def test_pages_walk_the_clicks_newest_first_and_filters_apply(db: Database) -> None:
    offer = await make_offer(db, name="Shoes")
    other_offer = await make_offer(db, name="Hats")
    mine = await make_affiliate(db, name="Mine")
    made = [
        await make_click(db, offer, mine, created_at=T0 + timedelta(minutes=n)) for n in range(5)
    ]
    await make_click(db, other_offer, mine, created_at=T0 - timedelta(minutes=1))
    await make_click(db, offer, mine, created_at=T0 - timedelta(days=2))  # outside the window

    newest_first = [c.transaction_id for c in reversed(made)]
    filters = [{"resource_type": "offer", "filter_id_value": str(offer.network_offer_id)}]
    async with db.read() as session:
        first = await service.page(
            session, _body(filters=filters), affiliate_id=None, offset=0, page_size=2
        )
        last = await service.page(
            session, _body(filters=filters), affiliate_id=None, offset=4, page_size=2
        )
        everything = await service.page(session, _body(), affiliate_id=None, offset=0, page_size=50)
    assert [c.transaction_id for c in first.clicks] == newest_first[:2]
    assert first.more
    assert first.offers[offer.network_offer_id].name == "Shoes"
    assert [c.transaction_id for c in last.clicks] == newest_first[4:]
    assert not last.more
    assert len(everything.clicks) == 6


async def test_an_affiliate_sees_its_own_clicks_and_bad_pages_are_refused(db: Database) -> None:
    offer = await make_offer(db)
    mine = await make_affiliate(db, name="Mine")
    other = await make_affiliate(db, name="Other")
    await make_click(db, offer, mine, created_at=T0)
    await make_click(db, offer, other, created_at=T0)
    async with db.read() as session:
        own = await service.page(
            session, _body(), affiliate_id=mine.network_affiliate_id, offset=0, page_size=10
        )
        assert [c.network_affiliate_id for c in own.clicks] == [mine.network_affiliate_id]
        with pytest.raises(ValidationFailed) as caught:
            await service.page(session, _body(), affiliate_id=None, offset=-1, page_size=10)
        assert caught.value.field == "page"
