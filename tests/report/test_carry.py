"""Rollup money as metric and carry (ADR 0078): the arithmetic, and its SQL run on SQLite
(the report tests run the same statements on both engines)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clicktrail.models.rollup import CARRY, METRICS, STORED
from clicktrail.report import carry
from clicktrail.report.carry import MODULUS

#: Deltas as large as a batch of conversions at the bound can add, either sign.
DELTAS = st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)


@given(DELTAS)
def test_split_keeps_the_metric_below_the_modulus_and_joins_back(value: int) -> None:
    metric, carried = carry.split(value)
    assert 0 <= metric < MODULUS
    assert carry.join(metric, carried) == value


def test_write_columns_put_each_carry_after_its_metric() -> None:
    assert carry.write_columns(("cv", "payout", "revenue")) == [
        "cv",
        "payout",
        "payout_carry",
        "revenue",
        "revenue_carry",
    ]


def test_spread_splits_money_only() -> None:
    mask = carry.money_mask(("cv", "payout", "revenue"))
    assert carry.spread([3, 2 * MODULUS + 5, -1], mask) == [3, 5, 2, MODULUS - 1, -1]


def test_fold_joins_carries_and_reads_null_as_zero() -> None:
    sums: list[int | None] = [0] * len(STORED)
    sums[METRICS.index("payout")] = 7
    sums[STORED.index("payout_carry")] = 10**12
    sums[METRICS.index("cv")] = None
    folded = carry.fold(sums)
    assert len(folded) == len(METRICS)
    assert folded[METRICS.index("payout")] == 10**12 * MODULUS + 7
    assert folded[METRICS.index("cv")] == 0


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:")
    columns = ", ".join(
        f"{c} INTEGER NOT NULL DEFAULT 0" for c in ("cv", "payout", CARRY["payout"])
    )
    db.execute(f"CREATE TABLE t (k INTEGER PRIMARY KEY, {columns})")
    db.execute(f"CREATE TABLE s (k INTEGER PRIMARY KEY, {columns})")
    yield db
    db.close()


def _upsert(db: sqlite3.Connection, key: int, cv: int, payout: int) -> None:
    metrics = ("cv", "payout")
    columns = carry.write_columns(metrics)
    updates = ", ".join(carry.add_sql("t", m) for m in metrics)
    db.execute(
        f"INSERT INTO t (k, {', '.join(columns)}) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT (k) DO UPDATE SET {updates}",
        (key, *carry.spread([cv, payout], carry.money_mask(metrics))),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), DELTAS), min_size=1, max_size=40))
def test_upserts_add_exactly_past_any_bigint(deltas: list[tuple[int, int]]) -> None:
    """Random deltas, either sign, up to 2**63 each, onto four rows: every row holds the
    exact sum (often far beyond a BIGINT) with its metric in [0, MODULUS)."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, cv, payout, payout_carry)")
        expected: dict[int, int] = {}
        for key, delta in deltas:
            _upsert(db, key, 1, delta)
            expected[key] = expected.get(key, 0) + delta
        for key, metric, carried in db.execute("SELECT k, payout, payout_carry FROM t"):
            assert 0 <= metric < MODULUS
            assert carry.join(metric, carried) == expected[key]
    finally:
        db.close()


def test_sums_are_normalized_and_zero_is_told_apart(conn: sqlite3.Connection) -> None:
    """Compaction's sums of ``t``'s rows into ``s``: a group whose rows add up past 2**63,
    and a group whose rows cancel out (the values cube's empty value is a total minus the
    values), which is zero although its metrics and carries sum to nonzero apart."""
    big = 9 * 10**18
    mask = carry.money_mask(("cv", "payout"))
    rows = ((1, 1, big), (2, 1, big), (3, 1, 123), (4, 1, big + 1), (5, -1, -big - 1))
    for row, cv, payout in rows:
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", (row, *carry.spread([cv, payout], mask)))
    group = "CASE WHEN k <= 3 THEN 1 ELSE 2 END"
    conn.execute(
        f"INSERT INTO s (k, {', '.join(carry.write_columns(('cv', 'payout')))}) "
        f"SELECT {group}, {carry.sum_sql('cv')}, {carry.sum_sql('payout')} FROM t GROUP BY {group}"
    )
    sums = {k: (cv, m, c) for k, cv, m, c in conn.execute("SELECT * FROM s")}
    assert {k: (cv, carry.join(m, c)) for k, (cv, m, c) in sums.items()} == {
        1: (3, 2 * big + 123),
        2: (0, 0),
    }
    assert all(0 <= m < MODULUS for _, m, _ in sums.values())
    assert sums[2] == (0, 0, 0)
    # Apart, group 2's metrics and carries are not zero: only together they cancel out.
    apart = conn.execute("SELECT SUM(payout), SUM(payout_carry) FROM t WHERE k > 3").fetchone()
    assert apart == (MODULUS, -1)
    kept = conn.execute(
        f"SELECT {group} FROM t GROUP BY {group} HAVING {carry.nonzero_sql('cv')} OR "
        f"{carry.nonzero_sql('payout')}"
    ).fetchall()
    assert kept == [(1,)]
