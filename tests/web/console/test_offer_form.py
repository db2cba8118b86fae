"""The offer form's mapping to the API's OfferIn body and back (no HTTP: the form module)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from clicktrail.offer import service
from clicktrail.web.console import offer_form
from clicktrail.web.console.forms import FORM, service_error
from tests.fixtures.factories import make_advertiser


def _post(advertiser_id: int, **extra: str) -> dict[str, str]:
    form = {
        "name": " Summer CPA ",
        "network_advertiser_id": str(advertiser_id),
        "destination_url": "https://lp.example/?tid={transaction_id}&s1={sub1}",
        "preview_url": "",
        "offer_status": "active",
        "visibility": "public",
        "currency_id": "EUR",
        "conversion_method": "server_postback",
        "verification_token": "",
        "internal_notes": "",
        "is_must_approve_conversion": "on",
        "default_entry": "0",
        "payout_revenue.0.network_offer_payout_revenue_id": "",
        "payout_revenue.0.entry_name": "Base",
        "payout_revenue.0.event_alias": "",
        "payout_revenue.0.payout_type": "cpa",
        "payout_revenue.0.payout_amount": "3.50",
        "payout_revenue.0.payout_percentage": "",
        "payout_revenue.0.revenue_type": "rpa",
        "payout_revenue.0.revenue_amount": "6",
        "payout_revenue.0.revenue_percentage": "",
        # A blank trailing row is ignored.
        "payout_revenue.1.network_offer_payout_revenue_id": "",
        "payout_revenue.1.entry_name": "",
        "payout_revenue.1.event_alias": "",
        "payout_revenue.1.payout_type": "cpa",
        "payout_revenue.1.payout_amount": "",
        "payout_revenue.1.payout_percentage": "",
        "payout_revenue.1.revenue_type": "rpa",
        "payout_revenue.1.revenue_amount": "",
        "payout_revenue.1.revenue_percentage": "",
    }
    form.update(extra)
    return form


def _event_row(index: int, **fields: str) -> dict[str, str]:
    row = {
        "network_offer_payout_revenue_id": "",
        "entry_name": "",
        "event_alias": "",
        "payout_type": "cpa",
        "payout_amount": "",
        "payout_percentage": "",
        "revenue_type": "rpa",
        "revenue_amount": "",
        "revenue_percentage": "",
    }
    row.update(fields)
    return {f"payout_revenue.{index}.{name}": value for name, value in row.items()}


async def test_create_then_edit_round_trip(db: Database) -> None:
    advertiser = await make_advertiser(db)
    post = _post(advertiser.network_advertiser_id)
    post.update(_event_row(1, entry_name="Upsell", event_alias="upsell", payout_amount="1"))
    state = offer_form.read_post(post)
    body, rows = offer_form.to_body(state, {})
    assert state.ok
    assert body is not None
    assert rows == [0, 1]
    async with db.write() as session:
        offer, _ = await service.create_offer(session, body)
        offer_id = offer.network_offer_id
    async with db.read() as session:
        stored = await service.get_offer(session, offer_id)
        edit = offer_form.offer_form(stored)
        base = offer_form.stored_fields(stored)
    assert stored.name == "Summer CPA"
    assert stored.currency_id == "EUR"
    assert stored.is_must_approve_conversion is True
    assert edit.values["name"] == "Summer CPA"
    entries = edit.values["entries"]
    assert [e["entry_name"] for e in entries] == ["Base", "Upsell", ""]
    assert entries[0]["payout_amount"] == "3.5"
    upsell_id = entries[1]["network_offer_payout_revenue_id"]

    # Edit: rename, drop the approval flag, change the event's payout; ids are kept.
    again = _post(advertiser.network_advertiser_id, name="Summer CPA 2")
    del again["is_must_approve_conversion"]
    again["payout_revenue.0.network_offer_payout_revenue_id"] = entries[0][
        "network_offer_payout_revenue_id"
    ]
    again.update(
        _event_row(
            1,
            network_offer_payout_revenue_id=upsell_id,
            entry_name="Upsell",
            event_alias="upsell",
            payout_amount="2.25",
        )
    )
    state = offer_form.read_post(again)
    body, _ = offer_form.to_body(state, base)
    assert state.ok
    assert body is not None
    async with db.write() as session:
        await service.replace_offer(session, offer_id, body)
    async with db.read() as session:
        stored = await service.get_offer(session, offer_id)
        assert stored.name == "Summer CPA 2"
        assert stored.is_must_approve_conversion is False
        upsell = next(e for e in stored.payout_revenue if not e.is_default)
        assert str(upsell.network_offer_payout_revenue_id) == upsell_id
        assert upsell.event_id == upsell.network_offer_payout_revenue_id
        assert upsell.payout_amount == Decimal("2.25")


def test_errors_name_the_form_inputs() -> None:
    post = _post(1, name="", destination_url="ftp://nope", offer_status="weird")
    post["network_advertiser_id"] = ""
    post["payout_revenue.0.payout_amount"] = "-1"
    state = offer_form.read_post(post)
    body, _ = offer_form.to_body(state, {})
    assert body is None
    assert set(state.errors) >= {
        "name",
        "network_advertiser_id",
        "destination_url",
        "offer_status",
        "payout_revenue.0.payout_amount",
    }
    # Posted values come back to refill the form, with a blank row to add an event.
    assert state.values["destination_url"] == "ftp://nope"
    assert state.values["entries"][-1]["entry_name"] == ""


def test_skipped_rows_keep_error_positions() -> None:
    post = _post(1)
    post.update(_event_row(1, entry_name="Gone", event_alias="x", payout_amount="1"))
    post["payout_revenue.1.remove"] = "on"
    post.update(_event_row(2, entry_name="Bad", event_alias="bad alias!"))
    state = offer_form.read_post(post)
    body, _rows = offer_form.to_body(state, {})
    assert body is None
    assert "payout_revenue.2.event_alias" in state.errors


def test_service_errors_map_to_rows() -> None:
    post = _post(1)
    post.update(_event_row(1, entry_name="A", event_alias="dup", payout_amount="1"))
    post.update(_event_row(2, entry_name="B", event_alias="dup", payout_amount="1"))
    post["payout_revenue.1.remove"] = "on"
    post.update(_event_row(3, entry_name="C", event_alias="dup", payout_amount="1"))
    state = offer_form.read_post(post)
    body, rows = offer_form.to_body(state, {})
    assert body is not None
    assert rows == [0, 2, 3]
    failure = ValidationFailed(
        "event_alias 'dup' is used twice", field="payout_revenue.2.event_alias"
    )
    errors = offer_form.to_form_errors(
        service_error(failure, offer_form.inputs_of_body(len(rows))), rows
    )
    assert errors == {"payout_revenue.3.event_alias": "event_alias 'dup' is used twice"}


def test_no_default_entry_is_a_form_level_error() -> None:
    post: dict[str, Any] = _post(1, default_entry="7")
    state = offer_form.read_post(post)
    body, _ = offer_form.to_body(state, {})
    assert body is not None  # pydantic accepts it; the service's entry rules refuse it
    failure = ValidationFailed(
        "exactly one entry must have is_default true", field="payout_revenue"
    )
    errors = offer_form.to_form_errors(service_error(failure, offer_form.inputs_of_body(1)), [0])
    assert errors == {"payout_revenue": "exactly one entry must have is_default true"}
    assert FORM not in errors
