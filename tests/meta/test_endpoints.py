from __future__ import annotations

import httpx

from clicktrail.meta import timezones


async def test_timezones_are_everflows_full_table_without_a_key(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/meta/timezones")
    assert response.status_code == 200
    rows = response.json()["timezones"]
    assert [r["timezone_id"] for r in rows] == list(range(1, 100))
    by_id = {r["timezone_id"]: r for r in rows}
    assert by_id[67] == {
        "timezone_id": 67,
        "timezone_name": "Greenwich Mean Time (UTC)",
        "timezone": "UTC",
        "utc_offset": "+00:00",
    }
    assert by_id[80]["timezone"] == "America/New_York"
    assert by_id[90]["timezone"] == "America/Los_Angeles"
    assert by_id[31]["timezone"] == "Asia/Kolkata"
    assert by_id[31]["utc_offset"] == "+05:30"
    assert by_id[29]["utc_offset"] == "+05:45"
    assert by_id[1]["utc_offset"] == "+14:00"
    assert by_id[99]["utc_offset"] == "-11:00"


def test_every_timezone_resolves_and_offsets_descend() -> None:
    assert timezones.MISSING_IDS == ()
    assert len(timezones.TIMEZONES) == timezones.EXPECTED_COUNT == 99
    # Everflow orders the table from UTC+14 down to UTC-11 (standard offsets, in January and
    # July one of the hemispheres is on DST, so compare the smaller of the two).
    from datetime import UTC, datetime

    def base(tz_id: int) -> int:
        jan = timezones.zone_for(tz_id).utcoffset(datetime(2025, 1, 15, tzinfo=UTC))
        jul = timezones.zone_for(tz_id).utcoffset(datetime(2025, 7, 15, tzinfo=UTC))
        assert jan is not None
        assert jul is not None
        return int(min(jan, jul).total_seconds())

    assert base(1) == 14 * 3600
    assert base(99) == -11 * 3600
    assert base(31) == 5 * 3600 + 1800


async def test_currencies_and_countries(client: httpx.AsyncClient) -> None:
    currencies = (await client.get("/v1/meta/currencies")).json()["currencies"]
    usd = next(c for c in currencies if c["currency_id"] == "USD")
    assert usd["name"] == "US Dollar"
    countries = (await client.get("/v1/meta/countries")).json()["countries"]
    assert {"country_code": "FR", "country_name": "France"} in countries
