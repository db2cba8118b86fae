"""Where a postback may go: http(s) URLs only and, unless allowed, only public addresses.

The address check runs at send time on the *resolved* address (``GuardedResolver``), so a
public-looking name that resolves to 127.0.0.1 or 169.254.169.254 is refused, and on the
literal IP of every hop (aiohttp does not resolve literals, and redirects are followed by
the sender one hop at a time so each one is checked).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

SCHEMES = ("http", "https")
SCHEME_PREFIXES = ("http://", "https://")
_BLANK = re.compile(r"[\s\x00-\x1f]")


class BlockedAddress(OSError):
    """The destination resolves to an address postbacks may not reach."""


def _problem(url: str) -> tuple[str | None, SplitResult | None]:
    if _BLANK.search(url):
        return "must not contain whitespace or control characters", None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return "is not a valid URL", None
    if parts.scheme.lower() not in SCHEMES:
        return "must start with http:// or https://", None
    if not parts.hostname:
        return "has no host", None
    return None, parts


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable postback URL, or None when it is."""
    return _problem(url)[0]


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses (not loopback, private, link-local…)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@lru_cache(maxsize=4096)
def _literal(host: str) -> tuple[bool, bool]:
    """(is a literal IP address, is public) for a URL's host."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False, False
    return True, is_public(host)


def literal_host(url: str) -> str | None:
    """The URL's host when it is a literal IP address."""
    host = urlsplit(url).hostname or ""
    return host if _literal(host)[0] else None


def check_destination(url: str, *, allow_private: bool) -> None:
    """Raise BlockedAddress (or ValueError for a bad URL) before a request to ``url``."""
    if allow_private:
        if not url[:8].lower().startswith(SCHEME_PREFIXES):
            raise ValueError("URL must start with http:// or https://")
        return
    problem, parts = _problem(url)
    if problem or parts is None:
        raise ValueError(f"URL {problem}")
    host = parts.hostname or ""
    literal, public = _literal(host)
    if literal and not allow_private and not public:
        raise BlockedAddress(f"blocked: {host} is not a public address")


class GuardedResolver(AbstractResolver):
    """Resolves names and drops every non-public address; none left -> BlockedAddress."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if is_public(r["host"])]
        if not allowed:
            seen = ", ".join(sorted({r["host"] for r in results})) or "nothing"
            raise BlockedAddress(f"blocked: {host} resolves to {seen}, not a public address")
        return allowed

    async def close(self) -> None:
        await self._inner.close()
