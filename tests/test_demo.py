"""The demo network goes through the API's services and reads back through the API."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from clicktrail.app import create_app
from clicktrail.cli import app
from clicktrail.config import Settings, get_settings
from clicktrail.db import Database
from clicktrail.demo import is_empty, seed


async def test_demo_network_is_served_by_the_api(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    async with db.write() as session:
        assert await is_empty(session)
        demo = await seed(session)
    async with db.read() as session:
        assert not await is_empty(session)

    offers = (await client.get("/v1/networks/offers", headers=network_headers)).json()
    assert offers["paging"]["total_count"] == 5
    types = {
        entry["payout_type"]
        for offer in offers["offers"]
        for entry in offer["relationship"]["payout_revenue"]["entries"]
    }
    assert types == {"cpa", "cps", "cpa_cps", "prv", "cpc"}
    statuses = {offer["offer_status"] for offer in offers["offers"]}
    assert statuses == {"active", "paused"}

    affiliates = (await client.get("/v1/networks/affiliates", headers=network_headers)).json()
    assert affiliates["affiliates"][3]["referrer_id"] == demo.affiliate_ids[0]
    # The printed affiliate key is an affiliate-realm key: the network API refuses it.
    refused = await client.get(
        "/v1/networks/offers", headers={"X-Eflow-API-Key": demo.affiliate_key}
    )
    assert refused.status_code == 403


def test_demo_prints_the_real_url_and_a_working_network_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "demo.db"
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("CLICKTRAIL_DATABASE_URL", url)
    monkeypatch.setenv("CLICKTRAIL_HOST", "0.0.0.0")
    monkeypatch.setenv("CLICKTRAIL_PORT", "9123")
    monkeypatch.delenv("CLICKTRAIL_TRACKING_URL", raising=False)
    get_settings.cache_clear()
    try:
        printed = CliRunner().invoke(app, ["demo"])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0, printed.stderr
    out = printed.stderr
    assert "<network key>" not in out
    assert "127.0.0.1:8080" not in out
    [key] = re.findall(r"network key, shown once: (\S+)", out)
    assert f"X-Eflow-API-Key: {key}' 'http://127.0.0.1:9123/v1/networks/offers/" in out
    assert "curl -i 'http://127.0.0.1:9123/c?oid=" in out

    async def offers_with(key: str) -> int:
        application = create_app(Settings(database_url=url, log_level="WARNING"))
        await application.state.start()
        try:
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/v1/networks/offers", headers={"X-Eflow-API-Key": key})
                assert response.status_code == 200, response.text
                return int(response.json()["paging"]["total_count"])
        finally:
            await application.state.stop()

    assert asyncio.run(offers_with(key)) == 5


def test_demo_url_option_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLICKTRAIL_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    get_settings.cache_clear()
    try:
        printed = CliRunner().invoke(app, ["demo", "--url", "https://track.example.com/"])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0, printed.stderr
    assert "'https://track.example.com/v1/networks/offers/" in printed.stderr
    assert "API docs: https://track.example.com/docs" in printed.stderr
