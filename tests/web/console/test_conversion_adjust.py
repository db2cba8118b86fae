"""``/app/conversions/{id}``: the history list and the adjust form (CSRF, refusals that write
nothing, the change shown with the user who made it)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Conversion
from tests.fixtures.web import csrf, sign_in_as
from tests.web.console.traffic import Traffic, seed


@pytest.fixture
async def traffic(web_client: httpx.AsyncClient, db: Database) -> Traffic:
    return await seed(db)


async def _row(db: Database, cid: str) -> Conversion:
    async with db.read() as session:
        row = await session.get(Conversion, cid)
        assert row is not None
        return row


async def test_an_adjustment_shows_in_the_history_with_its_user_and_note(
    web_client: httpx.AsyncClient, db: Database, traffic: Traffic
) -> None:
    user, _ = await sign_in_as(web_client, db, "manager")
    path = f"/app/conversions/{traffic.pending[0]}"
    page = await web_client.get(path)
    assert "No changes since it was recorded." in page.text
    token = await csrf(web_client, path)
    response = await web_client.post(
        f"{path}/adjust",
        data={
            "status": "approved",
            "payout": "2.5",
            "revenue": "3",
            "sale_amount": "40",
            "notes": "advertiser confirmed the order",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303, response.text
    row = await _row(db, traffic.pending[0])
    assert (row.status, row.payout, row.revenue, row.sale_amount) == (
        "approved",
        Decimal("2.5"),
        Decimal("3"),
        Decimal("40"),
    )
    after = await web_client.get(path)
    assert "Changed status, payout, sale amount." in after.text
    assert after.text.count('class="history-row"') == 3
    assert user.email in after.text
    assert "advertiser confirmed the order" in after.text
    assert "<td>pending</td>" in after.text
    assert "<td>approved</td>" in after.text


async def test_refused_adjustments_write_nothing(
    web_client: httpx.AsyncClient, db: Database, traffic: Traffic
) -> None:
    await sign_in_as(web_client, db, "manager")
    path = f"/app/conversions/{traffic.pending[0]}"
    refused = await web_client.post(f"{path}/adjust", data={"payout": "9"})
    assert refused.status_code == 403
    token = await csrf(web_client, path)
    cases = [
        ({"payout": "-1"}, "must not be negative"),
        ({"sale_amount": "abc"}, "digits 0-9"),
        ({"payout": "2", "revenue": "3", "sale_amount": "0"}, "Nothing to change"),
        ({"payout": "7"}, "only an approved conversion"),
        ({"status": "paid"}, "Choose approved or rejected."),
    ]
    for data, message in cases:
        response = await web_client.post(f"{path}/adjust", data=data | {"csrf_token": token})
        assert response.status_code == 400, data
        assert message in response.text, data
    # the status change of a refused form is undone with it
    mixed = await web_client.post(
        f"{path}/adjust", data={"status": "rejected", "payout": "7", "csrf_token": token}
    )
    assert mixed.status_code == 400
    assert "only an approved conversion" in mixed.text
    row = await _row(db, traffic.pending[0])
    assert (row.status, row.payout, row.revenue) == ("pending", Decimal("2"), Decimal("3"))
    page = await web_client.get(path)
    assert "No changes since it was recorded." in page.text
    unknown = await web_client.post(
        "/app/conversions/" + "0" * 32 + "/adjust", data={"payout": "1", "csrf_token": token}
    )
    assert unknown.status_code == 404
