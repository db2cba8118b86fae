"""Users (``/app/users``), admins only: the list, a new user (its generated one-time password
shown once, on the answer to the POST), disable and enable, and a password reset (a new
one-time password, every session of the user ended). Through :mod:`clicktrail.users.service`,
as ``clicktrail users`` does. An admin cannot disable their own account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from clicktrail.deps import ReadSession, WriteSession, get_state
from clicktrail.errors import ClicktrailError, ValidationFailed
from clicktrail.kit.ids import PathId
from clicktrail.kit.wire import MAX_INT32
from clicktrail.users import service
from clicktrail.users.roles import ROLES
from clicktrail.web.console.fields import field_errors, form_text, optional_id
from clicktrail.web.guard import AdminUser, CsrfChecked
from clicktrail.web.paging import Page
from clicktrail.web.templating import flash_redirect, render

UserId = Annotated[PathId, Path(ge=1, le=MAX_INT32)]

router = APIRouter(prefix="/app/users")

PAGE_SIZE = 50
MAX_PAGE = 10_000
ROLE_HELP = {
    "admin": "everything, including users, API keys and network settings",
    "manager": "the console, without users, API keys and network settings",
    "affiliate": "the partner portal of one affiliate",
    "advertiser": "the stats of one advertiser's offers",
}
FIELDS = ("email", "role", "affiliate_id", "advertiser_id")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def _list(
    request: Request,
    session: ReadSession | WriteSession,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    text = request.query_params.get("page", "")[:16].strip() or "1"
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        error, status_code, text = f"page must be a whole number from 1 to {MAX_PAGE}", 400, "1"
    page = int(text)
    users, total = await service.user_page(session, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render(
        request,
        "console/users/list.html",
        {
            "users": users,
            "page": Page(page, PAGE_SIZE, total),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def user_list(request: Request, session: ReadSession, _: AdminUser) -> Response:
    return await _list(request, session)


def _form_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "console/users/new.html",
        {"values": values, "errors": errors, "roles": ROLES, "role_help": ROLE_HELP},
        status_code=status_code,
    )


@router.get("/new", response_class=HTMLResponse)
async def new_user(request: Request, _: AdminUser) -> Response:
    return _form_page(request, dict.fromkeys(FIELDS, "") | {"role": "manager"}, {})


@router.post("", response_class=HTMLResponse)
async def create_user(
    request: Request, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    form = await request.form()
    values = {name: form_text(form, name, 300) for name in FIELDS}
    try:
        role = values["role"]
        # The form always sends both boxes; only the one the role uses is read.
        affiliate_id = (
            optional_id(values["affiliate_id"], "affiliate_id") if role == "affiliate" else None
        )
        advertiser_id = (
            optional_id(values["advertiser_id"], "advertiser_id") if role == "advertiser" else None
        )
        user, password = await service.create_user(
            session,
            email=values["email"],
            role=role,
            affiliate_id=affiliate_id,
            advertiser_id=advertiser_id,
        )
    except ClicktrailError as exc:
        await session.rollback()
        return _form_page(request, values, field_errors(exc, "email"), status_code=400)
    return _no_store(
        render(
            request,
            "console/users/password.html",
            {"subject": user, "password": password, "created": True},
        )
    )


@router.post("/{user_id}/disable")
async def disable_user(
    request: Request, user_id: UserId, session: WriteSession, me: AdminUser, __: CsrfChecked
) -> Response:
    try:
        if user_id == me.user_id:
            raise ValidationFailed("you cannot disable your own account", field="id")
        user = await service.disable_user(session, user_id)
    except ValidationFailed as exc:
        await session.rollback()  # the write transaction ends here; read afresh
        async with get_state(request).db.read() as fresh:
            return await _list(request, fresh, error=exc.message, status_code=400)
    return flash_redirect("/app/users", f"{user.email} is disabled and signed out everywhere.")


@router.post("/{user_id}/enable")
async def enable_user(
    request: Request, user_id: UserId, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    user = await service.enable_user(session, user_id)
    return flash_redirect("/app/users", f"{user.email} can sign in again.")


@router.post("/{user_id}/password", response_class=HTMLResponse)
async def reset_password(
    request: Request, user_id: UserId, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    password = await service.set_password(session, user_id)
    user = await service.get_user(session, user_id)
    return _no_store(
        render(
            request,
            "console/users/password.html",
            {"subject": user, "password": password, "created": False},
        )
    )
