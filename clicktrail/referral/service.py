"""Referral capture: API clicks, signups that turn a click into a referral, and referrals.

An affiliate is named by its Affonso ``tracking_id`` (``affiliate_code``), or by its
numeric id when it has none; a program is an offer. A referral made from a click takes the
click's ``transaction_id`` as its id, so a click id is also a valid ``referral_id``.
Services never commit; callers own the transaction.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit import ids
from clicktrail.kit.ids import is_hex_id, new_hex_id
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Click, Offer, Referral
from clicktrail.referral import repository
from clicktrail.referral.affonso_schemas import ClickIn, ReferralUpdate, SignupIn
from clicktrail.referral.guard import in_savepoint
from clicktrail.referral.schemas import CapturedClick, Signup
from clicktrail.report.store import store
from clicktrail.state import AppState

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LINK_FIELDS = ("customer_id", "external_user_id")


def check_email(email: str | None) -> None:
    if email is not None and not _EMAIL.fullmatch(email):
        raise ValidationFailed("email is not a valid email address", field="email")


def parse_int_id(value: str, field: str, what: str) -> int:
    """A numeric id from the wire; anything else names nothing, hence 404."""
    number = ids.parse_int_id(value)
    if number is None:
        raise NotFound(f"{what} {value!r} not found", field=field)
    return number


async def program(session: AsyncSession, program_id: str, field: str = "program_id") -> Offer:
    offer = await repository.offer(session, parse_int_id(program_id, field, "program"))
    if offer is None or offer.offer_status == "deleted":
        raise NotFound(f"program {program_id} not found", field=field)
    return offer


async def affiliate_for_tracking_id(
    session: AsyncSession, tracking_id: str, field: str = "trackingId"
) -> int:
    """The affiliate a tracking id names: its code, else its numeric id (codes are never
    all digits, so the two cannot collide)."""
    code = await repository.code_by_tracking_id(session, tracking_id)
    affiliate_id = code.network_affiliate_id if code is not None else None
    if affiliate_id is None:
        affiliate_id = ids.parse_int_id(tracking_id)
    affiliate = await repository.affiliate(session, affiliate_id) if affiliate_id else None
    if affiliate is None:
        raise NotFound(f"no affiliate has tracking id {tracking_id!r}", field=field)
    if affiliate.account_status != "active":
        raise ValidationFailed(f"affiliate {affiliate_id} is not active", field=field)
    return affiliate.network_affiliate_id


def _click_defaults() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in Click.__table__.columns:
        default = column.default
        scalar = getattr(default, "arg", None) if default is not None else None
        values[column.key] = scalar if default is not None and default.is_scalar else None
    return values


def _click_params(body: ClickIn) -> dict[str, str]:
    """The click's parameters under tracking-link names; the rest land in query_parameters."""
    named = {
        "sub1": body.sub1,
        "sub2": body.sub2,
        "sub3": body.sub3,
        "sub4": body.sub4,
        "sub5": body.sub5,
        "gclid": body.gclid,
        "fbclid": body.fbclid,
        "ttclid": body.ttclid,
        "msclkid": body.msclkid,
        "utm_source": body.utm_source,
        "utm_medium": body.utm_medium,
        "utm_campaign": body.utm_campaign,
        "utm_term": body.utm_term,
        "utm_content": body.utm_content,
        "ref": body.tracking_id,
    }
    return {key: value for key, value in named.items() if value}


