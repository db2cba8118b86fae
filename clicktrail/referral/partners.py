"""Affiliate groups and affiliate codes (Affonso's tracking id and group of an affiliate)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import AffiliateCode, AffiliateGroup
from clicktrail.referral import repository
from clicktrail.referral.affonso_schemas import AffiliateCodeIn, GroupIn, GroupUpdate
from clicktrail.referral.service import parse_int_id


async def get_group(session: AsyncSession, group_id: str, field: str = "id") -> AffiliateGroup:
    group = await repository.group(session, parse_int_id(group_id, field, "group"))
    if group is None:
        raise NotFound(f"group {group_id} not found", field=field)
    return group


async def create_group(session: AsyncSession, body: GroupIn) -> AffiliateGroup:
    now = utcnow()
    group = await repository.add(
        session,
        AffiliateGroup(
            name=body.name,
            description=body.description or "",
            is_default=body.is_default,
            created_at=now,
            updated_at=now,
        ),
    )
    if group.is_default:
        await repository.clear_default_group(session, group.affiliate_group_id)
    return group


async def update_group(session: AsyncSession, group_id: str, body: GroupUpdate) -> AffiliateGroup:
    group = await get_group(session, group_id)
    sent = body.model_fields_set
    if "name" in sent:
        if body.name is None:
            raise ValidationFailed("name may not be null", field="name")
        group.name = body.name
    if "description" in sent:
        group.description = body.description or ""
    if "is_default" in sent and body.is_default is not None:
        group.is_default = body.is_default
        if body.is_default:
            await repository.clear_default_group(session, group.affiliate_group_id)
    group.updated_at = utcnow()
    await session.flush()
    return group


async def delete_group(session: AsyncSession, group_id: str) -> None:
    """Delete a group: its incentives go with it, its affiliates become ungrouped."""
    await repository.delete(session, await get_group(session, group_id))


async def affiliate_group_id(session: AsyncSession, affiliate_id: int) -> int | None:
    """The affiliate's group: its own, else the default group (None when neither)."""
    code = await repository.code_for_affiliate(session, affiliate_id)
    if code is not None and code.affiliate_group_id is not None:
        return code.affiliate_group_id
    return await repository.default_group_id(session)


async def get_code(session: AsyncSession, affiliate_id: str) -> AffiliateCode:
    ident = parse_int_id(affiliate_id, "affiliate_id", "affiliate")
    code = await repository.code_for_affiliate(session, ident)
    if code is None:
        if await repository.affiliate(session, ident) is None:
            raise NotFound(f"affiliate {affiliate_id} not found", field="affiliate_id")
        now = utcnow()
        return AffiliateCode(
            network_affiliate_id=ident,
            tracking_id=None,
            affiliate_group_id=None,
            created_at=now,
            updated_at=now,
        )
    return code


async def set_code(
    session: AsyncSession, affiliate_id: str, body: AffiliateCodeIn
) -> AffiliateCode:
    """Set an affiliate's tracking id and/or group; only the fields sent change."""
    ident = parse_int_id(affiliate_id, "affiliate_id", "affiliate")
    if await repository.affiliate(session, ident) is None:
        raise NotFound(f"affiliate {affiliate_id} not found", field="affiliate_id")
    sent = body.model_fields_set
    code = await repository.code_for_affiliate(session, ident)
    now = utcnow()
    if code is None:
        code = AffiliateCode(
            network_affiliate_id=ident,
            tracking_id=None,
            affiliate_group_id=None,
            created_at=now,
            updated_at=now,
        )
        session.add(code)
    if "tracking_id" in sent:
        tracking_id = body.tracking_id.strip() if body.tracking_id is not None else None
        if tracking_id is not None:
            if tracking_id.isdigit():  # any script's digits: never confusable with an id
                raise ValidationFailed(
                    "tracking_id may not be all digits (those name affiliates by id)",
                    field="tracking_id",
                )
            if not tracking_id.isprintable() or " " in tracking_id:
                raise ValidationFailed(
                    "tracking_id may not contain spaces or control characters",
                    field="tracking_id",
                )
            other = await repository.code_by_tracking_id(session, tracking_id)
            if other is not None and other.network_affiliate_id != ident:
                raise Conflict(
                    f"tracking_id {tracking_id!r} is taken by affiliate "
                    f"{other.network_affiliate_id}",
                    field="tracking_id",
                )
        code.tracking_id = tracking_id
    if "group_id" in sent:
        code.affiliate_group_id = (
            (await get_group(session, body.group_id, "group_id")).affiliate_group_id
            if body.group_id is not None
            else None
        )
    code.updated_at = now
    await session.flush()
    return code
