"""Console advertiser pages at the httpx level: list, create/edit round trips through the
API's advertiser service, validation beside the fields, roles and CSRF."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Advertiser
from tests.fixtures.factories import make_advertiser
from tests.fixtures.web import csrf, sign_in_as


def _form(token: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "name": "Northwind",
        "account_status": "active",
        "default_currency_id": "EUR",
        "reporting_timezone_id": "80",
        "accounting_contact_email": "billing@northwind.example",
        "verification_token": "abc123",
        "internal_notes": "",
    }
    data.update(fields)
    return data


async def _advertisers(db: Database) -> list[Advertiser]:
    async with db.read() as session:
        rows = await session.scalars(select(Advertiser).order_by(Advertiser.network_advertiser_id))
        return list(rows.all())


async def test_create_and_edit_round_trip(web_client: httpx.AsyncClient, db: Database) -> None:
    await sign_in_as(web_client, db, "manager")
    token = await csrf(web_client, "/app/advertisers/new")
    created = await web_client.post("/app/advertisers/new", data=_form(token))
    assert created.status_code == 303
    [advertiser] = await _advertisers(db)
    assert (advertiser.name, advertiser.default_currency_id, advertiser.reporting_timezone_id) == (
        "Northwind",
        "EUR",
        80,
    )
    assert advertiser.verification_token == "abc123"
    listed = await web_client.get(created.headers["location"])
    assert "Advertiser created." in listed.text
    assert "Northwind" in listed.text

    # Fields the form does not show keep their values on edit.
    async with db.write() as session:
        stored = await session.get(Advertiser, advertiser.network_advertiser_id)
        assert stored is not None
        stored.platform_name = "Shopify"
    path = f"/app/advertisers/{advertiser.network_advertiser_id}/edit"
    edit = await web_client.get(path)
    assert 'value="Northwind"' in edit.text
    saved = await web_client.post(
        path, data=_form(token, name="Northwind Ltd", account_status="inactive")
    )
    assert saved.status_code == 303
    [advertiser] = await _advertisers(db)
    assert (advertiser.name, advertiser.account_status) == ("Northwind Ltd", "inactive")
    assert advertiser.platform_name == "Shopify"


async def test_validation_errors(web_client: httpx.AsyncClient, db: Database) -> None:
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/advertisers/new")
    response = await web_client.post(
        "/app/advertisers/new",
        data=_form(
            token,
            name="  ",
            default_currency_id="XXX",
            reporting_timezone_id="5000",
            verification_token="no spaces!",
        ),
    )
    assert response.status_code == 400
    for name in ("name", "default_currency_id", "reporting_timezone_id", "verification_token"):
        assert f'id="f-{name}-help" class="field-error"' in response.text, name
    assert await _advertisers(db) == []


async def test_list_search_and_filters(web_client: httpx.AsyncClient, db: Database) -> None:
    await make_advertiser(db, name="Contoso")
    await make_advertiser(db, name="Fabrikam", account_status="suspended")
    await sign_in_as(web_client, db, "manager")
    page = await web_client.get("/app/advertisers", params={"q": "conto"})
    assert "Contoso" in page.text
    assert "Fabrikam" not in page.text
    page = await web_client.get("/app/advertisers", params={"status": "suspended"})
    assert "Fabrikam" in page.text
    assert "Contoso" not in page.text
    refused = await web_client.get("/app/advertisers", params={"status": "nope"})
    assert refused.status_code == 400


async def test_roles_and_csrf(web_client: httpx.AsyncClient, db: Database) -> None:
    advertiser = await make_advertiser(db, name="Secret Brand")
    await sign_in_as(web_client, db, "affiliate")
    for path in (
        "/app/advertisers",
        "/app/advertisers/new",
        f"/app/advertisers/{advertiser.network_advertiser_id}/edit",
    ):
        refused = await web_client.get(path)
        assert refused.status_code == 403, path
        assert "Secret Brand" not in refused.text
    web_client.cookies.clear()
    await sign_in_as(web_client, db, "manager")
    forged = await web_client.post("/app/advertisers/new", data=_form("forged"))
    assert forged.status_code == 403
    assert [a.name for a in await _advertisers(db)] == ["Secret Brand"]
