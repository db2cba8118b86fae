"""One SQLite batch of impressions, in the SQLite writer process (ADR 0102).

Impressions travel to the click writer's process (clicktrail/tracking/sqlite_writer.py) as
``("imp", records, retry)``: records in ``impressions.COLUMNS`` order with ``created_at`` as
epoch seconds and money as text. One transaction inserts them and adds their rollups, under
the same write lock and connection as the clicks; there is no uniqueness lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from clicktrail.report.store import store
from clicktrail.tracking.impressions import COLUMNS
from clicktrail.tracking.sqlite_batch import LOOKUP_CHUNK, SqliteBatchWriter

I_ID = COLUMNS.index("impression_id")
I_CREATED = COLUMNS.index("created_at")
INSERT_SQL = (
    f"INSERT INTO impression ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
)


def _stored(writer: SqliteBatchWriter, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        cursor = writer.conn.execute(
            f"SELECT impression_id FROM impression WHERE impression_id IN ({marks})", tuple(chunk)
        )
        found.update(row[0] for row in cursor)
    return found


def write_impressions(
    writer: SqliteBatchWriter, records: Sequence[Sequence[Any]], *, retry: bool = False
) -> int:
    """Commit the batch; how many impressions it stored (``retry``: skip stored ones)."""
    rows = [dict(zip(COLUMNS, record, strict=True)) for record in records]
    params = []
    for record in records:
        values = list(record)
        moment = datetime.fromtimestamp(values[I_CREATED], UTC)
        values[I_CREATED] = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
        params.append(values)
    conn = writer.conn
    with writer.lock.hold_blocking():
        conn.execute("BEGIN IMMEDIATE")
        try:
            if retry:
                stored = _stored(writer, [row["impression_id"] for row in rows])
                keep = [i for i, row in enumerate(rows) if row["impression_id"] not in stored]
                rows = [rows[i] for i in keep]
                params = [params[i] for i in keep]
            conn.executemany(INSERT_SQL, params)
            for sql, values in store().impression_statements(rows, "sqlite"):
                conn.executemany(sql, values)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return len(rows)
