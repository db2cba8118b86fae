"""The partner portal at the httpx level: an affiliate user sees its own offers, reports,
conversions and postbacks, payout only, and nothing of another affiliate or the network."""

from __future__ import annotations

import httpx

from clicktrail.tracking import codes
from tests.web.partner.conftest import PAYOUT, REVENUE, Portal

PAGES = (
    "/partner/",
    "/partner/offers",
    "/partner/reports",
    "/partner/reports?group=sub1",
    "/partner/reports?group=date",
    "/partner/conversions",
    "/partner/postbacks",
    "/partner/api-key",
)


def _never_network_data(html: str, portal: Portal) -> None:
    assert str(REVENUE) not in html
    assert "revenue" not in html.lower()
    assert "profit" not in html.lower()
    assert portal.other.name not in html
    assert "bravo-sub" not in html
    assert "bravo-secret" not in html
    assert portal.other_conversion not in html
    assert portal.private_offer.name not in html


async def test_every_page_shows_only_its_own_payout_side(
    partner: httpx.AsyncClient, portal: Portal
) -> None:
    for path in PAGES:
        response = await partner.get(path)
        assert response.status_code == 200, (path, response.text)
        _never_network_data(response.text, portal)


async def test_offers_and_tracking_link_with_subs(
    partner: httpx.AsyncClient, portal: Portal
) -> None:
    listing = (await partner.get("/partner/offers")).text
    assert "Sunny Shoes" in listing
    assert f"{PAYOUT:.2f}" in listing
    oid = portal.offer.network_offer_id
    page = await partner.get(f"/partner/offers/{oid}", params={"sub1": "fb", "sub3": "x y"})
    assert page.status_code == 200
    aff_code = codes.encode("affiliate", portal.mine.network_affiliate_id)
    offer_code = codes.encode("offer", oid)
    assert f"http://track.test/{aff_code}/{offer_code}/?sub1=fb&amp;sub3=x+y" in page.text
    assert 'data-copy="#tracking-link"' in page.text
    _never_network_data(page.text, portal)
    hidden = await partner.get(f"/partner/offers/{portal.private_offer.network_offer_id}")
    assert hidden.status_code == 404
    assert portal.private_offer.name not in hidden.text
    too_long = await partner.get(f"/partner/offers/{oid}", params={"sub2": "x" * 300})
    assert too_long.status_code == 400
    assert "sub2" in too_long.text


async def test_report_and_conversions_are_its_own(
    partner: httpx.AsyncClient, portal: Portal
) -> None:
    by_sub = (await partner.get("/partner/reports", params={"group": "sub1"})).text
    assert "alpha-sub" in by_sub
    by_offer = (await partner.get("/partner/reports")).text
    assert "Sunny Shoes" in by_offer
    assert f"{PAYOUT:.2f}" in by_offer
    conversions = (await partner.get("/partner/conversions")).text
    assert portal.my_conversion in conversions
    assert "alpha-sub" in conversions
    assert f"{PAYOUT:.2f}" in conversions
    filtered = await partner.get("/partner/conversions", params={"status": "rejected"})
    assert portal.my_conversion not in filtered.text


async def test_bad_filters_are_400_naming_the_field(partner: httpx.AsyncClient) -> None:
    cases = {
        "/partner/reports?from=yesterday": "from",
        "/partner/reports?group=advertiser": "group",
        "/partner/reports?from=2026-02-01&to=2026-01-01": "to",
        "/partner/conversions?offer=abc": "offer",
        "/partner/conversions?page=0": "page",
        "/partner/offers?page=-1": "page",
    }
    for path, field in cases.items():
        response = await partner.get(path)
        assert response.status_code == 400, path
        assert f"<code>{field}</code>" in response.text, path


async def test_console_pages_are_forbidden(partner: httpx.AsyncClient) -> None:
    home = await partner.get("/app/")
    assert home.status_code in (302, 303, 307)
    assert home.headers["location"].startswith("/partner/")
    for path in ("/app/offers", "/app/affiliates", "/app/reports", "/app/users"):
        response = await partner.get(path)
        assert response.status_code in (403, 404), path
        assert "Bravo Traffic" not in response.text


async def test_signed_out_goes_to_sign_in(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/partner/offers")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/app/login?next=")


async def test_dashboard_shows_its_own_figures(partner: httpx.AsyncClient, portal: Portal) -> None:
    html = (await partner.get("/partner/")).text
    today = html[html.index('<th scope="row">Today</th>') :].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1] for c in today.split("<td")[1:]]
    # Two clicks and one conversion of its own (the other affiliate's are not counted).
    assert [c.split("<", 1)[0] for c in cells[:3]] == ["2", "1", "50.00%"]
    assert f"{PAYOUT:.2f}" in cells[3]
    assert "Sunny Shoes" in html
    assert 'data-chart="partner-chart"' in html
