"""The offer cap report (``POST /v1/networks/reporting/caps/offer``): every cap of every
offer with caps enabled (or of the offers asked for), its own and its custom settings', with
what counted against it in the current period.

Periods are the ones caps are enforced in: days, weeks and months of the network's
timezone. A ``timezone_id`` in the request is accepted and echoed, not used to move them:
the counters exist per enforced period only (ADR 0093).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps import periods, repository
from clicktrail.caps.limits import COUNTER_OF, Scope, scope_of
from clicktrail.caps.schemas import CapReportIn
from clicktrail.errors import ValidationFailed
from clicktrail.kit.money import _to_number
from clicktrail.meta.timezones import BY_ID, zone_for

_COLUMNS = ("clicks", "conversions", "payout", "revenue")


async def offer_caps(session: AsyncSession, body: CapReportIn, now: datetime) -> dict[str, Any]:
    network_tz = await repository.network_timezone_id(session)
    timezone_id = body.timezone_id if body.timezone_id is not None else network_tz
    if timezone_id not in BY_ID:
        raise ValidationFailed(f"unknown timezone_id {timezone_id}", field="timezone_id")
    starts = periods.starts(now, zone_for(network_tz))
    rows = await repository.offer_caps(session, set(body.offer_ids))
    rows = [row for row in rows if row.is_caps_enabled]
    names = {row.network_offer_id: row.name for row in rows}
    scopes: list[Scope] = [
        scope_of(row, row.network_offer_id, 0, soft=False, setting_id=0) for row in rows
    ]
    for row in await repository.custom_caps(session, names):
        scopes.append(
            scope_of(
                row,
                row.network_offer_id,
                row.network_affiliate_id,
                soft=row.is_soft_cap,
                setting_id=row.network_custom_cap_setting_id,
            )
        )
    counts: dict[tuple[int, int, str], dict[str, Decimal]] = {}
    for row in await repository.counters(session, names, starts.values()):
        period = next((p for p, code in periods.CODES.items() if code == row.period), None)
        if period is None or starts[period] != row.period_start:
            continue
        counts[(row.network_offer_id, row.network_affiliate_id, period)] = {
            name: Decimal(getattr(row, name)) for name in _COLUMNS
        }
    caps = []
    for scope in scopes:
        for period, metric, limit in scope.caps:
            current = counts.get((scope.offer_id, scope.affiliate_id, period), {}).get(
                COUNTER_OF[metric], Decimal(0)
            )
            caps.append(
                {
                    "network_offer_id": scope.offer_id,
                    "offer_name": names.get(scope.offer_id, ""),
                    "network_affiliate_id": scope.affiliate_id,
                    "network_custom_cap_setting_id": scope.setting_id,
                    "is_soft_cap": scope.soft,
                    "cap_type": metric,
                    "period": period,
                    "period_start": starts[period].isoformat(),
                    "limit": _to_number(limit),
                    "current": _to_number(current),
                    "remaining": _to_number(max(limit - current, Decimal(0))),
                    "percentage_used": float(round(current * 100 / limit, 2)),
                    "is_reached": current >= limit,
                }
            )
    return {"timezone_id": timezone_id, "caps": caps}