async def create_click(
    session: AsyncSession, body: ClickIn, state: AppState | None = None
) -> CapturedClick:
    """Record a click for an affiliate's tracking id on a program (Affonso POST /v1/clicks).

    The click is an ordinary ``click`` row, enriched (geo, device, uniqueness) and rolled up
    by the click service like a tracking-link click; its ``transaction_id`` works everywhere
    a click id does (Everflow postbacks, Scaleo conv-click-id, ``click_id``/``referral_id``
    here). A backfilled click (``createdAt``) keeps its time and skips live enrichment."""
    offer = await program(session, body.program_id, field="programId")
    if offer.offer_status != "active":
        raise ValidationFailed(f"program {offer.network_offer_id} is not active", field="programId")
    affiliate_id = await affiliate_for_tracking_id(session, body.tracking_id)
    now = utcnow()
    if body.created_at is not None and body.created_at > now:
        raise ValidationFailed("createdAt is in the future", field="createdAt")
    if state is not None and body.created_at is None:
        transaction_id = await _record_live(
            session, state, offer.network_offer_id, affiliate_id, body
        )
        click = await repository.click(session, transaction_id)
        assert click is not None
        return CapturedClick(click=click, tracking_id=body.tracking_id)
    params = _click_params(body)
    values = _click_defaults()
    values.update(
        transaction_id=new_hex_id(),
        created_at=body.created_at or now,
        network_id=1,
        network_offer_id=offer.network_offer_id,
        network_affiliate_id=affiliate_id,
        network_advertiser_id=offer.network_advertiser_id,
        creative_id=None,
        referer=body.referrer or "",
        user_ip=body.ip or "",
        user_agent=body.user_agent or "",
        currency_id=offer.currency_id,
        query_parameters={k: v for k, v in params.items() if not hasattr(Click, k)},
        **{k: v for k, v in params.items() if hasattr(Click, k)},
    )
    click = await repository.add(session, Click(**values))
    await store().record_clicks(session, [values])
    return CapturedClick(click=click, tracking_id=body.tracking_id)


async def _record_live(
    session: AsyncSession, state: AppState, offer_id: int, affiliate_id: int, body: ClickIn
) -> str:
    from clicktrail.click.service import record_click
    from clicktrail.tracking.components import tracking_components

    cache = tracking_components(state).cache
    entry = cache.offers.get(offer_id)
    if entry is None or not entry.active or cache.affiliates.get(affiliate_id) != "active":
        # Just created or re-activated: the database said yes, so catch the cache up now.
        await cache.reload()
    try:
        return await record_click(
            state,
            offer_id,
            affiliate_id,
            _click_params(body),
            user_ip=body.ip or "",
            user_agent=body.user_agent or "",
            referer=body.referrer or "",
            session=session,
        )
    except ValidationFailed as exc:
        field = "trackingId" if exc.field == "affiliate_id" else "programId"
        raise ValidationFailed(exc.message, field=field) from exc


def referral_of_click(click: Click, now: datetime) -> Referral:
    """A new lead referral for ``click`` (not stored), its id the click's."""
    assert click.network_offer_id is not None
    assert click.network_affiliate_id is not None
    return Referral(
        id=click.transaction_id,
        network_offer_id=click.network_offer_id,
        network_affiliate_id=click.network_affiliate_id,
        transaction_id=click.transaction_id,
        status="lead",
        created_at=now,
        updated_at=now,
    )


async def usable_click(session: AsyncSession, click_id: str, field: str) -> Click:
    click = await repository.click(session, click_id) if is_hex_id(click_id) else None
    if click is None:
        raise NotFound(f"click {click_id} not found", field=field)
    if click.network_offer_id is None or click.network_affiliate_id is None:
        raise ValidationFailed(
            f"click {click_id} was not attributed to an offer and affiliate", field=field
        )
    return click


async def _ensure_unlinked(
    session: AsyncSession, referral_id: str | None, column: str, value: str | None
) -> None:
    if value is None:
        return
    other = await repository.referral_by(session, column, value)
    if other is not None and other.id != referral_id:
        raise Conflict(f"{column} {value!r} belongs to referral {other.id}", field=column)


