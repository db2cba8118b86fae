"""Console offer pages at the httpx level: list filters, create/edit round trips through the
API's offer service, validation shown beside the fields, pause/activate, the link builder
and the advertiser postbacks, roles and CSRF."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import httpx
from sqlalchemy import select

from clicktrail.click.schemas import TrackingLinkRequest
from clicktrail.click.service import tracking_link
from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.models import Offer
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer
from tests.fixtures.web import csrf, sign_in_as


def _form(advertiser_id: int, token: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "name": "Spring CPA",
        "network_advertiser_id": str(advertiser_id),
        "destination_url": "https://shop.example/lp?tid={transaction_id}&s1={sub1}",
        "preview_url": "",
        "offer_status": "active",
        "visibility": "public",
        "currency_id": "USD",
        "conversion_method": "server_postback",
        "verification_token": "",
        "internal_notes": "",
        "default_entry": "0",
        "payout_revenue.0.network_offer_payout_revenue_id": "",
        "payout_revenue.0.entry_name": "Base",
        "payout_revenue.0.event_alias": "",
        "payout_revenue.0.payout_type": "cpa",
        "payout_revenue.0.payout_amount": "4",
        "payout_revenue.0.payout_percentage": "",
        "payout_revenue.0.revenue_type": "rpa",
        "payout_revenue.0.revenue_amount": "7.5",
        "payout_revenue.0.revenue_percentage": "",
        "payout_revenue.1.network_offer_payout_revenue_id": "",
        "payout_revenue.1.entry_name": "Upsell",
        "payout_revenue.1.event_alias": "upsell",
        "payout_revenue.1.payout_type": "cps",
        "payout_revenue.1.payout_amount": "",
        "payout_revenue.1.payout_percentage": "10",
        "payout_revenue.1.revenue_type": "rps",
        "payout_revenue.1.revenue_amount": "",
        "payout_revenue.1.revenue_percentage": "20",
    }
    data.update(fields)
    return data


async def _offers(db: Database) -> list[Offer]:
    async with db.read() as session:
        return list((await session.scalars(select(Offer).order_by(Offer.network_offer_id))).all())


async def test_create_and_edit_offer_round_trip(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    advertiser = await make_advertiser(db, name="Shop Inc")
    await sign_in_as(web_client, db, "manager")
    page = await web_client.get("/app/offers/new")
    assert page.status_code == 200
    assert "Shop Inc" in page.text
    token = await csrf(web_client, "/app/offers/new")

    created = await web_client.post(
        "/app/offers/new", data=_form(advertiser.network_advertiser_id, token)
    )
    assert created.status_code == 303
    [offer] = await _offers(db)
    assert created.headers["location"] == f"/app/offers/{offer.network_offer_id}"
    assert offer.name == "Spring CPA"
    assert offer.destination_url.endswith("s1={sub1}")
    entries = sorted(offer.payout_revenue, key=lambda e: not e.is_default)
    assert [(e.entry_name, e.is_default, e.event_id == 0) for e in entries] == [
        ("Base", True, True),
        ("Upsell", False, False),
    ]
    assert entries[0].revenue_amount == Decimal("7.5")
    assert entries[1].payout_percentage == Decimal("10")

    detail = await web_client.get(created.headers["location"])
    assert detail.status_code == 200
    assert "Offer created." in detail.text
    assert "Spring CPA" in detail.text

    edit = await web_client.get(f"/app/offers/{offer.network_offer_id}/edit")
    assert edit.status_code == 200
    assert 'value="Spring CPA"' in edit.text
    upsell_id = str(entries[1].network_offer_payout_revenue_id)
    assert f'value="{upsell_id}"' in edit.text

    changed = _form(
        advertiser.network_advertiser_id,
        token,
        name="Spring CPA v2",
        visibility="private",
        **{
            "payout_revenue.0.network_offer_payout_revenue_id": str(
                entries[0].network_offer_payout_revenue_id
            ),
            "payout_revenue.1.network_offer_payout_revenue_id": upsell_id,
            "payout_revenue.1.payout_percentage": "12.5",
        },
    )
    saved = await web_client.post(f"/app/offers/{offer.network_offer_id}/edit", data=changed)
    assert saved.status_code == 303
    [offer] = await _offers(db)
    assert (offer.name, offer.visibility) == ("Spring CPA v2", "private")
    upsell = next(e for e in offer.payout_revenue if not e.is_default)
    assert str(upsell.network_offer_payout_revenue_id) == upsell_id
    assert upsell.payout_percentage == Decimal("12.5")


async def test_invalid_offer_shows_errors_beside_fields(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    advertiser = await make_advertiser(db)
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/offers/new")
    bad = _form(
        advertiser.network_advertiser_id,
        token,
        name="",
        destination_url="javascript:alert(1)",
        **{"payout_revenue.1.event_alias": "not valid!"},
    )
    response = await web_client.post("/app/offers/new", data=bad)
    assert response.status_code == 400
    assert 'id="f-name-help" class="field-error"' in response.text
    assert 'id="f-destination_url-help" class="field-error"' in response.text
    assert 'id="f-payout_revenue.1.event_alias-help" class="field-error"' in response.text
    # The posted values come back.
    assert "javascript:alert(1)" in unescape(response.text)
    assert await _offers(db) == []

    # A rule only the service knows (the advertiser must exist; two aliases clash).
    unknown = _form(999_999, token)
    response = await web_client.post("/app/offers/new", data=unknown)
    assert response.status_code == 400
    assert "advertiser 999999 does not exist" in response.text
    clash = _form(
        advertiser.network_advertiser_id,
        token,
        **{"payout_revenue.0.event_alias": "upsell"},
    )
    response = await web_client.post("/app/offers/new", data=clash)
    assert response.status_code == 400
    assert 'id="f-payout_revenue.1.event_alias-help" class="field-error"' in response.text
    assert "used twice" in response.text
    assert await _offers(db) == []


async def test_list_search_filters_and_paging(web_client: httpx.AsyncClient, db: Database) -> None:
    acme = await make_advertiser(db, name="Acme")
    other = await make_advertiser(db, name="Globex")
    await make_offer(db, advertiser_id=acme.network_advertiser_id, name="Alpha Deal")
    await make_offer(
        db, advertiser_id=other.network_advertiser_id, name="Beta Deal", offer_status="paused"
    )
    await sign_in_as(web_client, db, "manager")

    everything = await web_client.get("/app/offers")
    assert "Alpha Deal" in everything.text
    assert "Beta Deal" in everything.text
    searched = await web_client.get("/app/offers", params={"q": "alpha"})
    assert "Alpha Deal" in searched.text
    assert "Beta Deal" not in searched.text
    paused = await web_client.get("/app/offers", params={"status": "paused"})
    assert "Beta Deal" in paused.text
    assert "Alpha Deal" not in paused.text
    by_advertiser = await web_client.get(
        "/app/offers", params={"advertiser": str(acme.network_advertiser_id)}
    )
    assert "Alpha Deal" in by_advertiser.text
    assert "Beta Deal" not in by_advertiser.text

    for params in (
        {"status": "sleeping"},
        {"advertiser": "x"},
        {"page": "0"},
        {"q": "q" * 300},
        {"q": "a\x00b"},
    ):
        refused = await web_client.get("/app/offers", params=params)
        assert refused.status_code == 400, params
        assert "field-error" in refused.text or "flash-error" in refused.text


async def test_pause_and_activate(web_client: httpx.AsyncClient, db: Database) -> None:
    offer = await make_offer(db)
    await sign_in_as(web_client, db, "manager")
    path = f"/app/offers/{offer.network_offer_id}"
    token = await csrf(web_client, path)
    paused = await web_client.post(
        f"{path}/status", data={"csrf_token": token, "offer_status": "paused"}
    )
    assert paused.status_code == 303
    assert [o.offer_status for o in await _offers(db)] == ["paused"]
    page = await web_client.get(path)
    assert "Offer paused." in page.text
    assert ">Activate<" in page.text
    await web_client.post(f"{path}/status", data={"csrf_token": token, "offer_status": "active"})
    assert [o.offer_status for o in await _offers(db)] == ["active"]
    odd = await web_client.post(
        f"{path}/status", data={"csrf_token": token, "offer_status": "deleted"}
    )
    assert odd.status_code == 303
    assert [o.offer_status for o in await _offers(db)] == ["active"]


async def test_link_builder_and_postbacks(
    web_client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    advertiser = await make_advertiser(db, verification_token="s3cret")
    offer = await make_offer(db, advertiser_id=advertiser.network_advertiser_id)
    affiliate = await make_affiliate(db, name="Traffic Co")
    await sign_in_as(web_client, db, "manager")
    path = f"/app/offers/{offer.network_offer_id}"

    blank = await web_client.get(path)
    assert blank.status_code == 200
    assert "Traffic Co" in blank.text
    assert 'id="tracking-link" type="text" value=""' in blank.text

    query = {
        "network_affiliate_id": str(affiliate.network_affiliate_id),
        "sub1": "camp a",
        "sub3": "x&y",
        "source_id": "src",
    }
    async with db.read() as session:
        expected = await tracking_link(
            session,
            settings,
            TrackingLinkRequest(
                network_offer_id=offer.network_offer_id,
                network_affiliate_id=affiliate.network_affiliate_id,
                sub1="camp a",
                sub3="x&y",
                source_id="src",
            ),
        )
    built = await web_client.get(path, params=query)
    assert built.status_code == 200
    assert f'id="tracking-link" type="text" value="{expected}"' in unescape(built.text)
    assert "sub1=camp+a" in expected
    assert "sub3=x%26y" in expected

    live = await web_client.get(f"{path}/link", params=query)
    assert live.json() == {"url": expected, "errors": {}}
    bad = await web_client.get(
        f"{path}/link", params={**query, "sub2": "s" * 256, "network_affiliate_id": "99999"}
    )
    assert bad.status_code == 200
    assert bad.json()["url"] == ""
    assert "sub2" in bad.json()["errors"]
    gone = await web_client.get(f"{path}/link", params={"network_affiliate_id": "99999"})
    assert "network_affiliate_id" in gone.json()["errors"]

    # The advertiser postback: the server URL and both pixels, with the advertiser's token.
    text = unescape(blank.text)
    assert "/?nid=1&transaction_id={transaction_id}&verification_token=s3cret" in text
    assert f"oid={offer.network_offer_id}&amp;transaction_id=" in text  # in the pixels
    assert "<iframe src=" in text
    assert "<img src=" in text
    assert text.count('data-copy="#postback-') == 1


async def test_roles_and_csrf(web_client: httpx.AsyncClient, db: Database) -> None:
    offer = await make_offer(db)
    anonymous = await web_client.get("/app/offers")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/app/login")

    await sign_in_as(web_client, db, "affiliate")
    for path in (
        "/app/offers",
        "/app/offers/new",
        f"/app/offers/{offer.network_offer_id}",
        f"/app/offers/{offer.network_offer_id}/edit",
        f"/app/offers/{offer.network_offer_id}/link?network_affiliate_id=1",
    ):
        refused = await web_client.get(path)
        assert refused.status_code == 403, path
        assert offer.name not in refused.text

    web_client.cookies.clear()
    await sign_in_as(web_client, db, "manager")
    no_token = await web_client.post(
        f"/app/offers/{offer.network_offer_id}/status", data={"offer_status": "paused"}
    )
    assert no_token.status_code == 403
    wrong = await web_client.post(
        f"/app/offers/{offer.network_offer_id}/status",
        data={"offer_status": "paused", "csrf_token": "forged"},
    )
    assert wrong.status_code == 403
    assert [o.offer_status for o in await _offers(db)] == ["active"]
    missing = await web_client.get("/app/offers/2147483647")
    assert missing.status_code == 404
    huge = await web_client.get("/app/offers/99999999999")
    assert huge.status_code in (400, 404)


async def test_caps_are_set_and_shown_from_the_console(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    advertiser = await make_advertiser(db)
    await sign_in_as(web_client, db, "manager")
    token = await csrf(web_client, "/app/offers/new")
    form = _form(advertiser.network_advertiser_id, token)
    form.update(is_caps_enabled="on", daily_conversion_cap="20", monthly_payout_cap="150.5")
    created = await web_client.post("/app/offers/new", data=form)
    assert created.status_code == 303, created.text
    [offer] = await _offers(db)
    assert offer.is_caps_enabled
    assert (offer.daily_conversion_cap, offer.monthly_payout_cap) == (20, Decimal("150.5"))
    assert offer.global_click_cap == 0

    detail = await web_client.get(created.headers["location"])
    assert "daily conversion 20" in unescape(detail.text)
    edit = await web_client.get(f"/app/offers/{offer.network_offer_id}/edit")
    assert 'name="daily_conversion_cap" value="20"' in edit.text

    bad = dict(form, daily_conversion_cap="-1")
    refused = await web_client.post(f"/app/offers/{offer.network_offer_id}/edit", data=bad)
    assert refused.status_code == 400
    assert 'name="daily_conversion_cap" value="-1" aria-invalid="true"' in refused.text
    assert 'id="f-daily_conversion_cap-help" class="field-error">Input should be greater' in (
        refused.text
    )
    [offer] = await _offers(db)
    assert offer.daily_conversion_cap == 20  # nothing stored from the refused post
