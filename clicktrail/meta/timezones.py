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

Sources: developers.everflow.io/user-guide/timezones and /docs/metadata/timezones (the head
of the table, ids 1-16, and ids 67, 80, 85, 87, 90, 99 with their zones), and a public snapshot
of the endpoint's 99 rows kept by an open-source Everflow client library
(sbarale/laravel-everflow, ``src/timezones.json``) for ids 17-98; every id the Everflow docs
name agrees with that snapshot. All 99 ids (1..99, ordered from UTC+14 down to UTC-11) are
present.

Display labels (``timezone_name``) are confirmed only for ids 1, 67 and 99 (Everflow shows
e.g. "Line Is. Time (Pacific/Kiritimati)"); the others carry the IANA name as their label
(``label_confirmed=False``). Clients must key on ``timezone_id`` or ``timezone``, as Everflow
itself advises, so the label is informative only.
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
    # Renamed in tzdata 2016; Everflow still sends the old name.
    "Asia/Rangoon": "Asia/Yangon",
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
    Timezone(17, "Asia/Hong_Kong", "Asia/Hong_Kong"),
    Timezone(18, "Asia/Kuala_Lumpur", "Asia/Kuala_Lumpur"),
    Timezone(19, "Asia/Manila", "Asia/Manila"),
    Timezone(20, "Asia/Shanghai", "Asia/Shanghai"),
    Timezone(21, "Asia/Singapore", "Asia/Singapore"),
    Timezone(22, "Asia/Taipei", "Asia/Taipei"),
    Timezone(23, "Australia/Perth", "Australia/Perth"),
    Timezone(24, "Asia/Bangkok", "Asia/Bangkok"),
    Timezone(25, "Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh"),
    Timezone(26, "Asia/Jakarta", "Asia/Jakarta"),
    Timezone(27, "Asia/Rangoon", "Asia/Rangoon"),
    Timezone(28, "Asia/Dhaka", "Asia/Dhaka"),
    Timezone(29, "Asia/Kathmandu", "Asia/Kathmandu"),
    Timezone(30, "Asia/Colombo", "Asia/Colombo"),
    Timezone(31, "Asia/Kolkata", "Asia/Kolkata"),
    Timezone(32, "Asia/Karachi", "Asia/Karachi"),
    Timezone(33, "Asia/Tashkent", "Asia/Tashkent"),
    Timezone(34, "Asia/Yekaterinburg", "Asia/Yekaterinburg"),
    Timezone(35, "Asia/Kabul", "Asia/Kabul"),
    Timezone(36, "Asia/Baku", "Asia/Baku"),
    Timezone(37, "Asia/Dubai", "Asia/Dubai"),
    Timezone(38, "Asia/Tbilisi", "Asia/Tbilisi"),
    Timezone(39, "Asia/Yerevan", "Asia/Yerevan"),
    Timezone(40, "Asia/Tehran", "Asia/Tehran"),
    Timezone(41, "Africa/Nairobi", "Africa/Nairobi"),
    Timezone(42, "Asia/Baghdad", "Asia/Baghdad"),
    Timezone(43, "Asia/Kuwait", "Asia/Kuwait"),
    Timezone(44, "Asia/Riyadh", "Asia/Riyadh"),
    Timezone(45, "Europe/Minsk", "Europe/Minsk"),
    Timezone(46, "Europe/Moscow", "Europe/Moscow"),
    Timezone(47, "Africa/Cairo", "Africa/Cairo"),
    Timezone(48, "Asia/Beirut", "Asia/Beirut"),
    Timezone(49, "Asia/Jerusalem", "Asia/Jerusalem"),
    Timezone(50, "Europe/Athens", "Europe/Athens"),
    Timezone(51, "Europe/Bucharest", "Europe/Bucharest"),
    Timezone(52, "Europe/Helsinki", "Europe/Helsinki"),
    Timezone(53, "Europe/Istanbul", "Europe/Istanbul"),
    Timezone(54, "Africa/Johannesburg", "Africa/Johannesburg"),
    Timezone(55, "Europe/Amsterdam", "Europe/Amsterdam"),
    Timezone(56, "Europe/Berlin", "Europe/Berlin"),
    Timezone(57, "Europe/Brussels", "Europe/Brussels"),
    Timezone(58, "Europe/Paris", "Europe/Paris"),
    Timezone(59, "Europe/Prague", "Europe/Prague"),
    Timezone(60, "Europe/Rome", "Europe/Rome"),
    Timezone(61, "Europe/Lisbon", "Europe/Lisbon"),
    Timezone(62, "Africa/Algiers", "Africa/Algiers"),
    Timezone(63, "Europe/London", "Europe/London"),
    Timezone(64, "Atlantic/Cape_Verde", "Atlantic/Cape_Verde"),
    Timezone(65, "Africa/Casablanca", "Africa/Casablanca"),
    Timezone(66, "Europe/Dublin", "Europe/Dublin"),
    Timezone(67, "UTC", "Greenwich Mean Time (UTC)", True),
    Timezone(68, "America/Scoresbysund", "America/Scoresbysund"),
    Timezone(69, "Atlantic/Azores", "Atlantic/Azores"),
    Timezone(70, "Atlantic/South_Georgia", "Atlantic/South_Georgia"),
    Timezone(71, "America/St_Johns", "America/St_Johns"),
    Timezone(72, "America/Sao_Paulo", "America/Sao_Paulo"),
    Timezone(73, "America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    Timezone(74, "America/Santiago", "America/Santiago"),
    Timezone(75, "America/Halifax", "America/Halifax"),
    Timezone(76, "America/Puerto_Rico", "America/Puerto_Rico"),
    Timezone(77, "Atlantic/Bermuda", "Atlantic/Bermuda"),
    Timezone(78, "America/Caracas", "America/Caracas"),
    Timezone(79, "America/Indiana/Indianapolis", "America/Indiana/Indianapolis"),
    Timezone(80, "America/New_York", "America/New_York"),
    Timezone(81, "America/Bogota", "America/Bogota"),
    Timezone(82, "America/Lima", "America/Lima"),
    Timezone(83, "America/Panama", "America/Panama"),
    Timezone(84, "America/Mexico_City", "America/Mexico_City"),
    Timezone(85, "America/Chicago", "America/Chicago"),
    Timezone(86, "America/El_Salvador", "America/El_Salvador"),
    Timezone(87, "America/Denver", "America/Denver"),
    Timezone(88, "America/Mazatlan", "America/Mazatlan"),
    Timezone(89, "America/Phoenix", "America/Phoenix"),
    Timezone(90, "America/Los_Angeles", "America/Los_Angeles"),
    Timezone(91, "America/Tijuana", "America/Tijuana"),
    Timezone(92, "Pacific/Pitcairn", "Pacific/Pitcairn"),
    Timezone(93, "America/Anchorage", "America/Anchorage"),
    Timezone(94, "Pacific/Gambier", "Pacific/Gambier"),
    Timezone(95, "America/Adak", "America/Adak"),
    Timezone(96, "Pacific/Marquesas", "Pacific/Marquesas"),
    Timezone(97, "Pacific/Honolulu", "Pacific/Honolulu"),
    Timezone(98, "Pacific/Niue", "Pacific/Niue"),
    Timezone(99, "Pacific/Pago_Pago", "Samoa Standard Time (Pacific/Pago_Pago)", True),
)

BY_ID: dict[int, Timezone] = {tz.timezone_id: tz for tz in TIMEZONES}
BY_IANA: dict[str, Timezone] = {tz.timezone: tz for tz in TIMEZONES}

# Ids Everflow defines but this table does not know (none since the table is complete).
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
