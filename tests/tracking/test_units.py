"""The hot path's pure parts: link codes, macros, query parsing, client IP, device, uniqueness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clicktrail.kit.clientip import ClientIpResolver, normalize
from clicktrail.tracking import codes
from clicktrail.tracking.device import DeviceDetector, describe
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.params import MAX_QUERY_BYTES, parse_id, parse_query
from clicktrail.tracking.steps import language_of
from clicktrail.tracking.txid import new_transaction_id
from clicktrail.tracking.unique import mark_unique, visitor_hash


@given(st.integers(min_value=1, max_value=codes.MAX_ID))
def test_codes_round_trip_and_never_cross_kinds(entity_id: int) -> None:
    affiliate = codes.encode("affiliate", entity_id)
    offer = codes.encode("offer", entity_id)
    assert len(affiliate) == len(offer) == 8
    assert codes.decode("affiliate", affiliate) == entity_id
    assert codes.decode("offer", offer) == entity_id
    assert codes.decode("affiliate", affiliate.lower()) == entity_id
    assert codes.decode("offer", affiliate) != entity_id or affiliate == offer


def test_codes_hide_small_ids_and_reject_typos() -> None:
    assert codes.encode("offer", 1) != codes.encode("offer", 2)
    assert not codes.encode("offer", 1).startswith("0000")
    code = codes.encode("offer", 42)
    typo = ("1" if code[3] != "1" else "2").join((code[:3], code[4:]))
    assert codes.decode("offer", typo) != 42
    for garbage in ("", "ABC", "!!!!!!!!", "ZZZZZZZZZ", "é" * 8):
        assert codes.decode("offer", garbage) is None
    with pytest.raises(ValueError, match="out of range"):
        codes.encode("offer", 0)


def test_macros_encode_values_and_blank_unknown_ones() -> None:
    template = UrlTemplate("https://lp.example/p?t={transaction_id}&s={sub1}&u={unknown}&a={AFFID}")
    url = template.render({"transaction_id": "abc", "sub1": "a b/&?", "network_affiliate_id": 7})
    assert url == "https://lp.example/p?t=abc&s=a%20b%2F%26%3F&u=&a=7"


def test_macro_literals_are_made_header_safe() -> None:
    template = UrlTemplate("https://lp.example/café?x=1\r\nSet-Cookie: a=b&y={sub2}")
    url = template.render({"sub2": "é"})
    assert "\r" not in url
    assert "\n" not in url
    assert " " not in url
    assert url.isascii()
    assert url.startswith("https://lp.example/caf%C3%A9?x=1")
    assert url.endswith("&y=%C3%A9")


def test_parse_query_sorts_columns_routing_and_extras() -> None:
    query = parse_query(
        b"oid=3&affid=7&sub1=first&sub1=second&__cc=SUMMER&utm_source=x&google_aid=g&uid=5"
        b"&creative_id=9&sub2=%E2%82%AC+sign&bad=%FF%FE"
    )
    assert query.columns == {
        "sub1": "first",
        "coupon_code": "SUMMER",
        "google_ad_id": "g",
        "sub2": "€ sign",
    }
    assert query.routing == {"oid": "3", "affid": "7", "uid": "5", "creative_id": "9"}
    assert query.extras == {"__cc": "SUMMER", "utm_source": "x", "bad": "\ufffd\ufffd"}


def test_parse_query_survives_hostile_input() -> None:
    huge = b"sub1=" + b"a" * (MAX_QUERY_BYTES * 2)
    query = parse_query(huge)
    assert len(query.columns["sub1"]) == 1024
    raw = parse_query(b"sub1=\xff\xfe\x00x&sub3=%00y&=&&&k")
    assert raw.columns["sub1"] == "\ufffd\ufffdx"
    assert raw.columns["sub3"] == "y"
    assert raw.extras == {"k": ""}
    many = parse_query(b"&".join(b"p%d=v" % i for i in range(500)))
    assert len(many.extras) == 50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0", None),
        ("-3", None),
        ("abc", None),
        ("99999999999", None),
        ("", None),
        (None, None),
        ("²", None),
        ("2147483648", None),
        ("2147483647", 2147483647),
    ],
)
def test_parse_id(text: str | None, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_client_ip_trusts_forwarded_for_only_from_trusted_proxies() -> None:
    resolver = ClientIpResolver(["10.0.0.0/8", "::1/128"])
    assert resolver.resolve("10.1.2.3", "203.0.113.9, 10.0.0.7") == "203.0.113.9"
    assert resolver.resolve("198.51.100.1", "203.0.113.9") == "198.51.100.1"
    assert resolver.resolve("::1", "2001:db8::1") == "2001:db8::1"
    assert resolver.resolve("10.1.2.3", "garbage, 10.0.0.7") == "10.1.2.3"
    assert resolver.resolve("10.1.2.3", "[2001:db8::2]:443") == "2001:db8::2"
    assert resolver.resolve(None, "1.2.3.4") == ""
    assert normalize("::ffff:192.0.2.1") == "192.0.2.1"
    assert ClientIpResolver([]).resolve("10.1.2.3", "203.0.113.9") == "10.1.2.3"


def test_client_ip_answers_stay_right_past_the_cache_size() -> None:
    resolver = ClientIpResolver(["10.0.0.0/8"])
    for n in range(5000):  # more addresses than the cache keeps
        address = f"203.0.{n // 256}.{n % 256}"
        assert resolver.resolve("10.0.0.1", f"{address}, 10.0.0.2") == address
    assert resolver.resolve("203.0.0.1", "198.51.100.7") == "203.0.0.1"


def test_device_cache_keeps_the_recently_seen_agents_when_full() -> None:
    detector = DeviceDetector(limit=2)
    first, second, third = "agent/1", "agent/2", "agent/3"
    kept = detector.lookup(first)
    dropped = detector.lookup(second)
    assert detector.lookup(first) is kept
    detector.lookup(third)  # full: the least recently seen (second) goes, not everything
    assert detector.lookup(first) is kept
    again = detector.lookup(second)
    assert again is not dropped
    assert again == dropped == {**describe(second), "user_agent": second}


def test_device_description() -> None:
    iphone = describe(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
    )
    assert iphone["platform_name"] == "iOS"
    assert iphone["os_version"] == "17.1"
    assert iphone["brand"] == "Apple"
    assert iphone["model"] == "iPhone"
    assert iphone["browser_name"] == "Safari"
    assert iphone["device_type"] == "Mobile"
    assert iphone["is_mobile"]
    assert not iphone["is_tablet"]
    assert not iphone["is_robot"]
    ipad = describe(
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        " Version/16.6 Mobile/15E148 Safari/604.1"
    )
    assert ipad["device_type"] == "Tablet"
    assert ipad["is_tablet"]
    mac = describe(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1 Safari/605.1.15"
    )
    assert (mac["platform_name"], mac["device_type"]) == ("macOS", "PC")
    bot = describe("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    assert bot["is_robot"]
    assert bot["device_type"] == "Unknown"
    assert describe("curl/8.1.2")["is_robot"]
    assert describe("")["device_type"] == "Unknown"


def test_language_of_accept_language() -> None:
    assert language_of("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert language_of("*") == ""
    assert language_of("EN") == "en"


def test_transaction_ids_are_hex_time_ordered_and_distinct() -> None:
    ids = [new_transaction_id(1_700_000_000 + i) for i in range(2000)]
    assert all(len(t) == 32 and t == t.lower() and int(t, 16) >= 0 for t in ids)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_uniqueness_within_a_batch_and_against_stored_clicks() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    digest = visitor_hash("", "1.2.3.4", "UA", {}, 1, 2)
    assert digest != visitor_hash("", "1.2.3.4", "UA", {}, 1, 3)
    assert visitor_hash("ip", "1.2.3.4", "UA", {}, 1, 2) == visitor_hash(
        "ip", "1.2.3.4", "X", {}, 1, 2
    )
    assert visitor_hash("idfa", "1.2.3.4", "UA", {"idfa": "I"}, 1, 2) == visitor_hash(
        "idfa", "5.6.7.8", "Other", {"idfa": "I"}, 1, 2
    )

    def item(at: datetime, window: int = 3600, h: str = digest) -> SimpleNamespace:
        return SimpleNamespace(row={"visitor_hash": h, "created_at": at}, window=window)

    batch = [item(now), item(now + timedelta(seconds=10)), item(now + timedelta(hours=2))]
    mark_unique(batch, {})
    assert [i.row["is_unique"] for i in batch] == [True, False, True]
    later = [item(now + timedelta(minutes=30))]
    mark_unique(later, {digest: now})
    assert later[0].row["is_unique"] is False
    invalid = [item(now, h="")]
    mark_unique(invalid, {})
    assert invalid[0].row["is_unique"] is False
