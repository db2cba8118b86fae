"""Conversion webhooks: what they cost the conversion path, and what signing costs a send.

Run: ``make bench BENCH=webhook``. On SQLite (fresh database per run, in-process
``service.record_many(..., bulk=True)`` over fresh clicks, batches of 500), three variants
measured in the same run, interleaved, best of three each:

* ``hook removed``: ``webhook.outbox.enqueue_for_conversions`` replaced by a no-op (the
  conversion path as it was before webhooks);
* ``no endpoint``: the real call with no endpoint registered (the cached check only);
* ``one endpoint``: one active endpoint subscribed to conversions (one delivery row with a
  rendered JSON body per conversion);
* ``one pixel, no endpoint``: for scale, one global postback pixel of the affiliate and no
  endpoint (one postback delivery row with a rendered URL per conversion).

Also the time to sign one message (the three headers over a typical body). Figures are
rewritten into the "Conversion webhooks" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from decimal import Decimal

from bench.common import DOC, machine, write_section
from bench.conversion import _seed
from clicktrail.db import Database
from clicktrail.kit import standardwebhooks
from clicktrail.kit.timeutil import utcnow
from clicktrail.migrations import upgrade

BATCHES = 8
SIZE = 500
ROUNDS = 3
SECTION = "## Conversion webhooks"
VARIANTS = ("hook removed", "no endpoint", "one endpoint", "one pixel, no endpoint")


async def _run(url: str, variant: str) -> float:
    from clicktrail.conversion import service
    from clicktrail.conversion.draft import ConversionDraft
    from clicktrail.models import NetworkWebhook, Pixel
    from clicktrail.webhook import outbox
    from clicktrail.webhook.directory import DIRECTORY

    async def _nothing(*_args: object, **_kwargs: object) -> int:
        return 0

    saved = outbox.enqueue_for_conversions
    await _seed(url, BATCHES * SIZE)
    db = Database(url, sqlite_synchronous="FULL")
    try:
        if variant == "one endpoint":
            async with db.write() as session:
                now = utcnow()
                session.add(
                    NetworkWebhook(
                        url="https://hooks.example.com/ef",
                        events=["conversion_registered"],
                        secret=standardwebhooks.new_secret(),
                        time_created=now,
                        time_saved=now,
                    )
                )
        if variant == "one pixel, no endpoint":
            async with db.write() as session:
                now = utcnow()
                session.add(
                    Pixel(
                        network_affiliate_id=1,
                        pixel_level="global",
                        pixel_type="conversion",
                        delivery_method="postback",
                        postback_url="https://partner.example.com/pb?tid={transaction_id}",
                        time_created=now,
                        time_saved=now,
                    )
                )
        if variant == "hook removed":
            outbox.enqueue_for_conversions = _nothing
        DIRECTORY.invalidate()
        started = time.perf_counter()
        for b in range(BATCHES):
            drafts = [
                ConversionDraft(
                    source="postback",
                    transaction_id=f"{i:032x}",
                    sale_amount=Decimal("19.90"),
                    verification_token="",
                    strict=False,
                )
                for i in range(b * SIZE, (b + 1) * SIZE)
            ]
            async with db.write() as session:
                await service.record_many(session, drafts, bulk=True)
        return BATCHES * SIZE / (time.perf_counter() - started)
    finally:
        outbox.enqueue_for_conversions = saved
        await db.dispose()


def _signing_us(count: int = 20_000) -> float:
    secret = standardwebhooks.new_secret()
    body = b'{"conversion_id":"' + b"a" * 32 + b'"' + b',"x":"' + b"y" * 1200 + b'"}'
    started = time.perf_counter()
    for i in range(count):
        standardwebhooks.headers(secret, "msg_0123456789abcdef0123456789abcdef", i, body)
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    before = os.getloadavg()[0]
    best: dict[str, float] = dict.fromkeys(VARIANTS, 0.0)
    for _round in range(ROUNDS):
        for variant in VARIANTS:
            with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
                url = f"sqlite+aiosqlite:///{tmp}/webhook.db"
                upgrade(url)
                rate = asyncio.run(_run(url, variant))
            best[variant] = max(best[variant], rate)
            print(f"{variant}: {rate:,.0f} conversions/s", flush=True)
    signing = _signing_us()
    after = os.getloadavg()[0]
    base = best["hook removed"]
    lines = [
        SECTION,
        "",
        "Command: `make bench BENCH=webhook`. Machine: " + machine() + ".",
        f"Load average {before:.1f} before and {after:.1f} after the run (the machine is shared:",
        "compare the ratios, which are measured in the same run, not the absolute rates).",
        "",
        f"In-process `service.record_many(..., bulk=True)` on SQLite, {BATCHES} batches of "
        f"{SIZE} fresh clicks, best of {ROUNDS} interleaved runs:",
        "",
        "| variant | conversions/s | vs hook removed |",
        "|---|---:|---:|",
        *(f"| {v} | {best[v]:,.0f} | {best[v] / base:.2f} x |" for v in VARIANTS),
        "",
        "`no endpoint` against `hook removed` is what the cached check costs the batch (the",
        "difference between them is the run-to-run noise of the shared machine); `one endpoint`",
        "against `one pixel, no endpoint` compares a webhook delivery row (JSON body) with a",
        "postback delivery row (rendered URL).",
        "",
        f"Signing one message (three headers, a 1.3 kB body): {signing:.1f} µs.",
        "",
    ]
    write_section(DOC, SECTION, lines)
    print("\n".join(lines))
