"""WAL checkpoints of a SQLite database on a thread of their own, off the commit path.

By default the connection that commits the transaction pushing the WAL past 1,000 pages
runs the checkpoint inside that COMMIT: the batch waits while pages are copied into the
database file and that file is fsynced. A writer that sets ``wal_autocheckpoint=0`` hands
the work to a :class:`WalCheckpointer` instead, which calls :meth:`committed` after each
commit; a thread with its own connection then runs ``PRAGMA wal_checkpoint(PASSIVE)`` at
most once per ``interval`` seconds, while the writer keeps committing (sqlite3 releases
the GIL while SQLite works). A page written many times within an interval is copied once.

SQLite starts the WAL over from its beginning only when a write transaction finds every
frame checkpointed, which a checkpoint racing the writer rarely achieves under steady
load. So once the WAL holds more than ``max_frames`` frames, the next checkpoint
holds the database's write lock (the file lock every writer takes first, ADR 0087): no
frame is added meanwhile, it finishes, and the next write restarts the WAL. The WAL stays
bounded as with automatic checkpoints.

Checkpoints never change what is durable: a committed transaction is in the WAL (fsynced
per ``synchronous``) whether or not its pages were copied yet.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import structlog

from clicktrail.kit.filelock import FileLock

log = structlog.get_logger("clicktrail.kit.walcheckpoint")

#: Longest time a committed page waits for a checkpoint, in seconds.
INTERVAL = 0.5
#: How long a checkpoint waits for another connection's checkpoint, in milliseconds.
BUSY_TIMEOUT_MS = 2000
#: Frames the WAL may hold before a checkpoint stops writers to finish and restart it.
MAX_FRAMES = 16_384


class WalCheckpointer:
    def __init__(
        self,
        path: str | Path,
        lock: FileLock,
        synchronous: str = "FULL",
        *,
        interval: float = INTERVAL,
        max_frames: int = MAX_FRAMES,
    ) -> None:
        self.path = str(path)
        self.lock = lock
        self.synchronous = synchronous
        self.interval = interval
        self.max_frames = max_frames
        self.checkpoints = 0
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._behind = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """A transaction committed: a checkpoint is due within ``interval``."""
        self._dirty.set()

    def close(self) -> None:
        """Stop the thread after one last checkpoint of what is pending."""
        self._stopping.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA wal_autocheckpoint=0")
            # Another process's checkpointer (serve --workers N) may be running: wait a bit.
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            while True:
                self._dirty.wait()
                stopping = self._stopping.wait(self.interval)
                self._dirty.clear()
                self._checkpoint(conn)
                if stopping:
                    return
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if self._behind:
                # Most frames were just copied without stopping writers; what came in
                # meanwhile is copied with the lock held, so the checkpoint completes.
                with self.lock.hold_blocking():
                    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            log.warning("wal_checkpoint_failed", path=self.path, exc_info=True)
            return
        self.checkpoints += 1
        _busy, frames, _done = row
        self._behind = frames is not None and frames > self.max_frames
        if self._behind:
            self._dirty.set()  # the next pass holds the lock
