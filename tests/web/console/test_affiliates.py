"""Console affiliate pages at the httpx level: list, create/edit, the affiliate's page with
its API keys (shown once, revoked), its postbacks and its invited portal users; roles
(admins only for keys and users) and CSRF."""

from __future__ import annotations

import re
from html import unescape

import httpx
from sqlalchemy import select

from clicktrail.auth.service import authenticate
from clicktrail.db import Database
from clicktrail.models import Affiliate, ApiKey, Pixel, User
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import csrf, sign_in, sign_in_as


def _form(token: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "name": "Blue Media",
        "account_status": "active",
        "default_currency_id": "USD",
        "referrer_id": "0",
        "internal_notes": "met at a fair",
    }
    data.update(fields)
    return data


async def _all(db: Database, model: type) -> list:  # type: ignore[type-arg]
    async with db.read() as session:
        return list((await session.scalars(select(model))).all())


async def test_create_and_edit_round_trip(web_client: httpx.AsyncClient, db: Database) -> None:
    referrer = await make_affiliate(db, name="Old Friend")
    await sign_in_as(web_client, db, "manager")
    token = await csrf(web_client, "/app/affiliates/new")
    created = await web_client.post(
        "/app/affiliates/new", data=_form(token, referrer_id=str(referrer.network_affiliate_id))
    )
    assert created.status_code == 303
    new = next(a for a in await _all(db, Affiliate) if a.name == "Blue Media")
    assert new.referrer_id == referrer.network_affiliate_id
    assert created.headers["location"] == f"/app/affiliates/{new.network_affiliate_id}"
    page = await web_client.get(created.headers["location"])
    assert "Affiliate created." in page.text
    assert "Blue Media" in page.text

    path = f"/app/affiliates/{new.network_affiliate_id}/edit"
    assert 'value="Blue Media"' in (await web_client.get(path)).text
    saved = await web_client.post(
        path, data=_form(token, name="Blue Media 2", account_status="pending")
    )
    assert saved.status_code == 303
    new = next(
        a for a in await _all(db, Affiliate) if a.network_affiliate_id == new.network_affiliate_id
    )
    assert (new.name, new.account_status, new.referrer_id) == ("Blue Media 2", "pending", 0)

    # The service's rule: an affiliate cannot refer itself.
    itself = await web_client.post(
        path, data=_form(token, referrer_id=str(new.network_affiliate_id))
    )
    assert itself.status_code == 400
    assert 'id="f-referrer_id-help" class="field-error"' in itself.text


async def test_validation_and_list(web_client: httpx.AsyncClient, db: Database) -> None:
    await make_affiliate(db, name="Zeta Ads", account_status="suspended")
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/affiliates/new")
    bad = await web_client.post(
        "/app/affiliates/new", data=_form(token, name="", account_status="gone")
    )
    assert bad.status_code == 400
    assert 'id="f-name-help" class="field-error"' in bad.text
    assert 'id="f-account_status-help" class="field-error"' in bad.text
    listed = await web_client.get("/app/affiliates", params={"status": "suspended"})
    assert "Zeta Ads" in listed.text
    assert (await web_client.get("/app/affiliates", params={"q": "nobody"})).text.count(
        "Zeta Ads"
    ) == 0


async def test_api_keys_shown_once_and_revoked(web_client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db)
    aid = affiliate.network_affiliate_id
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, f"/app/affiliates/{aid}")
    made = await web_client.post(
        f"/app/affiliates/{aid}/keys", data={"csrf_token": token, "name": "tracker"}
    )
    assert made.status_code == 200
    raw = re.search(r'id="new-key" type="text" value="(ct_[^"]+)"', made.text)
    assert raw is not None
    async with db.read() as session:
        principal = await authenticate(session, unescape(raw.group(1)), "affiliate")
        assert principal.affiliate_id == aid
    again = await web_client.get(f"/app/affiliates/{aid}")
    assert raw.group(1) not in again.text
    assert "tracker" in again.text

    bad_name = await web_client.post(
        f"/app/affiliates/{aid}/keys", data={"csrf_token": token, "name": "a\x00b"}
    )
    assert bad_name.status_code == 400
    assert 'id="f-name-help" class="field-error"' in bad_name.text

    [key] = await _all(db, ApiKey)
    revoked = await web_client.post(
        f"/app/affiliates/{aid}/keys/{key.id}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 303
    [key] = await _all(db, ApiKey)
    assert key.revoked_at is not None
    # Another affiliate's page cannot revoke it.
    other = await make_affiliate(db)
    wrong = await web_client.post(
        f"/app/affiliates/{other.network_affiliate_id}/keys/{key.id}/revoke",
        data={"csrf_token": token},
    )
    assert wrong.status_code == 404


async def test_invite_user_then_it_signs_in(web_client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db, name="Invited Co")
    aid = affiliate.network_affiliate_id
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, f"/app/affiliates/{aid}")
    invited = await web_client.post(
        f"/app/affiliates/{aid}/users", data={"csrf_token": token, "email": "Pat@Invited.example"}
    )
    assert invited.status_code == 200
    password = re.search(r'id="invite-password" type="text" value="([^"]+)"', invited.text)
    assert password is not None
    assert 'value="http://testserver/app/login"' in invited.text
    users = [u for u in await _all(db, User) if u.role == "affiliate"]
    assert [(u.email, u.network_affiliate_id) for u in users] == [("pat@invited.example", aid)]

    duplicate = await web_client.post(
        f"/app/affiliates/{aid}/users", data={"csrf_token": token, "email": "pat@invited.example"}
    )
    assert duplicate.status_code == 400
    assert 'id="f-email-help" class="field-error"' in duplicate.text
    bad = await web_client.post(
        f"/app/affiliates/{aid}/users", data={"csrf_token": token, "email": "not-an-email"}
    )
    assert bad.status_code == 400

    web_client.cookies.clear()
    await sign_in(web_client, "pat@invited.example", unescape(password.group(1)))
    assert (await web_client.get(f"/app/affiliates/{aid}")).status_code == 403


