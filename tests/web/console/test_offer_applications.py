"""Pending applications on the console's offer page, approved or rejected there."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import OfferApplication, OfferVisibility
from tests.fixtures.factories import make_affiliate, make_key, make_offer
from tests.fixtures.web import csrf, sign_in_as


async def test_approve_and_reject_from_the_offer_page(
    web_client: httpx.AsyncClient, client: httpx.AsyncClient, db: Database
) -> None:
    offer = await make_offer(db, visibility="require_approval")
    oid = offer.network_offer_id
    keen = await make_affiliate(db, name="Keen Clicks")
    shady = await make_affiliate(db, name="Shady Traffic")
    for affiliate in (keen, shady):
        key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
        applied = await client.post(
            "/v1/affiliates/applications",
            json={"network_offer_id": oid, "message": f"{affiliate.name} wants in"},
            headers={"X-Eflow-API-Key": key},
        )
        assert applied.status_code == 200
    await sign_in_as(web_client, db, "admin")
    page = (await web_client.get(f"/app/offers/{oid}")).text
    assert "Keen Clicks" in page
    assert "Shady Traffic wants in" in page
    async with db.read() as session:
        ids = {
            a.network_affiliate_id: a.network_application_id
            for a in (await session.scalars(select(OfferApplication))).all()
        }
    token = await csrf(web_client, f"/app/offers/{oid}")
    path = f"/app/offers/{oid}/applications/{{}}"
    for affiliate, status in ((keen, "approved"), (shady, "rejected")):
        answer = await web_client.post(
            path.format(ids[affiliate.network_affiliate_id]),
            data={"csrf_token": token, "application_status": status},
        )
        assert answer.status_code == 303
    bogus = await web_client.post(
        path.format(ids[keen.network_affiliate_id]),
        data={"csrf_token": token, "application_status": "approved"},
    )
    assert bogus.status_code == 303  # no longer pending: nothing changes
    async with db.read() as session:
        rows = (await session.scalars(select(OfferVisibility))).all()
    assert {r.network_affiliate_id: r.visibility_type for r in rows} == {
        keen.network_affiliate_id: "visible",
        shady.network_affiliate_id: "rejected",
    }
    page = (await web_client.get(f"/app/offers/{oid}")).text
    assert "No affiliate is waiting for approval" in page
