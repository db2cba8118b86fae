"""Cap periods and where they start, in the network's timezone.

A day, a week (starting Monday) and a month begin at local midnight in the network's
``timezone_id``; the global period never ends (its start is :data:`GLOBAL_START`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: Period codes stored in ``cap_counter.period``, by Everflow's field prefix.
CODES: dict[str, str] = {"daily": "d", "weekly": "w", "monthly": "m", "global": "g"}
GLOBAL_START = date(1970, 1, 1)


def starts(moment: datetime, zone: ZoneInfo) -> dict[str, date]:
    """Each period's first local day for an aware ``moment``: {"daily": …, "global": …}."""
    day = moment.astimezone(zone).date()
    return {
        "daily": day,
        "weekly": day - timedelta(days=day.weekday()),
        "monthly": day.replace(day=1),
        "global": GLOBAL_START,
    }


def next_boundary(moment: datetime, zone: ZoneInfo) -> datetime:
    """The next local midnight after ``moment`` (when the daily period, and perhaps the
    weekly and monthly ones, roll over), as an aware datetime."""
    day = moment.astimezone(zone).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=zone)
