from __future__ import annotations

import httpx

from clicktrail.app import create_app
from clicktrail.config import Settings


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


async def test_metrics_asks_for_the_bearer_token_when_one_is_set(settings: Settings) -> None:
    application = create_app(settings.model_copy(update={"metrics_token": "s3cret-token"}))
    await application.state.start()
    try:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert wrong.json()["error"] == "A bearer token is required for /metrics"
            basic = await client.get("/metrics", headers={"Authorization": "Basic s3cret-token"})
            assert basic.status_code == 401
            right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
            assert right.status_code == 200
            assert "clicktrail_clicks_total" in right.text
    finally:
        await application.state.stop()
