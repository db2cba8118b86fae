"""API keys (``/app/keys``), admins only: every network and affiliate key, a new network key
(its raw value shown once, on the answer to the POST, never again), and revocation after a
confirmation page. Through :mod:`clicktrail.auth.service`, as ``clicktrail keys`` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from clicktrail.auth import service
from clicktrail.deps import ReadSession, WriteSession, get_state
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import PathId
from clicktrail.kit.wire import MAX_INT32
from clicktrail.web.console.fields import field_errors, form_text
from clicktrail.web.guard import AdminUser, CsrfChecked
from clicktrail.web.paging import Page
from clicktrail.web.templating import flash_redirect, render

KeyId = Annotated[PathId, Path(ge=1, le=MAX_INT32)]

router = APIRouter(prefix="/app/keys")

PAGE_SIZE = 50
MAX_PAGE = 10_000
REALMS = {"": "All", "network": "Network", "affiliate": "Affiliate"}


def _page(text: str) -> int:
    text = text.strip() or "1"
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        raise ValidationFailed(f"page must be a whole number from 1 to {MAX_PAGE}", field="page")
    return int(text)


async def _list(
    request: Request,
    session: ReadSession | WriteSession,
    *,
    name: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    realm = request.query_params.get("realm", "")[:16]
    errors = dict(errors or {})
    try:
        if realm not in REALMS:
            raise ValidationFailed("realm must be network or affiliate", field="realm")
        page = _page(request.query_params.get("page", "")[:16])
    except ValidationFailed as exc:
        errors |= field_errors(exc)
        realm, page, status_code = "", 1, 400
    rows, total = await service.key_page(
        session, realm=realm or None, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return render(
        request,
        "console/keys/list.html",
        {
            "rows": rows,
            "page": Page(page, PAGE_SIZE, total, {"realm": realm} if realm else {}),
            "realm": realm,
            "realms": REALMS,
            "name": name,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def key_list(request: Request, session: ReadSession, _: AdminUser) -> Response:
    return await _list(request, session)


@router.post("", response_class=HTMLResponse)
async def create_key(
    request: Request, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    form = await request.form()
    name = form_text(form, "name", 300).strip()
    try:
        if len(name) > 255 or any(ord(c) < 32 for c in name):
            raise ValidationFailed(
                "name must be at most 255 characters, without control characters", field="name"
            )
        key, raw = await service.create_key(session, realm="network", name=name)
    except ValidationFailed as exc:
        await session.rollback()  # the write transaction ends here; read afresh
        async with get_state(request).db.read() as fresh:
            return await _list(
                request, fresh, name=name, errors=field_errors(exc, "name"), status_code=400
            )
    # Shown on this answer only: no redirect, nothing kept to show it again, not cached.
    response = render(request, "console/keys/created.html", {"key": key, "raw": raw})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/{key_id}/revoke", response_class=HTMLResponse)
async def confirm_revoke(
    request: Request, key_id: KeyId, session: ReadSession, _: AdminUser
) -> Response:
    key = await service.get_key(session, key_id)
    return render(request, "console/keys/revoke.html", {"key": key})


@router.post("/{key_id}/revoke")
async def revoke_key(
    request: Request, key_id: KeyId, session: WriteSession, _: AdminUser, __: CsrfChecked
) -> Response:
    key = await service.get_key(session, key_id)
    if key.revoked_at is not None:
        return flash_redirect("/app/keys", f"Key {key.prefix} was already revoked.", "info")
    await service.revoke_key(session, key_id)
    return flash_redirect("/app/keys", f"Key {key.prefix} is revoked; requests with it get 401.")
