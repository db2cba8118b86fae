"""Exchange rates: set one, import a CSV (all or nothing), list."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from clicktrail.models import ExchangeRate
from tests.referral.conftest import World, count


async def test_set_replaces_the_same_day(
    client: httpx.AsyncClient, bearer: dict[str, str], db: Database
) -> None:
    for rate in ("1.1", "1.2"):
        response = await client.post(
            "/v1/exchange-rates",
            json={"currency": "eur", "rate": rate, "date": "2026-01-01"},
            headers=bearer,
        )
        assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["currency"], data["quote_currency"], data["rate"], data["date"]) == (
        "EUR",
        "USD",
        1.2,
        "2026-01-01",
    )
    assert await count(db, ExchangeRate) == 1


async def test_bad_rates_name_the_field(
    client: httpx.AsyncClient, bearer: dict[str, str], db: Database
) -> None:
    cases = [
        ({"currency": "EUR", "rate": 0, "date": "2026-01-01"}, "rate"),
        ({"currency": "EUR", "rate": 1, "date": "01/02/2026"}, "date"),
        ({"currency": "QQQ", "rate": 1, "date": "2026-01-01"}, "currency"),
        ({"currency": "USD", "rate": 1, "date": "2026-01-01"}, "currency"),
    ]
    for body, field in cases:
        response = await client.post("/v1/exchange-rates", json=body, headers=bearer)
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field
    assert await count(db, ExchangeRate) == 0


async def test_csv_import_is_all_or_nothing(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    good = "currency,rate,date\nEUR,1.08,2026-01-01\nGBP,1.27,2026-01-01\nEUR,1.09,2026-01-02\n"
    response = await client.post(
        "/v1/exchange-rates/import",
        content=good.encode(),
        headers={**bearer, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 3
    assert await count(db, ExchangeRate) == 3
    bad = "currency,rate,date\nCHF,0.9,2026-01-01\nJPY,abc,2026-01-01\n"
    refused = await client.post(
        "/v1/exchange-rates/import",
        content=bad.encode(),
        headers={**bearer, "Content-Type": "text/csv"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "rate"
    assert "line 3" in refused.json()["error"]["message"]
    assert await count(db, ExchangeRate) == 3
    no_header = await client.post(
        "/v1/exchange-rates/import", content=b"EUR,1,2026-01-01\n", headers=bearer
    )
    assert no_header.status_code == 400
    listed = (await client.get("/v1/exchange-rates?currency=eur", headers=bearer)).json()
    assert [(r["date"], r["rate"]) for r in listed["data"]] == [
        ("2026-01-01", 1.08),
        ("2026-01-02", 1.09),
    ]
