"""/v1/networks/couponcodes and /v1/affiliates/couponcodes: Everflow's shapes, and bad input
answered 400 in Everflow's error shape naming the field."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import AuditEntry
from tests.fixtures.factories import make_affiliate, make_key, make_offer

CODES = "/v1/networks/couponcodes"


def _body(offer_id: int, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "coupon_code": "SUMMER15",
        "network_offer_id": offer_id,
        "coupon_status": "active",
    }
    body.update(fields)
    return body


async def test_coupon_code_round_trip(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = _body(
        offer.network_offer_id,
        network_affiliate_id=affiliate.network_affiliate_id,
        internal_notes="new customers only",
        description="15% off",
        is_description_plain_text=True,
        start_date="2025-06-01",
        end_date="2025-09-30",
    )
    created = await client.post(CODES, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    coupon = created.json()
    coupon_id = coupon["network_coupon_code_id"]
    assert {k: v for k, v in coupon.items() if k not in ("time_created", "time_saved")} == {
        "network_coupon_code_id": coupon_id,
        "network_id": 1,
        "network_affiliate_id": affiliate.network_affiliate_id,
        "network_offer_id": offer.network_offer_id,
        "coupon_code": "SUMMER15",
        "coupon_status": "active",
        "internal_notes": "new customers only",
        "start_date": "2025-06-01",
        "end_date": "2025-09-30",
        "description": "15% off",
        "is_description_plain_text": True,
        "time_deleted": 0,
    }
    assert coupon["time_created"] > 0

    # PUT replaces: what it leaves out goes back to its default.
    replaced = await client.put(
        f"{CODES}/{coupon_id}",
        json=_body(offer.network_offer_id, coupon_code="summer15", coupon_status="paused"),
        headers=network_headers,
    )
    assert replaced.status_code == 200, replaced.text
    fetched = (await client.get(f"{CODES}/{coupon_id}", headers=network_headers)).json()
    assert (fetched["coupon_code"], fetched["coupon_status"]) == ("summer15", "paused")
    assert (fetched["network_affiliate_id"], fetched["start_date"], fetched["description"]) == (
        0,
        "",
        "",
    )

    other = await client.post(
        CODES, json=_body(offer.network_offer_id, coupon_code="WINTER"), headers=network_headers
    )
    assert other.status_code == 200, other.text
    listed = (await client.get(CODES, headers=network_headers)).json()
    assert [c["coupon_code"] for c in listed["coupon_codes"]] == ["summer15", "WINTER"]
    assert listed["paging"]["total_count"] == 2
    paused = await client.get(
        CODES, params={"filter": "coupon_status=paused"}, headers=network_headers
    )
    assert [c["network_coupon_code_id"] for c in paused.json()["coupon_codes"]] == [coupon_id]
    by_code = await client.get(
        CODES, params={"filter": "coupon_code=Winter"}, headers=network_headers
    )
    assert [c["coupon_code"] for c in by_code.json()["coupon_codes"]] == ["WINTER"]

    deleted = await client.delete(f"{CODES}/{coupon_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    missing = await client.get(f"{CODES}/{coupon_id}", headers=network_headers)
    assert missing.status_code == 404
    async with db.read() as session:
        logged = await session.scalars(
            select(AuditEntry.operation)
            .where(AuditEntry.entity_type == "coupon_code")
            .where(AuditEntry.entity_id == str(coupon_id))
            .order_by(AuditEntry.audit_entry_id)
        )
        assert list(logged) == ["create", "update", "delete"]


async def _bad(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    body: Any,
    field: str,
    path: str = CODES,
) -> str:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert set(payload) >= {"Error", "error"}
    assert field in payload["error"], payload
    return str(payload["error"])


async def test_bad_coupon_codes_are_400s_naming_the_field(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    oid = offer.network_offer_id
    await _bad(client, network_headers, _body(999_999), "network_offer_id")
    await _bad(
        client, network_headers, _body(oid, network_affiliate_id=999_999), "network_affiliate_id"
    )
    await _bad(client, network_headers, _body(oid, start_date="2025-13-01"), "start_date")
    await _bad(client, network_headers, _body(oid, end_date="tomorrow"), "end_date")
    await _bad(
        client,
        network_headers,
        _body(oid, start_date="2025-06-02", end_date="2025-06-01"),
        "end_date",
    )
    await _bad(client, network_headers, _body(oid, coupon_code="AB"), "coupon_code")
    await _bad(client, network_headers, _body(oid, coupon_code="TWO WORDS"), "coupon_code")
    await _bad(client, network_headers, _body(oid, coupon_status="deleted"), "coupon_status")
    await _bad(client, network_headers, _body(oid, surprise=1), "surprise")

    first = await client.post(CODES, json=_body(oid), headers=network_headers)
    assert first.status_code == 200, first.text
    message = await _bad(client, network_headers, _body(oid, coupon_code="summer15"), "coupon_code")
    assert "taken" in message
    listed = await client.get(CODES, params={"filter": "nope=1"}, headers=network_headers)
    assert listed.status_code == 400
    assert "filter" in listed.json()["error"]


async def test_bulk_creates_all_or_none(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    oid, aid = offer.network_offer_id, affiliate.network_affiliate_id
    bulk = f"{CODES}/bulk"
    await _bad(
        client,
        network_headers,
        [_body(oid, coupon_code="SAVE20"), _body(oid, coupon_code="save20")],
        "[1].coupon_code",
        bulk,
    )
    await _bad(
        client,
        network_headers,
        [_body(oid, coupon_code="SAVE20"), _body(oid, coupon_code="SAVE30", end_date="x")],
        "[1].end_date",
        bulk,
    )
    assert (await client.get(CODES, headers=network_headers)).json()["coupon_codes"] == []
    created = await client.post(
        bulk,
        json=[
            _body(oid, coupon_code="SAVE20", network_affiliate_id=aid),
            _body(oid, coupon_code="SAVE30", network_affiliate_id=aid),
        ],
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    assert [c["coupon_code"] for c in created.json()["coupon_codes"]] == ["SAVE20", "SAVE30"]


async def test_affiliate_sees_its_active_codes_with_a_tracking_link(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    private = await make_offer(db, name="Private", visibility="require_approval")
    affiliate = await make_affiliate(db)
    other = await make_affiliate(db, name="Other")
    aid = affiliate.network_affiliate_id
    for body in (
        _body(offer.network_offer_id, coupon_code="MINE", network_affiliate_id=aid),
        _body(
            offer.network_offer_id,
            coupon_code="PAUSED",
            network_affiliate_id=aid,
            coupon_status="paused",
        ),
        _body(private.network_offer_id, coupon_code="NOTRUNNABLE", network_affiliate_id=aid),
        _body(
            offer.network_offer_id,
            coupon_code="THEIRS",
            network_affiliate_id=other.network_affiliate_id,
        ),
    ):
        response = await client.post(CODES, json=body, headers=network_headers)
        assert response.status_code == 200, response.text
    key = await make_key(db, realm="affiliate", affiliate_id=aid)
    answer = await client.get("/v1/affiliates/couponcodes", headers={"X-Eflow-API-Key": key})
    assert answer.status_code == 200, answer.text
    [coupon] = answer.json()["coupon_codes"]
    assert coupon["coupon_code"] == "MINE"
    assert coupon["network_offer_id"] == offer.network_offer_id
    assert "internal_notes" not in coupon
    assert coupon["tracking_link"].endswith("/?coupon_code=MINE")
    # The network realm's key is refused on the affiliate path.
    refused = await client.get("/v1/affiliates/couponcodes", headers=network_headers)
    assert refused.status_code == 403
