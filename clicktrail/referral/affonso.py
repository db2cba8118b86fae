"""Affonso's wire shapes: the success envelope and the objects it holds.

Every success is ``{"success": true, "data": …}`` (lists add ``has_more``); errors are
rendered by ``clicktrail/dialects.py``. Ids are strings, as Affonso's are: ``program_id`` is the
offer's id, ``affiliate_id`` the affiliate's, ``id`` of a click its ``transaction_id``, of a
conversion its ``conversion_id``. Money is a JSON number; times are ISO 8601 in UTC with
milliseconds (``2026-01-01T00:00:00.000Z``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.responses import JSONResponse

from clicktrail.models import (
    AffiliateCode,
    AffiliateGroup,
    Click,
    Commission,
    ExchangeRate,
    Incentive,
    Referral,
)


def stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def ident(value: int | None) -> str | None:
    return None if value is None else str(value)


def success(data: Any, status_code: int = 200, **extra: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data, **extra}, status_code=status_code)


def click_object(click: Click, tracking_id: str) -> dict[str, Any]:
    return {
        "id": click.transaction_id,
        "tracking_id": tracking_id,
        "program_id": ident(click.network_offer_id),
        "affiliate_id": ident(click.network_affiliate_id),
        "created_at": stamp(click.created_at),
    }


def referral_object(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.id,
        "affiliate_id": ident(referral.network_affiliate_id),
        "program_id": ident(referral.network_offer_id),
        "email": referral.email,
        "customer_id": referral.customer_id,
        "external_user_id": referral.external_user_id,
        "subscription_id": referral.subscription_id,
        "click_id": referral.transaction_id,
        "status": referral.status,
        "name": referral.name,
        "metadata": referral.attributes,
        "created_at": stamp(referral.created_at),
        "converted_at": stamp(referral.converted_at),
    }


def conversion_object(commission: Commission, *, replayed: bool) -> dict[str, Any]:
    earning = commission.incentive_id is not None
    return {
        "id": commission.conversion_id,
        "referral_id": commission.referral_id,
        "affiliate_id": ident(commission.network_affiliate_id),
        "program_id": ident(commission.network_offer_id),
        "sale_amount": number(commission.sale_amount),
        "sale_amount_currency": commission.currency_id,
        "commission_amount": number(commission.commission_amount),
        "commission_currency": commission.currency_id,
        "status": commission.status,
        "sales_status": commission.sales_status,
        "hold_period_days": commission.hold_period_days,
        "payment_intent_id": None,
        "invoice_id": None,
        "earning_id": commission.conversion_id if earning else None,
        "earning_type": "direct_commission" if earning else None,
        "external_event_id": commission.external_event_id,
        "calculation_mode": "auto",
        "matched_incentive_id": ident(commission.incentive_id),
        "replayed": replayed,
        "source_event_id": commission.external_event_id,
        "original_sale_amount": number(commission.original_sale_amount),
        "original_sale_amount_currency": commission.original_currency_id,
        "exchange_rate": number(commission.exchange_rate),
        "refunded_amount": number(commission.refunded_sale_amount),
        "metadata": commission.attributes,
        "created_at": stamp(commission.created_at),
        "updated_at": stamp(commission.updated_at),
    }


def incentive_object(incentive: Incentive) -> dict[str, Any]:
    return {
        "id": str(incentive.incentive_id),
        "program_id": str(incentive.network_offer_id),
        "group_id": ident(incentive.affiliate_group_id),
        "name": incentive.name,
        "type": "sale",
        "amount": number(incentive.amount),
        "is_percentage": incentive.is_percentage,
        "currency": incentive.currency_id,
        "apply_to": incentive.apply_to,
        "interval": incentive.interval,
        "product_ids": incentive.product_ids or [],
        "price_ids": incentive.price_ids or [],
        "approval_type": incentive.approval_type,
        "hold_period_days": incentive.hold_period_days,
        "commission_cap": number(incentive.commission_cap),
        "is_active": incentive.is_active,
        "created_at": stamp(incentive.created_at),
        "updated_at": stamp(incentive.updated_at),
    }


def group_object(group: AffiliateGroup, affiliate_count: int) -> dict[str, Any]:
    return {
        "id": str(group.affiliate_group_id),
        "name": group.name,
        "description": group.description or None,
        "is_default": group.is_default,
        "affiliate_count": affiliate_count,
        "created_at": stamp(group.created_at),
    }


def affiliate_code_object(code: AffiliateCode) -> dict[str, Any]:
    return {
        "affiliate_id": str(code.network_affiliate_id),
        "tracking_id": code.tracking_id,
        "group_id": ident(code.affiliate_group_id),
        "created_at": stamp(code.created_at),
        "updated_at": stamp(code.updated_at),
    }


def rate_object(rate: ExchangeRate) -> dict[str, Any]:
    return {
        "id": str(rate.exchange_rate_id),
        "currency": rate.currency_id,
        "quote_currency": rate.quote_currency_id,
        "rate": number(rate.rate),
        "date": rate.effective_date.isoformat(),
        "source": rate.source,
        "created_at": stamp(rate.created_at),
        "updated_at": stamp(rate.updated_at),
    }


def rate_list(rates: Sequence[ExchangeRate]) -> list[dict[str, Any]]:
    return [rate_object(r) for r in rates]
