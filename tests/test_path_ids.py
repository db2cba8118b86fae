"""Path ids that are not plain ASCII digits answer 400 or 404 in the surface's dialect, on
every route of every router (issue 15, item 8)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from clicktrail.app import ClicktrailApp
from clicktrail.dialects import dialect_for_path
from clicktrail.routers import ROUTERS
from tests.fixtures.factories import make_affiliate, make_key

BAD_IDS = [
    "%C2%B9",
    "%EF%BC%91",
    "%D9%A1",
    "1_000",
    "%201",
    "-1",
    "1e3",
    "99999999999999999999",
    "9999999999",
    "%00",
    "0x1f",
]
_PARAM = re.compile(r"\{([^}]+)\}")


def _routes(routers: list[Any]) -> list[tuple[str, str]]:
    found = []
    for router in routers:
        for route in router.routes:
            nested = getattr(route, "original_router", None)  # router.include_router(other)
            if nested is not None:
                found.extend(_routes([nested]))
            elif isinstance(route, APIRoute) and _PARAM.search(route.path):
                found.extend((m, route.path) for m in sorted((route.methods or set()) - {"HEAD"}))
    return found


ROUTES = _routes(list(ROUTERS))


def _shape_of(dialect: str, body: dict[str, Any]) -> bool:
    if dialect == "everflow":
        return set(body) == {"Error", "error"}
    if dialect == "affonso":
        return body.get("success") is False and "error" in body
    return {"status", "code", "message"} <= set(body)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_bad_path_ids_are_400_or_404(
    app: ClicktrailApp, client: httpx.AsyncClient, method: str, path: str
) -> None:
    db = app.state.db
    affiliate = await make_affiliate(db)
    network = await make_key(db, "network")
    mine = await make_key(db, "affiliate", affiliate_id=affiliate.network_affiliate_id)
    key = mine if path.startswith("/v1/affiliates/") else network
    headers = {"X-Eflow-API-Key": key, "Authorization": f"Bearer {key}"}
    for bad in BAD_IDS:
        url = _PARAM.sub(bad, path)
        response = await client.request(
            method, url, headers=headers, params={"api-key": key}, json={}
        )
        assert response.status_code in (400, 404, 422), (url, response.status_code, response.text)
        dialect = dialect_for_path(url)
        if dialect != "scaleo":
            assert response.status_code != 422, (url, response.text)
        assert _shape_of(dialect, response.json()), (url, response.text)
