"""A lock shared by processes: ``flock`` on a file beside the resource.

SQLite lets one transaction write at a time and makes the others wait in its busy
handler, which sleeps in growing steps (up to 100 ms) instead of waking when the lock is
free. Writers that take this lock first queue in the kernel instead and start the moment
the holder is done, whichever process they are in.

Each hold opens its own file description, so two holders in one process exclude each
other too; closing it releases the lock, also when the process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path


class FileLock:
    """``timeout``: longest wait in :meth:`hold` before ``TimeoutError`` (a writer that
    never gets its turn fails like SQLite's busy timeout instead of hanging)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)

    @contextlib.contextmanager
    def hold_blocking(self) -> Iterator[None]:
        """Hold the lock (blocking the calling thread while another holder has it)."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold the lock; while another holder has it, wait in a thread, not on the loop."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX))
            try:
                await asyncio.wait_for(asyncio.shield(waiting), self.timeout)
            except TimeoutError:
                waiting.add_done_callback(lambda _: os.close(fd))
                raise TimeoutError(
                    f"no turn on the write lock {self.path} within {self.timeout:g} s"
                ) from None
            except BaseException:
                # Cancelled while queued: release once the thread has the lock (or failed).
                waiting.add_done_callback(lambda _: os.close(fd))
                raise
        except BaseException:
            os.close(fd)
            raise
        try:
            yield
        finally:
            os.close(fd)
