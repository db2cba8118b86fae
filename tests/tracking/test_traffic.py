"""Traffic controls, robots and proxies on the click path, through the tracking app.

Controls are created through the API (so the cache sees them the way it sees any write:
by the cache generation), clicks come from chosen client addresses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.tracking.cache import OfferEntry
from clicktrail.tracking.draft import Draft, Visit
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.params import parse_query
from clicktrail.tracking.refusals import ClickRefusal
from clicktrail.tracking.rows import blank_row
from clicktrail.tracking.screen import Screen
from clicktrail.tracking.traffic import guards_by_offer
from tests.fixtures.factories import make_affiliate, make_offer
from tests.tracking.helpers import DESTINATION, cache_of, click, clicks, make_pair, set_fallback

FALLBACK = "https://fallback.example/?tid={transaction_id}"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


async def _visit(
    app: ClicktrailApp,
    oid: int,
    affid: int,
    *,
    ip: str = "192.0.2.10",
    user_agent: str = FIREFOX,
    **params: str,
) -> tuple[int, str, str]:
    """(error_code, location, transaction_id) of one click from ``ip`` (no location: the
    plain 404 page, when no fallback URL is set)."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://track.test") as c:
        response = await c.get(
            "/c", params={"oid": oid, "affid": affid, **params}, headers={"user-agent": user_agent}
        )
    assert response.status_code in (302, 404)
    location = response.headers.get("location", "")
    stored = (await clicks(app.state.db))[-1]
    return stored.error_code, location, stored.transaction_id


