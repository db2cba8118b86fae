"""Migration 0018 (ADR 0078): carry columns beside the rollups' money, existing rows brought
into form on upgrade and folded back on downgrade, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from clicktrail.migrations import downgrade, upgrade

MODULUS = 10**9
BIG = 5 * 10**18 + 7  # fits a BIGINT; above the modulus


def _run(url: str, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    async def main() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(sql), params or {})
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _insert(url: str, offer: int, payout: int, revenue: int, carry: int | None = None) -> None:
    columns = "bucket, offer_id, affiliate_id, advertiser_id, event_id, cv, payout, revenue"
    values = "0, :o, 1, 1, 0, 1, :p, :r"
    if carry is not None:
        columns, values = f"{columns}, payout_carry", f"{values}, :c"
    _run(
        url,
        f"INSERT INTO rollup_entity_hour ({columns}) VALUES ({values})",
        {"o": offer, "p": payout, "r": revenue, "c": carry},
    )


def _money(url: str, carries: bool) -> dict[int, tuple[int, ...]]:
    columns = "payout, revenue" + (", payout_carry, revenue_carry" if carries else "")
    rows = _run(url, f"SELECT offer_id, {columns} FROM rollup_entity_hour")
    return {int(r[0]): tuple(int(v) for v in r[1:]) for r in rows}


def test_upgrade_brings_sums_into_form_and_downgrade_folds_them_back(empty_url: str) -> None:
    upgrade(empty_url, "0015")
    _insert(empty_url, 1, BIG, 12)
    _insert(empty_url, 2, -BIG, MODULUS)  # a negative sum (a row taken out) stays exact

    upgrade(empty_url, "0018")
    after = _money(empty_url, carries=True)
    assert after == {
        1: (7, 12, 5 * 10**9, 0),
        2: (MODULUS - 7, 0, -5 * 10**9 - 1, 1),
    }
    assert all(0 <= p < MODULUS and 0 <= r < MODULUS for p, r, _, _ in after.values())

    downgrade(empty_url, "0015")
    assert _money(empty_url, carries=False) == {1: (BIG, 12), 2: (-BIG, MODULUS)}


def test_downgrade_refuses_sums_beyond_a_bigint(empty_url: str) -> None:
    upgrade(empty_url, "0018")
    _insert(empty_url, 1, 5, 0, carry=10**10)  # 10**19 micro-units: beyond a BIGINT
    with pytest.raises(RuntimeError, match="beyond a BIGINT"):
        downgrade(empty_url, "0015")
    assert _money(empty_url, carries=True) == {1: (5, 0, 10**10, 0)}
