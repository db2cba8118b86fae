"""Custom payout/revenue settings: create, replace, read, delete. Never commits.

Rules checked on every write (each a ValidationFailed naming the field): the offer exists;
``network_offer_payout_revenue_id`` is 0 or one of the offer's entries (the default entry's
own id is stored as 0, the base conversion); the listed affiliates exist, and a setting not
for all affiliates lists at least one; at least one of payout and revenue is enabled, and an
enabled side has a type other than ``blank``; ``date_valid_to`` is not before
``date_valid_from``; and an active setting does not overlap, in time, another active setting
of the same offer entry and scope (all affiliates, or a shared affiliate). Writes move the
cache generation (the model is one the tracking cache holds), so the next click sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import CustomPayoutRevenue, Offer
from clicktrail.offer import custom_repository as repository
from clicktrail.offer import repository as offers
from clicktrail.offer.custom_rules import rate_of
from clicktrail.offer.custom_schemas import CustomPayoutRevenueIn, parse_valid


def _entry_key(offer: Offer, entry_id: int) -> int:
    if entry_id == 0:
        return 0
    for entry in offer.payout_revenue:
        if entry.network_offer_payout_revenue_id == entry_id:
            return 0 if entry.is_default else entry_id
    raise ValidationFailed(
        f"entry {entry_id} is not a payout/revenue entry of offer {offer.network_offer_id}",
        field="network_offer_payout_revenue_id",
    )


def _validity(body: CustomPayoutRevenueIn) -> tuple[datetime | None, datetime | None]:
    start = parse_valid(body.date_valid_from, end=False) if body.date_valid_from else None
    end = parse_valid(body.date_valid_to, end=True) if body.date_valid_to else None
    if start is not None and end is not None and end < start:
        raise ValidationFailed("date_valid_to is before date_valid_from", field="date_valid_to")
    return start, end


async def _affiliates(session: AsyncSession, body: CustomPayoutRevenueIn) -> list[int]:
    if body.is_apply_all_affiliates:
        return []
    ids = sorted(set(body.network_affiliate_ids))
    if not ids:
        raise ValidationFailed(
            "name at least one affiliate, or set is_apply_all_affiliates",
            field="network_affiliate_ids",
        )
    found = await repository.existing_affiliates(session, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            f"affiliate {missing[0]} does not exist", field="network_affiliate_ids"
        )
    return ids


def _check_sides(body: CustomPayoutRevenueIn) -> None:
    if not (body.is_custom_payout_enabled or body.is_custom_revenue_enabled):
        raise ValidationFailed(
            "enable a custom payout or a custom revenue (or both)",
            field="is_custom_payout_enabled",
        )
    if body.is_custom_payout_enabled and body.payout_type == "blank":
        raise ValidationFailed("a custom payout needs a payout_type", field="payout_type")
    if body.is_custom_revenue_enabled and body.revenue_type == "blank":
        raise ValidationFailed("a custom revenue needs a revenue_type", field="revenue_type")


async def _check_overlap(
    session: AsyncSession,
    offer_id: int,
    entry_key: int,
    affiliates: list[int],
    start: datetime | None,
    end: datetime | None,
    own_id: int | None,
) -> None:
    mine = None if not affiliates else frozenset(affiliates)
    for other in map(rate_of, await repository.same_entry(session, offer_id, entry_key)):
        if other.setting_id == own_id or not other.overlaps(start, end):
            continue
        if mine is None and other.affiliate_ids is None:
            raise ValidationFailed(
                f"overlaps setting {other.setting_id} for all affiliates in these dates",
                field="date_valid_from",
            )
        if mine is not None and other.affiliate_ids is not None:
            shared = sorted(mine & other.affiliate_ids)
            if shared:
                raise ValidationFailed(
                    f"overlaps setting {other.setting_id} for affiliate {shared[0]} in these dates",
                    field="date_valid_from",
                )


async def _apply(
    session: AsyncSession, setting: CustomPayoutRevenue, body: CustomPayoutRevenueIn
) -> Offer:
    offer = await offers.by_id(session, body.network_offer_id)
    if offer is None:
        raise ValidationFailed(
            f"offer {body.network_offer_id} does not exist", field="network_offer_id"
        )
    entry_key = _entry_key(offer, body.network_offer_payout_revenue_id)
    affiliates = await _affiliates(session, body)
    _check_sides(body)
    start, end = _validity(body)
    if body.custom_setting_status == "active":
        await _check_overlap(
            session,
            offer.network_offer_id,
            entry_key,
            affiliates,
            start,
            end,
            setting.network_custom_payout_revenue_setting_id,
        )
    values = body.model_dump(
        exclude={
            "network_offer_payout_revenue_id",
            "network_affiliate_ids",
            "date_valid_from",
            "date_valid_to",
            "is_apply_specific_offer_urls",
            "network_offer_url_ids",
        }
    )
    for key, value in values.items():
        setattr(setting, key, value)
    setting.network_offer_payout_revenue_id = entry_key
    setting.network_affiliate_ids = affiliates
    setting.date_valid_from = start
    setting.date_valid_to = end
    setting.time_saved = utcnow()
    return offer


async def create_setting(
    session: AsyncSession, body: CustomPayoutRevenueIn
) -> tuple[CustomPayoutRevenue, str]:
    setting = CustomPayoutRevenue(time_created=utcnow())
    offer = await _apply(session, setting, body)
    await repository.add(session, setting)
    return setting, offer.currency_id


async def get_setting(session: AsyncSession, setting_id: int) -> CustomPayoutRevenue:
    setting = await repository.by_id(session, setting_id)
    if setting is None:
        raise NotFound(f"custom payout/revenue setting {setting_id} not found")
    return setting


async def replace_setting(
    session: AsyncSession, setting_id: int, body: CustomPayoutRevenueIn
) -> tuple[CustomPayoutRevenue, str]:
    setting = await get_setting(session, setting_id)
    offer = await _apply(session, setting, body)
    await repository.flush(session)
    return setting, offer.currency_id


async def delete_setting(session: AsyncSession, setting_id: int) -> None:
    await repository.delete(session, await get_setting(session, setting_id))


async def list_settings(
    session: AsyncSession, request: PageRequest, offer_id: int | None = None
) -> tuple[Sequence[CustomPayoutRevenue], int]:
    return await repository.page(session, offer_id, request.offset, request.page_size)


async def currencies_of(
    session: AsyncSession, settings: Sequence[CustomPayoutRevenue]
) -> dict[int, str]:
    return await repository.currencies(session, {s.network_offer_id for s in settings})
