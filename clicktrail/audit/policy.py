"""What the audit log records: which tables, under which entity name, which columns are
bookkeeping (never a change on their own) and which are secrets (never stored in clear).

Tables are named, not imported, so a model added later (the console's users) is audited by
adding one line here. Rollup, click, conversion-writer and postback-delivery tables are not
listed: they are data the platform produces, not configuration someone changes, and their
writers use Core statements the ORM events never see (ADR 0086).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

REDACTED = "[redacted]"
#: Column names holding a secret, or a hash of one: recorded as changed, never as a value.
_SECRET = re.compile(r"password|secret|hash|token", re.IGNORECASE)
#: Columns every write moves: recorded alongside a real change, never alone.
BOOKKEEPING = frozenset(
    {
        "time_saved",
        "updated_at",
        "last_used_at",
        "last_login_at",
        "failure_streak",
        "failure_streak_started_at",
    }
)


@dataclass(frozen=True, slots=True)
class Audited:
    """How one table's rows appear in the log."""

    entity_type: str
    #: The column whose change alone makes the operation a ``status_change``.
    status_column: str | None = None
    #: A soft delete: this column turning true is recorded as a ``delete``.
    deleted_flag: str | None = None
    #: Only changes of ``status_column`` are recorded (conversions: no creates, no other
    #: updates; those are tracking data, not a person's decision).
    status_only: bool = False


AUDITED: dict[str, Audited] = {
    "network": Audited("network"),
    "advertiser": Audited("advertiser", status_column="account_status"),
    "affiliate": Audited("affiliate", status_column="account_status"),
    "affiliate_group": Audited("affiliate_group"),
    "offer": Audited("offer", status_column="offer_status"),
    "offer_payout_revenue": Audited("offer_payout_revenue"),
    "offer_visibility": Audited("offer_visibility"),
    "offer_application": Audited("offer_application", status_column="application_status"),
    "custom_payout_revenue": Audited(
        "custom_payout_revenue", status_column="custom_setting_status"
    ),
    "custom_cap_setting": Audited("custom_cap_setting"),
    "api_key": Audited("api_key", status_column="revoked_at"),
    "pixel": Audited("pixel", status_column="pixel_status", deleted_flag="is_deleted"),
    "conversion": Audited("conversion", status_column="status", status_only=True),
    "traffic_control": Audited("traffic_control", status_column="status"),
    "conversion_throttle": Audited("conversion_throttle", status_column="status"),
    "network_webhook": Audited("network_webhook", status_column="webhook_status"),
    "coupon_code": Audited("coupon_code", status_column="coupon_status"),
    "user": Audited("user"),
    "users": Audited("user"),
    "app_user": Audited("user", status_column="is_active"),
}

#: Every entity type the log can hold (the API's filter values).
ENTITY_TYPES = frozenset(policy.entity_type for policy in AUDITED.values())
OPERATIONS = ("create", "update", "status_change", "delete")


def is_secret(column: str) -> bool:
    return bool(_SECRET.search(column))


def json_safe(value: Any) -> Any:
    """A value JSON can hold: Decimal as a string (no float rounding), times in ISO 8601."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, bytes):
        return REDACTED
    return str(value)


def recorded(column: str, value: Any) -> Any:
    """What the log stores for ``column``'s ``value``."""
    if is_secret(column):
        return None if value is None else REDACTED
    return json_safe(value)


def classify(policy: Audited, changed: set[str], after: dict[str, Any]) -> str | None:
    """The operation of an update that changed these columns, or None when nothing but
    bookkeeping changed (or, for a status-only table, the status did not)."""
    real = changed - BOOKKEEPING
    if policy.status_only:
        return "status_change" if policy.status_column in real else None
    if not real:
        return None
    if policy.deleted_flag in real and after.get(policy.deleted_flag) is True:
        return "delete"
    if policy.status_column is not None and real == {policy.status_column}:
        return "status_change"
    return "update"
