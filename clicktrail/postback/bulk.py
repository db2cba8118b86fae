"""Batch writes of delivery results, at the driver level (the worker's hot path).

The repository for the worker's per-batch writes: one batch of results is one UPDATE of
the deliveries and one insert of the attempt rows, issued straight to the driver inside the
session's transaction, because SQLAlchemy's per-row parameter processing cost more than
the HTTP request itself. PostgreSQL: ``UPDATE … FROM unnest(arrays)`` (one round trip) and
``COPY`` for attempts. SQLite: ``executemany`` in C. Datetimes on SQLite are written in
SQLAlchemy's own storage format so ORM reads and comparisons see the same values.

A delivery canceled or paused while its request was in flight keeps that state unless the
attempt settled it (succeeded, or failed for good). A claim marks its rows in flight
(``in_flight_since``) and a result write clears the mark; a claim that finds the mark on a
row whose lease has ended logs that attempt with an unknown outcome first (ADR 0069).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.sqlite_onehop import OneHopConnection
from clicktrail.postback.repository import Claimed


@dataclass(slots=True)
class DeliveryResult:
    id: int
    state: str
    attempts: int
    failed_attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    debug_information: str
    updated_at: datetime


@dataclass(slots=True)
class AttemptRow:
    delivery_id: int
    attempt_no: int
    attempted_at: datetime
    url: str
    status_code: int | None
    duration_ms: int
    error: str
    response_excerpt: str


ATTEMPT_COLUMNS = (
    "delivery_id",
    "attempt_no",
    "attempted_at",
    "url",
    "status_code",
    "duration_ms",
    "error",
    "response_excerpt",
)

# A delivery canceled (or paused) while its request was in flight keeps that state unless
# the attempt settled it.
_KEEP = (
    "({old} = 'canceled' AND {new} IN ('pending', 'paused')) "
    "OR ({old} = 'paused' AND {new} = 'pending')"
)

PG_UPDATE = f"""
UPDATE postback_delivery AS d SET
    state = CASE WHEN {_KEEP.format(old="d.state", new="u.state")}
        THEN d.state ELSE u.state END,
    in_flight_since = NULL,
    attempts = u.attempts,
    failed_attempts = u.failed_attempts,
    next_attempt_at = u.next_attempt_at,
    last_attempt_at = u.last_attempt_at,
    delivered_at = u.delivered_at,
    last_status_code = u.last_status_code,
    debug_information = u.debug_information,
    updated_at = u.updated_at
FROM unnest(
    $1::bigint[], $2::text[], $3::int[], $4::int[], $5::timestamptz[],
    $6::timestamptz[], $7::timestamptz[], $8::int[], $9::text[], $10::timestamptz[]
) AS u(id, state, attempts, failed_attempts, next_attempt_at,
       last_attempt_at, delivered_at, last_status_code, debug_information, updated_at)
WHERE d.id = u.id
"""

SQLITE_UPDATE = f"""
UPDATE postback_delivery SET
    state = CASE WHEN {_KEEP.format(old="state", new=":state")} THEN state ELSE :state END,
    in_flight_since = NULL,
    attempts = :attempts,
    failed_attempts = :failed_attempts,
    next_attempt_at = :next_attempt_at,
    last_attempt_at = :last_attempt_at,
    delivered_at = :delivered_at,
    last_status_code = :last_status_code,
    debug_information = :debug_information,
    updated_at = :updated_at
