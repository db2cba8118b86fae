"""Network settings (``/app/settings``), admins only: what ``PUT /v1/networks`` changes
(name, reporting timezone, currency, fallback URL), through the same schema and service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from clicktrail.deps import ReadSession, WriteSession
from clicktrail.errors import ValidationFailed
from clicktrail.meta import currencies, timezones
from clicktrail.network import service
from clicktrail.network.schemas import NetworkUpdate
from clicktrail.web.console.fields import field_errors, form_text
from clicktrail.web.guard import AdminUser, CsrfChecked
from clicktrail.web.templating import flash_redirect, render

router = APIRouter(prefix="/app/settings")

FIELDS = ("name", "timezone_id", "currency_id", "fallback_url")


def _choices() -> dict[str, Any]:
    return {
        "timezones": [
            (tz.timezone_id, f"{tz.label} ({timezones.utc_offset(tz.timezone_id)})")
            for tz in timezones.TIMEZONES
        ],
        "currencies": [
            (c.currency_id, f"{c.currency_id} · {c.name}") for c in currencies.CURRENCIES
        ],
    }


@router.get("", response_class=HTMLResponse)
async def settings_page(request: Request, session: ReadSession, _: AdminUser) -> Response:
    network = await service.get_network(session)
    values = {
        "name": network.name,
        "timezone_id": str(network.timezone_id),
        "currency_id": network.currency_id,
        "fallback_url": network.fallback_url or "",
    }
    return render(
        request, "console/settings/form.html", {"values": values, "errors": {}} | _choices()
    )


@router.post("", response_class=HTMLResponse)
async def save_settings(
    request: Request, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    form = await request.form()
    values = {name: form_text(form, name) for name in FIELDS}
    try:
        body = NetworkUpdate.model_validate(
            {
                "name": values["name"],
                "timezone_id": values["timezone_id"] or None,
                "currency_id": values["currency_id"] or None,
                "fallback_url": values["fallback_url"],
            }
        )
        await service.update_network(session, body)
    except (ValidationError, ValidationFailed) as exc:
        await session.rollback()
        return render(
            request,
            "console/settings/form.html",
            {"values": values, "errors": field_errors(exc)} | _choices(),
            status_code=400,
        )
    return flash_redirect("/app/settings", "Network settings saved.")
