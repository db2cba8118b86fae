"""``/sdk/click``: a direct-link click, recorded like a redirect click, answered with CORS
headers and the tracking host's cookie once it is committed."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from clicktrail.app import ClicktrailApp
from clicktrail.kit.ids import is_hex_id
from clicktrail.models import Offer
from clicktrail.tracking.refusals import ClickRefusal
from tests.tracking.helpers import cache_of, click, clicks, make_pair

SHOP = "https://shop.example"


async def test_click_is_committed_before_the_answer_with_cors_and_cookie(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.get(
        f"/sdk/click?oid={pair.oid}&affid={pair.affid}&sub1=fb&source_id=ads&campaign=x",
        headers={"origin": SHOP, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},
    )
    assert response.status_code == 200
    transaction_id = response.json()["transaction_id"]
    assert is_hex_id(transaction_id)
    # Answered only after the commit: the row is there, enriched like a redirect click's.
    stored = await click(app.state.db, transaction_id)
    assert (stored.network_offer_id, stored.network_affiliate_id) == (pair.oid, pair.affid)
    assert (stored.sub1, stored.source_id, stored.error_code, stored.is_unique) == (
        "fb",
        "ads",
        0,
        True,
    )
    assert stored.query_parameters == {"campaign": "x"}
    assert stored.browser_name == "Firefox"
    headers = response.headers
    assert headers["access-control-allow-origin"] == SHOP
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["vary"] == "Origin"
    assert headers["cache-control"] == "no-store"
    cookies = headers.get_list("set-cookie")
    assert f"ef_tid_o_{pair.oid}={transaction_id}" in cookies[0]
    assert f"ef_tid_a_{pair.offer.network_advertiser_id}={transaction_id}" in cookies[1]
    # Plain HTTP: browsers refuse SameSite=None without Secure.
    assert all("HttpOnly" in c and "SameSite=Lax" in c and "Secure" not in c for c in cookies)


async def test_https_cookie_is_samesite_none_and_secure(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://track.example") as tls:
        response = await tls.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers  # no Origin, no CORS
    for cookie in response.headers.get_list("set-cookie"):
        assert "; HttpOnly; SameSite=None; Secure" in cookie


async def test_unknown_or_paused_offer_is_a_json_error_without_cookie(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    unknown = await client.get(
        f"/sdk/click?oid=424242&affid={pair.affid}", headers={"origin": SHOP}
    )
    assert unknown.status_code == 404
    assert unknown.json()["Error"] == unknown.json()["error"] == "oid: unknown offer"
    assert (unknown.json()["field"], unknown.json()["error_code"]) == ("oid", 2)
    assert unknown.headers["access-control-allow-origin"] == SHOP
    assert "set-cookie" not in unknown.headers

    async with app.state.db.write() as session:
        await session.execute(update(Offer).values(offer_status="paused"))
    await cache_of(app).reload()
    paused = await client.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")
    assert paused.status_code == 404
    assert paused.json()["error"] == "oid: offer is not active"
    missing = await client.get(f"/sdk/click?oid={pair.oid}")
    assert (missing.status_code, missing.json()["field"]) == (400, "affid")
    assert "set-cookie" not in paused.headers
    assert "set-cookie" not in missing.headers
    # Stored whole as invalid clicks, as on /clk and the redirect: visible in reports.
    assert [c.error_code for c in await clicks(app.state.db)] == [2, 3, 1]


async def test_click_a_rule_refused_is_stored_but_gets_no_transaction_id(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, visibility="private")
    response = await client.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")
    assert response.status_code == 400
    assert response.json() == {
        "Error": "Offer is not runnable by this affiliate",
        "error": "Offer is not runnable by this affiliate",
        "field": "",
        "error_code": ClickRefusal.OFFER_NOT_RUNNABLE,
    }
    assert "set-cookie" not in response.headers
    [stored] = await clicks(app.state.db)
    assert (stored.error_code, stored.network_offer_id) == (7, pair.oid)


async def test_preflight_and_origins(client: httpx.AsyncClient) -> None:
    for path in ("/sdk/click", "/sdk/conversion"):
        response = await client.options(
            path,
            headers={
                "origin": "http://127.0.0.1:8123",
                "access-control-request-method": "GET",
                "access-control-request-headers": "content-type",
            },
        )
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8123"
        assert response.headers["access-control-allow-credentials"] == "true"
        assert response.headers["access-control-allow-headers"] == "Content-Type"
        assert response.headers["access-control-max-age"] == "7200"
        assert "set-cookie" not in response.headers
    # Never a wildcard, never "null", never a malformed or over-long origin.
    for origin in ("null", "https://a.example/path", "javascript:x", "https://" + "a" * 300):
        response = await client.options("/sdk/click", headers={"origin": origin})
        assert response.status_code == 204
        assert "access-control-allow-origin" not in response.headers
        assert response.headers["vary"] == "Origin"


async def test_bad_methods_and_oversized_input_store_nothing_wrong(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    head = await client.head(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")
    post = await client.post(f"/sdk/click?oid={pair.oid}&affid={pair.affid}", content=b"x" * 10)
    assert (head.status_code, post.status_code) == (405, 405)
    assert head.headers["allow"] == "GET, OPTIONS"
    assert await clicks(app.state.db) == []
    assert (await client.get("/sdk/nope")).status_code == 404

    huge = "é" * 3000
    response = await client.get(
        "/sdk/click", params={"oid": pair.oid, "affid": pair.affid, "sub1": huge, "k" * 500: "v"}
    )
    assert response.status_code == 200
    stored = await click(app.state.db, response.json()["transaction_id"])
    assert 0 < len(stored.sub1) < len(huge)  # clipped to its column, never a 500
    bogus = await client.get("/sdk/click?oid=99999999999999999999&affid=%00%ff")
    assert bogus.status_code == 400
