"""The console's page of one affiliate: its details, its API keys (admins create and revoke
them; a new key is shown once), its pixels (partner postbacks: create, edit) and its portal
users (admins invite one: an ``affiliate`` user bound to it, whose one-time password is
shown once). Keys come from clicktrail/auth/service.py, pixels from
clicktrail/postback/service.py, users from clicktrail/users/service.py: the rules the API
and the CLI use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.affiliate.service import get_affiliate
from clicktrail.auth.service import affiliate_keys, create_key, revoke_affiliate_key
from clicktrail.deps import ReadSession, State, WriteSession
from clicktrail.errors import ClicktrailError
from clicktrail.kit.ids import PathId
from clicktrail.offer.service import offer_choices
from clicktrail.postback import service as pixels
from clicktrail.postback.schemas import NetworkPixelIn
from clicktrail.users.service import create_user, users_of_affiliate
from clicktrail.web.console.forms import (
    FormState,
    read_form,
    service_error,
    shown,
    stored_values,
    to_model,
)
from clicktrail.web.console.listing import has_control
from clicktrail.web.guard import AdminUser, ConsoleUser, SignedIn
from clicktrail.web.templating import flash_redirect, render

router = APIRouter(include_in_schema=False)

PIXEL_FIELDS = (
    "pixel_level",
    "network_offer_id",
    "pixel_type",
    "delivery_method",
    "postback_url",
    "html_code",
    "pixel_status",
    "description",
)
PIXEL_LEVELS = (("global", "Every offer"), ("specific", "One offer"))
KEY_NAME_MAX = 255


def new_pixel_form() -> FormState:
    values: dict[str, Any] = dict.fromkeys(PIXEL_FIELDS, "")
    values.update(
        pixel_level="global",
        pixel_type="conversion",
        delivery_method="postback",
        pixel_status="active",
    )
    return FormState(values=values)


async def _page(
    request: Request,
    session: AsyncSession,
    affiliate_id: int,
    user: SignedIn,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    affiliate = await get_affiliate(session, affiliate_id)
    found = await pixels.list_pixels(session, {}, affiliate_id=affiliate_id)
    choices = await offer_choices(session)
    context: dict[str, Any] = {
        "affiliate": affiliate,
        "keys": await affiliate_keys(session, affiliate_id),
        "pixels": found,
        "offer_names": dict(choices),
        "offer_choices": choices,
        "pixel_levels": PIXEL_LEVELS,
        "pixel_form": new_pixel_form(),
        "users": await users_of_affiliate(session, affiliate_id),
        "invite_form": FormState(values={"email": ""}),
        "key_form": FormState(values={"name": ""}),
        "can_admin": user.is_admin,
    }
    context.update(extra)
    return render(request, "console/affiliates/detail.html", context, status_code)


@router.get("/app/affiliates/{affiliate_id}")
async def affiliate_page(
    affiliate_id: PathId, request: Request, session: ReadSession, user: ConsoleUser
) -> Response:
    return await _page(request, session, affiliate_id, user)


# --- API keys (admins) ----------------------------------------------------------------------


@router.post("/app/affiliates/{affiliate_id}/keys")
async def new_key(
    affiliate_id: PathId, request: Request, session: WriteSession, user: AdminUser
) -> Response:
    """Create an affiliate-realm key; the answer shows the raw key this once (no redirect:
    it is never stored, so no later page could show it)."""
    state = read_form(await request.form(), ("name",))
    await get_affiliate(session, affiliate_id)
    if len(state.values["name"]) > KEY_NAME_MAX or has_control(state.values["name"]):
        state.errors["name"] = f"At most {KEY_NAME_MAX} characters, on one line."
        return await _page(request, session, affiliate_id, user, status_code=400, key_form=state)
    key, raw = await create_key(
        session, realm="affiliate", affiliate_id=affiliate_id, name=state.values["name"]
    )
    await session.flush()
    return await _page(request, session, affiliate_id, user, new_key={"key": key, "raw": raw})


@router.post("/app/affiliates/{affiliate_id}/keys/{key_id}/revoke")
async def revoke(
    affiliate_id: PathId, key_id: PathId, session: WriteSession, _: AdminUser
) -> Response:
    key = await revoke_affiliate_key(session, affiliate_id, key_id)
    return flash_redirect(f"/app/affiliates/{affiliate_id}", f"Key {key.prefix} revoked.")


# --- portal users (admins) ------------------------------------------------------------------


@router.post("/app/affiliates/{affiliate_id}/users")
async def invite_user(
    affiliate_id: PathId, request: Request, session: WriteSession, user: AdminUser
) -> Response:
    """Create an ``affiliate`` user bound to this affiliate and show its sign-in URL and
    one-time password once."""
    state = read_form(await request.form(), ("email",))
    await get_affiliate(session, affiliate_id)
    try:
        async with session.begin_nested():  # undone alone on refusal
            invited, password = await create_user(
                session, email=state.values["email"], role="affiliate", affiliate_id=affiliate_id
            )
    except ClicktrailError as exc:
        state.errors.update(service_error(exc, ("email",)))
        return await _page(request, session, affiliate_id, user, status_code=400, invite_form=state)
    sign_in = str(request.base_url).rstrip("/") + "/app/login"
    invite = {"email": invited.email, "password": password, "sign_in_url": sign_in}
    return await _page(request, session, affiliate_id, user, invite=invite)


# --- pixels (partner postbacks) -------------------------------------------------------------


async def _save_pixel(
    request: Request,
    session: AsyncSession,
    state_: State,
    affiliate_id: int,
    pixel_id: int | None,
) -> tuple[bool, FormState]:
    state = read_form(await request.form(), PIXEL_FIELDS)
    await get_affiliate(session, affiliate_id)
    base: dict[str, Any] = {}
    if pixel_id is not None:  # keep what the form does not show (delay, event entry)
        stored = await pixels.get_pixel(session, pixel_id, affiliate_id=affiliate_id)
        base = stored_values(stored, NetworkPixelIn)
    base["network_affiliate_id"] = affiliate_id
    body = to_model(NetworkPixelIn, state, base, blank_is_default=("network_offer_id",))
    if body is None:
        return False, state
    allow_private = state_.settings.postback_allow_private
    try:
        async with session.begin_nested():  # undone alone on refusal
            if pixel_id is None:
                await pixels.create_pixel(
                    session, body, affiliate_id=affiliate_id, allow_private=allow_private
                )
            else:
                await pixels.update_pixel(
                    session, pixel_id, body, affiliate_id=affiliate_id, allow_private=allow_private
                )
    except ClicktrailError as exc:
        state.errors.update(service_error(exc, PIXEL_FIELDS))
        return False, state
    return True, state


@router.post("/app/affiliates/{affiliate_id}/pixels")
async def new_pixel(
    affiliate_id: PathId,
    request: Request,
    session: WriteSession,
    state: State,
    user: ConsoleUser,
) -> Response:
    saved, form = await _save_pixel(request, session, state, affiliate_id, None)
    if not saved:
        return await _page(request, session, affiliate_id, user, status_code=400, pixel_form=form)
    return flash_redirect(f"/app/affiliates/{affiliate_id}", "Postback created.")


async def _pixel_form_page(
    request: Request,
    session: AsyncSession,
    affiliate_id: int,
    pixel_id: int,
    form: FormState,
    status_code: int = 200,
) -> Response:
    context = {
        "affiliate": await get_affiliate(session, affiliate_id),
        "pixel_id": pixel_id,
        "pixel_form": form,
        "offer_choices": await offer_choices(session),
        "pixel_levels": PIXEL_LEVELS,
    }
    return render(request, "console/affiliates/pixel.html", context, status_code)


@router.get("/app/affiliates/{affiliate_id}/pixels/{pixel_id}/edit")
async def edit_pixel(
    affiliate_id: PathId, pixel_id: PathId, request: Request, session: ReadSession, _: ConsoleUser
) -> Response:
    pixel = await pixels.get_pixel(session, pixel_id, affiliate_id=affiliate_id)
    form = shown(pixel, PIXEL_FIELDS)
    if form.values["network_offer_id"] == "0":
        form.values["network_offer_id"] = ""
    return await _pixel_form_page(request, session, affiliate_id, pixel_id, form)


@router.post("/app/affiliates/{affiliate_id}/pixels/{pixel_id}/edit")
async def update_pixel(
    affiliate_id: PathId,
    pixel_id: PathId,
    request: Request,
    session: WriteSession,
    state: State,
    _: ConsoleUser,
) -> Response:
    saved, form = await _save_pixel(request, session, state, affiliate_id, pixel_id)
    if not saved:
        return await _pixel_form_page(request, session, affiliate_id, pixel_id, form, 400)
    return flash_redirect(f"/app/affiliates/{affiliate_id}", "Postback saved.")
