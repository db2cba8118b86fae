from __future__ import annotations

import httpx


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database(client: httpx.AsyncClient, database_url: str) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    expected = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    assert response.json() == {"status": "ready", "database": expected}


async def test_metrics_is_prometheus_text(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "clicktrail_clicks_total" in response.text


async def test_openapi_lists_api_paths(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert "/healthz" in response.json()["paths"]
