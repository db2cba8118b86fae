"""The SQLite writer process's batch decoding: the slim row dicts it builds for the
uniqueness lookup and the rollups give the same rollups as the full click rows, and the
insert parameters carry every column of the wire record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from clicktrail.report.store import store
from clicktrail.tracking.rows import COLUMNS, blank_row
from clicktrail.tracking.sinks import _wire_record
from clicktrail.tracking.sqlite_batch import ROW_COLUMNS, to_items


def _rows() -> list[dict[str, Any]]:
    start = datetime(2026, 12, 7, 10, 15, 30, 123456, tzinfo=UTC)
    rows = []
    for n in range(12):
        row = blank_row()
        row.update(
            transaction_id=f"{n:032x}",
            created_at=start - timedelta(days=n % 3, minutes=n),
            network_offer_id=1 + n % 2,
            network_affiliate_id=7,
            network_advertiser_id=3,
            visitor_hash=f"{n % 4:032x}",
            is_unique=n % 3 != 0,
            revenue=Decimal("1.250000") if n % 2 else Decimal(0),
            payout=Decimal("0.5") if n % 2 else Decimal(0),
            country_code=("US", "FR", "")[n % 3],
            region_name="Île-de-France" if n % 3 == 1 else "",
            city_name=("Paris", "", "São Paulo")[n % 3],
            device_type=("PC", "Mobile")[n % 2],
            platform_name="Android",
            browser_name="Chrome",
            source_id="src" if n % 4 == 0 else "",
            sub1=f"s1-{n}",
            sub2="" if n % 2 else "s2",
            sub3="x" * 300 if n == 5 else "",
            sub4="nul\x00" if n == 6 else "",
            sub5="five" if n == 7 else "",
            user_agent="Mozilla/5.0",
            query_parameters={"k": str(n)} if n % 5 == 0 else None,
        )
        if n == 9:  # an invalid click
            row.update(error_code=2, error_message="Offer not found", is_unique=False)
        rows.append(row)
    return rows


def test_slim_rows_roll_up_as_the_full_rows_and_the_insert_keeps_every_column() -> None:
    rows = _rows()
    records = [_wire_record(row) for row in rows]
    items = to_items(records, [3600] * len(records))

    assert all(set(item.row) == set(ROW_COLUMNS) for item in items)
    slim = [item.row for item in items]
    for dialect in ("sqlite", "postgresql"):
        expected = store().click_statements(rows, dialect)
        assert expected
        assert store().click_statements(slim, dialect) == expected

    for row, record, item in zip(rows, records, items, strict=True):
        assert len(item.params) == len(COLUMNS)
        for index, name in enumerate(COLUMNS):
            if name == "created_at":
                assert item.params[index] == row["created_at"].replace(tzinfo=None).isoformat(
                    " ", "microseconds"
                )
            elif name == "query_parameters":
                query = row["query_parameters"]
                assert item.params[index] == (None if query is None else f'{{"k":"{query["k"]}"}}')
            else:
                assert item.params[index] == record[index]
        assert item.row["created_at"] == row["created_at"]
        assert item.row["revenue"] == row["revenue"]
