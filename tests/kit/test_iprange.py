"""IP ranges: strict CIDR parsing, merged lookups in v4 and v6, mapped addresses."""

from __future__ import annotations

import pytest

from clicktrail.kit.iprange import IpRanges, parse_network


def test_lookup_in_merged_ranges() -> None:
    ranges = IpRanges(
        parse_network(text)
        for text in ("10.0.0.0/8", "10.1.0.0/16", "192.0.2.7", "2001:db8::/32", "11.0.0.0/8")
    )
    assert "10.255.255.255" in ranges
    assert "11.0.0.1" in ranges  # adjacent ranges merged
    assert "12.0.0.0" not in ranges
    assert "192.0.2.7" in ranges
    assert "192.0.2.8" not in ranges
    assert "2001:db8:ffff::1" in ranges
    assert "2001:db9::" not in ranges
    assert "::ffff:10.2.3.4" in ranges  # an IPv4-mapped IPv6 address is the IPv4 one
    assert "" not in ranges
    assert "not-an-ip" not in ranges
    assert "10.0.0.1" not in IpRanges([])


@pytest.mark.parametrize("text", ["", "10.0.0.0/33", "10.0.0.1/8", "300.1.1.1", "fe80::/129"])
def test_bad_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_network(text)
