"""Coupon code attribution in the conversion writer's batches, SQLite and PostgreSQL,
in-process.

    make bench BENCH=coupon          # or: .venv/bin/python -m bench coupon

Seeds one offer, two affiliates, 9,000 clicks and 100 coupon codes, then records batches of
500 drafts through ``service.record_many(..., bulk=True)`` (the group-commit writer's call),
each batch its own write transaction, three kinds interleaved in the same run:

- ``click``: postbacks by transaction id, no code (the batch runs no coupon query);
- ``click + code``: the same with a code of the other affiliate on every draft (one coupon
  query per batch; the advertiser's priority keeps the click);
- ``code only``: no transaction id, a code each (one coupon query; credited to the code).

Reports drafts per second, the median of 6 rounds (the order of the kinds rotates from one
round to the next), and each kind's ratio to ``click``.
PostgreSQL: CLICKTRAIL_BENCH_POSTGRES_URL (default the local server), a database
``ct_bench_coupon`` created and dropped; skipped if unreachable.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import (
    DOC,
    PG_DEFAULT,
    add_offer_and_affiliate,
    machine,
    pg_admin,
    write_section,
)
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record_many
from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.migrations import upgrade
from clicktrail.models import Affiliate, Click, CouponCode, OfferPayoutRevenue

SECTION = "## Coupon code attribution"
BATCH = 500
ROUNDS = 6
KINDS = ("click", "click + code", "code only")
CODES = 100


async def _seed(db: Database) -> tuple[list[str], list[str]]:
    now = datetime.now(UTC)
    clicks = [new_hex_id() for _ in range(BATCH * ROUNDS * 3)]
    async with db.write() as session:
        entry = OfferPayoutRevenue(
            event_id=0,
            entry_name="Base",
            payout_type="cpa",
            payout_amount=Decimal(5),
            revenue_type="rpa",
            revenue_amount=Decimal(8),
            is_default=True,
        )
        offer, affiliate = await add_offer_and_affiliate(session, entry)
        other = Affiliate(name="Coupon partner", time_created=now, time_saved=now)
        session.add(other)
        await session.flush()
        oid, aid = offer.network_offer_id, affiliate.network_affiliate_id
        session.add_all(
            Click(
                transaction_id=tid,
                network_offer_id=oid,
                network_affiliate_id=aid,
                created_at=now,
            )
            for tid in clicks
        )
        codes = [f"BENCH{i:04d}" for i in range(CODES)]
        session.add_all(
            CouponCode(
                network_offer_id=oid,
                network_affiliate_id=other.network_affiliate_id,
                coupon_code=code,
                coupon_code_key=code.lower(),
                time_created=now,
                time_saved=now,
            )
            for code in codes
        )
    return clicks, codes


def _drafts(kind: str, tids: list[str], codes: list[str]) -> list[ConversionDraft]:
    if kind == "click":
        return [ConversionDraft(source="postback", transaction_id=t, strict=False) for t in tids]
    if kind == "click + code":
        return [
            ConversionDraft(
                source="postback", transaction_id=t, coupon_code=codes[i % CODES], strict=False
            )
            for i, t in enumerate(tids)
        ]
    return [
        ConversionDraft(source="postback", coupon_code=codes[i % CODES], strict=False)
        for i in range(len(tids))
    ]


async def _measure(db: Database) -> dict[str, float]:
    clicks, codes = await _seed(db)
    rates: dict[str, list[float]] = {kind: [] for kind in KINDS}
    take: Callable[[], list[str]] = lambda: [clicks.pop() for _ in range(BATCH)]  # noqa: E731
    for round_ in range(ROUNDS):
        shift = round_ % len(KINDS)  # each kind goes first, second and last in turn
        for kind in KINDS[shift:] + KINDS[:shift]:
            drafts = _drafts(kind, take(), codes)
            started = time.perf_counter()
            async with db.write() as session:
                done = await record_many(session, drafts, bulk=True)
            rates[kind].append(BATCH / (time.perf_counter() - started))
            assert all(r.conversion.error_code == 0 for r in done), kind
    return {kind: statistics.median(values) for kind, values in rates.items()}


async def _sqlite() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        try:
            return await _measure(db)
        finally:
            await db.dispose()


async def _postgres() -> dict[str, float] | None:
    base = os.environ.get("CLICKTRAIL_BENCH_POSTGRES_URL", PG_DEFAULT)
    name = "ct_bench_coupon"
    try:
        await pg_admin(base, f"DROP DATABASE IF EXISTS {name}")
        await pg_admin(base, f"CREATE DATABASE {name}")
    except Exception as exc:  # no server: skip
        print(f"PostgreSQL skipped: {exc}")
        return None
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        try:
            return await _measure(db)
        finally:
            await db.dispose()
    finally:
        await pg_admin(base, f"DROP DATABASE IF EXISTS {name}")


def _row(label: str, rates: dict[str, float]) -> str:
    base = rates["click"]
    cells = [f"{rates[k]:,.0f} ({rates[k] / base:.2f} x)" for k in KINDS]
    return f"| {label} | " + " | ".join(cells) + " |"


def main() -> None:
    load = os.getloadavg()[0]
    results = [("SQLite", asyncio.run(_sqlite()))]
    pg = asyncio.run(_postgres())
    if pg is not None:
        results.append(("PostgreSQL", pg))
    lines = [
        SECTION,
        "",
        "Command: `make bench BENCH=coupon` (`.venv/bin/python -m bench coupon`).",
        f"Machine: {machine()}; load average {load:.1f} at the start.",
        f"What: batches of {BATCH} drafts through `service.record_many(..., bulk=True)`, each "
        "its own transaction: postbacks by transaction id (`click`), the same with another "
        "affiliate's coupon code on each (`click + code`, the click keeps priority), and "
        f"coupon-only postbacks (`code only`), interleaved in rotating order; median of "
        f"{ROUNDS} rounds, "
        "drafts/s and the ratio to `click` in the same run.",
        "",
        "| database | " + " | ".join(KINDS) + " |",
        "|---|" + "---:|" * len(KINDS),
        *(_row(label, rates) for label, rates in results),
    ]
    print("\n".join(lines))
    write_section(DOC, SECTION, lines)


if __name__ == "__main__":
    main()
