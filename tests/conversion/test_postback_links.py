"""Ready-made advertiser postbacks: GET /v1/networks/tracking/offers/{id}/conversion.

The URLs the endpoint gives are filled in the way an advertiser would, then fired at the
app's own tracking host: the conversion they record is the assertion.
"""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Conversion, Offer
from tests.fixtures.factories import make_advertiser, make_affiliate, make_click, make_offer

URL = "/v1/networks/tracking/offers/{}/conversion"
ENTRIES = [
    {"event_id": 0, "payout_amount": Decimal(5), "revenue_amount": Decimal(8), "is_default": True},
    {
        "event_id": 11,
        "event_alias": "sale",
        "payout_type": "cps",
        "payout_percentage": Decimal(10),
        "revenue_type": "rps",
        "revenue_percentage": Decimal(20),
    },
]


async def _offer(db: Database, advertiser_token: str = "", **fields: object) -> Offer:
    advertiser = await make_advertiser(db, verification_token=advertiser_token)
    return await make_offer(
        db, advertiser_id=advertiser.network_advertiser_id, payout_revenue=ENTRIES, **fields
    )


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://track.test"
    return f"{parts.path}?{parts.query}"


async def test_base_postback_url_records_a_conversion(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await _offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await client.get(URL.format(offer.network_offer_id), headers=network_headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["postback_url"] == "http://track.test/?nid=1&transaction_id={transaction_id}"
    assert (data["network_offer_id"], data["event_id"]) == (offer.network_offer_id, 0)
    fired = await client.get(
        _path(data["postback_url"].replace("{transaction_id}", click.transaction_id))
    )
    assert fired.status_code == 200, fired.text
    [row] = await _rows(db)
    assert (row.transaction_id, row.event_id, row.error_code) == (click.transaction_id, 0, 0)


async def test_event_pixels_carry_event_amount_order_and_token(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await _offer(db, advertiser_token="adv7", is_order_id_deduplicated=True)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await client.get(
        URL.format(offer.network_offer_id), params={"event_id": 11}, headers=network_headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    oid = offer.network_offer_id
    expected = (
        f"http://track.test/?nid=1&oid={oid}&transaction_id={{transaction_id}}&event_id=11"
        "&amount={amount}&order_id={order_id}&verification_token=adv7"
    )
    assert data["image_pixel"] == (
        f'<img src="{expected.replace("&", "&amp;")}" width="1" height="1" alt="" />'
    )
    assert data["iframe_pixel"].startswith(f'<iframe src="{expected.replace("&", "&amp;")}"')
    src = unescape(data["image_pixel"].split('"')[1])
    filled = (
        src.replace("{transaction_id}", click.transaction_id)
        .replace("{amount}", "200")
        .replace("{order_id}", "ORD-1")
    )
    fired = await client.get(_path(filled))
    assert fired.status_code == 200, fired.text
    [row] = await _rows(db)
    assert (row.event_id, row.sale_amount, row.payout, row.order_id) == (
        11,
        Decimal(200),
        Decimal(20),
        "ORD-1",
    )
    assert row.error_code == 0  # the token was right


async def test_the_offer_token_wins_over_the_advertiser_token(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await _offer(db, advertiser_token="adv7", verification_token="off9")
    response = await client.get(URL.format(offer.network_offer_id), headers=network_headers)
    assert response.json()["postback_url"].endswith("&verification_token=off9")


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("999", {}, 404, "offer"),
        ("{id}", {"event_id": 404}, 404, "event_id"),
        ("{id}", {"event_id": "x"}, 400, "event_id"),
        ("0", {}, 400, "offer_id"),
    ],
)
async def test_unknown_or_bad_ids(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    path: str,
    params: dict[str, int | str],
    status: int,
    field: str,
) -> None:
    offer = await _offer(db)
    response = await client.get(
        URL.format(path.format(id=offer.network_offer_id)), params=params, headers=network_headers
    )
    assert response.status_code == status, response.text
    assert field in response.json()["Error"]


async def test_needs_a_network_key(db: Database, client: httpx.AsyncClient) -> None:
    offer = await _offer(db)
    response = await client.get(URL.format(offer.network_offer_id))
    assert response.status_code == 401
