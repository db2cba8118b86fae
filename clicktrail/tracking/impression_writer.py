"""The impression writer: an impression is acknowledged only after its commit (ADR 0102).

Queueing, batching, retries and acknowledging are the shared group-commit writer's
(clicktrail/kit/groupcommit.py, ADR 0087); this module says what a batch of impressions is:
the rows inserted and their rollups added (``store().impression_statements``) in one
transaction. No uniqueness is settled, so a batch reads nothing first.

* SQLite: the batch goes to the click writer's process (one connection and write lock for
  both), as ``("imp", records, retry)``.
* PostgreSQL: a connection of its own; ``COPY`` of the batch, then the rollup upserts.

A row problem splits the batch in halves until the bad row is alone; a lone bad row is
retried with its free-text fields emptied, then refused (503). A connection problem retries
with backoff for up to :data:`RETRY_SECONDS`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import structlog

from clicktrail.kit.bridge import ChildLost, ChildProcess
from clicktrail.kit.groupcommit import GroupCommit
from clicktrail.report.store import store
from clicktrail.tracking.impressions import COLUMNS
from clicktrail.tracking.sinks import AsyncpgSink, ChildDatabaseError, ChildDataError
from clicktrail.tracking.writer import WriterUnavailable

log = structlog.get_logger("clicktrail.tracking.impression_writer")

MAX_BATCH = 2000
RETRY_SECONDS = 5.0
_I_CREATED = COLUMNS.index("created_at")
_I_PAYOUT = COLUMNS.index("payout")
_I_REVENUE = COLUMNS.index("revenue")
_FREE_TEXT = ("user_agent", "referer", "source_id", "sub1", "sub2", "sub3", "sub4", "sub5")


class ImpressionSink(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def write(self, rows: Sequence[dict[str, Any]], *, retry: bool) -> None:
        """Insert the rows and their rollups, commit; all or nothing. ``retry``: stored
        rows must be recognised, not stored twice."""

    def is_data_error(self, exc: BaseException) -> bool: ...


def _wire_record(row: dict[str, Any]) -> tuple[Any, ...]:
    values = [row[name] for name in COLUMNS]
    values[_I_CREATED] = values[_I_CREATED].timestamp()
    values[_I_PAYOUT] = str(values[_I_PAYOUT])
    values[_I_REVENUE] = str(values[_I_REVENUE])
    return tuple(values)


class SqliteImpressionSink:
    """Batches go to the click writer's process (``SqliteProcessSink.child``)."""

    def __init__(self, child: ChildProcess) -> None:
        self.child = child

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass  # the click sink owns the process

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(exc, ChildDataError | ValueError | TypeError)

    async def write(self, rows: Sequence[dict[str, Any]], *, retry: bool) -> None:
        try:
            status, result = await self.child.call(
                ("imp", [_wire_record(row) for row in rows], retry)
            )
        except ChildLost as exc:
            raise ChildDatabaseError(f"sqlite writer process failed: {exc!r}") from exc
        if status == "data":
            raise ChildDataError(result)
        if status != "ok":
            raise ChildDatabaseError(result)


class PostgresImpressionSink(AsyncpgSink):
    async def write(self, rows: Sequence[dict[str, Any]], *, retry: bool) -> None:
        if self.conn is None or self.conn.is_closed():
            await self.open()
        conn = self.conn
        assert conn is not None
        async with conn.transaction():
            if retry:
                found = await conn.fetch(
                    "SELECT impression_id FROM impression WHERE impression_id = ANY($1::varchar[])",
                    [row["impression_id"] for row in rows],
                )
                stored = {r[0] for r in found}
                rows = [row for row in rows if row["impression_id"] not in stored]
                if not rows:
                    return
            await conn.copy_records_to_table(
                "impression",
                records=[tuple(row[name] for name in COLUMNS) for row in rows],
                columns=COLUMNS,
            )
            for sql, params in store().impression_statements(rows, "postgresql"):
                await conn.executemany(sql, params)


class ImpressionWriter:
    """A background service (``state.components["impression_writer"]``)."""

    name = "impression_writer"

    def __init__(self, sink: ImpressionSink, max_batch: int = MAX_BATCH) -> None:
        self.sink = sink
        self._core: GroupCommit[dict[str, Any], str] = GroupCommit(
            self,
            label="impression",
            max_batch=max_batch,
            unavailable=WriterUnavailable,
            split="halves",
            retry_seconds=RETRY_SECONDS,
        )

    async def start(self) -> None:
        await self.sink.open()
        await self._core.start()

    async def stop(self) -> None:
        await self._core.stop()
        await self.sink.close()

    @property
    def running(self) -> bool:
        return self._core.running

    async def write(self, row: dict[str, Any]) -> str:
        """Store ``row``; its impression id once committed (``WriterUnavailable`` if not)."""
        return await self._core.submit(row)

    # What a batch of impressions is (kit.groupcommit.Batches).

    async def commit(
        self, items: Sequence[dict[str, Any]], *, retry: bool, committing: Callable[[], None]
    ) -> list[str]:
        await self.sink.write(items, retry=retry)
        return [row["impression_id"] for row in items]

    def is_data_error(self, exc: BaseException) -> bool:
        return self.sink.is_data_error(exc)

    async def reconnect(self) -> None:
        with contextlib.suppress(Exception):
            await self.sink.close()
        await self.sink.open()

    def salvage(self, item: dict[str, Any]) -> bool:
        for column in _FREE_TEXT:
            item[column] = ""
        return True

    def refused(self, item: dict[str, Any], exc: BaseException) -> BaseException:
        log.error("impression_row_rejected", impression_id=item["impression_id"], error=repr(exc))
        return WriterUnavailable("impression could not be stored")
