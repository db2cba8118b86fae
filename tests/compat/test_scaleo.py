"""Scaleo-compatible conversion by click id (seed 001)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Conversion, Offer
from tests.fixtures.factories import make_affiliate, make_click, make_key, make_offer

URL = "/api/v2/network/tracking/conv-click-id"
GOALS = [
    {
        "event_id": 0,
        "payout_amount": Decimal(5),
        "revenue_amount": Decimal(8),
        "is_default": True,
    },
    {
        "event_id": 11,
        "event_alias": "deposit",
        "payout_type": "cps",
        "payout_percentage": Decimal(10),
        "revenue_type": "rps",
        "revenue_percentage": Decimal(30),
    },
]


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


def _goal_ids(offer: Offer) -> list[int]:
    """Scaleo goal ids of the offer's entries: their network_offer_payout_revenue_id."""
    return [entry.network_offer_payout_revenue_id for entry in offer.payout_revenue]


async def _setup(db: Database, **offer: Any) -> tuple[Offer, str, str]:
    made = await make_offer(db, payout_revenue=GOALS, **offer)
    click = await make_click(db, made, await make_affiliate(db), sub1="s1")
    return made, click.transaction_id, await make_key(db)


async def test_conv_click_id_stores_every_field(db: Database, client: httpx.AsyncClient) -> None:
    offer, click_id, key = await _setup(db)
    body: dict[str, Any] = {
        "click_id": click_id,
        "revenue": 12,
        "payout": 3.5,
        "amount": 99.9,
        "conv_status": "approved",
        "aff_click_id": "affc",
        "adv_order_id": "ORD-9",
        "adv_user_id": "u-1",
        "adv_track_id": "at",
        "track_id": "t",
        "idfa": "IDFA",
        "gaid": "GAID",
        "promo_code": "PROMO",
        "email": "lead@example.com",
        "firstname": "Ada",
        "lastname": "Lovelace",
        "phone": "+1555",
        "country": "GB",
        "public_notes": "pub",
        "private_notes": "priv",
        "click_referer_url": "https://ref.example/c",
        "conversion_referer_url": "https://ref.example/v",
        "timestamp": "2024-05-01 12:00:00",
        "click_timestamp": "2024-05-01 11:00:00",
        **{f"aff_param{i}": f"ap{i}" for i in range(1, 6)},
        **{f"sub_id{i}": f"si{i}" for i in range(1, 6)},
        **{f"adv_param{i}": f"adv{i}" for i in range(1, 6)},
        **{f"custom{i}": f"c{i}" for i in range(1, 11)},
    }
    response = await client.post(URL, params={"api-key": key}, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["status"], data["code"], data["name"]) == ("success", 200, "OK")
    info = data["info"]
    [row] = await _rows(db)
    assert info["lead_id"] == row.conversion_id
    assert info["transaction_id"] == click_id
    assert (info["conv_status"], info["offer_id"], info["goal_id"]) == (
        "approved",
        offer.network_offer_id,
        _goal_ids(offer)[0],
    )
    assert info["affiliate_id"] == row.network_affiliate_id
    assert (row.revenue, row.payout, row.sale_amount) == (
        Decimal(12),
        Decimal("3.5"),
        Decimal("99.9"),
    )
    assert (row.order_id, row.coupon_code, row.email) == ("ORD-9", "PROMO", "lead@example.com")
    assert (row.adv1, row.adv5, row.internal_notes) == ("adv1", "adv5", "priv")
    assert row.created_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert row.click_at == datetime(2024, 5, 1, 11, tzinfo=UTC)
    assert row.sub1 == "s1"
    assert row.source == "scaleo"
    attrs = row.attributes or {}
    for name in ("aff_click_id", "adv_user_id", "idfa", "gaid", "firstname", "phone", "country"):
        assert attrs[name] == body[name]
    assert attrs["custom10"] == "c10"
    assert attrs["sub_id3"] == "si3"
    assert attrs["aff_param5"] == "ap5"
    assert attrs["click_referer_url"] == "https://ref.example/c"


