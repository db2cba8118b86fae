"""Changes made through the real HTTP app land in the audit log with the calling key, the
changed values before and after, secrets redacted; tracking traffic writes no audit row."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from clicktrail.app import ClicktrailApp
from clicktrail.auth.service import create_key, revoke_key
from clicktrail.db import Database
from clicktrail.models import ApiKey, Click
from tests.audit.helpers import entries, key_id_of
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer
from tests.tracking.helpers import make_pair

OFFERS = "/v1/networks/offers"
AFFILIATES = "/v1/networks/affiliates"


def offer_body(advertiser_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_advertiser_id": advertiser_id,
        "name": "Sample CPA",
        "destination_url": "https://lp.example/?click={transaction_id}",
        "offer_status": "active",
        "currency_id": "USD",
        "payout_revenue": [
            {
                "entry_name": "Base",
                "payout_type": "cpa",
                "payout_amount": 3,
                "revenue_type": "rpa",
                "revenue_amount": 5.5,
                "is_default": True,
            },
            {
                "entry_name": "Upsell",
                "event_alias": "upsell",
                "payout_type": "cpa",
                "payout_amount": 1.25,
                "revenue_type": "rpa",
                "revenue_amount": 2,
            },
        ],
    }
    body.update(overrides)
    return body


async def test_offer_create_and_update_are_logged_with_the_key(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str], network_key: str
) -> None:
    advertiser = await make_advertiser(db)
    key_id = await key_id_of(db, network_key)
    created = await client.post(
        OFFERS, json=offer_body(advertiser.network_advertiser_id), headers=network_headers
    )
    assert created.status_code == 200, created.text
    offer_id = created.json()["network_offer_id"]
    body = offer_body(advertiser.network_advertiser_id, name="Renamed CPA")
    body["payout_revenue"][0]["payout_amount"] = 4
    for entry, stored in zip(
        body["payout_revenue"],
        created.json()["relationship"]["payout_revenue"]["entries"],
        strict=True,
    ):
        entry["network_offer_payout_revenue_id"] = stored["network_offer_payout_revenue_id"]
    updated = await client.put(f"{OFFERS}/{offer_id}", json=body, headers=network_headers)
    assert updated.status_code == 200, updated.text
    paused = dict(body, offer_status="paused")
    assert (
        await client.put(f"{OFFERS}/{offer_id}", json=paused, headers=network_headers)
    ).status_code == 200

    create, update, status = await entries(db, "offer")
    for row in (create, update, status):
        assert (row.actor_type, row.actor_id) == ("api_key", key_id)
        assert row.actor_label == f"ct_{network_key.split('_')[1]}"
        assert row.entity_id == str(offer_id)
    assert (create.operation, create.before) == ("create", None)
    assert create.after is not None
    assert create.after["name"] == "Sample CPA"
    assert create.after["network_offer_id"] == offer_id
    assert (update.operation, update.before, update.after) == (
        "update",
        {"name": "Sample CPA"},
        {"name": "Renamed CPA"},
    )
    assert (status.operation, status.before, status.after) == (
        "status_change",
        {"offer_status": "active"},
        {"offer_status": "paused"},
    )

    rows = await entries(db, "offer_payout_revenue")
    creates = [r for r in rows if r.operation == "create"]
    assert len(creates) == 2  # one row per entry: the event-id flush is folded into it
    events = sorted(r.after["event_id"] for r in creates if r.after is not None)
    assert events[0] == 0
    assert events[1] > 0
    [money] = [r for r in rows if r.operation == "update"]
    assert money.before == {"payout_amount": "3.000000"}
    assert money.after is not None
    assert money.after["payout_amount"] in ("4", "4.000000")


async def test_affiliate_create_and_update_are_logged(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str], network_key: str
) -> None:
    key_id = await key_id_of(db, network_key)
    created = await client.post(
        AFFILIATES, json={"name": "Partner A", "labels": ["tier-1"]}, headers=network_headers
    )
    assert created.status_code == 200, created.text
    affiliate_id = created.json()["network_affiliate_id"]
    updated = await client.put(
        f"{AFFILIATES}/{affiliate_id}",
        json={"name": "Partner B", "labels": ["tier-1"]},
        headers=network_headers,
    )
    assert updated.status_code == 200, updated.text

    create, update = await entries(db, "affiliate")
    assert (create.operation, create.actor_type, create.actor_id) == ("create", "api_key", key_id)
    assert create.after is not None
    assert create.after["labels"] == ["tier-1"]
    assert create.after["time_created"].startswith(str(create.time_operation.date()))
    assert (update.operation, update.actor_id) == ("update", key_id)
    assert (update.before, update.after) == ({"name": "Partner A"}, {"name": "Partner B"})


async def test_secrets_are_redacted_and_the_cli_acts_as_the_system(db: Database) -> None:
    async with db.write() as session:
        key, raw = await create_key(session, realm="network", name="ops")
    async with db.write() as session:
        await revoke_key(session, key.id)
    async with db.read() as session:
        stored = await session.get(ApiKey, key.id)
    assert stored is not None
    create, revoke = await entries(db, "api_key")
    assert (create.actor_type, create.actor_id, create.actor_label) == ("system", None, "system")
    assert create.after is not None
    assert create.after["key_hash"] == "[redacted]"
    assert create.after["name"] == "ops"
    everything = repr((create.before, create.after, revoke.before, revoke.after))
    assert stored.key_hash not in everything
    assert raw not in everything
    assert revoke.operation == "status_change"
    assert revoke.before == {"revoked_at": None}
    assert revoke.after is not None
    assert revoke.after["revoked_at"] is not None


async def test_a_click_and_an_advertiser_postback_write_no_audit_row(
    app: ClicktrailApp, client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    before = len(await entries(db))
    click = await client.get("/c", params={"oid": pair.oid, "affid": pair.affid})
    assert click.status_code == 302
    async with db.read() as session:
        [transaction_id] = list(await session.scalars(select(Click.transaction_id)))
    postback = await client.get("/", params={"nid": "1", "transaction_id": transaction_id})
    assert postback.status_code == 200, postback.text
    assert len(await entries(db)) == before

    # The API's status change of that conversion is logged, with the old and new status.
    conversion_id = postback.json()["conversion_id"]
    patched = await client.patch(
        "/v1/networks/reporting/conversions",
        json={"conversion_ids": [conversion_id], "conversion_status": "rejected"},
        headers=network_headers,
    )
    assert patched.status_code == 200, patched.text
    [row] = await entries(db, "conversion")
    assert (row.operation, row.entity_id, row.actor_type) == (
        "status_change",
        conversion_id,
        "api_key",
    )
    assert row.before is not None
    assert row.before["status"] == "approved"
    assert row.after is not None
    assert row.after["status"] == "rejected"


async def test_a_refused_request_writes_no_audit_row(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    response = await client.post(OFFERS, json={"name": ""}, headers=network_headers)
    assert response.status_code == 400
    assert [row.entity_type for row in await entries(db)] == ["api_key"]  # the fixture's key


async def test_a_pixel_deleted_through_the_api_is_a_delete(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = {
        "network_affiliate_id": affiliate.network_affiliate_id,
        "network_offer_id": offer.network_offer_id,
        "pixel_level": "specific",
        "postback_url": "https://partner.example/pb?tid={transaction_id}",
    }
    created = await client.post("/v1/networks/pixels", json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    pixel_id = created.json()["network_pixel_id"]
    gone = await client.delete(f"/v1/networks/pixels/{pixel_id}", headers=network_headers)
    assert gone.status_code == 200, gone.text
    create, delete = await entries(db, "pixel")
    assert (create.operation, delete.operation) == ("create", "delete")
    assert delete.entity_id == str(pixel_id)
    assert delete.after is not None
    assert delete.after["is_deleted"] is True


async def test_an_advertiser_token_is_redacted_and_no_actor_outlives_its_request(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    created = await client.post(
        "/v1/networks/advertisers",
        json={"name": "Acme", "verification_token": "Sekret123"},
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    await make_advertiser(db, name="Made by a job")
    by_key, by_job = await entries(db, "advertiser")
    assert by_key.actor_type == "api_key"
    assert by_key.after is not None
    assert by_key.after["verification_token"] == "[redacted]"
    assert "Sekret123" not in repr(by_key.after)
    assert (by_job.actor_type, by_job.actor_id) == ("system", None)
