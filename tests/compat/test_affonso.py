"""Affonso's dialect on the referral paths: auth, the error envelope, the success envelope."""

from __future__ import annotations

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.factories import make_affiliate, make_key

PATHS = [
    ("POST", "/v1/clicks"),
    ("POST", "/v1/signups"),
    ("GET", "/v1/referrals"),
    ("POST", "/v1/conversions"),
    ("POST", "/v1/conversions/abc/refund"),
    ("GET", "/v1/incentives"),
    ("GET", "/v1/program/groups"),
    ("GET", "/v1/affiliate-codes"),
    ("GET", "/v1/exchange-rates"),
]


@pytest.mark.parametrize(("method", "path"), PATHS)
async def test_missing_or_wrong_key_is_401_in_affonso_shape(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer ct_nope_nope"}, {"Authorization": "Basic x"}):
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 401, (path, headers)
        body = response.json()
        assert body["success"] is False
        assert body["error"]["code"] == "UNAUTHORIZED"
        assert set(body["error"]) == {"code", "message", "field"}
        assert response.headers["www-authenticate"] == "Bearer"


async def test_affiliate_key_is_403(client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db)
    key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    response = await client.get("/v1/referrals", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


async def test_scheme_is_case_insensitive(client: httpx.AsyncClient, network_key: str) -> None:
    response = await client.get("/v1/referrals", headers={"authorization": f"bearer {network_key}"})
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": [], "has_more": False}


async def test_validation_and_not_found_envelopes(
    client: httpx.AsyncClient, network_key: str
) -> None:
    headers = {"Authorization": f"Bearer {network_key}"}
    invalid = await client.post("/v1/conversions", json={"sale_amount": "ten"}, headers=headers)
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "VALIDATION_ERROR"
    assert invalid.json()["error"]["field"] == "sale_amount"
    missing = await client.get("/v1/referrals/unknown", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "success": False,
        "error": {"code": "NOT_FOUND", "message": "referral unknown not found", "field": "id"},
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sale_amount": 9300000000000}, "sale_amount"),
        ({"sale_amount": "1000000000.01"}, "sale_amount"),
        ({"sale_amount": "١٢"}, "sale_amount"),
        ({"sale_amount": "1_000"}, "sale_amount"),
        ({"sale_amount": "Infinity"}, "sale_amount"),
        ({"sale_amount": "0.0000001"}, "sale_amount"),
        ({"sale_amount": 10, "created_at": "1969-12-31T23:59:59Z"}, "created_at"),
        ({"sale_amount": 10, "created_at": "2100-01-01T00:00:00Z"}, "created_at"),
    ],
)
async def test_money_and_dates_out_of_bounds_are_400(
    client: httpx.AsyncClient, network_key: str, body: dict[str, object], field: str
) -> None:
    headers = {"Authorization": f"Bearer {network_key}"}
    response = await client.post("/v1/conversions", json=body, headers=headers)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["success"] is False
    assert error["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "EUR", "rate": "1e12", "date": "2026-01-05"}, "rate"),
        ({"currency": "EUR", "rate": "NaN", "date": "2026-01-05"}, "rate"),
        ({"currency": "EUR", "rate": "1.1", "date": "1969-12-31"}, "date"),
    ],
)
async def test_exchange_rates_are_bounded(
    client: httpx.AsyncClient, network_key: str, body: dict[str, object], field: str
) -> None:
    headers = {"Authorization": f"Bearer {network_key}"}
    response = await client.post("/v1/exchange-rates", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field