async def test_goal_alias_and_hold(db: Database, client: httpx.AsyncClient) -> None:
    offer, click_id, key = await _setup(db)
    response = await client.post(
        URL,
        params={"api-key": key},
        json={"click_id": click_id, "goal_alias": "deposit", "amount": 200, "conv_status": "hold"},
    )
    info = response.json()["info"]
    assert (info["goal_id"], info["conv_status"]) == (_goal_ids(offer)[1], "hold")
    [row] = await _rows(db)
    assert (row.status, row.original_status) == ("pending", "hold")
    assert (row.payout, row.revenue) == (Decimal(20), Decimal(60))


async def test_default_goal_and_duplicate(db: Database, client: httpx.AsyncClient) -> None:
    offer, click_id, key = await _setup(db)
    first = await client.post(URL, params={"api-key": key}, json={"click_id": click_id})
    second = await client.post(URL, params={"api-key": key}, json={"click_id": click_id})
    assert first.status_code == 200
    assert first.json()["info"]["goal_id"] == _goal_ids(offer)[0] > 0
    assert first.json()["info"]["status"] == "success"
    # A duplicate is Scaleo's error (a conversion with this click already exists), never
    # "success"; the refusal is still stored, as every refusal is.
    assert second.status_code == 422, second.text
    data = second.json()
    assert (data["status"], data["code"], data["name"]) == ("error", 422, "Unprocessable Entity")
    assert data["message"] == "Duplicate Conversion"
    assert data["info"]["errors"] == {"click_id": ["Duplicate Conversion"]}
    dup = data["info"]
    assert (dup["status"], dup["conv_status"], dup["additional"]["error_code"]) == (
        "rejected",
        "rejected",
        8,
    )
    rows = await _rows(db)
    assert sorted(r.error_code for r in rows) == [0, 8]
    assert dup["lead_id"] in {r.conversion_id for r in rows if r.error_code == 8}


async def test_positive_goal_ids_pick_the_entry(db: Database, client: httpx.AsyncClient) -> None:
    offer, click_id, key = await _setup(db)
    base_id, deposit_id = _goal_ids(offer)
    event = await client.post(
        URL, params={"api-key": key}, json={"click_id": click_id, "goal_id": deposit_id}
    )
    base = await client.post(
        URL, params={"api-key": key}, json={"click_id": click_id, "goal_id": base_id}
    )
    assert (event.status_code, base.status_code) == (200, 200), base.text
    assert event.json()["info"]["goal_id"] == deposit_id
    assert base.json()["info"]["goal_id"] == base_id
    rows = sorted(await _rows(db), key=lambda r: r.event_id)
    assert [(r.event_id, r.error_code) for r in rows] == [(0, 0), (11, 0)]


async def test_goal_id_of_another_offer_or_zero_is_422(
    db: Database, client: httpx.AsyncClient
) -> None:
    _offer, click_id, key = await _setup(db)
    other = await make_offer(db)
    for goal_id in (_goal_ids(other)[0], 0):
        response = await client.post(
            URL, params={"api-key": key}, json={"click_id": click_id, "goal_id": goal_id}
        )
        assert response.status_code == 422, response.text
        assert list(response.json()["info"]["errors"]) == ["goal_id"]
    assert await _rows(db) == []


