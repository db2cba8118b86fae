"""Coupon code attribution: a postback with a coupon code and no transaction id is credited
to the code's affiliate (and fires that affiliate's postback); a bad code is refused and
stored; with a click too, the advertiser's attribution priority decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record, record_many
from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Affiliate, Click, Conversion, CouponCode, Offer, PostbackDelivery
from tests.caps.helpers import set_caps
from tests.fixtures.factories import make_advertiser, make_affiliate, make_click, make_offer
from tests.postback.conftest import (  # noqa: F401  (fixtures: the loopback sink, the worker)
    MakeWorker,
    Sink,
    add_pixel,
    clock,
    make_worker,
    sink,
    worker_settings,
)


async def _coupon(db: Database, offer: Offer, affiliate: Affiliate | None, **fields: Any) -> None:
    now = utcnow()
    code = fields.pop("coupon_code", "SAVE20")
    values: dict[str, Any] = {
        "network_offer_id": offer.network_offer_id,
        "network_affiliate_id": affiliate.network_affiliate_id if affiliate else 0,
        "coupon_code": code,
        "coupon_code_key": code.lower(),
        "coupon_status": "active",
        "time_created": now,
        "time_saved": now,
    }
    values.update(fields)
    async with db.write() as session:
        session.add(CouponCode(**values))


async def _conversions(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


async def test_postback_with_a_coupon_only_credits_its_affiliate(
    db: Database,
    client: httpx.AsyncClient,
    sink: Sink,  # noqa: F811
    make_worker: MakeWorker,  # noqa: F811
) -> None:
    offer = await make_offer(db)
    owner = await make_affiliate(db, name="Coupon Owner")
    bystander = await make_affiliate(db, name="Bystander")
    await _coupon(db, offer, owner)
    for affiliate, path in ((owner, "/owner"), (bystander, "/bystander")):
        await add_pixel(
            db,
            network_affiliate_id=affiliate.network_affiliate_id,
            postback_url=sink.url(path + "?cc={coupon_code}&amt={sale_amount}"),
        )

    answer = await client.get(
        "/",
        params={
            "nid": "1",
            "oid": str(offer.network_offer_id),
            "coupon_code": "save20",
            "amount": "40",
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["error_code"], body["transaction_id"]) == ("approved", 0, None)
    [row] = await _conversions(db)
    assert row.network_affiliate_id == owner.network_affiliate_id
    assert row.network_offer_id == offer.network_offer_id
    assert (row.transaction_id, row.coupon_code, row.payout) == (None, "save20", Decimal(5))

    assert await make_worker().run_once() == 1
    assert sink.paths() == ["/owner?cc=save20&amt=40.00"]

    # Without oid the code's offer is taken.
    answer = await client.get("/", params={"nid": "1", "coupon_code": "SAVE20"})
    assert answer.json()["status"] == "approved", answer.text
    rows = await _conversions(db)
    assert {r.network_affiliate_id for r in rows} == {owner.network_affiliate_id}


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"coupon_status": "paused"}, "paused"),
        ({"end_date": "2020-01-31"}, "expired"),
        ({"start_date": "2099-01-01"}, "not_started"),
        ({"coupon_code": "OTHER"}, "unknown"),
        ({"network_affiliate_id": 0}, "no_affiliate"),
    ],
)
async def test_a_bad_coupon_is_refused_and_stored_invalid(
    db: Database, client: httpx.AsyncClient, fields: dict[str, Any], why: str
) -> None:
    offer = await make_offer(db)
    owner = await make_affiliate(db)
    await add_pixel(
        db, network_affiliate_id=owner.network_affiliate_id, postback_url="http://127.0.0.1:9/never"
    )
    await _coupon(db, offer, owner, **fields)
    answer = await client.get(
        "/", params={"nid": "1", "oid": str(offer.network_offer_id), "coupon_code": "SAVE20"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["error_code"], body["error_message"]) == (
        "invalid",
        13,
        "Invalid Click",
    )
    [row] = await _conversions(db)
    assert row.attributes == {"coupon_code_error": why}
    assert (row.network_affiliate_id, row.coupon_code) == (0, "SAVE20")
    async with db.read() as session:
        assert (await session.scalars(select(PostbackDelivery))).all() == []


async def test_coupon_of_another_offer_and_missing_ids(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer = await make_offer(db)
    other = await make_offer(db, name="Other")
    await _coupon(db, other, await make_affiliate(db))
    answer = await client.get(
        "/", params={"nid": "1", "oid": str(offer.network_offer_id), "coupon_code": "SAVE20"}
    )
    assert answer.json()["error_code"] == 13
    [row] = await _conversions(db)
    assert row.attributes == {"coupon_code_error": "other_offer"}
    # Neither a transaction id nor a coupon code: not a conversion to record.
    refused = await client.get("/", params={"nid": "1", "oid": str(offer.network_offer_id)})
    assert refused.status_code == 400
    assert refused.json()["field"] == "transaction_id"


async def _priority_world(db: Database, priority: str) -> tuple[Offer, Affiliate, Affiliate]:
    advertiser = await make_advertiser(db, attribution_priority=priority)
    offer = await make_offer(db, advertiser_id=advertiser.network_advertiser_id)
    clicker = await make_affiliate(db, name="Clicker")
    owner = await make_affiliate(db, name="Coupon Owner")
    await _coupon(db, offer, owner)
    return offer, clicker, owner


async def test_click_priority_keeps_the_click(db: Database, client: httpx.AsyncClient) -> None:
    offer, clicker, _owner = await _priority_world(db, "click")
    click = await make_click(db, offer, clicker)
    answer = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "coupon_code": "SAVE20"}
    )
    assert answer.json()["status"] == "approved", answer.text
    [row] = await _conversions(db)
    assert (row.transaction_id, row.network_affiliate_id, row.coupon_code) == (
        click.transaction_id,
        clicker.network_affiliate_id,
        "SAVE20",
    )


async def test_coupon_priority_credits_the_coupon(db: Database, client: httpx.AsyncClient) -> None:
    offer, clicker, owner = await _priority_world(db, "coupon_code")
    click = await make_click(db, offer, clicker)
    answer = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "coupon_code": "SAVE20"}
    )
    assert answer.json()["status"] == "approved", answer.text
    [row] = await _conversions(db)
    assert (row.transaction_id, row.network_affiliate_id) == (None, owner.network_affiliate_id)
    assert row.attributes == {"click_transaction_id": click.transaction_id}
    async with db.read() as session:
        stored = await session.get(Click, click.transaction_id)
    assert stored is not None
    assert not stored.has_conversion


async def test_a_click_carrying_a_code_ties_the_two(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer, clicker, owner = await _priority_world(db, "coupon_code")
    own_click = await make_click(db, offer, owner, coupon_code="save20")
    answer = await client.get("/", params={"nid": "1", "transaction_id": own_click.transaction_id})
    assert answer.json()["status"] == "approved", answer.text
    # The click came through another affiliate's link but carried the owner's code.
    click = await make_click(db, offer, clicker, coupon_code="SAVE20")
    await client.get("/", params={"nid": "1", "transaction_id": click.transaction_id})
    rows = sorted(await _conversions(db), key=lambda r: r.transaction_id or "")
    by_tid = {r.transaction_id: r for r in rows}
    assert by_tid[own_click.transaction_id].coupon_code == "save20"
    assert by_tid[own_click.transaction_id].network_affiliate_id == owner.network_affiliate_id
    assert by_tid[None].network_affiliate_id == owner.network_affiliate_id
    assert by_tid[None].coupon_code == "SAVE20"


async def test_strict_drafts_raise_naming_coupon_code(db: Database) -> None:
    offer = await make_offer(db)
    await _coupon(db, offer, await make_affiliate(db), coupon_status="paused")
    draft = ConversionDraft(source="api", offer_id=offer.network_offer_id, coupon_code="SAVE20")
    with pytest.raises(ValidationFailed) as raised:
        async with db.write() as session:
            await record(session, draft)
    assert raised.value.field == "coupon_code"
    assert "paused" in raised.value.message
    assert await _conversions(db) == []


async def test_a_batch_reads_coupons_once_and_only_when_it_names_one(db: Database) -> None:
    offer = await make_offer(db)
    owner = await make_affiliate(db)
    await _coupon(db, offer, owner)
    await _coupon(db, offer, owner, coupon_code="SAVE30")
    click = await make_click(db, offer, owner)
    statements: list[str] = []

    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM coupon_code" in statement:
            statements.append(statement)

    def _draft(code: str) -> ConversionDraft:
        return ConversionDraft(source="postback", coupon_code=code, strict=False)

    event.listen(db.engine.sync_engine, "before_cursor_execute", _seen)
    try:
        plain = ConversionDraft(
            source="postback", transaction_id=click.transaction_id, strict=False
        )
        async with db.write() as session:
            await record_many(session, [plain], bulk=True)
        assert statements == []
        async with db.write() as session:
            done = await record_many(
                session, [_draft("SAVE20"), _draft("save30"), _draft("NOPE")], bulk=True
            )
        assert len(statements) == 1
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", _seen)
    assert [r.conversion.error_code for r in done] == [0, 0, 13]
    assert {r.conversion.network_affiliate_id for r in done[:2]} == {owner.network_affiliate_id}


async def test_coupon_conversions_count_against_the_affiliates_caps(db: Database) -> None:
    offer = await make_offer(db)
    owner = await make_affiliate(db)
    await _coupon(db, offer, owner)
    await set_caps(db, offer, daily_conversion_cap=2)
    drafts = [
        ConversionDraft(source="postback", coupon_code="SAVE20", strict=False) for _ in range(3)
    ]
    async with db.write() as session:
        done = await record_many(session, drafts, bulk=True)
    assert [(r.conversion.status, r.conversion.error_code) for r in done] == [
        ("approved", 0),
        ("approved", 0),
        ("rejected", 4),
    ]
    assert {r.conversion.network_affiliate_id for r in done} == {owner.network_affiliate_id}
