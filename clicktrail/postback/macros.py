"""Everflow-style postback macros: ``{transaction_id}``, ``{sub1}``, ``{payout_amount}``…

Values are URL-encoded (every reserved character, so a value can never add a parameter);
a macro this module does not know renders as the empty string. Names are matched
case-insensitively. The network's revenue never leaves in a partner postback: ``{revenue}``
is the affiliate's own revenue, i.e. its payout (see docs/adr/0032-postback-macros.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from urllib.parse import quote

from clicktrail.kit.timeutil import ensure_utc, unix
from clicktrail.models import Conversion

MACRO = re.compile(r"\{([A-Za-z0-9_]+)\}")


def money_text(value: Decimal) -> str:
    """A money amount as text: at least two decimals, no trailing noise (5 -> 5.00)."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return f"{value:.2f}"
    return format(normalized, "f")


def _time(conversion: Conversion, fmt: str) -> str:
    return ensure_utc(conversion.created_at).strftime(fmt)


Getter = Callable[[Conversion], object]

#: Macro name -> how to read it from a conversion. Aliases map onto the same value.
GETTERS: dict[str, Getter] = {
    "transaction_id": lambda c: c.transaction_id or "",
    "conversion_id": lambda c: c.conversion_id,
    "affiliate_id": lambda c: c.network_affiliate_id,
    "partner_id": lambda c: c.network_affiliate_id,
    "offer_id": lambda c: c.network_offer_id,
    "advertiser_id": lambda c: c.network_advertiser_id,
    "network_id": lambda c: c.network_id,
    "event_id": lambda c: c.event_id,
    "is_event": lambda c: 1 if c.is_event else 0,
    "status": lambda c: c.status,
    "payout": lambda c: money_text(c.payout),
    "payout_amount": lambda c: money_text(c.payout),
    "revenue": lambda c: money_text(c.payout),
    "sale_amount": lambda c: money_text(c.sale_amount),
    "amount": lambda c: money_text(c.sale_amount),
    "currency": lambda c: c.currency_id,
    "currency_id": lambda c: c.currency_id,
    "order_id": lambda c: c.order_id,
    "coupon_code": lambda c: c.coupon_code,
    "source_id": lambda c: c.source_id,
    "sub1": lambda c: c.sub1,
    "sub2": lambda c: c.sub2,
    "sub3": lambda c: c.sub3,
    "sub4": lambda c: c.sub4,
    "sub5": lambda c: c.sub5,
    "adv1": lambda c: c.adv1,
    "adv2": lambda c: c.adv2,
    "adv3": lambda c: c.adv3,
    "adv4": lambda c: c.adv4,
    "adv5": lambda c: c.adv5,
    "creative_id": lambda c: c.creative_id or "",
    "timestamp": lambda c: unix(c.created_at),
    "conversion_unix_timestamp": lambda c: unix(c.created_at),
    "click_timestamp": lambda c: unix(c.click_at) if c.click_at else "",
    "date": lambda c: _time(c, "%Y-%m-%d"),
    "datetime": lambda c: _time(c, "%Y-%m-%d %H:%M:%S"),
    "ip": lambda c: c.conversion_user_ip or c.user_ip,
    "conversion_ip": lambda c: c.conversion_user_ip,
    "session_ip": lambda c: c.user_ip,
    "country_code": lambda c: c.country_code,
    "region": lambda c: c.region_name,
    "city": lambda c: c.city_name,
    "device_type": lambda c: c.device_type,
    "platform": lambda c: c.platform_name,
    "browser": lambda c: c.browser_name,
}

#: Every macro a postback URL may use.
KNOWN_MACROS: frozenset[str] = frozenset(GETTERS) | {"event_name", "offer_name"}


def macro_values(conversion: Conversion, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every known macro's raw (not yet encoded) value for ``conversion``."""
    values = {name: str(getter(conversion)) for name, getter in GETTERS.items()}
    if extra:
        values.update(extra)
    return values


def uses(template: str, name: str) -> bool:
    return any(m.group(1).lower() == name for m in MACRO.finditer(template))


def render(template: str, values: Mapping[str, str]) -> str:
    """Substitute every ``{macro}`` with its URL-encoded value; unknown ones become ''."""

    def _one(match: re.Match[str]) -> str:
        return quote(values.get(match.group(1).lower(), ""), safe="")

    return MACRO.sub(_one, template)