WHERE id = :id
"""

SQLITE_INSERT_ATTEMPT = (
    f"INSERT INTO postback_attempt ({', '.join(ATTEMPT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ATTEMPT_COLUMNS)})"
)


def sqlite_time(moment: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME storage format, in naive UTC."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    if isinstance(raw.dbapi_connection, OneHopConnection):
        return await raw.dbapi_connection.driver()
    return raw.driver_connection


PG_CLAIM = """
UPDATE postback_delivery SET next_attempt_at = $1, in_flight_since = $2
WHERE id = ANY(ARRAY(
    SELECT id FROM postback_delivery
    WHERE state = 'pending' AND next_attempt_at <= $2
    ORDER BY next_attempt_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
))
RETURNING id, network_pixel_id, payload, attempts, failed_attempts, retry_base
"""

SQLITE_CLAIM = """
UPDATE postback_delivery SET next_attempt_at = ?, in_flight_since = ?
WHERE id IN (
    SELECT id FROM postback_delivery
    WHERE state = 'pending' AND next_attempt_at <= ?
    ORDER BY next_attempt_at
    LIMIT ?
)
RETURNING id, network_pixel_id, payload, attempts, failed_attempts, retry_base
"""

#: Deliveries whose attempt was claimed but never recorded, and whose lease has ended: the
#: worker died mid-request (a live worker's rows are leased into the future).
PG_LOST = """
SELECT id, attempts, in_flight_since, payload FROM postback_delivery
WHERE in_flight_since IS NOT NULL AND next_attempt_at <= $1
ORDER BY next_attempt_at
FOR UPDATE SKIP LOCKED
"""
SQLITE_LOST = """
SELECT id, attempts, in_flight_since, payload FROM postback_delivery
WHERE in_flight_since IS NOT NULL AND next_attempt_at <= ?
ORDER BY next_attempt_at
"""
PG_SETTLE_LOST = """
UPDATE postback_delivery SET attempts = attempts + 1, in_flight_since = NULL, updated_at = $2
WHERE id = ANY($1::bigint[])
"""
SQLITE_SETTLE_LOST = """
UPDATE postback_delivery SET attempts = attempts + 1, in_flight_since = NULL, updated_at = ?
WHERE id = ?
"""
PG_RELEASE = """
UPDATE postback_delivery SET next_attempt_at = $2, in_flight_since = NULL
WHERE id = ANY($1::bigint[]) AND state = 'pending' AND in_flight_since IS NOT NULL
"""
SQLITE_RELEASE = """
UPDATE postback_delivery SET next_attempt_at = ?, in_flight_since = NULL
WHERE id = ? AND state = 'pending' AND in_flight_since IS NOT NULL
"""
UNKNOWN_OUTCOME = (
    "outcome unknown: the worker stopped during this attempt and never recorded its result "
    "(found when its lease ended); the postback may or may not have been received"
)


async def claim_due(
    session: AsyncSession, *, now: datetime, lease_until: datetime, limit: int, dialect: str
) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries, oldest first: their ``next_attempt_at`` moves
    to ``lease_until``, so no other claimer sees them until then (or until their result is
    written). On PostgreSQL rows another worker is claiming are skipped, not waited for,
    and the due rows are read in index order (never sorted: a sort would read the whole
    backlog on every claim when statistics are stale, as after a burst)."""
    driver = await _driver(session)
    await _record_lost(driver, now=now, dialect=dialect)
    if dialect == "postgresql":
        await driver.execute("SET LOCAL enable_sort = off")
        rows = await driver.fetch(PG_CLAIM, lease_until, now, limit)
    else:
        cursor = await driver.execute(
            SQLITE_CLAIM, (sqlite_time(lease_until), sqlite_time(now), sqlite_time(now), limit)
        )
        rows = await cursor.fetchall()
        await cursor.close()
    return [Claimed(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


async def release(
    session: AsyncSession, ids: Sequence[int], *, now: datetime, dialect: str
) -> None:
    """Hand back claimed deliveries that were never sent: due again at ``now``, with no
    attempt in flight (so no attempt is counted or logged for them)."""
    driver = await _driver(session)
    if dialect == "postgresql":
        await driver.execute(PG_RELEASE, list(ids), now)
    else:
        await driver.executemany(SQLITE_RELEASE, [(sqlite_time(now), i) for i in ids])


def _parse_sqlite_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _record_lost(driver: Any, *, now: datetime, dialect: str) -> int:
    """Put the attempts that were in flight when their worker died into the attempt log
    (outcome unknown) and count them, before the claim sends those deliveries again."""
    if dialect == "postgresql":
        lost = [(r[0], r[1], r[2], r[3]) for r in await driver.fetch(PG_LOST, now)]
    else:
        cursor = await driver.execute(SQLITE_LOST, (sqlite_time(now),))
        lost = [(r[0], r[1], _parse_sqlite_time(r[2]), r[3]) for r in await cursor.fetchall()]
        await cursor.close()
    if not lost:
        return 0
    attempts = [
        AttemptRow(
            delivery_id=delivery_id,
            attempt_no=done + 1,
            attempted_at=began,
            url=payload,
            status_code=None,
            duration_ms=0,
            error=UNKNOWN_OUTCOME,
            response_excerpt="",
        )
        for delivery_id, done, began, payload in lost
    ]
    if dialect == "postgresql":
        await driver.execute(PG_SETTLE_LOST, [row[0] for row in lost], now)
        await driver.copy_records_to_table(
            "postback_attempt",
            records=[_attempt_record(a) for a in attempts],
            columns=ATTEMPT_COLUMNS,
        )
    else:
        await driver.executemany(SQLITE_SETTLE_LOST, [(sqlite_time(now), row[0]) for row in lost])
        await driver.executemany(SQLITE_INSERT_ATTEMPT, [_sqlite_attempt(a) for a in attempts])
    return len(lost)


def _attempt_record(a: AttemptRow) -> tuple[Any, ...]:
    return (
        a.delivery_id,
        a.attempt_no,
        a.attempted_at,
        a.url,
        a.status_code,
        a.duration_ms,
        a.error,
        a.response_excerpt,
    )


def _sqlite_attempt(a: AttemptRow) -> tuple[Any, ...]:
    return (
        a.delivery_id,
        a.attempt_no,
        sqlite_time(a.attempted_at),
        a.url,
        a.status_code,
        a.duration_ms,
        a.error,
        a.response_excerpt,
    )


async def write_results(
    session: AsyncSession,
    results: Sequence[DeliveryResult],
    attempts: Sequence[AttemptRow],
    *,
    dialect: str,
) -> None:
    """Apply a batch of results and insert its attempt rows, in the session's transaction."""
    if not results:
        return
    driver = await _driver(session)
    if dialect == "postgresql":
        if not driver.is_in_transaction():
            raise RuntimeError("bulk writes must run inside the session's transaction")
        rows = [
            (
                r.id,
                r.state,
                r.attempts,
                r.failed_attempts,
                r.next_attempt_at,
                r.last_attempt_at,
                r.delivered_at,
                r.last_status_code,
                r.debug_information,
                r.updated_at,
            )
            for r in results
        ]
        columns = [list(column) for column in zip(*rows, strict=True)]
        await driver.execute(PG_UPDATE, *columns)
        await driver.copy_records_to_table(
            "postback_attempt",
            records=[_attempt_record(a) for a in attempts],
            columns=ATTEMPT_COLUMNS,
        )
        return
    if not driver.in_transaction:
        raise RuntimeError("bulk writes must run inside the session's transaction")
    # A batch shares a few moments (``now`` in most columns), so each is formatted once.
    stamps: dict[datetime | None, str | None] = {None: None}

    def stamp(moment: datetime | None) -> str | None:
        text = stamps.get(moment)
        if text is None:
            text = stamps[moment] = sqlite_time(moment)
        return text

    await driver.executemany(
        SQLITE_UPDATE,
        [
            {
                "id": r.id,
                "state": r.state,
                "attempts": r.attempts,
                "failed_attempts": r.failed_attempts,
                "next_attempt_at": stamp(r.next_attempt_at),
                "last_attempt_at": stamp(r.last_attempt_at),
                "delivered_at": stamp(r.delivered_at),
                "last_status_code": r.last_status_code,
                "debug_information": r.debug_information,
                "updated_at": stamp(r.updated_at),
            }
            for r in results
        ],
    )
    await driver.executemany(
        SQLITE_INSERT_ATTEMPT,
        [
            (
                a.delivery_id,
                a.attempt_no,
                stamp(a.attempted_at),
                a.url,
                a.status_code,
                a.duration_ms,
                a.error,
                a.response_excerpt,
            )
            for a in attempts
        ],
    )
