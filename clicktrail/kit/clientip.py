"""The visitor's IP address: the TCP peer, or X-Forwarded-For when the peer is a trusted proxy.

``X-Forwarded-For`` is read right to left, skipping addresses of trusted proxies; the first
untrusted address is the client. A header from an untrusted peer is ignored, so a visitor
cannot choose its own IP. IPv4-mapped IPv6 addresses are shown as IPv4. Answers are kept
per address in ``functools.lru_cache`` (C-level, so a hit costs about a dict lookup; ADR 0080).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CACHE_LIMIT = 4096


def _parse(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "1.2.3.4:5678"
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalize(text: str) -> str:
    """``text`` as a canonical IP address, or "" when it is not one."""
    address = _parse(text)
    return "" if address is None else str(address)


class ClientIpResolver:
    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(cidr.strip(), strict=False) for cidr in trusted_proxies
        )
        self._normalize = functools.lru_cache(maxsize=_CACHE_LIMIT)(normalize)
        self._is_trusted = functools.lru_cache(maxsize=_CACHE_LIMIT)(self._trusted)

    def _trusted(self, address: str) -> bool:
        parsed = _parse(address)
        return parsed is not None and any(parsed in net for net in self.networks)

    def trusts(self, peer: str | None) -> bool:
        """Whether ``peer`` is a trusted proxy (its X-Forwarded-* headers are believed)."""
        return bool(peer) and bool(self.networks) and self._is_trusted(peer)

    def resolve(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client IP for a request from ``peer`` carrying ``forwarded_for``."""
        if not peer:
            return ""
        if not self.networks or not forwarded_for or not self._is_trusted(peer):
            return self._normalize(peer)
        for hop in reversed(forwarded_for.split(",")[-32:]):
            address = self._normalize(hop)
            if not address:
                break  # garbage in the chain: trust nothing left of it
            if not self._is_trusted(address):
                return address
        return self._normalize(peer)
