"""record_click(): clicks made through an API, through the writer or a caller's session."""

from __future__ import annotations

import pytest

from clicktrail.app import ClicktrailApp
from clicktrail.click.repository import get_click
from clicktrail.click.service import record_click
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import is_hex_id
from tests.tracking.helpers import click, clicks, make_pair


async def test_record_click_through_the_writer(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    transaction_id = await record_click(
        app.state,
        pair.oid,
        pair.affid,
        {"sub1": "api", "coupon_code": "C1", "ref_code": "abc"},
        user_ip="::ffff:203.0.113.5",
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Firefox/120.0",
    )
    assert is_hex_id(transaction_id)
    stored = await click(app.state.db, transaction_id)
    assert (stored.sub1, stored.coupon_code, stored.user_ip) == ("api", "C1", "203.0.113.5")
    assert stored.query_parameters == {"ref_code": "abc"}
    assert stored.browser_name == "Firefox"
    assert stored.is_unique is True
    async with app.state.db.read() as session:
        found = await get_click(session, transaction_id.upper())
    assert found is not None
    assert found.transaction_id == transaction_id


async def test_record_click_in_the_callers_transaction(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    async with app.state.db.write() as session:
        first = await record_click(app.state, pair.oid, pair.affid, session=session)
        second = await record_click(app.state, pair.oid, pair.affid, session=session)
    assert (await click(app.state.db, first)).is_unique is True
    assert (await click(app.state.db, second)).is_unique is False


async def test_record_click_refuses_unknown_or_inactive_links(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    with pytest.raises(ValidationFailed) as caught:
        await record_click(app.state, 999999, pair.affid)
    assert caught.value.field == "offer_id"
    with pytest.raises(ValidationFailed) as caught:
        await record_click(app.state, pair.oid, 999999)
    assert caught.value.field == "affiliate_id"
    assert await clicks(app.state.db) == []
