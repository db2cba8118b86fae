"""Everflow-compatible timezone table (``GET /v1/meta/timezones``).

Wire shape of the Everflow endpoint::

    {"timezones": [
        {"timezone_id": 67, "timezone_name": "...", "timezone": "UTC", "utc_offset": "+00:00"},
        ...
    ]}

* ``timezone_id`` -- integer used in request bodies (reporting ``timezone_id``, network
  ``reporting_timezone_id``, user ``timezone_id`` ...).
* ``timezone`` -- IANA identifier; the stable key to match on.
* ``timezone_name`` -- display label; Everflow says it shifts with DST, so never match on it.
* ``utc_offset`` -- the offset currently in effect (``"+HH:MM"``), also DST dependent, so it is
  computed at request time by :func:`utc_offset` instead of being stored here.

Sources: developers.everflow.io/user-guide/timezones and /docs/metadata/timezones.

COMPLETENESS WARNING: Everflow documents 99 entries (ids 1..99, ordered from UTC+14 down to
UTC-11).  Only the entries below could be confirmed from the public docs: ids 1-16 (full
reference table head) and the individually documented ids 67, 80, 85, 87, 90 and 99.  Ids
17-66, 68-79, 81-84, 86, 88, 89 and 91-98 are deliberately absent rather than guessed.
Display labels are confirmed only for ids 1, 67 and 99; the other entries carry the IANA name
as a placeholder label (``label_confirmed=False``).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "BY_IANA",
    "BY_ID",
    "EXPECTED_COUNT",
    "MISSING_IDS",
    "TIMEZONES",
    "UTC_ID",
    "Timezone",
    "to_wire",
    "utc_offset",
    "zone_for",
]

# Number of rows Everflow's endpoint returns (ids 1..99).
EXPECTED_COUNT = 99

# Wire names that tzdata only keeps as backward-compatibility links.  They still load with
# zoneinfo (tzdata 2026f ships the links), but we resolve to the canonical zone.
_CANONICAL: dict[str, str] = {
    # Renamed in tzdata 2021b; Everflow still sends the old name.
    "Pacific/Enderbury": "Pacific/Kanton",
}


@dataclass(frozen=True, slots=True)
class Timezone:
    """One row of Everflow's timezone table."""

    timezone_id: int
    timezone: str  # IANA name exactly as Everflow sends it on the wire
    label: str  # Everflow wire field ``timezone_name``
    label_confirmed: bool = False  # True only when the label was seen in Everflow's docs

    @property
    def iana(self) -> str:
        """Canonical IANA key usable with :class:`zoneinfo.ZoneInfo`."""
        return _CANONICAL.get(self.timezone, self.timezone)

    @property
    def timezone_name(self) -> str:
        """Alias matching the Everflow wire field name."""
        return self.label


TIMEZONES: tuple[Timezone, ...] = (
    Timezone(1, "Pacific/Kiritimati", "Line Is. Time (Pacific/Kiritimati)", True),
    Timezone(2, "Pacific/Enderbury", "Pacific/Enderbury"),
    Timezone(3, "Pacific/Tongatapu", "Pacific/Tongatapu"),
    Timezone(4, "Pacific/Chatham", "Pacific/Chatham"),
    Timezone(5, "Pacific/Auckland", "Pacific/Auckland"),
    Timezone(6, "Pacific/Fiji", "Pacific/Fiji"),
    Timezone(7, "Asia/Kamchatka", "Asia/Kamchatka"),
    Timezone(8, "Pacific/Norfolk", "Pacific/Norfolk"),
    Timezone(9, "Australia/Lord_Howe", "Australia/Lord_Howe"),
    Timezone(10, "Pacific/Guadalcanal", "Pacific/Guadalcanal"),
    Timezone(11, "Australia/Adelaide", "Australia/Adelaide"),
    Timezone(12, "Australia/Sydney", "Australia/Sydney"),
    Timezone(13, "Australia/Brisbane", "Australia/Brisbane"),
    Timezone(14, "Australia/Darwin", "Australia/Darwin"),
    Timezone(15, "Asia/Seoul", "Asia/Seoul"),
    Timezone(16, "Asia/Tokyo", "Asia/Tokyo"),
    Timezone(67, "UTC", "Greenwich Mean Time (UTC)", True),
    Timezone(80, "America/New_York", "America/New_York"),
    Timezone(85, "America/Chicago", "America/Chicago"),
    Timezone(87, "America/Denver", "America/Denver"),
    Timezone(90, "America/Los_Angeles", "America/Los_Angeles"),
    Timezone(99, "Pacific/Pago_Pago", "Samoa Standard Time (Pacific/Pago_Pago)", True),
)

BY_ID: dict[int, Timezone] = {tz.timezone_id: tz for tz in TIMEZONES}
BY_IANA: dict[str, Timezone] = {tz.timezone: tz for tz in TIMEZONES}

# Ids Everflow defines but this table does not (yet) know.
MISSING_IDS: tuple[int, ...] = tuple(i for i in range(1, EXPECTED_COUNT + 1) if i not in BY_ID)

# Everflow's documented default for reporting when no timezone_id is given is the network's
# reporting_timezone_id; UTC (67) is the natural default for a fresh install.
UTC_ID = 67


def zone_for(timezone_id: int) -> zoneinfo.ZoneInfo:
    """Return the :class:`zoneinfo.ZoneInfo` for an Everflow ``timezone_id``.

    Raises :class:`KeyError` for ids that are not in :data:`BY_ID`.
    """
    return zoneinfo.ZoneInfo(BY_ID[timezone_id].iana)


def utc_offset(timezone_id: int, at: datetime | None = None) -> str:
    """Offset in effect at ``at`` (default: now) formatted like Everflow: ``"+HH:MM"``."""
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment.astimezone(zone_for(timezone_id)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def to_wire(tz: Timezone, at: datetime | None = None) -> dict[str, str | int]:
    """Serialise one row the way ``GET /v1/meta/timezones`` does."""
    return {
        "timezone_id": tz.timezone_id,
        "timezone_name": tz.label,
        "timezone": tz.timezone,
        "utc_offset": utc_offset(tz.timezone_id, at),
    }
