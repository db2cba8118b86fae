"""The conversion writer process: ``python -m clicktrail.conversion.writer_child``.

Started by a server process (``writer_process.ProcessConversionWriter``), it runs the
group-commit ``ConversionWriter`` on its own event loop and core, so pricing, inserting
and rolling up a batch no longer share the server's one Python thread with HTTP.

Over stdin it receives frames (clicktrail/kit/frames.py): first the server's settings (a
JSON-able dict), then lists of ``(seq, ConversionDraft)``. Over stdout it answers
``"ready"`` once its writer runs, then lists of ``(seq, Receipt | Failure)``, each sent
only after the transaction holding that conversion has committed. Replies finished in the
same loop iteration share one frame. At EOF on stdin it writes what is queued and exits,
so it never outlives its server; it ignores SIGINT and SIGTERM, which a terminal or a
service manager sends to the server's whole process group.
"""

from __future__ import annotations

import asyncio
import functools
import signal

from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import Recorded
from clicktrail.conversion.writer import Failure, Receipt, WriterStopped, build
from clicktrail.db import Database
from clicktrail.kit import frames
from clicktrail.kit.orphans import die_with_parent
from clicktrail.ops.logging import configure_logging
from clicktrail.ops.runtime import tune_gc
from clicktrail.report.tasks import configure_admission


class _Replies:
    """Replies collected during one loop iteration, written as one frame."""

    def __init__(self, transport: asyncio.WriteTransport) -> None:
        self._transport = transport
        self._items: list[tuple[int, Receipt | Failure]] = []
        self._loop = asyncio.get_running_loop()

    def settle(self, seq: int, future: asyncio.Future[Recorded]) -> None:
        if future.cancelled():
            outcome: Receipt | Failure = Failure(503, None, "cancelled", stopped=True)
        elif (exc := future.exception()) is not None:
            outcome = Failure.of(exc)
        else:
            outcome = Receipt.of(future.result())
        self.add(seq, outcome)

    def add(self, seq: int, outcome: Receipt | Failure) -> None:
        if not self._items:
            self._loop.call_soon(self._flush)
        self._items.append((seq, outcome))

    def _flush(self) -> None:
        items, self._items = self._items, []
        if items and not self._transport.is_closing():
            self._transport.write(frames.encode(items))


async def main() -> None:
    reader, transport = await frames.stdio()
    config = await frames.read(reader)
    if config is None:
        return
    settings = Settings.model_validate(config)
    configure_logging(settings.log_level, settings.log_format)
    configure_admission(settings)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    writer = build(settings, db)
    await writer.start()
    tune_gc()
    transport.write(frames.encode("ready"))
    replies = _Replies(transport)
    try:
        while (batch := await frames.read(reader)) is not None:
            item: tuple[int, ConversionDraft]
            for item in batch:
                seq, draft = item
                try:
                    future = writer.enqueue(draft)
                except WriterStopped as exc:
                    replies.add(seq, Failure.of(exc))
                    continue
                future.add_done_callback(functools.partial(replies.settle, seq))
    finally:
        await writer.stop()  # writes everything queued; their replies go out below
        await asyncio.sleep(0)
        transport.close()
        await db.dispose()


if __name__ == "__main__":
    # The server decides when this process ends (EOF on stdin, after its last postback is
    # answered): a Ctrl-C or a TERM sent to the whole process group must not cut a batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Its parent can acknowledge nothing once it is gone, so ending mid-batch loses nothing
    # acknowledged; without this a writer could outlive a server killed with kill -9.
    die_with_parent(signal.SIGKILL)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        asyncio.run(main())
    else:
        uvloop.run(main())
