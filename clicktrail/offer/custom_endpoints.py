"""Everflow Network API: ``/v1/networks/custom/payoutrevenue`` (custom payout/revenue)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.kit.wire import MAX_INT32
from clicktrail.offer import custom_service as service
from clicktrail.offer.custom_schemas import CustomPayoutRevenueIn, setting_out

router = APIRouter(prefix="/v1/networks/custom/payoutrevenue", tags=["custom payout/revenue"])

FilterParam = Annotated[
    list[str] | None,
    Query(alias="filter", max_length=10, description="Everflow filter: network_offer_id=N."),
]
OfferParam = Annotated[int | None, Query(ge=1, le=MAX_INT32)]


def _offer_filter(offer_id: int | None, filters: list[str] | None) -> int | None:
    for expression in filters or []:
        name, sep, value = expression.partition("=")
        if not sep or name.strip() != "network_offer_id":
            raise ValidationFailed("filter must be network_offer_id=N", field="filter")
        text = value.strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_INT32):
            raise ValidationFailed("network_offer_id must be an offer id", field="filter")
        offer_id = int(text)
    return offer_id


@router.get("")
async def list_settings(
    session: ReadSession,
    _: NetworkCaller,
    page: PageParams,
    network_offer_id: OfferParam = None,
    filter_: FilterParam = None,
) -> dict[str, Any]:
    """Every custom setting by id, optionally of one offer, paged."""
    offer_id = _offer_filter(network_offer_id, filter_)
    rows, total = await service.list_settings(session, page, offer_id)
    currencies = await service.currencies_of(session, rows)
    return {
        "custom_payout_revenue_settings": [
            setting_out(s, currencies.get(s.network_offer_id, "")) for s in rows
        ],
        "paging": paging(page, total).model_dump(),
    }


@router.post("")
async def create_setting(
    body: CustomPayoutRevenueIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create a custom setting; answers the stored setting."""
    setting, currency = await service.create_setting(session, body)
    return setting_out(setting, currency)


@router.get("/{setting_id}")
async def get_setting(setting_id: PathId, session: ReadSession, _: NetworkCaller) -> dict[str, Any]:
    """One custom setting; 404 when it does not exist."""
    setting = await service.get_setting(session, setting_id)
    currencies = await service.currencies_of(session, [setting])
    return setting_out(setting, currencies.get(setting.network_offer_id, ""))


@router.put("/{setting_id}")
async def replace_setting(
    setting_id: PathId, body: CustomPayoutRevenueIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a custom setting (omitted fields take their defaults)."""
    setting, currency = await service.replace_setting(session, setting_id, body)
    return setting_out(setting, currency)


@router.delete("/{setting_id}")
async def delete_setting(
    setting_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a custom setting: the offer's own payout and revenue apply again."""
    await service.delete_setting(session, setting_id)
    return {"result": True}
