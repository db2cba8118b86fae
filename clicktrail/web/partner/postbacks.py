"""``/partner/postbacks``: the affiliate's pixels (create, edit, delete, test-fire) and each
one's delivery log, through the same postback services as ``/v1/affiliates/pixels``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.deps import ReadSession, State, WriteSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Pixel
from clicktrail.offer.visibility import runnable_offers
from clicktrail.postback import service
from clicktrail.postback.delivery_log import delivery_log
from clicktrail.postback.schemas import AffiliatePixelIn
from clicktrail.postback.testfire import fire_test
from clicktrail.web.guard import PartnerUser
from clicktrail.web.partner.params import Params, pager
from clicktrail.web.templating import flash_redirect, form_errors, render

router = APIRouter()

PixelId = Annotated[int, Path(ge=1, le=MAX_INT32)]
FIELDS = (
    "pixel_level",
    "network_offer_id",
    "pixel_type",
    "pixel_status",
    "delivery_method",
    "postback_url",
    "html_code",
    "description",
)
LOG_PAGE = 20
#: How many of its offers the pixel form offers to choose from.
OFFER_CHOICES = 500


async def _offer_choices(session: AsyncSession, affiliate_id: int) -> list[Any]:
    offers, _total = await runnable_offers(
        session, affiliate_id, PageRequest(page=1, page_size=OFFER_CHOICES)
    )
    return offers


def _form_values(pixel: Pixel | None) -> dict[str, str]:
    if pixel is None:
        return {
            "pixel_level": "global",
            "network_offer_id": "",
            "pixel_type": "conversion",
            "pixel_status": "active",
            "delivery_method": "postback",
            "postback_url": "",
            "html_code": "",
            "description": "",
        }
    return {
        "pixel_level": pixel.pixel_level,
        "network_offer_id": str(pixel.network_offer_id or ""),
        "pixel_type": pixel.pixel_type,
        "pixel_status": pixel.pixel_status,
        "delivery_method": pixel.delivery_method,
        "postback_url": pixel.postback_url,
        "html_code": pixel.html_code,
        "description": pixel.description,
    }


def _parse(
    form: dict[str, str], current: Pixel | None = None
) -> tuple[AffiliatePixelIn | None, dict[str, str]]:
    """The form as the affiliate API's pixel body, or the errors by field. What the form
    does not edit (the delay, the event entry) is kept from ``current``: a PUT would reset
    it."""
    data: dict[str, Any] = {name: form.get(name, "") for name in FIELDS}
    data["network_offer_id"] = form.get("network_offer_id") or 0
    if data["pixel_level"] == "global":
        data["network_offer_id"] = 0
    if current is not None:
        data["delay_ms"] = current.delay_ms
        if str(current.network_offer_id) == str(data["network_offer_id"]):
            data["network_offer_payout_revenue_id"] = current.network_offer_payout_revenue_id
    try:
        return AffiliatePixelIn.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(name, error["msg"])
        return None, errors


def _form_page(
    request: Request,
    offers: list[Any],
    *,
    pixel_id: int | None,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "partner/postback_form.html",
        {
            "pixel_id": pixel_id,
            "values": values,
            "errors": errors,
            "other_errors": {k: v for k, v in errors.items() if k not in FIELDS},
            "offers": offers,
        },
        status_code=status_code,
    )


async def _read_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, ""))[:70_000] for name in FIELDS}


@router.get("/partner/postbacks", response_class=HTMLResponse)
async def pixel_list(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    pixels = await service.list_pixels(session, {}, affiliate_id=user.affiliate_id)
    wire = await service.pixels_to_wire(session, pixels)
    return render(request, "partner/postbacks.html", {"pixels": wire})


@router.get("/partner/postbacks/new", response_class=HTMLResponse)
async def new_pixel(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    offers = await _offer_choices(session, user.affiliate_id)
    return _form_page(request, offers, pixel_id=None, values=_form_values(None), errors={})


@router.post("/partner/postbacks", response_model=None)
async def create_pixel(
    request: Request, session: WriteSession, state: State, user: PartnerUser
) -> Response:
    values = await _read_form(request)
    # Read before the service runs: a refused form rolls the session back.
    offers = await _offer_choices(session, user.affiliate_id)
    body, errors = _parse(values)
    if body is not None:
        try:
            pixel = await service.create_pixel(
                session,
                body,
                affiliate_id=user.affiliate_id,
                allow_private=state.settings.postback_allow_private,
            )
        except ValidationFailed as exc:
            errors = await form_errors(session, exc)
        else:
            return flash_redirect(
                f"/partner/postbacks/{pixel.network_pixel_id}",
                f"Postback {pixel.network_pixel_id} created.",
            )
    return _form_page(
        request,
        offers,
        pixel_id=None,
        values=values,
        errors=errors,
        status_code=400,
    )


async def _detail(
    request: Request,
    session: AsyncSession,
    pixel_id: int,
    affiliate_id: int,
    *,
    test: Any = None,
    test_error: str = "",
) -> HTMLResponse:
    params = Params()
    page = params.page(request.query_params.get("page"), size=LOG_PAGE)
    log = await delivery_log(session, pixel_id, affiliate_id=affiliate_id, page=page)
    [wire] = await service.pixels_to_wire(session, [log.pixel])
    return render(
        request,
        "partner/postback.html",
        {
            "pixel": wire,
            "log": log,
            "pager": pager(request.query_params, page, log.total),
            "test": test,
            "test_error": test_error,
            "errors": params.errors,
        },
        status_code=400 if params.errors or test_error else 200,
    )


@router.get("/partner/postbacks/{pixel_id}", response_class=HTMLResponse)
async def pixel_detail(
    request: Request, pixel_id: PixelId, session: ReadSession, user: PartnerUser
) -> HTMLResponse:
    return await _detail(request, session, pixel_id, user.affiliate_id)


@router.get("/partner/postbacks/{pixel_id}/edit", response_class=HTMLResponse)
async def edit_pixel(
    request: Request, pixel_id: PixelId, session: ReadSession, user: PartnerUser
) -> HTMLResponse:
    pixel = await service.get_pixel(session, pixel_id, affiliate_id=user.affiliate_id)
    offers = await _offer_choices(session, user.affiliate_id)
    return _form_page(request, offers, pixel_id=pixel_id, values=_form_values(pixel), errors={})


@router.post("/partner/postbacks/{pixel_id}", response_model=None)
async def update_pixel(
    request: Request,
    pixel_id: PixelId,
    session: WriteSession,
    state: State,
    user: PartnerUser,
) -> Response:
    current = await service.get_pixel(session, pixel_id, affiliate_id=user.affiliate_id)
    values = await _read_form(request)
    offers = await _offer_choices(session, user.affiliate_id)
    body, errors = _parse(values, current)
    if body is not None:
        try:
            await service.update_pixel(
                session,
                pixel_id,
                body,
                affiliate_id=user.affiliate_id,
                allow_private=state.settings.postback_allow_private,
            )
        except ValidationFailed as exc:
            errors = await form_errors(session, exc)
        else:
            return flash_redirect(f"/partner/postbacks/{pixel_id}", f"Postback {pixel_id} saved.")
    return _form_page(
        request,
        offers,
        pixel_id=pixel_id,
        values=values,
        errors=errors,
        status_code=400,
    )


@router.post("/partner/postbacks/{pixel_id}/delete", response_model=None)
async def delete_pixel(
    request: Request, pixel_id: PixelId, session: WriteSession, user: PartnerUser
) -> Response:
    await service.delete_pixel(session, pixel_id, affiliate_id=user.affiliate_id)
    return flash_redirect("/partner/postbacks", f"Postback {pixel_id} deleted.")


@router.post("/partner/postbacks/{pixel_id}/test", response_class=HTMLResponse)
async def test_pixel(
    request: Request,
    pixel_id: PixelId,
    session: ReadSession,
    state: State,
    user: PartnerUser,
) -> HTMLResponse:
    """Fire the pixel once and show what its URL answered (nothing is stored)."""
    try:
        result = await fire_test(
            session, pixel_id, affiliate_id=user.affiliate_id, settings=state.settings
        )
    except ValidationFailed as exc:
        return await _detail(request, session, pixel_id, user.affiliate_id, test_error=exc.message)
    return await _detail(request, session, pixel_id, user.affiliate_id, test=result)
