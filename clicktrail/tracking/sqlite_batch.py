"""One SQLite batch of clicks, synchronously: uniqueness, insert, rollups, commit.

Runs in the SQLite writer process (clicktrail/tracking/sqlite_writer.py). Rows arrive as
tuples in ``COLUMNS`` order with ``created_at`` as epoch seconds, money as text and
``query_parameters`` as a dict; they are turned back into the row dicts the rollup contract
expects.

Per click the CPU goes to the insert with its five indexes, the rollup aggregation, the
commit (WAL pages of the random-keyed visitor index), decoding the rows, the visitor lookup
and the rollup upserts (ADR 0016; figures in docs/benchmarks.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from clicktrail.db import write_lock_path
from clicktrail.kit.filelock import FileLock
from clicktrail.kit.walcheckpoint import WalCheckpointer
from clicktrail.report.store import store
from clicktrail.tracking.rows import COLUMNS
from clicktrail.tracking.unique import lookup_bounds, mark_unique

I_TRANSACTION = COLUMNS.index("transaction_id")
I_CREATED = COLUMNS.index("created_at")
I_QUERY = COLUMNS.index("query_parameters")
I_REVENUE = COLUMNS.index("revenue")
I_PAYOUT = COLUMNS.index("payout")
I_UNIQUE = COLUMNS.index("is_unique")
#: The columns of the row dict built for each click: what the uniqueness lookup
#: (clicktrail/tracking/unique.py), the retry check and the rollup contract
#: (clicktrail/report/rollup.py) read. The insert takes its parameters from the whole wire
#: record, so the other columns need no dict entry.
ROW_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "created_at",
    "network_offer_id",
    "network_affiliate_id",
    "network_advertiser_id",
    "is_unique",
    "visitor_hash",
    "error_code",
    "revenue",
    "payout",
    "country_code",
    "region_name",
    "city_name",
    "device_type",
    "platform_name",
    "browser_name",
    "source_id",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
)
_ROW_VALUES = itemgetter(*(COLUMNS.index(name) for name in ROW_COLUMNS))
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
    #: The insert parameters (``created_at`` as SQLite text, money as text, JSON query).
    params: list[Any]


_ZERO = Decimal(0)


def to_items(records: Sequence[Sequence[Any]], windows: Sequence[int]) -> list[Item]:
    """Row dicts for the uniqueness and rollup code (:data:`ROW_COLUMNS` only), and the
    insert parameters beside them (built from the whole wire record, not from the dict)."""
    items = []
    for record, window in zip(records, windows, strict=True):
        if len(record) != len(COLUMNS):
            raise ValueError(f"a click record has {len(record)} values, not {len(COLUMNS)}")
        row = dict(zip(ROW_COLUMNS, _ROW_VALUES(record), strict=True))
        moment = datetime.fromtimestamp(record[I_CREATED], UTC)
        row["created_at"] = moment
        revenue, payout = record[I_REVENUE], record[I_PAYOUT]
        row["revenue"] = _ZERO if revenue == "0" else Decimal(revenue)
        row["payout"] = _ZERO if payout == "0" else Decimal(payout)
        params = list(record)
        params[I_CREATED] = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
        query = params[I_QUERY]
        if query is not None:
            params[I_QUERY] = orjson.dumps(query).decode()
        items.append(Item(row, window, params))
    return items


class SqliteBatchWriter:
    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        # Checkpoints run on a thread of their own, not inside a batch's COMMIT (ADR 0110).
        conn.execute("PRAGMA wal_autocheckpoint=0")
        self.conn = conn
        self.lock = FileLock(write_lock_path(Path(path)))
        self.checkpointer = WalCheckpointer(path, self.lock, synchronous)
        self.checkpointer.start()
        placeholders = ", ".join("?" for _ in COLUMNS)
        self.insert_sql = f"INSERT INTO click ({', '.join(COLUMNS)}) VALUES ({placeholders})"

    def close(self) -> None:
        self.checkpointer.close()
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
            # One backward probe of ix_click_visitor per visitor (SQLite's min/max
            # optimisation). `IN (...) GROUP BY` read every click of a visitor in the window,
            # which grew costly once a few visitors came back hundreds of times.
            marks = ", ".join("(?)" for _ in chunk)
            cursor = self.conn.execute(
                "SELECT v.column1, (SELECT MAX(created_at) FROM click "
                "WHERE visitor_hash = v.column1 AND created_at >= ?) "
                f"FROM (VALUES {marks}) AS v",
                (floor, *chunk),
            )
            for digest, moment in cursor:
                if moment is not None:
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
        with self.lock.hold_blocking():
            return self._write(items, retry)

    def _write(self, items: list[Item], retry: bool) -> list[bool]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            stored: dict[str, bool] = {}
            if retry:
                stored = self._stored([item.row["transaction_id"] for item in items])
            fresh = [item for item in items if item.row["transaction_id"] not in stored]
            mark_unique(fresh, self._latest(fresh))
            rows = [item.row for item in fresh]
            conn.executemany(self.insert_sql, [_params(item) for item in fresh])
            for sql, params in store().click_statements(rows, "sqlite"):
                conn.executemany(sql, params)
            conn.execute("COMMIT")
            self.checkpointer.committed()
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


def _params(item: Item) -> list[Any]:
    params = item.params
    params[I_UNIQUE] = item.row["is_unique"]
    return params
