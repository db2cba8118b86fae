"""Console traffic control pages: create, edit and delete through the API's traffic service,
errors beside their inputs."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import TrafficControl
from tests.fixtures.factories import make_offer
from tests.fixtures.web import csrf, sign_in_as


async def _controls(db: Database) -> list[TrafficControl]:
    async with db.read() as session:
        rows = await session.scalars(select(TrafficControl))
        return list(rows.all())


async def test_create_edit_and_delete_a_control(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    offer = await make_offer(db)
    await sign_in_as(web_client, db, "manager")
    token = await csrf(web_client, "/app/traffic/new")
    form = {
        "csrf_token": token,
        "name": "Bad ranges",
        "status": "active",
        "control_type": "blacklist",
        "targeting_action": "fail_traffic",
        "comparison_method": "exact_match",
        "variable.ip": "1",
        "values": "10.0.0.0/8\n\n2001:db8::/32\n",
        "is_apply_all_affiliates": "1",
        "network_offer_ids": f"{offer.network_offer_id},",
    }
    bad = await web_client.post("/app/traffic/new", data={**form, "values": "10.0.0.1/8"})
    assert bad.status_code == 400
    assert "not an IP address or CIDR range" in bad.text
    created = await web_client.post("/app/traffic/new", data=form)
    assert created.status_code == 303, created.text
    [control] = await _controls(db)
    assert control.variables == ["ip"]
    assert control.values == ["10.0.0.0/8", "2001:db8::/32"]
    assert (control.is_apply_all_offers, control.network_offer_ids) == (
        False,
        [offer.network_offer_id],
    )
    listed = await web_client.get("/app/traffic")
    assert "Bad ranges" in listed.text
    control_id = control.network_traffic_control_id
    edit = await web_client.get(f"/app/traffic/{control_id}/edit")
    assert "2001:db8::/32" in edit.text
    saved = await web_client.post(
        f"/app/traffic/{control_id}/edit", data={**form, "variable.sub1": "1", "values": "x"}
    )
    assert saved.status_code == 400  # ip values must be ranges: errors beside the input
    subs = {key: value for key, value in form.items() if key != "variable.ip"}
    saved = await web_client.post(
        f"/app/traffic/{control_id}/edit", data={**subs, "variable.sub1": "1", "values": "spam"}
    )
    assert saved.status_code == 303, saved.text
    [control] = await _controls(db)
    assert (control.variables, control.values) == (["sub1"], ["spam"])
    deleted = await web_client.post(f"/app/traffic/{control_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert await _controls(db) == []