async def _control(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> int:
    body.setdefault("name", "test control")
    body.setdefault("control_type", "blacklist")
    body.setdefault("comparison_method", "exact_match")
    response = await client.post("/v1/networks/trafficcontrols", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["network_traffic_control_id"])


async def test_network_ip_blacklist_matches_v4_and_v6_ranges(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    await set_fallback(app, FALLBACK)
    await _control(
        client,
        network_headers,
        variables=["ip"],
        values=["198.51.100.0/24", "2001:db8::/32", "203.0.113.7"],
    )
    code, location, tid = await _visit(app, pair.oid, pair.affid, ip="198.51.100.200")
    assert code == ClickRefusal.BLOCKED_TRAFFIC
    assert location == f"https://fallback.example/?tid={tid}"
    stored = await click(app.state.db, tid)
    assert stored.error_message == "Blocked traffic"
    assert stored.network_offer_id == pair.oid  # still counted against the offer, as invalid
    assert (await _visit(app, pair.oid, pair.affid, ip="2001:db8:ffff::1"))[0] == 9
    assert (await _visit(app, pair.oid, pair.affid, ip="203.0.113.7"))[0] == 9
    assert (await _visit(app, pair.oid, pair.affid, ip="203.0.113.8"))[0] == 0
    code, location, _ = await _visit(app, pair.oid, pair.affid, ip="2001:db9::1")
    assert code == 0
    assert location.startswith("https://advertiser.example/landing?")


async def test_offer_whitelist_of_subs_and_affiliate_scope(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    other_offer = await make_offer(app.state.db, destination_url=DESTINATION)
    other_affiliate = await make_affiliate(app.state.db)
    # Offer-level allow list: only sub1 "good" or "fine" (any case) gets through.
    await _control(
        client,
        network_headers,
        control_type="whitelist",
        targeting_action="fail_traffic",
        is_apply_all_offers=False,
        network_offer_ids=[pair.oid],
        variables=["sub1"],
        values=["good", "fine"],
    )
    # Network-wide block list of source_id prefixes, for one affiliate only.
    await _control(
        client,
        network_headers,
        comparison_method="begins_with",
        is_apply_all_affiliates=False,
        network_affiliate_ids=[other_affiliate.network_affiliate_id],
        variables=["source_id", "sub5"],
        values=["spam"],
    )
    oid, affid = pair.oid, pair.affid
    assert (await _visit(app, oid, affid, sub1="GOOD"))[0] == 0
    assert (await _visit(app, oid, affid, sub1="bad"))[0] == 9
    assert (await _visit(app, oid, affid))[0] == 9  # an empty sub1 is not allowed either
    other_oid = other_offer.network_offer_id
    assert (await _visit(app, other_oid, affid, sub1="bad"))[0] == 0  # offer out of scope
    assert (await _visit(app, other_oid, affid, source_id="spammy"))[0] == 0  # affiliate too
    other_affid = other_affiliate.network_affiliate_id
    assert (await _visit(app, other_oid, other_affid, source_id="spammy"))[0] == 9
    assert (await _visit(app, other_oid, other_affid, sub5="Spam-1"))[0] == 9
    assert (await _visit(app, other_oid, other_affid, source_id="ham"))[0] == 0


async def test_user_agent_contains_and_a_deleted_control_stops_blocking(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    control_id = await _control(
        client,
        network_headers,
        comparison_method="contains",
        variables=["user_agent"],
        values=["HeadlessChrome", "python-requests"],
    )
    headless = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0.0.0 Safari/537.36"
    assert (await _visit(app, pair.oid, pair.affid, user_agent=headless))[0] == 9
    assert (await _visit(app, pair.oid, pair.affid))[0] == 0
    response = await client.delete(
        f"/v1/networks/trafficcontrols/{control_id}", headers=network_headers
    )
    assert response.json() == {"result": True}
    assert (await _visit(app, pair.oid, pair.affid, user_agent=headless))[0] == 0


def _proxy_city_db(directory: Path) -> Path:
    city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    city.insert_network(
        IPSet(["198.51.100.0/24"]),
        {"country": {"iso_code": "US"}, "traits": {"is_anonymous_proxy": True}},
    )
    city.insert_network(IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "FR"}})
    path = directory / "city.mmdb"
    city.to_db_file(str(path))
    return path


@pytest.fixture
async def geo_app(settings: Settings, tmp_path: Path) -> AsyncIterator[ClicktrailApp]:
    configured = settings.model_copy(update={"geoip_city_path": str(_proxy_city_db(tmp_path))})
    application = create_app(configured)
    await application.state.start()
    try:
        yield application
    finally:
        await application.state.stop()


async def _offer_pair(db: Database, **fields: Any) -> tuple[int, int]:
    offer = await make_offer(db, destination_url=DESTINATION, **fields)
    affiliate = await make_affiliate(db)
    return offer.network_offer_id, affiliate.network_affiliate_id


async def test_offer_refuses_robots_and_known_proxies(geo_app: ClicktrailApp) -> None:
    db = geo_app.state.db
    strict = await _offer_pair(db, is_block_robots=True, is_block_proxy=True)
    lenient = await _offer_pair(db)
    await cache_of(geo_app).reload()
    await set_fallback(geo_app, FALLBACK)
    code, location, tid = await _visit(geo_app, *strict, user_agent=BOT, ip="203.0.113.5")
    assert code == ClickRefusal.ROBOT
    assert location == f"https://fallback.example/?tid={tid}"
    stored = await click(db, tid)
    assert (stored.is_robot, stored.error_message) == (True, "Robot traffic")
    code, _, tid = await _visit(geo_app, *strict, ip="198.51.100.9")
    assert code == ClickRefusal.PROXY
    assert (await click(db, tid)).error_message == "Proxy traffic"
    assert (await _visit(geo_app, *strict, ip="203.0.113.5"))[0] == 0
    # Recorded, not acted on, where the offer does not ask for it.
    code, _, tid = await _visit(geo_app, *lenient, user_agent=BOT, ip="198.51.100.9")
    stored = await click(db, tid)
    assert (code, stored.is_robot, stored.is_proxy) == (0, True, True)


def test_fail_traffic_controls_divert_to_the_offer_and_block_ones_do_not() -> None:
    def control(action: str, value: str) -> SimpleNamespace:
        return SimpleNamespace(
            network_traffic_control_id=1,
            control_type="blacklist",
            targeting_action=action,
            comparison_method="ends_with",
            variables=["sub2"],
            values=[value],
            is_apply_all_offers=False,
            is_apply_all_affiliates=True,
            network_offer_ids=[5],
            network_affiliate_ids=[],
            network_advertiser_ids=[],
            date_valid_from="",
            date_valid_to="",
        )

    offer_row = SimpleNamespace(network_offer_id=5, network_advertiser_id=1)
    guards = guards_by_offer([offer_row], [control("fail_traffic", "-x"), control("block", "-y")])
    entry = OfferEntry(
        offer_id=5,
        advertiser_id=1,
        name="o",
        status="active",
        currency_id="USD",
        tracking_domain_id=0,
        template=UrlTemplate("https://a.example/"),
        session_seconds=0,
        session_definition="cookie",
        revenue_type="",
        revenue=Decimal(0),
        payout_type="",
        payout=Decimal(0),
        duplicate_action="",
        fail_traffic=UrlTemplate("https://fail.example/"),
    )
    entry = replace(entry, traffic=guards[5])

    def screen(sub2: str) -> Draft:
        draft = Draft(5, 9, parse_query(b""), Visit(), blank_row(), offer=entry)
        draft.row["sub2"] = sub2
        draft.refusal = Screen().run(draft) or draft.refusal
        return draft

    diverted = screen("abc-X")
    assert (diverted.refusal, diverted.divert) == (ClickRefusal.BLOCKED_TRAFFIC, entry.fail_traffic)
    blocked = screen("abc-y")
    assert (blocked.refusal, blocked.divert) == (ClickRefusal.BLOCKED_TRAFFIC, None)
    assert screen("abc").refusal == ClickRefusal.NONE
