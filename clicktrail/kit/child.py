"""The helper side of a child-process bridge (the server side: clicktrail/kit/bridge.py).

A helper module's ``__main__`` calls :func:`run` with its ``setup``. Over stdin the
helper receives frames (clicktrail/kit/frames.py): first its configuration (a plain
value), then lists of ``(seq, request)``. ``setup(config)`` returns the :class:`Handler`;
``"ready"`` is answered once it exists. Each request is handed to ``handler.handle`` with a
``reply`` callable; replies given in the same loop iteration share one frame, a list of
``(seq, reply)``. At EOF on stdin ``handler.close()`` finishes what it holds (its last
replies still go out) and the helper exits, so it never outlives its server.

It ignores SIGINT and SIGTERM, which a terminal or a service manager sends to the server's
whole process group: the server decides when it ends. It dies with its parent (kill -9 of
the server included): the parent can acknowledge nothing once it is gone, so ending
mid-batch loses nothing acknowledged.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from clicktrail.kit import frames
from clicktrail.kit.orphans import die_with_parent

Reply = Callable[[int, Any], None]


class Handler(Protocol):
    def handle(self, seq: int, request: Any, reply: Reply) -> None:
        """Act on one request; call ``reply(seq, answer)`` once, now or later."""

    async def close(self) -> None:
        """Stdin ended: finish and answer what is in hand, release resources."""


class _Replies:
    """Replies given during one loop iteration, written as one frame."""

    def __init__(self, transport: asyncio.WriteTransport) -> None:
        self._transport = transport
        self._items: list[tuple[int, Any]] = []
        self._loop = asyncio.get_running_loop()

    def add(self, seq: int, answer: Any) -> None:
        if not self._items:
            self._loop.call_soon(self._flush)
        self._items.append((seq, answer))

    def _flush(self) -> None:
        items, self._items = self._items, []
        if items and not self._transport.is_closing():
            self._transport.write(frames.encode(items))


async def serve(setup: Callable[[Any], Awaitable[Handler]]) -> None:
    reader, transport = await frames.stdio()
    config = await frames.read(reader)
    if config is None:
        return
    handler = await setup(config)
    transport.write(frames.encode("ready"))
    replies = _Replies(transport)
    try:
        while (batch := await frames.read(reader)) is not None:
            for seq, request in batch:
                handler.handle(seq, request, replies.add)
    finally:
        await handler.close()  # its last replies are scheduled; they go out below
        await asyncio.sleep(0)
        transport.close()


def run(setup: Callable[[Any], Awaitable[Handler]]) -> None:
    """Run this process as a helper until its stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        asyncio.run(serve(setup))
    else:
        uvloop.run(serve(setup))
