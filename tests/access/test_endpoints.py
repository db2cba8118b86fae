"""Offer visibility and applications through Everflow's network and affiliate APIs."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import AuditEntry
from clicktrail.tracking import codes
from tests.fixtures.factories import make_affiliate, make_key, make_offer


async def _affiliate(db: Database) -> tuple[int, dict[str, str]]:
    affiliate = await make_affiliate(db)
    key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    return affiliate.network_affiliate_id, {"X-Eflow-API-Key": key}


def _statuses(body: dict[str, Any]) -> dict[int, str]:
    return {
        o["network_offer_id"]: o["relationship"]["offer_affiliate_status"] for o in body["offers"]
    }


async def test_apply_approve_and_reject(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    approval = await make_offer(db, name="Approval Offer", visibility="require_approval")
    public = await make_offer(db, name="Public Offer")
    private = await make_offer(db, name="Private Offer", visibility="private")
    oid = approval.network_offer_id
    mine, headers = await _affiliate(db)
    theirs, their_headers = await _affiliate(db)

    seen = (await client.get("/v1/affiliates/alloffers", headers=headers)).json()
    assert _statuses(seen) == {public.network_offer_id: "public", oid: "require_approval"}
    assert seen["paging"] == {"page": 1, "page_size": 50, "total_count": 2}
    [row] = [o for o in seen["offers"] if o["network_offer_id"] == oid]
    assert row["tracking_url"] == ""
    assert row["visibility"] == "require_approval"
    assert "revenue" not in str(row)
    runnable = (await client.get("/v1/affiliates/offersrunnable", headers=headers)).json()
    assert _statuses(runnable) == {public.network_offer_id: "public"}
    refused = await client.get(f"/v1/affiliates/offers/{oid}/url/0", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["Error"].startswith("offerId: affiliate")

    applied = await client.post(
        "/v1/affiliates/applications", json={"network_offer_id": oid}, headers=headers
    )
    assert applied.status_code == 200, applied.text
    application = applied.json()
    assert application["network_offer_id"] == oid
    assert application["status"] == "pending"
    again = await client.post(
        "/v1/affiliates/applications", json={"network_offer_id": oid}, headers=headers
    )
    assert again.json() == application
    await client.post(
        "/v1/affiliates/applications", json={"network_offer_id": oid}, headers=their_headers
    )
    detail = (await client.get(f"/v1/affiliates/offers/{oid}", headers=headers)).json()
    assert detail["relationship"]["offer_affiliate_status"] == "pending"

    table = await client.post(
        "/v1/networks/applicationstable",
        json={"filters": {"application_status": "pending", "network_affiliate_ids": [mine]}},
        headers=network_headers,
    )
    [found] = table.json()["applications"]
    assert found["network_application_id"] == application["network_offer_application_id"]
    assert found["relationship"]["offer"]["name"] == "Approval Offer"
    assert found["relationship"]["affiliate"]["network_affiliate_id"] == mine
    listed = (await client.get("/v1/networks/applications", headers=network_headers)).json()
    assert listed["paging"]["total_count"] == 2
    their_id = next(
        a["network_application_id"]
        for a in listed["applications"]
        if a["network_affiliate_id"] == theirs
    )

    for application_id, status in (
        (found["network_application_id"], "approved"),
        (their_id, "rejected"),
    ):
        decided = await client.patch(
            "/v1/networks/applications",
            json={
                "network_application_ids": [application_id],
                "patches": [{"field_name": "application_status", "field_value": status}],
                "send_email": False,
            },
            headers=network_headers,
        )
        assert decided.json() == {"result": True}

    runnable = (await client.get("/v1/affiliates/offersrunnable", headers=headers)).json()
    assert _statuses(runnable)[oid] == "approved"
    url = await client.get(f"/v1/affiliates/offers/{oid}/url/0", headers=headers)
    assert url.status_code == 200
    assert url.json()["url"].endswith(
        f"/{codes.encode('affiliate', mine)}/{codes.encode('offer', oid)}/"
    )
    theirs_seen = (await client.get("/v1/affiliates/alloffers", headers=their_headers)).json()
    assert _statuses(theirs_seen)[oid] == "rejected"
    visibility = await client.get(f"/v1/networks/offers/{oid}/visibility", headers=network_headers)
    assert visibility.json() == {
        "network_id": 1,
        "network_offer_id": oid,
        "network_affiliate_visible_ids": [mine],
        "network_affiliate_rejected_ids": [theirs],
        "network_affiliate_hidden_ids": [],
    }
    # A private offer stays out of sight until granted; the network's link builder refuses it.
    assert private.network_offer_id not in _statuses(theirs_seen)
    link = await client.post(
        "/v1/networks/tracking/offers/clicks",
        json={"network_offer_id": private.network_offer_id, "network_affiliate_id": mine},
        headers=network_headers,
    )
    assert link.status_code == 400
    assert link.json()["error"].startswith("network_affiliate_id: affiliate")
    async with db.read() as session:
        audited = (await session.scalars(select(AuditEntry.entity_type))).all()
    assert {"offer_application", "offer_visibility"} <= set(audited)


async def test_put_visibility_overwrites_its_set_type(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db, visibility="private")
    a, _ = await _affiliate(db)
    b, headers_b = await _affiliate(db)
    path = f"/v1/networks/offers/{offer.network_offer_id}/visibility"
    await client.put(
        path, json={"network_affiliate_ids": [a, b], "set_type": "visible"}, headers=network_headers
    )
    put = await client.put(
        path, json={"network_affiliate_ids": [a], "set_type": "visible"}, headers=network_headers
    )
    assert put.json()["network_affiliate_visible_ids"] == [a]
    seen = (await client.get("/v1/affiliates/alloffers", headers=headers_b)).json()
    assert seen["offers"] == []
    missing = await client.get(f"/v1/affiliates/offers/{offer.network_offer_id}", headers=headers_b)
    assert missing.status_code == 404


async def test_bad_input_is_a_400_naming_the_field(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db, visibility="require_approval")
    public = await make_offer(db)
    oid = offer.network_offer_id
    _, headers = await _affiliate(db)
    cases: list[tuple[str, str, dict[str, Any], dict[str, str], str]] = [
        (
            "PUT",
            f"/v1/networks/offers/{oid}/visibility",
            {"network_affiliate_ids": [999999], "set_type": "visible"},
            network_headers,
            "network_affiliate_ids",
        ),
        (
            "PUT",
            f"/v1/networks/offers/{oid}/visibility",
            {"network_affiliate_ids": [], "set_type": "shown"},
            network_headers,
            "set_type",
        ),
        (
            "PATCH",
            "/v1/networks/affiliates/1/offers/visibility",
            {"network_offer_ids": [999999], "visibility_type": "visible"},
            network_headers,
            "network_offer_ids",
        ),
        (
            "PATCH",
            "/v1/networks/applications",
            {
                "network_application_ids": [999999],
                "patches": [{"field_name": "application_status", "field_value": "approved"}],
            },
            network_headers,
            "network_application_ids",
        ),
        (
            "PATCH",
            "/v1/networks/applications",
            {
                "network_application_ids": [1],
                "patches": [{"field_name": "application_status", "field_value": "maybe"}],
            },
            network_headers,
            "patches.0.field_value",
        ),
        (
            "POST",
            "/v1/networks/applicationstable",
            {"filters": {"application_status": "lost"}},
            network_headers,
            "filters.application_status",
        ),
        (
            "POST",
            "/v1/affiliates/applications",
            {"network_offer_id": 999999},
            headers,
            "network_offer_id",
        ),
        (
            "POST",
            "/v1/affiliates/applications",
            {"network_offer_id": public.network_offer_id},
            headers,
            "network_offer_id",
        ),
    ]
    for method, path, body, used, field in cases:
        response = await client.request(method, path, json=body, headers=used)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"].startswith(field), (path, response.json())
    unknown = await client.get("/v1/networks/offers/999999/visibility", headers=network_headers)
    assert unknown.status_code == 404
    wrong_realm = await client.get("/v1/affiliates/alloffers", headers=network_headers)
    assert wrong_realm.status_code == 403
