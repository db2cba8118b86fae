"""The cache generation read on SQLite: shared by the clicks of one loop turn, never older."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from clicktrail.tracking.generation import SqliteProbe


def _database(path: Path, generation: int) -> None:
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS cache_generation (id INTEGER PRIMARY KEY, generation INT)"
        )
        conn.execute("INSERT OR REPLACE INTO cache_generation VALUES (1, ?)", (generation,))


async def test_reads_in_one_loop_turn_share_one_query(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _database(path, 3)
    probe = SqliteProbe(path)
    await probe.open()
    assert probe.conn is not None
    queries: list[str] = []
    probe.conn.set_trace_callback(queries.append)
    try:
        assert [await probe.read() for _ in range(5)] == [3] * 5
        assert len(queries) == 1
        await asyncio.sleep(0)
        assert await probe.read() == 3
        assert len(queries) == 2
    finally:
        await probe.close()


async def test_a_change_committed_before_the_next_turn_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _database(path, 3)
    probe = SqliteProbe(path)
    await probe.open()
    try:
        assert await probe.read() == 3
        _database(path, 4)  # another process's API change
        await asyncio.sleep(0)
        assert await probe.read() == 4
    finally:
        await probe.close()


async def test_concurrent_clicks_each_see_a_read_started_after_they_arrived(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    _database(path, 1)
    probe = SqliteProbe(path)
    await probe.open()
    try:
        first = await asyncio.gather(*(probe.read() for _ in range(3)))
        _database(path, 2)
        second = await asyncio.gather(*(probe.read() for _ in range(3)))
    finally:
        await probe.close()
    assert first == [1, 1, 1]
    assert second == [2, 2, 2]
