"""click: partition the click table by UTC day on PostgreSQL

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07

PostgreSQL only (SQLite keeps its plain table; ADR 0106). The populated table is renamed,
a table partitioned by range on ``created_at`` takes its name, and the rows move across in
this migration's transaction:

* the primary key becomes ``(transaction_id, created_at)`` (a key on a partitioned table
  must hold the partition key); transaction ids embed the click's millisecond, so the id
  alone stays unique;
* one partition ``click_pYYYYMMDD`` per UTC day holding a click that retention would purge
  some day, plus today and the next 7 days, and ``click_default`` for everything else (clicks
  kept for their conversion on days whose partition is gone, clicks of a day nobody
  created a partition for);
* ``ix_click_converted``: a partial index on the few converted clicks, so dropping a day
  finds the clicks to keep without reading the day.

The downgrade copies every row back into a plain table keyed by ``transaction_id``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0027"
branch_labels: str | None = None
depends_on: str | None = None

AHEAD_DAYS = 7
_INDEXES = {
    "ix_click_affiliate_created": "network_affiliate_id, created_at",
    "ix_click_created_at": "created_at",
    "ix_click_offer_created": "network_offer_id, created_at",
    "ix_click_visitor": "visitor_hash, created_at",
}


def _bound(day: date) -> str:
    return f"'{day.isoformat()} 00:00:00+00'"


def _create_indexes(table: str) -> None:
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def _columns(table: str) -> str:
    names = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
            ),
            {"t": table},
        )
        .scalars()
        .all()
    )
    return ", ".join(f'"{name}"' for name in names)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE click RENAME TO click_unpartitioned")
    op.execute("ALTER TABLE click_unpartitioned RENAME CONSTRAINT pk_click TO pk_click_flat")
    for name in _INDEXES:
        op.execute(f"DROP INDEX {name}")
    op.execute(
        "CREATE TABLE click (LIKE click_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (created_at)"
    )
    op.execute("ALTER TABLE click ADD CONSTRAINT pk_click PRIMARY KEY (transaction_id, created_at)")
    _create_indexes("click")
    op.execute("CREATE INDEX ix_click_converted ON click (created_at) WHERE has_conversion")
    op.execute("CREATE TABLE click_default PARTITION OF click DEFAULT")
    today = datetime.now(UTC).date()
    days = {today + timedelta(days=n) for n in range(AHEAD_DAYS + 1)}
    days.update(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT CAST(created_at AT TIME ZONE 'UTC' AS date) "
                "FROM click_unpartitioned WHERE NOT has_conversion"
            )
        )
        .scalars()
    )
    for day in sorted(days):
        op.execute(
            f"CREATE TABLE click_p{day:%Y%m%d} PARTITION OF click "
            f"FOR VALUES FROM ({_bound(day)}) TO ({_bound(day + timedelta(days=1))})"
        )
    columns = _columns("click")
    op.execute(f"INSERT INTO click ({columns}) SELECT {columns} FROM click_unpartitioned")
    op.execute("DROP TABLE click_unpartitioned")
    op.execute("ANALYZE click")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE click RENAME TO click_partitioned")
    op.execute("ALTER TABLE click_partitioned RENAME CONSTRAINT pk_click TO pk_click_partitioned")
    for name in (*_INDEXES, "ix_click_converted"):
        op.execute(f"DROP INDEX {name}")
    op.execute("CREATE TABLE click (LIKE click_partitioned INCLUDING DEFAULTS)")
    columns = _columns("click")
    op.execute(f"INSERT INTO click ({columns}) SELECT {columns} FROM click_partitioned")
    op.execute("DROP TABLE click_partitioned")  # and every partition with it
    op.execute("ALTER TABLE click ADD CONSTRAINT pk_click PRIMARY KEY (transaction_id)")
    _create_indexes("click")
