"""Macros, the address guard and the retry schedule, without a database."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clicktrail.models import Conversion
from clicktrail.postback import macros
from clicktrail.postback.backoff import RetryPolicy, equal_jitter, no_jitter
from clicktrail.postback.guard import (
    BlockedAddress,
    GuardedResolver,
    check_destination,
    is_public,
    url_problem,
)


def _conversion(**fields: object) -> Conversion:
    values: dict[str, object] = {
        "conversion_id": "a3371dd7b36849cbbfdd9c300b06fdb5",
        "transaction_id": "d5c6feef0d8f489fb91aa5cfb4d64f4e",
        "network_id": 1,
        "network_offer_id": 11,
        "network_affiliate_id": 7,
        "network_advertiser_id": 13,
        "event_id": 0,
        "is_event": False,
        "status": "approved",
        "created_at": datetime(2024, 2, 8, 20, 58, 19, tzinfo=UTC),
        "click_at": None,
        "payout": Decimal("5"),
        "revenue": Decimal("8"),
        "sale_amount": Decimal("120.5"),
        "currency_id": "USD",
        "order_id": "ORD 1/2",
        "coupon_code": "SAVE10",
        "source_id": "src",
        "sub1": "s1&x=y",
        "sub2": "",
        "sub3": "",
        "sub4": "",
        "sub5": "é",
        "adv1": "a1",
        "adv2": "",
        "adv3": "",
        "adv4": "",
        "adv5": "",
        "creative_id": None,
        "conversion_user_ip": "203.0.113.9",
        "user_ip": "203.0.113.7",
        "country_code": "US",
        "region_name": "",
        "city_name": "",
        "device_type": "",
        "platform_name": "",
        "browser_name": "",
    }
    values.update(fields)
    return Conversion(**values)


def test_macros_render_url_encoded_and_unknown_ones_empty() -> None:
    template = (
        "https://p.example/pb?tid={transaction_id}&cid={conversion_id}&aff={affiliate_id}"
        "&o={offer_id}&s1={sub1}&s5={sub5}&p={payout}&sa={sale_amount}&cur={currency}"
        "&e={event_id}&ord={order_id}&adv1={adv1}&cc={coupon_code}&ts={timestamp}"
        "&src={source_id}&u={UNKNOWN}&rev={revenue}&d={date}"
    )
    rendered = macros.render(template, macros.macro_values(_conversion()))
    assert rendered == (
        "https://p.example/pb?tid=d5c6feef0d8f489fb91aa5cfb4d64f4e"
        "&cid=a3371dd7b36849cbbfdd9c300b06fdb5&aff=7&o=11&s1=s1%26x%3Dy&s5=%C3%A9&p=5.00"
        "&sa=120.50&cur=USD&e=0&ord=ORD%201%2F2&adv1=a1&cc=SAVE10&ts=1707425899&src=src&u="
        "&rev=5.00&d=2024-02-08"
    )


def test_revenue_macro_never_leaks_the_network_revenue() -> None:
    values = macros.macro_values(_conversion(payout=Decimal("2"), revenue=Decimal("9")))
    assert values["revenue"] == "2.00"
    assert "9" not in macros.render("{revenue}{payout_amount}", values)


@pytest.mark.parametrize(
    ("amount", "text"),
    [("5", "5.00"), ("12.5", "12.50"), ("0.125", "0.125"), ("5.000000", "5.00"), ("0", "0.00")],
)
def test_money_text(amount: str, text: str) -> None:
    assert macros.money_text(Decimal(amount)) == text


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://p.example/pb?x={sub1}", True),
        ("http://p.example:8080/", True),
        ("ftp://p.example/", False),
        ("javascript:alert(1)", False),
        ("https:///nohost", False),
        ("http://p.example:99999/", False),
        ("http://p.example/a b", False),
    ],
)
def test_url_problem(url: str, ok: bool) -> None:
    assert (url_problem(url) is None) is ok


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_literal_private_hosts_are_blocked_before_any_request() -> None:
    with pytest.raises(BlockedAddress):
        check_destination("http://169.254.169.254/latest", allow_private=False)
    check_destination("http://169.254.169.254/latest", allow_private=True)
    with pytest.raises(ValueError, match="http"):
        check_destination("file:///etc/passwd", allow_private=True)


async def test_resolver_drops_names_that_resolve_to_loopback() -> None:
    resolver = GuardedResolver()
    try:
        with pytest.raises(BlockedAddress, match="localhost"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


def test_retry_schedule_is_capped_exponential() -> None:
    policy = RetryPolicy(max_attempts=6, base_seconds=30, cap_seconds=300, jitter=no_jitter)
    assert [policy.delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert not policy.gives_up(5)
    assert policy.gives_up(6)


def test_jitter_keeps_half_the_delay_and_spreads_the_rest() -> None:
    jitter = equal_jitter(random.Random(7))
    draws = [jitter(100.0) for _ in range(200)]
    assert all(50.0 <= d <= 100.0 for d in draws)
    assert len({round(d, 6) for d in draws}) > 150
