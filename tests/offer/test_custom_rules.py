"""Which custom setting wins (ADR 0094): the affiliate's own over all affiliates over the
offer's entry, each only within its dates, payout and revenue decided apart."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clicktrail.offer.custom_rules import CustomRate, choose

JAN, MAR, JUN = (datetime(2026, m, 15, tzinfo=UTC) for m in (1, 3, 6))


def _rate(setting_id: int, affiliates: set[int] | None, **fields: object) -> CustomRate:
    values: dict[str, object] = {
        "setting_id": setting_id,
        "offer_id": 1,
        "entry_key": 0,
        "affiliate_ids": None if affiliates is None else frozenset(affiliates),
        "payout_enabled": True,
        "payout_type": "cpa",
        "payout_amount": Decimal(setting_id),
        "payout_percentage": Decimal(0),
        "revenue_enabled": False,
        "revenue_type": "blank",
        "revenue_amount": Decimal(0),
        "revenue_percentage": Decimal(0),
        "valid_from": None,
        "valid_to": None,
    }
    values.update(fields)
    return CustomRate(**values)  # type: ignore[arg-type]


def test_affiliate_specific_beats_all_beats_the_offer_and_dates_count() -> None:
    everyone = _rate(1, None, revenue_enabled=True, revenue_type="rpa")
    mine = _rate(2, {7}, valid_from=datetime(2026, 2, 1, tzinfo=UTC))
    event = _rate(3, {7}, entry_key=99)
    rates = [everyone, mine, event]
    assert choose(rates, 0, 7, MAR).payout is mine
    # The affiliate's own setting gives no revenue: the all-affiliates one still does.
    assert choose(rates, 0, 7, MAR).revenue is everyone
    assert choose(rates, 0, 7, JAN).payout is everyone  # before its own setting starts
    assert choose(rates, 0, 8, MAR).payout is everyone  # another affiliate
    assert choose(rates, 99, 7, MAR).payout is event  # an event's own setting
    assert choose(rates, 0, 7, MAR).payout is not event
    ended = _rate(4, None, valid_to=datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC))
    assert choose([ended], 0, 7, MAR).payout is ended
    assert choose([ended], 0, 7, JUN).payout is None  # the offer's entry again
    assert choose([], 0, 7, JUN).payout is None
