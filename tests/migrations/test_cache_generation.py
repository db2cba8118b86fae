"""Migration 0017: the cache generation row exists after upgrade and goes with a downgrade."""

from __future__ import annotations

from sqlalchemy import text

from clicktrail.migrations import downgrade, upgrade
from tests.migrations.test_migrations import _inspect, _tables


def test_cache_generation_row_is_created_and_dropped(empty_url: str) -> None:
    upgrade(empty_url)
    rows = _inspect(
        empty_url, lambda c: c.execute(text("SELECT id, generation FROM cache_generation")).all()
    )
    assert [tuple(row) for row in rows] == [(1, 0)]
    downgrade(empty_url, "0018")
    assert "cache_generation" not in _inspect(empty_url, _tables)
    upgrade(empty_url)
    assert "cache_generation" in _inspect(empty_url, _tables)
