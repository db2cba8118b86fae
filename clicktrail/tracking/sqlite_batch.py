"""One SQLite batch of clicks, synchronously: uniqueness, insert, rollups, commit.

Runs in the SQLite writer process (clicktrail/tracking/sqlite_writer.py). Rows arrive as
tuples in ``COLUMNS`` order with ``created_at`` as epoch seconds, money as text and
``query_parameters`` as a dict; they are turned back into the row dicts the rollup contract
expects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from clicktrail.click.rows import COLUMNS
from clicktrail.report import rollup
from clicktrail.tracking.unique import lookup_bounds, mark_unique

I_TRANSACTION = COLUMNS.index("transaction_id")
I_CREATED = COLUMNS.index("created_at")
I_QUERY = COLUMNS.index("query_parameters")
I_REVENUE = COLUMNS.index("revenue")
I_PAYOUT = COLUMNS.index("payout")
LOOKUP_CHUNK = 500
#: Page cache of the writer's connection: keeps the hot index pages of the click table.
CACHE_KIB = 65536
BUSY_TIMEOUT_MS = 10_000


def sqlite_timestamp(moment: datetime) -> str:
    """The text SQLAlchemy stores for a UTC datetime on SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(slots=True)
class Item:
    row: dict[str, Any]
    window: int


def to_items(records: Sequence[Sequence[Any]], windows: Sequence[int]) -> list[Item]:
    items = []
    for record, window in zip(records, windows, strict=True):
        row = dict(zip(COLUMNS, record, strict=True))
        row["created_at"] = datetime.fromtimestamp(record[I_CREATED], UTC)
        row["revenue"] = Decimal(record[I_REVENUE])
        row["payout"] = Decimal(record[I_PAYOUT])
        items.append(Item(row, window))
    return items


class SqliteBatchWriter:
    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.conn = conn
        placeholders = ", ".join("?" for _ in COLUMNS)
        self.insert_sql = f"INSERT INTO click ({', '.join(COLUMNS)}) VALUES ({placeholders})"

    def close(self) -> None:
        self.conn.close()

    def _chunks(self, values: Sequence[str]) -> list[Sequence[str]]:
        return [values[i : i + LOOKUP_CHUNK] for i in range(0, len(values), LOOKUP_CHUNK)]

    def _latest(self, items: Sequence[Item]) -> dict[str, datetime]:
        hashes, since = lookup_bounds(items)
        latest: dict[str, datetime] = {}
        if not hashes or since is None:
            return latest
        floor = sqlite_timestamp(since)
        for chunk in self._chunks(hashes):
            marks = ", ".join("?" for _ in chunk)
            cursor = self.conn.execute(
                f"SELECT visitor_hash, MAX(created_at) FROM click "
                f"WHERE visitor_hash IN ({marks}) AND created_at >= ? GROUP BY visitor_hash",
                (*chunk, floor),
            )
            for digest, moment in cursor:
                latest[digest] = datetime.fromisoformat(moment).replace(tzinfo=UTC)
        return latest

    def _stored(self, ids: Sequence[str]) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for chunk in self._chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            cursor = self.conn.execute(
                f"SELECT transaction_id, is_unique FROM click WHERE transaction_id IN ({marks})",
                tuple(chunk),
            )
            found.update((tid, bool(unique)) for tid, unique in cursor)
        return found

    def write(
        self, records: Sequence[Sequence[Any]], windows: Sequence[int], *, retry: bool = False
    ) -> list[bool]:
        """Commit the batch; each click's is_unique. ``retry``: the batch may be partly
        stored already (a reply was lost): stored clicks are skipped, not doubled."""
        items = to_items(records, windows)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            stored: dict[str, bool] = {}
            if retry:
                stored = self._stored([item.row["transaction_id"] for item in items])
            fresh = [item for item in items if item.row["transaction_id"] not in stored]
            mark_unique(fresh, self._latest(fresh))
            rows = [item.row for item in fresh]
            conn.executemany(self.insert_sql, [records_of(row) for row in rows])
            for sql, params in rollup.click_rollup_statements(rows, "sqlite"):
                conn.executemany(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return [
            stored[item.row["transaction_id"]]
            if item.row["transaction_id"] in stored
            else bool(item.row["is_unique"])
            for item in items
        ]


def records_of(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row dict as insert parameters (text timestamp, JSON query parameters)."""
    values = [row[name] for name in COLUMNS]
    values[I_CREATED] = sqlite_timestamp(row["created_at"])
    values[I_REVENUE] = str(values[I_REVENUE])
    values[I_PAYOUT] = str(values[I_PAYOUT])
    query = values[I_QUERY]
    values[I_QUERY] = None if query is None else orjson.dumps(query).decode()
    return tuple(values)
