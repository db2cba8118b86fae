"""Console traffic control pages: list, create, edit, delete, through the API's traffic
service (ADR 0097). Lists are typed one value per line (values) or separated by commas or
blanks (ids); the variables are one checkbox each."""

from __future__ import annotations

import re
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.deps import ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageRequest
from clicktrail.models import TrafficControl
from clicktrail.traffic import service
from clicktrail.traffic.schemas import (
    ComparisonMethod,
    ControlType,
    Status,
    TargetingAction,
    TrafficControlIn,
    Variable,
)
from clicktrail.web.console.forms import FORM, FormState, read_form, save_form
from clicktrail.web.console.listing import options
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import flash_redirect, render

router = APIRouter(include_in_schema=False)

VARIABLES: tuple[str, ...] = get_args(Variable)
TEXTS = (
    "name",
    "status",
    "control_type",
    "targeting_action",
    "comparison_method",
    "values",
    "network_offer_ids",
    "network_affiliate_ids",
    "network_advertiser_ids",
    "date_valid_from",
    "date_valid_to",
)
CHECKBOXES = ("is_apply_all_offers", "is_apply_all_affiliates")
ID_LISTS = ("network_offer_ids", "network_affiliate_ids", "network_advertiser_ids")
#: The most controls the list page shows (Everflow networks hold a handful).
LIST_LIMIT = 500
_SEPARATORS = re.compile(r"[\s,]+")


def _choices() -> dict[str, Any]:
    return {
        "status_options": options(get_args(Status)),
        "type_options": options(get_args(ControlType)),
        "action_options": options(get_args(TargetingAction)),
        "method_options": options(get_args(ComparisonMethod)),
        "variables": VARIABLES,
    }


def _page(request: Request, state: FormState, control_id: int | None, code: int = 200) -> Response:
    context = {"form": state, "control_id": control_id, **_choices()}
    return render(request, "console/traffic/form.html", context, code)


def _shown(control: TrafficControl) -> FormState:
    values: dict[str, Any] = {
        name: str(getattr(control, name) or "") for name in TEXTS if name not in ID_LISTS
    }
    values["values"] = "\n".join(control.values or [])
    for name in ID_LISTS:
        values[name] = ", ".join(str(i) for i in getattr(control, name) or [])
    for name in CHECKBOXES:
        values[name] = bool(getattr(control, name))
    values["variables"] = list(control.variables or [])
    return FormState(values=values)


@router.get("/app/traffic")
async def traffic_list(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    rows, total = await service.list_controls(session, PageRequest(1, LIST_LIMIT))
    return render(request, "console/traffic/list.html", {"controls": rows, "total": total})


@router.get("/app/traffic/new")
async def new_control(request: Request, _: ConsoleUser) -> Response:
    values: dict[str, Any] = dict.fromkeys(TEXTS, "")
    values.update(status="active", control_type="blacklist", targeting_action="block")
    values.update(comparison_method="exact_match", variables=[])
    values.update(is_apply_all_offers=True, is_apply_all_affiliates=True)
    return _page(request, FormState(values=values), None)


async def _save(
    request: Request, session: AsyncSession, control_id: int | None
) -> tuple[int | None, FormState]:
    form = await request.form()
    state = read_form(form, TEXTS, CHECKBOXES)
    state.values["variables"] = [name for name in VARIABLES if f"variable.{name}" in form]
    data: dict[str, Any] = {
        key: value for key, value in state.values.items() if key not in ("values", *ID_LISTS)
    }
    data["values"] = [line for line in str(state.values["values"]).splitlines() if line.strip()]
    for name in ID_LISTS:
        data[name] = [part for part in _SEPARATORS.split(str(state.values[name])) if part]

    async def write(body: TrafficControlIn) -> int:
        if control_id is None:
            return (await service.create_control(session, body)).network_traffic_control_id
        replaced = await service.replace_control(session, control_id, body)
        return replaced.network_traffic_control_id

    listed = FormState(values=data)
    saved = await save_form(session, listed, TrafficControlIn, {}, write)
    for key, message in listed.errors.items():
        # "values.3" or "network_offer_ids.0" belong beside their list's input.
        name = key.split(".", 1)[0]
        if key == FORM or name not in state.values:
            state.errors.setdefault(FORM, message)
        else:
            state.errors.setdefault(name, message)
    return saved, state


@router.post("/app/traffic/new")
async def create_control(request: Request, session: WriteSession, _: ConsoleUser) -> Response:
    saved, state = await _save(request, session, None)
    if saved is None:
        return _page(request, state, None, 400)
    return flash_redirect("/app/traffic", "Traffic control created.")


@router.get("/app/traffic/{control_id}/edit")
async def edit_control(
    control_id: PathId, request: Request, session: ReadSession, _: ConsoleUser
) -> Response:
    return _page(request, _shown(await service.get_control(session, control_id)), control_id)


@router.post("/app/traffic/{control_id}/edit")
async def update_control(
    control_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    saved, state = await _save(request, session, control_id)
    if saved is None:
        return _page(request, state, control_id, 400)
    return flash_redirect("/app/traffic", "Traffic control saved.")


@router.post("/app/traffic/{control_id}/delete")
async def delete_control(
    control_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    await service.delete_control(session, control_id)
    return flash_redirect("/app/traffic", f"Traffic control {control_id} deleted.")
