"""The advertiser server postback: Everflow's parameters in, a committed conversion out."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Click, Conversion
from tests.fixtures.factories import make_affiliate, make_click, make_offer


@pytest.fixture
async def tracking(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The whole app: ``/`` is the tracking host, which hands postbacks to the handler."""
    return client


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


async def test_get_postback_records_conversion(db: Database, tracking: httpx.AsyncClient) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await tracking.get(
        "/",
        params={
            "nid": "1",
            "transaction_id": click.transaction_id,
            "amount": "49.90",
            "adv1": "a1",
            "adv5": "a5",
            "order_id": "ord-1",
            "coupon_code": "SAVE",
            "email": "x@example.com",
            "campaign": "spring",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["transaction_id"] == click.transaction_id
    assert (body["status"], body["error_code"], body["error_message"]) == ("approved", 0, "")
    [row] = await _rows(db)
    assert row.conversion_id == body["conversion_id"]
    assert row.sale_amount == Decimal("49.9")
    assert (row.adv1, row.adv5, row.order_id, row.coupon_code, row.email) == (
        "a1",
        "a5",
        "ord-1",
        "SAVE",
        "x@example.com",
    )
    assert row.attributes == {"campaign": "spring"}
    assert row.source == "postback"
    async with db.read() as session:
        stored = await session.get(Click, click.transaction_id)
    assert stored is not None
    assert stored.has_conversion


async def test_post_form_postback(db: Database, tracking: httpx.AsyncClient) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await tracking.post(
        "/?nid=1", data={"transaction_id": click.transaction_id, "amount": "10"}
    )
    assert response.status_code == 200
    [row] = await _rows(db)
    assert row.sale_amount == Decimal(10)


async def test_unknown_click_is_recorded_invalid(db: Database, tracking: httpx.AsyncClient) -> None:
    response = await tracking.get("/", params={"nid": "1", "transaction_id": "f" * 32})
    assert response.status_code == 200
    assert response.json()["error_code"] == 13
    [row] = await _rows(db)
    assert (row.status, row.error_code, row.error_message) == ("invalid", 13, "Invalid Click")


async def test_duplicate_postback_is_rejected(db: Database, tracking: httpx.AsyncClient) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    params = {"nid": "1", "transaction_id": click.transaction_id}
    first = (await tracking.get("/", params=params)).json()
    second = (await tracking.get("/", params=params)).json()
    assert (first["status"], second["status"], second["error_code"]) == ("approved", "rejected", 8)


async def test_wrong_verification_token_is_invalid(
    db: Database, tracking: httpx.AsyncClient
) -> None:
    offer = await make_offer(db, verification_token="tok")
    click = await make_click(db, offer, await make_affiliate(db))
    body = (
        await tracking.get(
            "/",
            params={"nid": "1", "transaction_id": click.transaction_id, "verification_token": "x"},
        )
    ).json()
    assert (body["status"], body["error_code"]) == ("invalid", 21)


async def test_event_by_adv_event_id_alias(db: Database, tracking: httpx.AsyncClient) -> None:
    offer = await make_offer(
        db,
        payout_revenue=[
            {
                "event_id": 0,
                "payout_amount": Decimal(1),
                "revenue_amount": Decimal(2),
                "is_default": True,
            },
            {
                "event_id": 5,
                "event_alias": "upsell",
                "payout_type": "cps",
                "payout_percentage": Decimal(10),
                "revenue_type": "rps",
                "revenue_percentage": Decimal(50),
            },
        ],
    )
    click = await make_click(db, offer, await make_affiliate(db))
    response = await tracking.get(
        "/",
        params={
            "nid": "1",
            "transaction_id": click.transaction_id,
            "adv_event_id": "upsell",
            "amount": "80",
        },
    )
    assert response.json()["status"] == "approved"
    [row] = await _rows(db)
    assert (row.event_id, row.payout, row.revenue) == (5, Decimal(8), Decimal(40))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"event_id": "x"}, "event_id"),
        ({"order_id": "o" * 300}, "order_id"),
        ({"transaction_id": ""}, "transaction_id"),
        ({"adv1": "a\x00b"}, "adv1"),
    ],
)
async def test_bad_input_is_400_naming_the_field(
    db: Database, tracking: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    query = {"nid": "1", "transaction_id": "a" * 32, **params}
    response = await tracking.get("/", params=query)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert field in response.json()["error"]
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Conversion)) == 0


async def test_root_without_postback_parameters_is_not_a_postback(
    tracking: httpx.AsyncClient,
) -> None:
    # A GET is a visit, sent to the console (issue 16); a POST is answered 404.
    assert (await tracking.get("/")).status_code == 302
    assert (await tracking.post("/")).status_code == 404


async def test_post_json_postback_query_string_wins(
    db: Database, tracking: httpx.AsyncClient
) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await tracking.post(
        "/?nid=1&adv1=from-query",
        json={"transaction_id": click.transaction_id, "amount": 12.5, "adv1": "from-body"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    [row] = await _rows(db)
    assert row.sale_amount == Decimal("12.5")
    assert row.adv1 == "from-query"


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"[1, 2]", {"content-type": "application/json"}),
        (b"{not json", {"content-type": "application/json"}),
        (b"x" * 70_000, {"content-type": "application/x-www-form-urlencoded"}),
    ],
)
async def test_bad_post_body_is_400_naming_the_body(
    db: Database, tracking: httpx.AsyncClient, content: bytes, headers: dict[str, str]
) -> None:
    response = await tracking.post("/?nid=1", content=content, headers=headers)
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Conversion)) == 0