async def test_form_multipart_and_query_string_bodies(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer, click_id, key = await _setup(db, is_allow_duplicate_conversion=True)
    deposit_id = _goal_ids(offer)[1]
    fields = {"click_id": click_id, "goal_id": str(deposit_id), "amount": "50", "sub_id1": ""}
    form = await client.post(URL, params={"api-key": key}, data=fields)
    multipart = await client.post(
        URL, params={"api-key": key}, data=fields, files={"unused": ("", b"")}
    )
    query = await client.post(URL, params={"api-key": key, **fields})
    for response in (form, multipart, query):
        assert response.status_code == 200, response.text
        assert response.json()["info"]["goal_id"] == deposit_id
    assert multipart.request.headers["content-type"].startswith("multipart/form-data")
    rows = await _rows(db)
    assert [(r.event_id, r.payout) for r in rows] == [(11, Decimal(5))] * 3
    # A body's field wins over the query string's.
    both = await client.post(
        URL, params={"api-key": key, "click_id": "0" * 32}, json={"click_id": click_id}
    )
    assert both.status_code == 200, both.text


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"click_id": ', "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b"click_id=abc", "text/plain", 415),
        (b"--x\r\nnot a part", "multipart/form-data", 422),
        (b"click_id=\xff\xfe", "application/x-www-form-urlencoded", 422),
    ],
)
async def test_malformed_bodies_are_answered_in_scaleo_envelope(
    db: Database, client: httpx.AsyncClient, content: bytes, content_type: str, status: int
) -> None:
    key = await make_key(db)
    response = await client.post(
        URL, params={"api-key": key}, content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    data = response.json()
    assert (data["status"], data["code"]) == ("error", status)


async def test_a_file_where_text_belongs_is_422(db: Database, client: httpx.AsyncClient) -> None:
    _offer, click_id, key = await _setup(db)
    response = await client.post(
        URL, params={"api-key": key}, files={"click_id": ("c.txt", click_id.encode())}
    )
    assert response.status_code == 422, response.text
    assert "click_id" in response.json()["info"]["errors"]
    assert await _rows(db) == []


async def test_order_id_replay_returns_same_lead(db: Database, client: httpx.AsyncClient) -> None:
    _offer, click_id, key = await _setup(db, is_order_id_deduplicated=True)
    body = {"click_id": click_id, "adv_order_id": "A1"}
    first = (await client.post(URL, params={"api-key": key}, json=body)).json()["info"]
    again = (await client.post(URL, params={"api-key": key}, json=body)).json()
    assert again["info"]["lead_id"] == first["lead_id"]
    assert again["message"] == "Conversion already exists"
    assert len(await _rows(db)) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"click_id": "0" * 32}, "click_id"),
        ({"click_id": "not-a-click"}, "click_id"),
        ({"goal_id": 404}, "goal_id"),
        ({"goal_alias": "nope"}, "goal_alias"),
        ({"conv_status": "paid"}, "conv_status"),
        ({"amount": -5}, "amount"),
        ({"revenue": "lots"}, "revenue"),
        ({"timestamp": "01.05.2024"}, "timestamp"),
        ({"revenue": 9300000000000}, "revenue"),
        ({"payout": "1000000000.000001"}, "payout"),
        ({"amount": "١٢"}, "amount"),
        ({"amount": "1_000"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"revenue": 1.0000001}, "revenue"),
        ({"timestamp": "1969-12-31 12:00:00"}, "timestamp"),
        ({"timestamp": "2100-01-01 00:00:00"}, "timestamp"),
        ({"ip": "999.1.1.1"}, "ip"),
        ({"adv_order_id": "x" * 300}, "adv_order_id"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    db: Database, client: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    _offer, click_id, key = await _setup(db)
    response = await client.post(
        URL, params={"api-key": key}, json={"click_id": click_id, **change}
    )
    assert response.status_code == 422, response.text
    data = response.json()
    assert (data["status"], data["code"]) == ("error", 422)
    [reason] = data["info"]["errors"][field]  # Scaleo's shape: a list of reasons per field
    # Reasons speak Scaleo's field names, never the internal ones they map onto.
    assert "transaction_id" not in reason
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Conversion)) == 0


async def test_missing_click_id_is_422(db: Database, client: httpx.AsyncClient) -> None:
    key = await make_key(db)
    response = await client.post(URL, params={"api-key": key}, json={"revenue": 1})
    assert response.status_code == 422
    assert "click_id" in response.json()["info"]["errors"]


async def test_bad_key_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, params={"api-key": "wrong"}, json={"click_id": "x"})
    assert response.status_code == 401
    data = response.json()
    assert (data["status"], data["code"]) == ("error", 401)
    missing = await client.post(URL, json={"click_id": "x"})
    assert missing.status_code == 401
