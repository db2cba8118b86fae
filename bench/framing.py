"""``python -m bench.framing``: marshal against pickle for the writer processes' frames.

Not part of ``make bench`` (it rewrites no section): it prints the cost of encoding and
decoding one realistic batch each way, the figures behind ADR 0087's choice of encoding,
recorded by hand in docs/benchmarks.md ("Measurements behind design choices").

* A click batch: rows as the SQLite writer process receives them (tuples in ``COLUMNS``
  order of plain values, see ``tracking/sinks.py``), with their windows.
* A conversion batch: ``(seq, ConversionDraft)`` pairs as the conversion writer process
  receives them; for marshal each draft is first turned into a tuple of plain values and
  back (``conversion/pipe.py``), which pickle does not need.
"""

from __future__ import annotations

import marshal
import pickle
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.pipe import draft_in, draft_out
from clicktrail.tracking.rows import COLUMNS, DEFAULTS

CLICKS = 500
CONVERSIONS = 200


def _click_record(n: int) -> tuple[Any, ...]:
    row = dict(DEFAULTS)
    row.update(
        transaction_id=f"{n:032x}",
        offer_id=1 + n % 40,
        affiliate_id=1 + n % 300,
        created_at=datetime.now(UTC).timestamp(),
        ip_address=f"10.0.{n % 250}.{n % 200}",
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0",
        referer="https://news.example.com/article/123?utm_source=feed",
        tracking_url=f"https://t.example.com/c?oid={1 + n % 40}&affid={1 + n % 300}&sub1=s{n}",
        sub1=f"s{n}",
        sub2="campaign-7",
        country_code="US",
        revenue="1.50",
        payout="1.00",
        query_parameters={"utm_medium": "cpc", "x": str(n)},
    )
    return tuple(row[c] for c in COLUMNS)


def _draft(n: int) -> ConversionDraft:
    return ConversionDraft(
        source="postback",
        transaction_id=f"{n:032x}",
        sale_amount=Decimal("49.90"),
        created_at=datetime.now(UTC),
        order_id=f"order-{n}",
        adv1="basket-3",
        verification_token="",
        strict=False,
    )


def _best_us(steps: dict[str, Callable[[], object]], number: int = 50, rounds: int = 30) -> None:
    """Print the best time per call of each step, in µs; rounds interleave the steps so
    that a busy machine slows them alike."""
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, step in steps.items():
            best[name] = min(best[name], timeit.timeit(step, number=number) / number * 1e6)
    for name, us in best.items():
        print(f"  {name:34} {us:8.0f} µs")


def main() -> None:
    records = [_click_record(n) for n in range(CLICKS)]
    clicks = (records, [86400] * CLICKS, False)
    drafts = [(n, _draft(n)) for n in range(CONVERSIONS)]
    protocol = pickle.HIGHEST_PROTOCOL

    m_body = marshal.dumps(clicks)
    p_body = pickle.dumps(clicks, protocol=protocol)
    print(f"click batch of {CLICKS}: marshal {len(m_body)} B, pickle {len(p_body)} B")
    _best_us(
        {
            "marshal dumps": lambda: marshal.dumps(clicks),
            "pickle dumps": lambda: pickle.dumps(clicks, protocol=protocol),
            "marshal loads": lambda: marshal.loads(m_body),
            "pickle loads": lambda: pickle.loads(p_body),
        }
    )

    def m_dump_drafts() -> bytes:
        return marshal.dumps([(seq, draft_out(d)) for seq, d in drafts])

    cm_body = m_dump_drafts()
    cp_body = pickle.dumps(drafts, protocol=protocol)
    print(f"conversion batch of {CONVERSIONS}: marshal {len(cm_body)} B, pickle {len(cp_body)} B")
    _best_us(
        {
            "marshal dumps (with to-tuple)": m_dump_drafts,
            "pickle dumps": lambda: pickle.dumps(drafts, protocol=protocol),
            "marshal loads (with from-tuple)": lambda: [
                (s, draft_in(v)) for s, v in marshal.loads(cm_body)
            ],
            "pickle loads": lambda: pickle.loads(cp_body),
        }
    )


if __name__ == "__main__":
    main()
