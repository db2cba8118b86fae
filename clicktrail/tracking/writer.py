"""The click writer: a 302 is sent only after its click is committed.

Requests hand their click row to :meth:`ClickWriter.submit` and await the returned future,
which resolves to the click's ``is_unique`` once the transaction holding it committed.
Queueing, batching, retries and acknowledging are the shared group-commit writer's
(clicktrail/kit/groupcommit.py, ADR 0087); this module says what a batch of clicks is: a
write to the :class:`~clicktrail.tracking.sinks.ClickSink`.

Failures: a connection problem reopens the sink and retries the batch with backoff for up
to :data:`RETRY_SECONDS`; a row problem splits the batch in halves until the bad row is
alone, and a row that still fails is retried with its free-text fields emptied. A click
whose write fails for good makes its request fail (503): nothing is acknowledged that is
not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import structlog

from clicktrail.kit.groupcommit import GroupCommit
from clicktrail.ops.metrics import CLICK_BATCH_SECONDS, CLICKS
from clicktrail.tracking.sinks import ClickSink

log = structlog.get_logger("clicktrail.tracking.writer")

MAX_BATCH = 2000
RETRY_SECONDS = 5.0

#: Columns kept when a row has to be stored in its most basic form.
_FREE_TEXT = (
    "tracking_url",
    "referer",
    "user_agent",
    "source_id",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "coupon_code",
    "fbclid",
    "gclid",
    "ttclid",
    "user_id",
    "http_accept_language",
)


class WriterUnavailable(Exception):
    """The click could not be committed (writer stopped, or the database failed)."""


class PendingClick:
    __slots__ = ("row", "window")

    def __init__(self, row: dict[str, Any], window: int) -> None:
        self.row = row
        self.window = window


class ClickWriter:
    """A background service (``state.components["click_writer"]``)."""

    name = "click_writer"

    def __init__(self, sink: ClickSink, max_batch: int = MAX_BATCH) -> None:
        self.sink = sink
        self._core: GroupCommit[PendingClick, bool] = GroupCommit(
            self,
            label="click",
            max_batch=max_batch,
            unavailable=WriterUnavailable,
            split="halves",
            retry_seconds=RETRY_SECONDS,
            observe=CLICK_BATCH_SECONDS.observe,
        )

    @property
    def retry_seconds(self) -> float:
        return self._core.retry_seconds

    @retry_seconds.setter
    def retry_seconds(self, seconds: float) -> None:
        self._core.retry_seconds = seconds

    async def start(self) -> None:
        await self.sink.open()
        await self._core.start()

    async def stop(self) -> None:
        """Stop taking clicks, commit every queued one, close the sink."""
        await self._core.stop()
        await self.sink.close()

    @property
    def running(self) -> bool:
        return self._core.running

    def submit(self, row: dict[str, Any], window: int) -> asyncio.Future[bool]:
        """Queue ``row``; the future resolves (to is_unique) when it is committed."""
        try:
            return self._core.submit(PendingClick(row, window))
        except WriterUnavailable as exc:
            future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            future.set_exception(exc)
            return future

    async def write(self, row: dict[str, Any], window: int) -> bool:
        return await self.submit(row, window)

    # What a batch of clicks is (kit.groupcommit.Batches).

    async def commit(
        self, items: Sequence[PendingClick], *, retry: bool, committing: Callable[[], None]
    ) -> list[bool]:
        await self.sink.write(items, retry=retry)
        invalid = 0
        for item in items:
            if item.row["error_code"]:
                invalid += 1
        if len(items) > invalid:
            CLICKS.labels("true").inc(len(items) - invalid)
        if invalid:
            CLICKS.labels("false").inc(invalid)
        return [bool(item.row["is_unique"]) for item in items]

    def is_data_error(self, exc: BaseException) -> bool:
        return self.sink.is_data_error(exc)

    async def reconnect(self) -> None:
        with contextlib.suppress(Exception):
            await self.sink.close()
        await self.sink.open()

    def salvage(self, item: PendingClick) -> bool:
        for column in _FREE_TEXT:
            item.row[column] = ""
        item.row["query_parameters"] = None
        return True

    def refused(self, item: PendingClick, exc: BaseException) -> BaseException:
        log.error("click_row_rejected", transaction_id=item.row["transaction_id"], error=repr(exc))
        return WriterUnavailable("click could not be stored")
