"""A partner applies for an offer that requires approval and follows its status."""

from __future__ import annotations

import httpx

from clicktrail.app import ClicktrailApp
from tests.fixtures.factories import make_offer
from tests.fixtures.web import csrf
from tests.web.partner.conftest import Portal


async def test_apply_from_the_portal_and_see_the_status(
    app: ClicktrailApp, partner: httpx.AsyncClient, portal: Portal
) -> None:
    offer = await make_offer(app.state.db, name="Gated Gadgets", visibility="require_approval")
    oid = offer.network_offer_id
    listing = (await partner.get("/partner/offers")).text
    assert "Gated Gadgets" in listing
    assert f'action="/partner/offers/{oid}/apply"' in listing
    assert portal.private_offer.name not in listing
    page = await partner.get(f"/partner/offers/{oid}")
    assert page.status_code == 200
    assert "Apply to run" in page.text
    assert "http://track.test/" not in page.text

    forged = await partner.post(f"/partner/offers/{oid}/apply", data={"csrf_token": "nope"})
    assert forged.status_code == 403
    token = await csrf(partner, f"/partner/offers/{oid}")
    applied = await partner.post(f"/partner/offers/{oid}/apply", data={"csrf_token": token})
    assert applied.status_code == 303
    assert applied.headers["location"] == f"/partner/offers/{oid}"
    page = await partner.get(f"/partner/offers/{oid}")
    assert "Application pending" in page.text
    assert "Apply to run" not in page.text

    hidden = await partner.post(
        f"/partner/offers/{portal.private_offer.network_offer_id}/apply",
        data={"csrf_token": token},
    )
    assert hidden.status_code == 303
    assert hidden.headers["location"] == "/partner/offers"
