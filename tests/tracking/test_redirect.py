"""The redirect: a tracking link records a committed click, then answers 302 with macros."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import update

from clicktrail.app import ClicktrailApp
from clicktrail.kit.ids import is_hex_id
from clicktrail.models import Affiliate, Offer
from clicktrail.tracking import codes
from tests.tracking.helpers import cache_of, click, clicks, make_pair, query_of, set_fallback


async def test_plain_link_records_click_and_redirects_with_macros(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.get(
        "/c",
        params={
            "oid": pair.oid,
            "affid": pair.affid,
            "sub1": "a b&c=d/é",
            "sub2": "two",
            "source_id": "fb",
            "creative_id": "77",
            "coupon_code": "SUMMER",
        },
        headers={"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://advertiser.example/landing?")
    # Values are percent-encoded, so they cannot break the destination's query string.
    assert "s1=a%20b%26c%3Dd%2F%C3%A9&" in location
    assert "&x=" in location
    assert location.endswith("&x=")
    target = query_of(location)
    assert target["o"] == str(pair.oid)
    assert target["a"] == str(pair.affid)
    assert target["s1"] == "a b&c=d/é"
    assert target["src"] == "fb"
    assert target["cr"] == "77"
    assert target["cc"] == "SUMMER"
    transaction_id = target["tid"]
    assert is_hex_id(transaction_id)
    stored = await click(app.state.db, transaction_id)
    assert stored.network_offer_id == pair.oid
    assert stored.network_affiliate_id == pair.affid
    assert stored.network_advertiser_id == pair.offer.network_advertiser_id
    assert (stored.sub1, stored.sub2, stored.source_id) == ("a b&c=d/é", "two", "fb")
    assert stored.creative_id == 77
    assert stored.coupon_code == "SUMMER"
    assert stored.error_code == 0
    assert stored.is_unique is True
    assert stored.user_ip == "127.0.0.1"
    assert stored.browser_name == "Firefox"
    assert stored.currency_id == "USD"
    assert stored.revenue_type == "CPA"
    assert stored.query_parameters is None


async def test_encoded_link_resolves_like_the_plain_one(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    path = f"/{codes.encode('affiliate', pair.affid)}/{codes.encode('offer', pair.oid)}/"
    response = await client.get(path, params={"sub1": "x"})
    assert response.status_code == 302
    target = query_of(response.headers["location"])
    assert (target["o"], target["a"], target["s1"]) == (str(pair.oid), str(pair.affid), "x")
    stored = await click(app.state.db, target["tid"])
    assert stored.error_code == 0
    assert stored.sub1 == "x"
    # Lower-case codes and a missing trailing slash resolve too.
    lower = path.lower().rstrip("/")
    assert (await client.get(lower)).status_code == 302


async def test_extra_parameters_and_coupon_alias_are_kept(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.get(
        f"/c?oid={pair.oid}&affid={pair.affid}&__cc=SUMMER&utm_source=news&gclid=G1&idfa=ID-1"
        "&google_aid=GA&android_id_md5=AM"
    )
    stored = await click(app.state.db, query_of(response.headers["location"])["tid"])
    assert stored.coupon_code == "SUMMER"
    assert stored.query_parameters == {"__cc": "SUMMER", "utm_source": "news"}
    assert (stored.gclid, stored.idfa) == ("G1", "ID-1")
    assert (stored.google_ad_id, stored.android_id_md5) == ("GA", "AM")


async def test_unknown_offer_goes_to_fallback_and_is_stored_invalid(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    await set_fallback(app, "https://network.example/oops?tid={transaction_id}")
    response = await client.get(f"/c?oid=999999&affid={pair.affid}&sub1=s")
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://network.example/oops?tid=")
    stored = await click(app.state.db, query_of(location)["tid"])
    assert stored.error_code == 2
    assert stored.error_message == "Unknown offer"
    assert stored.network_offer_id is None
    assert stored.network_affiliate_id == pair.affid
    assert stored.is_unique is False
    assert stored.sub1 == "s"
    assert stored.query_parameters == {"oid": "999999", "affid": str(pair.affid)}


async def test_without_fallback_an_invalid_click_gets_a_plain_404_page(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    await make_pair(app)
    response = await client.get("/c?oid=123456&affid=654321")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "Error" not in response.text
    stored = await clicks(app.state.db)
    assert len(stored) == 1
    assert stored[0].error_code == 2
    assert stored[0].network_affiliate_id is None


async def test_paused_offer_and_inactive_affiliate_are_invalid(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    await set_fallback(app, "https://network.example/fallback")
    async with app.state.db.write() as session:
        await session.execute(update(Offer).values(offer_status="paused"))
    await cache_of(app).reload()
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert response.headers["location"] == "https://network.example/fallback"

    async with app.state.db.write() as session:
        await session.execute(update(Offer).values(offer_status="active"))
        await session.execute(update(Affiliate).values(account_status="inactive"))
    await cache_of(app).reload()
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert response.headers["location"] == "https://network.example/fallback"

    stored = await clicks(app.state.db)
    assert [(c.error_code, c.error_message) for c in stored] == [
        (3, "Offer is not active"),
        (5, "Affiliate is not active"),
    ]
    assert all(c.network_offer_id == pair.oid for c in stored)


async def test_broken_codes_are_invalid_clicks_and_other_paths_are_404(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    good_affiliate = codes.encode("affiliate", pair.affid)
    good_offer = codes.encode("offer", pair.oid)
    # Swapped codes never decode as each other.
    response = await client.get(f"/{good_offer}/{good_affiliate}/")
    assert response.status_code == 404
    stored = await clicks(app.state.db)
    assert [c.error_code for c in stored] == [1]
    for path in ("/favicon.ico", "/robots.txt", "/a/b/c", "/wp-admin/setup.php"):
        assert (await client.get(path)).status_code == 404
    assert len(await clicks(app.state.db)) == 1


async def test_server_side_click_answers_json(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.get(f"/clk?oid={pair.oid}&affid={pair.affid}&sub3=srv")
    assert response.status_code == 200
    transaction_id = response.json()["transaction_id"]
    assert is_hex_id(transaction_id)
    assert (await click(app.state.db, transaction_id)).sub3 == "srv"

    response = await client.get(f"/clk?oid=424242&affid={pair.affid}")
    assert response.status_code == 404
    assert response.json()["error"] == "oid: unknown offer"
    response = await client.get(f"/clk?oid={pair.oid}&affid=zzz")
    assert response.status_code == 400
    assert response.json()["Error"].startswith("affid:")
    assert [c.error_code for c in await clicks(app.state.db)] == [0, 2, 1]


async def test_is_unique_follows_visitor_and_session(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    link = f"/c?oid={pair.oid}&affid={pair.affid}"
    first = await client.get(link, headers={"user-agent": "UA-1"})
    again = await client.get(link, headers={"user-agent": "UA-1"})
    other = await client.get(link, headers={"user-agent": "UA-2"})
    forwarded = await client.get(link, headers={"user-agent": "UA-1", "x-forwarded-for": "1.2.3.4"})
    flags = []
    for response in (first, again, other, forwarded):
        flags.append(
            (await click(app.state.db, query_of(response.headers["location"])["tid"])).is_unique
        )
    # X-Forwarded-For from an untrusted peer is ignored: still the same visitor.
    assert flags == [True, False, True, False]


async def test_session_duration_zero_makes_every_click_unique(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, session_duration=0)
    for _ in range(2):
        await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert [c.is_unique for c in await clicks(app.state.db)] == [True, True]


async def test_duplicate_click_filter_sends_repeats_to_the_fallback(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(
        app, is_duplicate_filter_enabled=True, duplicate_filter_targeting_action="block"
    )
    await set_fallback(app, "https://network.example/dup")
    link = f"/c?oid={pair.oid}&affid={pair.affid}"
    first = await client.get(link)
    second = await client.get(link)
    assert first.headers["location"].startswith("https://advertiser.example/")
    assert second.headers["location"] == "https://network.example/dup"
    assert [c.is_unique for c in await clicks(app.state.db)] == [True, False]


async def test_cpc_offer_prices_the_click(app: ClicktrailApp, client: httpx.AsyncClient) -> None:
    pair = await make_pair(
        app,
        payout_revenue=[
            {
                "event_id": 0,
                "payout_type": "cpc",
                "payout_amount": Decimal("0.25"),
                "revenue_type": "rpc",
                "revenue_amount": Decimal("0.40"),
                "is_default": True,
            }
        ],
    )
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    stored = await click(app.state.db, query_of(response.headers["location"])["tid"])
    assert (stored.revenue_type, stored.revenue) == ("CPC", Decimal("0.4"))
    assert (stored.payout_type, stored.payout) == ("CPC", Decimal("0.25"))


async def test_cache_sees_api_changes_without_restart(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    async with app.state.db.write() as session:
        await session.execute(
            update(Offer).values(destination_url="https://new.example/?t={transaction_id}")
        )
    # The background refresh notices through its fingerprint (time_saved/count/sums)...
    cache = cache_of(app)
    async with app.state.db.write() as session:
        from clicktrail.kit.timeutil import utcnow

        await session.execute(update(Offer).values(time_saved=utcnow()))
    assert await cache.refresh() is True
    assert await cache.refresh() is False
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert response.headers["location"].startswith("https://new.example/?t=")


async def test_other_methods_are_refused_without_recording(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.post(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert response.status_code == 405
    assert await clicks(app.state.db) == []


async def test_a_destination_whose_host_a_macro_fills_is_never_followed(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    """Rows saved before such templates were refused (ADR 0066): the visitor goes to the
    fallback URL, never where sub1 says; the click itself is stored as usual."""
    pair = await make_pair(app, destination_url="https://{sub1}/landing?t={transaction_id}")
    await set_fallback(app, "https://fallback.example/?t={transaction_id}")
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1=evil.example")
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://fallback.example/?t=")
    [stored] = await clicks(app.state.db)
    assert stored.sub1 == "evil.example"
    assert query_of(location)["t"] == stored.transaction_id
    # A fallback with a macro in its host is never used either: a plain 404.
    await set_fallback(app, "https://{sub1}/")
    response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1=evil.example")
    assert response.status_code == 404
    unknown = await client.get("/c?oid=999999&affid=1&sub1=evil.example")
    assert unknown.status_code == 404
    assert "location" not in unknown.headers
