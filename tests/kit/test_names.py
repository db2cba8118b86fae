"""Control characters are refused in every entity name, on every surface, with a 400 naming
the field; nothing is stored (issue 14, item 11)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.kit.wire import Name, OptionalName
from clicktrail.models import Advertiser, Affiliate, Offer
from tests.fixtures.factories import make_advertiser
from tests.offer.test_endpoints import offer_body

BAD = ["bell\x07", "line\nbreak", "tab\there", "del\x7f!", "c1\x85!", "nul\x00!"]


@pytest.mark.parametrize("value", BAD)
def test_the_shared_name_types_refuse_control_characters(value: str) -> None:
    for kind in (Name, OptionalName):
        with pytest.raises(ValidationError, match="control characters"):
            TypeAdapter(kind).validate_python(value)


def test_names_keep_any_printable_text() -> None:
    assert TypeAdapter(Name).validate_python("  Café ☕ 東京 — O'Brien & Co  ") == (
        "Café ☕ 東京 — O'Brien & Co"
    )
    assert TypeAdapter(OptionalName).validate_python("") == ""


async def _count(db: Database, model: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_everflow_entities_refuse_control_characters_in_names(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    advertiser = await make_advertiser(db)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/v1/networks/advertisers", {"name": "Acme\x1b[31m"}, "name"),
        ("/v1/networks/affiliates", {"name": "Partner\r\nX-Evil: 1"}, "name"),
        ("/v1/networks/offers", offer_body(advertiser.network_advertiser_id, name="O\x00"), "name"),
        ("/v1/networks/advertisers", {"name": "Acme", "labels": ["ok", "bad\x07"]}, "labels"),
    ]
    for url, body, field in cases:
        response = await client.post(url, json=body, headers=network_headers)
        assert response.status_code == 400, response.text
        assert field in response.json()["error"]
        assert "control characters" in response.json()["error"]
    assert await _count(db, Advertiser) == 1
    assert await _count(db, Affiliate) == 0
    assert await _count(db, Offer) == 0
    network = await client.put("/v1/networks", json={"name": "Net\x08"}, headers=network_headers)
    assert network.status_code == 400
    assert "name" in network.json()["error"]


async def test_affonso_groups_and_incentives_refuse_control_characters_in_names(
    client: httpx.AsyncClient, network_key: str
) -> None:
    bearer = {"Authorization": f"Bearer {network_key}"}
    group = await client.post("/v1/program/groups", json={"name": "Agen\x07cies"}, headers=bearer)
    assert group.status_code == 400
    error = group.json()["error"]
    assert error["field"] == "name"
    assert "control characters" in error["message"]
    listed = await client.get("/v1/program/groups", headers=bearer)
    assert "Agen" not in listed.text
