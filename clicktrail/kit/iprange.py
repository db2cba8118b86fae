"""IP address ranges (CIDR, v4 and v6) and a fast "is this address in any of them?".

:func:`parse_network` reads one address or CIDR range strictly (host bits set is an error,
so "10.0.0.1/24" is refused rather than silently widened). :class:`IpRanges` keeps a set of
ranges as sorted, merged integer intervals per IP version: a lookup is one address parse
and one binary search, whatever the number of ranges.
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(text: str) -> IPNetwork:
    """One IPv4/IPv6 address or CIDR range; ValueError saying why when it is neither."""
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


class IpRanges:
    """A set of address ranges; ``address in ranges`` for an address given as text."""

    __slots__ = ("_v4", "_v6")

    def __init__(self, networks: Iterable[IPNetwork]) -> None:
        v4: list[tuple[int, int]] = []
        v6: list[tuple[int, int]] = []
        for network in networks:
            span = (int(network.network_address), int(network.broadcast_address))
            (v4 if network.version == 4 else v6).append(span)
        self._v4 = _merged(v4)
        self._v6 = _merged(v6)

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str) or not address:
            return False
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        if parsed.version == 6:
            mapped = parsed.ipv4_mapped
            if mapped is not None:
                parsed = mapped
        starts, ends = self._v4 if parsed.version == 4 else self._v6
        value = int(parsed)
        index = bisect.bisect_right(starts, value) - 1
        return index >= 0 and value <= ends[index]
