"""WAL checkpoints on a thread: pages reach the database file, the WAL stays bounded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from clicktrail.kit.filelock import FileLock
from clicktrail.kit.walcheckpoint import WalCheckpointer


def _writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)")
    return conn


def _insert(conn: sqlite3.Connection, first: int, count: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO t (id, body) VALUES (?, ?)",
        [(i, "x" * 500) for i in range(first, first + count)],
    )
    conn.execute("COMMIT")


def _wal_frames(conn: sqlite3.Connection) -> int:
    # A checkpoint of nothing new: its answer is (busy, frames in the WAL, frames copied).
    return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])


def test_committed_pages_are_checkpointed_by_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = _writer(path)
    checkpointer = WalCheckpointer(path, FileLock(tmp_path / "lock"), interval=0.01)
    checkpointer.start()
    try:
        _insert(conn, 0, 200)
        checkpointer.committed()
    finally:
        checkpointer.close()
    assert checkpointer.checkpoints >= 1
    # Every frame was copied: the next write starts the WAL over, so it holds few frames.
    _insert(conn, 200, 1)
    assert _wal_frames(conn) < 5
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 201
    conn.close()


def test_the_wal_starts_over_after_many_batches(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = _writer(path)
    checkpointer = WalCheckpointer(path, FileLock(tmp_path / "lock"), interval=0.01, max_frames=10)
    checkpointer.start()
    try:
        for batch in range(20):
            _insert(conn, batch * 50, 50)
            checkpointer.committed()
    finally:
        checkpointer.close()
    # Past max_frames a checkpoint holds the write lock and finishes; the WAL starts over.
    _insert(conn, 10_000, 1)
    assert _wal_frames(conn) < 40
    conn.close()
