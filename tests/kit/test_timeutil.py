"""kit.timeutil: the moments a request may name are 1970 up to 2099, ASCII only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clicktrail.kit.timeutil import check_day, check_moment, parse_local_datetime


def test_bounds_of_moments() -> None:
    assert check_moment(datetime(1970, 1, 1, tzinfo=UTC)).year == 1970
    assert check_moment(datetime(2099, 12, 31, 23, 59, tzinfo=UTC)).year == 2099
    for moment in (
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2100, 1, 1, tzinfo=UTC),
        datetime(9999, 1, 1, tzinfo=UTC),
    ):
        with pytest.raises(ValueError, match="1970-01-01 and 2099-12-31"):
            check_moment(moment)
    with pytest.raises(ValueError, match="1970-01-01"):
        check_day(date(1969, 12, 31))
    assert check_day(date(2026, 1, 5)) == date(2026, 1, 5)


def test_parse_local_datetime_refuses_non_ascii_and_out_of_range() -> None:
    utc = ZoneInfo("UTC")
    assert parse_local_datetime("2026-01-05 10:00:00", utc) == datetime(2026, 1, 5, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="ASCII"):
        parse_local_datetime("٢٠٢٦-01-05 10:00:00", utc)
    with pytest.raises(ValueError, match="1970-01-01"):
        parse_local_datetime("1969-12-31 23:00:00", utc)
    with pytest.raises(ValueError, match="2099-12-31"):
        parse_local_datetime("2100-01-01 00:00:00", utc)
