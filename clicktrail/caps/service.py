"""Custom cap settings: create, read, replace, bulk update, delete. Never commits.

A setting names an existing offer and affiliate, at most one setting per pair; a bad
reference or a second setting for the pair is a 400 naming the field. Writes go through the
ORM, so they are audited and move the cache generation (the click caps see them at once).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps import repository
from clicktrail.caps.fields import is_count
from clicktrail.caps.schemas import BulkUpdateIn, CustomCapIn
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, CustomCapSetting, Offer


async def _check(
    session: AsyncSession, body: CustomCapIn, setting_id: int | None
) -> tuple[Offer, Affiliate]:
    offer = await repository.offer_by_id(session, body.network_offer_id)
    if offer is None:
        raise ValidationFailed(
            f"offer {body.network_offer_id} does not exist", field="network_offer_id"
        )
    affiliate = await repository.affiliate_by_id(session, body.network_affiliate_id)
    if affiliate is None:
        raise ValidationFailed(
            f"affiliate {body.network_affiliate_id} does not exist", field="network_affiliate_id"
        )
    existing = await repository.setting_for(
        session, body.network_offer_id, body.network_affiliate_id
    )
    if existing is not None and existing.network_custom_cap_setting_id != setting_id:
        raise ValidationFailed(
            "this affiliate already has a custom cap setting on this offer "
            f"({existing.network_custom_cap_setting_id})",
            field="network_affiliate_id",
        )
    return offer, affiliate


async def create_setting(
    session: AsyncSession, body: CustomCapIn
) -> tuple[CustomCapSetting, Offer, Affiliate]:
    offer, affiliate = await _check(session, body, None)
    now = utcnow()
    row = CustomCapSetting(**body.model_dump(), network_id=1, time_created=now, time_saved=now)
    await repository.add(session, row)
    return row, offer, affiliate


async def get_setting(session: AsyncSession, setting_id: int) -> CustomCapSetting:
    row = await repository.setting(session, setting_id)
    if row is None:
        raise NotFound(f"custom cap setting {setting_id} not found")
    return row


async def replace_setting(
    session: AsyncSession, setting_id: int, body: CustomCapIn
) -> tuple[CustomCapSetting, Offer, Affiliate]:
    row = await get_setting(session, setting_id)
    offer, affiliate = await _check(session, body, setting_id)
    for key, value in body.model_dump().items():
        setattr(row, key, value)
    row.time_saved = utcnow()
    await repository.flush(session)
    return row, offer, affiliate


async def delete_setting(session: AsyncSession, setting_id: int) -> None:
    await repository.delete(session, await get_setting(session, setting_id))


async def bulk_update(session: AsyncSession, body: BulkUpdateIn) -> list[CustomCapSetting]:
    """Set the named cap fields on every named setting; an unknown id changes nothing."""
    for index, item in enumerate(body.fields):
        if is_count(item.field_type) and (
            item.field_value != item.field_value.to_integral_value() or item.field_value > MAX_INT32
        ):
            raise ValidationFailed(
                f"{item.field_type} must be a whole number up to {MAX_INT32}",
                field=f"fields.{index}.field_value",
            )
    ids = set(body.network_custom_cap_setting_ids)
    rows = await repository.settings_by_ids(session, ids)
    missing = sorted(ids - {row.network_custom_cap_setting_id for row in rows})
    if missing:
        raise ValidationFailed(
            f"custom cap setting {missing[0]} does not exist",
            field="network_custom_cap_setting_ids",
        )
    now = utcnow()
    for row in rows:
        for item in body.fields:
            value = item.field_value
            setattr(row, item.field_type, int(value) if is_count(item.field_type) else value)
        row.time_saved = now
    await repository.flush(session)
    return rows


async def list_settings(
    session: AsyncSession,
    request: PageRequest,
    *,
    offer_id: int | None = None,
    affiliate_id: int | None = None,
) -> tuple[Sequence[CustomCapSetting], int]:
    return await repository.settings_page(
        session,
        offer_id=offer_id,
        affiliate_id=affiliate_id,
        offset=request.offset,
        limit=request.page_size,
    )


async def relations(
    session: AsyncSession, rows: Sequence[CustomCapSetting]
) -> tuple[dict[int, Offer], dict[int, Affiliate]]:
    """The offers and affiliates of these settings, by id."""
    offers: dict[int, Offer] = {}
    affiliates: dict[int, Affiliate] = {}
    for row in rows:
        if row.network_offer_id not in offers:
            offer = await repository.offer_by_id(session, row.network_offer_id)
            if offer is not None:
                offers[offer.network_offer_id] = offer
        if row.network_affiliate_id not in affiliates:
            affiliate = await repository.affiliate_by_id(session, row.network_affiliate_id)
            if affiliate is not None:
                affiliates[affiliate.network_affiliate_id] = affiliate
    return offers, affiliates