async def test_pixels_create_and_edit(web_client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db)
    offer = await make_offer(db, name="Pixel Offer")
    aid = affiliate.network_affiliate_id
    await sign_in_as(web_client, db, "manager")
    token = await csrf(web_client, f"/app/affiliates/{aid}")
    form = {
        "csrf_token": token,
        "pixel_level": "specific",
        "network_offer_id": str(offer.network_offer_id),
        "pixel_type": "conversion",
        "delivery_method": "postback",
        "postback_url": "https://partner.example/pb?click={transaction_id}",
        "html_code": "",
        "pixel_status": "active",
        "description": "main",
    }
    made = await web_client.post(f"/app/affiliates/{aid}/pixels", data=form)
    assert made.status_code == 303
    [pixel] = await _all(db, Pixel)
    assert (pixel.network_affiliate_id, pixel.network_offer_id) == (aid, offer.network_offer_id)
    page = await web_client.get(f"/app/affiliates/{aid}")
    assert "https://partner.example/pb?click={transaction_id}" in unescape(page.text)

    edit_path = f"/app/affiliates/{aid}/pixels/{pixel.network_pixel_id}/edit"
    assert "partner.example" in (await web_client.get(edit_path)).text
    saved = await web_client.post(edit_path, data={**form, "pixel_status": "inactive"})
    assert saved.status_code == 303
    [pixel] = await _all(db, Pixel)
    assert pixel.pixel_status == "inactive"

    # The postback service's rules, beside the fields.
    missing_offer = await web_client.post(
        f"/app/affiliates/{aid}/pixels", data={**form, "network_offer_id": ""}
    )
    assert missing_offer.status_code == 400
    assert 'id="f-network_offer_id-help" class="field-error"' in missing_offer.text
    no_url = await web_client.post(
        f"/app/affiliates/{aid}/pixels", data={**form, "postback_url": ""}
    )
    assert no_url.status_code == 400
    assert 'id="f-postback_url-help" class="field-error"' in no_url.text
    assert len(await _all(db, Pixel)) == 1
    # Another affiliate's page does not reach this pixel.
    other = await make_affiliate(db)
    assert (
        await web_client.get(
            f"/app/affiliates/{other.network_affiliate_id}/pixels/{pixel.network_pixel_id}/edit"
        )
    ).status_code == 404


async def test_roles_and_csrf(web_client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db, name="Private Partner")
    aid = affiliate.network_affiliate_id
    await sign_in_as(web_client, db, "affiliate", affiliate_id=aid)
    for path in ("/app/affiliates", "/app/affiliates/new", f"/app/affiliates/{aid}"):
        refused = await web_client.get(path)
        assert refused.status_code == 403, path
        assert "Private Partner" not in refused.text

    # A manager sees the page but may not create keys or invite users (admins only).
    web_client.cookies.clear()
    await sign_in_as(web_client, db, "manager")
    page = await web_client.get(f"/app/affiliates/{aid}")
    assert page.status_code == 200
    assert "Create API key" not in page.text
    assert "Invite user" not in page.text
    token = await csrf(web_client, f"/app/affiliates/{aid}")
    assert (
        await web_client.post(f"/app/affiliates/{aid}/keys", data={"csrf_token": token})
    ).status_code == 403
    assert (
        await web_client.post(
            f"/app/affiliates/{aid}/users", data={"csrf_token": token, "email": "a@b.example"}
        )
    ).status_code == 403
    assert await _all(db, ApiKey) == []

    web_client.cookies.clear()
    await sign_in_as(web_client, db, "admin")
    forged = await web_client.post(f"/app/affiliates/{aid}/keys", data={"csrf_token": "nope"})
    assert forged.status_code == 403
    assert await _all(db, ApiKey) == []
