"""The server side of a child-process bridge: requests to a helper process, answers back.

A :class:`ChildProcess` runs ``python -m <module>`` (whose ``__main__`` is
clicktrail/kit/child.py's ``run``) and talks to it over its stdin and stdout in frames
(clicktrail/kit/frames.py). :meth:`ChildProcess.call` queues a request and returns a
future for its answer; requests made in one loop iteration share one frame, and answers
come back the same way, matched by sequence number.

The helper is started a little after the server (a short-lived app never starts it, and
the first request does not wait for its imports), or by the first request. If it dies,
the requests it had not answered fail with :class:`ChildLost`, and the next request starts
a new one; each helper has its own map of unanswered requests, so a reader that sees its
helper end fails only those, never a successor's. Used by the SQLite click sink and the
conversion writer process (ADR 0087).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import sys
from typing import Any

import structlog

from clicktrail.kit import frames
from clicktrail.kit.children import close_stdin_and_wait
from clicktrail.kit.orphans import child_env

log = structlog.get_logger("clicktrail.kit.bridge")

#: Seconds a helper may take to import and set up.
READY_SECONDS = 60.0
#: A pipe this large takes a whole batch in one write() (Linux only).
PIPE_BYTES = 1 << 20


class ChildLost(Exception):
    """The helper process is gone, or could not start: the request has no answer."""


def _widen_pipe(process: asyncio.subprocess.Process) -> None:
    transport = process.stdin.transport if process.stdin is not None else None
    pipe = transport.get_extra_info("pipe") if transport is not None else None
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if pipe is None or set_size is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


class ChildProcess:
    """One helper process at a time, started on demand and again after it died."""

    def __init__(self, module: str, config: object, *, label: str) -> None:
        """``config``: the plain value the helper's ``setup`` receives; ``label`` names
        the log events (``<label>_process_lost`` …)."""
        self.module = module
        self.config = config
        self.label = label
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._spawning = asyncio.Lock()
        self._seq = itertools.count()
        #: Requests not yet written to the helper, and those it has not answered.
        self._outbox: list[tuple[int, Any, asyncio.Future[Any]]] = []
        self._inflight: dict[int, asyncio.Future[Any]] = {}
        self._flushing = False
        self._prestart: asyncio.TimerHandle | None = None
        self._starting: asyncio.Future[None] | None = None

    def prestart(self, delay: float) -> None:
        """Start the helper ``delay`` seconds from now, unless a request starts it first."""
        loop = asyncio.get_running_loop()
        self._prestart = loop.call_later(delay, self._prestart_now)

    def _prestart_now(self) -> None:
        self._prestart = None
        self._start()

    def _start(self) -> None:
        """Start the helper (unless a start is under way) and then send what waits: one
        start at a time, however many requests arrive meanwhile."""
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._spawn_and_flush())

    def call(self, request: Any) -> asyncio.Future[Any]:
        """Send ``request`` (a plain value); the future resolves to the helper's answer."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._outbox.append((next(self._seq), request, future))
        if not self._flushing:
            self._flushing = True
            loop.call_soon(self._flush)
        return future

    def _up(self) -> asyncio.subprocess.Process | None:
        process = self.process
        if process is None or process.returncode is not None or self._reader is None:
            return None
        return process

    def _flush(self) -> None:
        self._flushing = False
        process = self._up()
        if process is None:
            self._start()
            return
        items, self._outbox = self._outbox, []
        self._send(process, items)

    def _send(
        self, process: asyncio.subprocess.Process, items: list[tuple[int, Any, asyncio.Future[Any]]]
    ) -> None:
        live = [(seq, request, future) for seq, request, future in items if not future.done()]
        if not live:
            return
        assert process.stdin is not None
        try:
            frame = frames.encode([(seq, request) for seq, request, _ in live])
        except ValueError:  # a request that is not plain values fails alone
            live = [item for item in live if self._encodes(item)]
            frame = frames.encode([(seq, request) for seq, request, _ in live])
        for seq, _request, future in live:
            self._inflight[seq] = future
        process.stdin.write(frame)

    @staticmethod
    def _encodes(item: tuple[int, Any, asyncio.Future[Any]]) -> bool:
        try:
            frames.encode(item[1])
        except ValueError as exc:
            item[2].set_exception(exc)
            return False
        return True

    async def _spawn_and_flush(self) -> None:
        try:
            process = await self._spawn()
        except Exception as exc:
            log.exception(f"{self.label}_process_failed_to_start")
            items, self._outbox = self._outbox, []
            for _seq, _request, future in items:
                if not future.done():
                    future.set_exception(ChildLost(f"{self.label} process: {exc!r}"))
            return
        items, self._outbox = self._outbox, []
        self._send(process, items)

    async def _spawn(self) -> asyncio.subprocess.Process:
        async with self._spawning:
            if (up := self._up()) is not None:
                return up
            process = await self._launch()
            assert process.stdin is not None
            assert process.stdout is not None
            _widen_pipe(process)
            process.stdin.write(frames.encode(self.config))
            try:
                hello = await asyncio.wait_for(frames.read(process.stdout), READY_SECONDS)
            except (TimeoutError, asyncio.IncompleteReadError, OSError, ValueError, EOFError):
                hello = None
            if hello != "ready":
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                raise ChildLost(f"{self.label} process did not start")
            self.process, self._inflight = process, {}
            self._reader = asyncio.create_task(self._read(process, self._inflight))
            return process

    async def _launch(self) -> asyncio.subprocess.Process:
        """Run ``python -m <module>`` with pipes on its stdin and stdout."""
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=child_env(),
            limit=frames.READ_LIMIT,
        )

    async def _read(
        self, process: asyncio.subprocess.Process, inflight: dict[int, asyncio.Future[Any]]
    ) -> None:
        assert process.stdout is not None
        try:
            while (replies := await frames.read(process.stdout)) is not None:
                for seq, answer in replies:
                    future = inflight.pop(seq, None)
                    if future is not None and not future.done():
                        future.set_result(answer)
        except (asyncio.IncompleteReadError, OSError, ValueError, EOFError):
            pass
        finally:
            if self.process is process:
                self._reader = None
            if inflight:
                log.error(f"{self.label}_process_lost", unanswered=len(inflight))
            for future in inflight.values():
                if not future.done():
                    future.set_exception(ChildLost(f"{self.label} process exited"))
            inflight.clear()

    async def stop(self, grace: float) -> None:
        """Send what waits, let the helper answer (up to ``grace`` seconds), then end it
        by closing its stdin. A later :meth:`call` starts a new helper."""
        if self._prestart is not None:
            self._prestart.cancel()
            self._prestart = None
        if self._outbox:
            self._flush()
        if self._starting is not None and not self._starting.done():
            await asyncio.wait([self._starting], timeout=grace)
        waiting = [f for f in self._inflight.values() if not f.done()]
        if waiting:
            await asyncio.wait(waiting, timeout=grace)
        process, self.process = self.process, None
        if process is not None:
            await close_stdin_and_wait(process, grace)
        reader, self._reader = self._reader, None
        if reader is not None:
            await asyncio.gather(reader, return_exceptions=True)