async def referral_from_click(
    session: AsyncSession, click: Click, fill: dict[str, Any] | None = None
) -> tuple[Referral, bool]:
    """The click's referral, made now when it has none; (referral, created)."""
    existing = await repository.referral(session, click.transaction_id, lock=True)
    if existing is not None:
        return existing, False
    now = utcnow()
    referral = referral_of_click(click, now)
    for key, value in (fill or {}).items():
        setattr(referral, key, value)

    async def _insert() -> Referral:
        return await repository.add(session, referral)

    if await in_savepoint(session, _insert) is None:
        raced = await repository.referral(session, click.transaction_id, lock=True)
        if raced is None:  # not the id: a customer link taken meanwhile
            raise Conflict("the referral's identifiers are already linked elsewhere")
        return raced, False
    await repository.mark_click_converted(session, click.transaction_id)
    return referral, True


async def signup(session: AsyncSession, body: SignupIn) -> Signup:
    """Turn a click into a lead referral (Affonso POST /v1/signups); a replay for the same
    click returns the existing referral unchanged."""
    if not body.email and not body.external_user_id:
        raise ValidationFailed("email or external_user_id is required", field="email")
    check_email(body.email)
    existing = await repository.referral(session, body.click_id)
    if existing is not None:
        return Signup(existing, created=False)
    click = await usable_click(session, body.click_id, "click_id")
    await _ensure_unlinked(session, None, "external_user_id", body.external_user_id)
    referral, created = await referral_from_click(
        session,
        click,
        {"email": body.email, "external_user_id": body.external_user_id, "name": body.name},
    )
    return Signup(referral, created=created)


async def get_referral(session: AsyncSession, referral_id: str) -> Referral:
    referral = await repository.referral(session, referral_id)
    if referral is None:
        raise NotFound(f"referral {referral_id} not found", field="id")
    return referral


async def update_referral(
    session: AsyncSession, referral_id: str, body: ReferralUpdate
) -> Referral:
    """Change a referral (Affonso PUT /v1/referrals/{id}): attach customer_id or
    external_user_id, email, name, subscription, status, metadata. Only fields sent change."""
    referral = await repository.referral(session, referral_id, lock=True)
    if referral is None:
        raise NotFound(f"referral {referral_id} not found", field="id")
    sent = body.model_fields_set
    if "email" in sent:
        check_email(body.email)
    for column in LINK_FIELDS:
        if column in sent:
            await _ensure_unlinked(session, referral.id, column, getattr(body, column))
    now = utcnow()
    for name in ("email", "customer_id", "external_user_id", "subscription_id", "name"):
        if name in sent:
            setattr(referral, name, getattr(body, name))
    if "metadata" in sent:
        referral.attributes = body.metadata
    if "status" in sent and body.status is not None:
        referral.status = body.status
        if body.status != "lead" and referral.converted_at is None:
            referral.converted_at = now
    referral.updated_at = now
    await session.flush()
    return referral


async def list_referrals(
    session: AsyncSession,
    *,
    limit: int,
    order: str,
    starting_after: str | None,
    ending_before: str | None,
    affiliate_id: str | None,
    external_user_id: str | None,
    customer_id: str | None,
    status: str | None,
    created_gte: datetime | None,
    created_lte: datetime | None,
) -> tuple[list[Referral], bool]:
    """A cursor page (Affonso's: ``starting_after``/``ending_before`` are referral ids) and
    whether more rows lie beyond it in the direction walked."""
    filters: dict[str, Any] = {}
    if affiliate_id is not None:
        number = ids.parse_int_id(affiliate_id.strip())
        if number is None:
            return [], False
        filters["network_affiliate_id"] = number
    if external_user_id is not None:
        filters["external_user_id"] = external_user_id
    if customer_id is not None:
        filters["customer_id"] = customer_id
    if status is not None:
        filters["status"] = status
    after = before = None
    if starting_after is not None:
        after = await repository.referral(session, starting_after)
        if after is None:
            raise ValidationFailed("starting_after is not a referral id", field="starting_after")
    if ending_before is not None:
        before = await repository.referral(session, ending_before)
        if before is None:
            raise ValidationFailed("ending_before is not a referral id", field="ending_before")
    return await repository.list_referrals(
        session,
        limit=limit,
        descending=order == "desc",
        after=after,
        before=before,
        filters=filters,
        created_gte=created_gte,
        created_lte=created_lte,
    )
