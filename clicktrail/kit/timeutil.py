"""Time helpers: everything stored is UTC; zones only move boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``zone`` as an aware UTC datetime."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC)


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """``YYYY-mm-DD HH:MM:SS`` read in ``zone``, in 1970..2099; raises ValueError on
    anything else (non-ASCII digits included: ``strptime`` would read them)."""
    if not text.isascii():
        raise ValueError("must be written with ASCII digits")
    return check_moment(to_utc(datetime.strptime(text, DATETIME_FORMAT), zone))


def parse_local_date_or_datetime(text: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """A date or datetime in ``zone``. A bare date as an ``end`` bound means the whole day."""
    try:
        return parse_local_datetime(text, zone)
    except ValueError:
        day = datetime.strptime(text, DATE_FORMAT).date()
    if end:
        day = day + timedelta(days=1)
    return to_utc(datetime(day.year, day.month, day.day), zone)


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Naive datetimes from SQLite are UTC by convention; make them aware."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return ensure_utc(moment).astimezone(zone).date()


#: The moments a request may name (a conversion's or refund's time, a rate's day):
#: from the unix epoch up to, not including, 2100-01-01 UTC (ADR 0061).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
BOUNDS_TEXT = "must be between 1970-01-01 and 2099-12-31"


def check_moment(moment: datetime) -> datetime:
    """``moment`` if it lies in [EARLIEST, LATEST) (a naive one is read as UTC); else
    ValueError."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    if not EARLIEST <= aware < LATEST:
        raise ValueError(BOUNDS_TEXT)
    return moment


def check_day(day: date) -> date:
    """``day`` if it lies in 1970-01-01 .. 2099-12-31; else ValueError."""
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError(BOUNDS_TEXT)
    return day
