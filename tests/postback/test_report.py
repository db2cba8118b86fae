"""Seed 002: the affiliate postback report and its export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Affiliate
from tests.postback.conftest import MakeWorker, Sink, World, add_conversion, add_pixel

SEED_ROW_KEYS = {
    "network_id",
    "network_offer_id",
    "network_offer_payout_revenue_id",
    "affiliate_id",
    "pixel_id",
    "conversion_id",
    "transaction_id",
    "timestamp",
    "delivery_method",
    "pixel_level",
    "pixel_status",
    "pixel_type",
    "payload",
    "is_success",
    "debug_information",
    "last_attempt",
    "failed_attempts",
    "relationship",
}
SEED_OFFER_KEYS = {
    "network_offer_id",
    "network_id",
    "network_advertiser_id",
    "network_offer_group_id",
    "name",
    "offer_status",
    "network_tracking_domain_id",
    "visibility",
    "currency_id",
}
SEED_AFFILIATE_KEYS = {
    "network_affiliate_id",
    "network_id",
    "name",
    "account_status",
    "network_traffic_source_id",
}
DAY = datetime(2024, 2, 7, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles (timezone_id 90)


def _request(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"timezone_id": 90, "from": "2024-02-07", "to": "2024-02-08"}
    body.update(fields)
    return body


def _filters(*pairs: tuple[str, Any]) -> dict[str, Any]:
    return {"filters": [{"resource_type": t, "filter_id_value": v} for t, v in pairs]}


@pytest.fixture
async def fired(db: Database, sink: Sink, world: World, make_worker: MakeWorker) -> dict[str, Any]:
    """Affiliate 1: a success on offer 1 and a failure on offer 2; affiliate 2: a success."""
    aff, other = world.affiliate.network_affiliate_id, world.other_affiliate.network_affiliate_id
    ok = await add_pixel(
        db,
        pixel_level="specific",
        network_affiliate_id=aff,
        network_offer_id=world.offer.network_offer_id,
        postback_url=sink.url("/ok?t={transaction_id}"),
    )
    await add_pixel(
        db,
        pixel_level="specific",
        network_affiliate_id=aff,
        network_offer_id=world.other_offer.network_offer_id,
        postback_url=sink.url("/fail"),
    )
    await add_pixel(db, network_affiliate_id=other, postback_url=sink.url("/ok"))
    success = await add_conversion(db, world.offer, world.affiliate, now=DAY)
    failure = await add_conversion(db, world.other_offer, world.affiliate, now=DAY)
    third = await add_conversion(db, world.offer, world.other_affiliate, now=DAY)
    await add_conversion(db, world.offer, world.affiliate, now=datetime(2024, 2, 10, tzinfo=UTC))
    await make_worker().drain()
    return {"ok_pixel": ok.network_pixel_id, "success": success, "failure": failure, "third": third}


async def test_table_rows_have_the_seed_shape(
    client: httpx.AsyncClient, network_headers: dict[str, str], world: World, fired: dict[str, Any]
) -> None:
    response = await client.post(
        "/v1/networks/reporting/affiliate/pixels",
        json=_request(
            query=_filters(("offer", world.offer.network_offer_id), ("delivery_status", "success"))
        ),
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    rows = response.json()["pixels"]
    assert sorted(r["conversion_id"] for r in rows) == sorted([fired["success"], fired["third"]])
    row = next(r for r in rows if r["conversion_id"] == fired["success"])
    assert set(row) == SEED_ROW_KEYS
    assert set(row["relationship"]) == {"offer", "affiliate"}
    assert set(row["relationship"]["offer"]) == SEED_OFFER_KEYS
    assert set(row["relationship"]["affiliate"]) == SEED_AFFILIATE_KEYS
    assert row["network_id"] == 1
    assert row["network_offer_id"] == world.offer.network_offer_id
    assert row["affiliate_id"] == world.affiliate.network_affiliate_id
    assert row["pixel_id"] == fired["ok_pixel"]
    assert row["timestamp"] == int(DAY.timestamp())
    assert row["delivery_method"] == "postback"
    assert row["pixel_level"] == "specific"
    assert row["pixel_status"] == "active"
    assert row["pixel_type"] == "conversion"
    assert row["payload"].endswith(f"/ok?t={row['transaction_id']}")
    assert row["is_success"] is True
    assert row["debug_information"].startswith(f"PostbackUrl: {row['payload']}\nStatus: 200\n")
    assert row["last_attempt"] == 0
    assert row["failed_attempts"] == 0
    assert row["relationship"]["offer"]["name"] == "Example Offer"
    assert row["relationship"]["affiliate"]["name"] == "John Doe Inc."


async def test_filters_or_within_a_type_and_across_types(
    client: httpx.AsyncClient, network_headers: dict[str, str], world: World, fired: dict[str, Any]
) -> None:
    async def ids(*pairs: tuple[str, Any]) -> list[str]:
        response = await client.post(
            "/v1/networks/reporting/affiliate/pixels",
            json=_request(query=_filters(*pairs)),
            headers=network_headers,
        )
        assert response.status_code == 200, response.text
        return sorted(r["conversion_id"] for r in response.json()["pixels"])

    aff = world.affiliate.network_affiliate_id
    offers = (world.offer.network_offer_id, world.other_offer.network_offer_id)
    everything = sorted([fired["success"], fired["failure"], fired["third"]])
    assert await ids() == everything
    assert await ids(("offer", offers[0]), ("offer", offers[1])) == everything
    assert await ids(("affiliate", aff)) == sorted([fired["success"], fired["failure"]])
    assert await ids(("affiliate", aff), ("offer", offers[1])) == [fired["failure"]]
    assert await ids(("delivery_status", "failure")) == [fired["failure"]]
    failed = await client.post(
        "/v1/networks/reporting/affiliate/pixels",
        json=_request(query=_filters(("delivery_status", "failure"))),
        headers=network_headers,
    )
    [row] = failed.json()["pixels"]
    assert row["is_success"] is False
    assert row["failed_attempts"] == 1
    assert row["last_attempt"] > 0
    assert "Status: 500" in row["debug_information"]


async def test_window_is_read_in_the_timezone(
    client: httpx.AsyncClient, network_headers: dict[str, str], fired: dict[str, Any]
) -> None:
    async def count(**fields: Any) -> int:
        response = await client.post(
            "/v1/networks/reporting/affiliate/pixels",
            json=_request(**fields),
            headers=network_headers,
        )
        assert response.status_code == 200, response.text
        return len(response.json()["pixels"])

    assert await count(**{"from": "2024-02-07 09:59:59", "to": "2024-02-07 10:00:00"}) == 3
    assert await count(**{"from": "2024-02-07 10:00:01", "to": "2024-02-07 23:59:59"}) == 0
    assert (
        await count(timezone_id=67, **{"from": "2024-02-07 18:00:00", "to": "2024-02-07 18:00:00"})
        == 3
    )
    assert await count(**{"from": "2024-02-09", "to": "2024-02-11"}) == 1


async def test_export_streams_csv_and_ndjson(
    client: httpx.AsyncClient, network_headers: dict[str, str], fired: dict[str, Any]
) -> None:
    as_json = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export",
        json=_request(format="json"),
        headers=network_headers,
    )
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in as_json.text.splitlines()]
    assert sorted(r["conversion_id"] for r in lines) == sorted(
        [fired["success"], fired["failure"], fired["third"]]
    )
    assert all(set(r) == SEED_ROW_KEYS for r in lines)

    as_csv = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export",
        json=_request(format="csv", query=_filters(("delivery_status", "failure"))),
        headers=network_headers,
    )
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    [row] = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert row["conversion_id"] == fired["failure"]
    assert row["is_success"] == "false"
    assert row["offer_name"] == "Second Offer"
    assert "Status: 500" in row["debug_information"]


async def test_table_stops_at_1000_and_export_does_not(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, world: World
) -> None:
    from clicktrail.postback import repository

    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url="https://x.example/",
    )
    rows = [_delivery(world, pixel.network_pixel_id, i) for i in range(2345)]
    async with db.write() as session:
        await repository.add_deliveries(session, rows)

    table = await client.post(
        "/v1/networks/reporting/affiliate/pixels", json=_request(), headers=network_headers
    )
    assert len(table.json()["pixels"]) == 1000
    # More matched: said in the headers (as the click stream does), with the export to use.
    assert table.headers["x-clicktrail-truncated"] == "true"
    assert table.headers["x-clicktrail-row-limit"] == "1000"
    assert table.headers["link"] == (
        '</v1/networks/reporting/affiliate/pixels/export>; rel="export"'
    )
    assert set(table.json()) == {"pixels"}
    export = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export",
        json=_request(format="json"),
        headers=network_headers,
    )
    ids = [json.loads(line)["conversion_id"] for line in export.text.splitlines()]
    assert len(ids) == 2345
    assert len(set(ids)) == 2345


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_request(query=_filters(("country", "US"))), "query.filters.0.resource_type"),
        (_request(query=_filters(("offer", "abc"))), "query.filters.0.filter_id_value"),
        (_request(query=_filters(("delivery_status", "maybe"))), "query.filters.0.filter_id_value"),
        (_request(timezone_id=1000), "timezone_id"),
        (_request(**{"from": "07/02/2024"}), "from"),
        (_request(to="2024-02-06"), "to"),
        ({"timezone_id": 90, "to": "2024-02-08"}, "from"),
    ],
)
async def test_bad_report_requests_are_400_naming_the_field(
    client: httpx.AsyncClient, network_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/v1/networks/reporting/affiliate/pixels", json=body, headers=network_headers
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["Error"]


async def test_unknown_export_format_is_400(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export",
        json=_request(format="xlsx"),
        headers=network_headers,
    )
    assert response.status_code == 400
    assert "format" in response.json()["Error"]
    missing = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export", json=_request(), headers=network_headers
    )
    assert missing.status_code == 400
    assert "format" in missing.json()["Error"]


async def test_csv_export_neutralises_partner_text_for_spreadsheets(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    world: World,
    make_worker: MakeWorker,
) -> None:
    """An affiliate's name and an HTML pixel's code are partner-supplied text."""
    async with db.write() as session:
        affiliate = await session.get(Affiliate, world.affiliate.network_affiliate_id)
        assert affiliate is not None
        affiliate.name = '=HYPERLINK("http://evil.example","x")'
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        delivery_method="html",
        html_code="+cmd|' /C calc'!A0 <img src=x>",
    )
    cid = await add_conversion(db, world.offer, world.affiliate, now=DAY)
    await make_worker().drain()
    response = await client.post(
        "/v1/networks/reporting/affiliate/pixels/export",
        json=_request(format="csv"),
        headers=network_headers,
    )
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["conversion_id"] == cid
    assert row["affiliate_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["payload"] == "'+cmd|' /C calc'!A0 <img src=x>"
    assert row["offer_name"] == "Example Offer"
    line = response.text.splitlines()[1]
    assert f",{world.offer.network_offer_id}," in line  # ids stay numbers


def _delivery(world: World, pixel_id: int, index: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "network_id": 1,
        "network_pixel_id": pixel_id,
        "conversion_id": f"{index:032x}",
        "transaction_id": "",
        "network_offer_id": world.offer.network_offer_id,
        "network_affiliate_id": world.affiliate.network_affiliate_id,
        "network_offer_payout_revenue_id": 0,
        "event_id": 0,
        "delivery_method": "postback",
        "pixel_level": "global",
        "pixel_type": "conversion",
        "payload": "https://x.example/",
        "state": "succeeded",
        "attempts": 1,
        "failed_attempts": 0,
        "next_attempt_at": DAY,
        "last_attempt_at": DAY,
        "delivered_at": DAY,
        "last_status_code": 200,
        "debug_information": "",
        "conversion_status": "approved",
        "conversion_status_note": "",
        "created_at": DAY,
        "updated_at": DAY,
    }
    row.update(fields)
    return row


async def test_exclusions_drop_rows_of_every_resource_type(
    client: httpx.AsyncClient, network_headers: dict[str, str], world: World, fired: dict[str, Any]
) -> None:
    async def ids(filters: list[tuple[str, Any]], exclusions: list[tuple[str, Any]]) -> list[str]:
        query = {
            **_filters(*filters),
            "exclusions": [{"resource_type": t, "filter_id_value": v} for t, v in exclusions],
        }
        for path in ("", "/export"):
            body = _request(query=query, **({"format": "json"} if path else {}))
            response = await client.post(
                f"/v1/networks/reporting/affiliate/pixels{path}", json=body, headers=network_headers
            )
            assert response.status_code == 200, response.text
            if path:
                exported = sorted(
                    json.loads(line)["conversion_id"] for line in response.text.splitlines()
                )
            else:
                table = sorted(r["conversion_id"] for r in response.json()["pixels"])
        assert exported == table
        return table

    aff, other = world.affiliate.network_affiliate_id, world.other_affiliate.network_affiliate_id
    offer, other_offer = world.offer.network_offer_id, world.other_offer.network_offer_id
    success, failure, third = fired["success"], fired["failure"], fired["third"]
    assert await ids([], [("affiliate", other)]) == sorted([success, failure])
    assert await ids([], [("affiliate", aff), ("affiliate", other)]) == []
    assert await ids([], [("offer", other_offer)]) == sorted([success, third])
    assert await ids([], [("delivery_status", "success")]) == [failure]
    assert await ids([], [("delivery_status", "failure")]) == sorted([success, third])
    # Filters and exclusions together: affiliate 1's rows, but not on offer 1.
    assert await ids([("affiliate", aff)], [("offer", offer)]) == [failure]


async def test_bad_exclusion_is_400_naming_it(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for item, field in (
        ({"resource_type": "country", "filter_id_value": "US"}, "query.exclusions.0.resource_type"),
        (
            {"resource_type": "offer", "filter_id_value": "\uff11"},
            "query.exclusions.0.filter_id_value",
        ),
    ):
        response = await client.post(
            "/v1/networks/reporting/affiliate/pixels",
            json=_request(query={"exclusions": [item]}),
            headers=network_headers,
        )
        assert response.status_code == 400, response.text
        assert field in response.json()["Error"]


async def test_payout_revenue_id_is_0_for_base_conversions(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, world: World
) -> None:
    from clicktrail.postback import repository

    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url="https://x.example/",
    )
    rows = [
        _delivery(world, pixel.network_pixel_id, 1, network_offer_payout_revenue_id=41),
        _delivery(world, pixel.network_pixel_id, 2, network_offer_payout_revenue_id=42, event_id=3),
    ]
    async with db.write() as session:
        await repository.add_deliveries(session, rows)
    response = await client.post(
        "/v1/networks/reporting/affiliate/pixels", json=_request(), headers=network_headers
    )
    assert response.headers["x-clicktrail-truncated"] == "false"
    got = {
        r["conversion_id"]: r["network_offer_payout_revenue_id"] for r in response.json()["pixels"]
    }
    assert got == {f"{1:032x}": 0, f"{2:032x}": 42}
