"""Fires one postback: a GET over one shared aiohttp session, with strict limits.

One ``ClientSession`` per process (connection pooling, keep-alive, DNS cache); the total
time of an attempt, the redirects followed and the bytes of body read are all bounded. A
result never raises: every outcome, including a refused connection or a blocked address,
comes back as an ``AttemptResult`` for the delivery's record.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import aiohttp

from clicktrail import __version__
from clicktrail.config import Settings
from clicktrail.kit.timeutil import utcnow
from clicktrail.postback.guard import BlockedAddress, GuardedResolver, check_destination

REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Response headers worth keeping in debug_information.
KEPT_HEADERS = ("Server", "Content-Type", "Location")
EXCERPT_CHARS = 1024


@dataclass(slots=True)
class AttemptResult:
    url: str
    started_at: datetime
    status_code: int | None = None
    duration_ms: int = 0
    error: str = ""
    excerpt: str = ""
    headers: str = ""
    final_url: str = ""
    blocked: bool = False

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300

    def debug_information(self) -> str:
        """Everflow's debug_information text, with clicktrail's extra lines at the end."""
        status = "" if self.status_code is None else str(self.status_code)
        lines = [
            f"PostbackUrl: {self.url}",
            f"Status: {status}",
            "Scheme: ",
            "Path: ",
            "Authority: ",
            f"Headers: {self.headers}",
            f"Duration: {self.duration_ms}ms",
        ]
        if self.final_url and self.final_url != self.url:
            lines.append(f"FinalUrl: {self.final_url}")
        if self.error:
            lines.append(f"Error: {self.error}")
        if self.excerpt:
            lines.append(f"Body: {self.excerpt}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class SenderLimits:
    timeout_seconds: float = 10.0
    max_redirects: int = 3
    max_response_bytes: int = 8192
    concurrency: int = 256
    allow_private: bool = False

    @classmethod
    def of(cls, settings: Settings) -> SenderLimits:
        """The limits the settings give every postback attempt."""
        return cls(
            timeout_seconds=settings.postback_timeout_seconds,
            max_redirects=settings.postback_max_redirects,
            max_response_bytes=settings.postback_max_response_bytes,
            concurrency=settings.postback_concurrency,
            allow_private=settings.postback_allow_private,
        )


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body, and whether the whole body was read."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), response.content.at_eof()


def _error_text(exc: BaseException, timeout: float) -> tuple[str, bool]:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"timeout: no complete answer within {timeout:g}s", False
    if isinstance(exc, BlockedAddress):
        return str(exc), True
    if isinstance(exc, aiohttp.ClientConnectorError):
        cause = exc.os_error
        if isinstance(cause, BlockedAddress):
            return str(cause), True
        return f"connection failed: {cause.strerror or cause}", False
    if isinstance(exc, aiohttp.ClientError):
        return f"{type(exc).__name__}: {exc}", False
    if isinstance(exc, ValueError):
        return str(exc), False
    return f"{type(exc).__name__}: {exc}", False


class PostbackSender:
    """Owns the shared aiohttp session; ``send(url)`` makes one attempt."""

    def __init__(self, limits: SenderLimits) -> None:
        self.limits = limits
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is not None:
            return
        resolver = None if self.limits.allow_private else GuardedResolver()
        connector = aiohttp.TCPConnector(
            limit=self.limits.concurrency,
            limit_per_host=0,
            ttl_dns_cache=60,
            resolver=resolver,
            enable_cleanup_closed=True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout_seconds),
            headers={"User-Agent": f"clicktrail-postback/{__version__}"},
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(
        self, url: str, *, post: bytes | None = None, headers: dict[str, str] | None = None
    ) -> AttemptResult:
        """One attempt: a GET of ``url``, or with ``post`` a POST of those bytes (a webhook:
        its redirects are not followed, a 3xx is its answer)."""
        await self.start()
        assert self._session is not None
        result = AttemptResult(url=url, started_at=utcnow())
        began = time.perf_counter()
        try:
            # The session's ClientTimeout(total=…) bounds each hop.
            await self._follow(self._session, url, result, post=post, headers=headers)
        except Exception as exc:
            result.error, result.blocked = _error_text(exc, self.limits.timeout_seconds)
        result.duration_ms = int((time.perf_counter() - began) * 1000)
        return result

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        url: str,
        result: AttemptResult,
        *,
        post: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            check_destination(current, allow_private=self.limits.allow_private)
            result.final_url = current
            request = (
                session.get(current, allow_redirects=False)
                if post is None
                else session.post(current, data=post, headers=headers, allow_redirects=False)
            )
            async with request as response:
                result.status_code = response.status
                result.headers = " ".join(
                    f"{name}: [{response.headers[name]}]"
                    for name in KEPT_HEADERS
                    if name in response.headers
                )
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location and post is None:
                    current = urljoin(current, location)
                    continue
                limit = self.limits.max_response_bytes
                length = response.content_length
                if length is not None and length <= limit:
                    body, complete = await response.read(), True
                else:
                    body, complete = await _read_limited(response, limit)
                if not complete:
                    response.close()  # drop the connection rather than drain a huge body
                result.excerpt = body[:EXCERPT_CHARS].decode("utf-8", "replace")
                return
        result.error = f"too many redirects (more than {self.limits.max_redirects})"
