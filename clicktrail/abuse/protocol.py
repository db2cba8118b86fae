"""uvicorn's httptools protocol with limits on the request head (ADR 0063).

uvicorn bounds neither the URL, nor the number or size of headers (httptools buffers a
10 MB header whole), nor the time a client takes to send them. This subclass, passed as
``http=`` in uvicorn's Config by ``clicktrail serve``, answers and closes the connection:

- ``414`` when the request target is longer than ``CLICKTRAIL_MAX_URL_BYTES``;
- ``431`` when the head is larger than ``CLICKTRAIL_MAX_HEADER_BYTES`` or has more than
  ``CLICKTRAIL_MAX_HEADERS`` fields (counted as the bytes arrive, so memory stays bounded);
- ``408`` when the head has not arrived ``CLICKTRAIL_HEADER_TIMEOUT_SECONDS`` after the
  connection opened or the request began (a connection that sent nothing is just closed).

The limits are read from the environment (``get_settings()``), so worker processes of
``serve --workers N`` apply them too. They hold only under ``clicktrail serve``; another ASGI
server in front must bring its own.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from clicktrail.config import get_settings


class HeadRefused(Exception):
    """Raised from a parser callback to stop parsing a request that broke a limit."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


#: After a refusal, how long the rest of what the client sends is read and dropped before
#: the connection is closed (closing with unread input makes the kernel send a reset, which
#: can destroy the answer before the client reads it; nginx's lingering_close does the same).
LINGER_SECONDS = 2.0
#: A head timer that wakes this close to its deadline counts it as reached (loop timers
#: have millisecond granularity under uvloop; waking early must not spin).
_TIMER_SLACK = 0.001


class LingeringTransport(asyncio.Transport):
    """The connection's transport, whose ``close()`` first sends the end of the answer
    (``write_eof``) and drops input until the client closes or ``LINGER_SECONDS`` pass."""

    def __init__(self, real: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.real = real
        self.loop = loop
        self.lingering = False

    def close(self) -> None:
        if self.lingering or self.real.is_closing() or not self.real.can_write_eof():
            self.real.close()
            return
        self.lingering = True
        self.real.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.real.close)

    def is_closing(self) -> bool:
        return self.lingering or self.real.is_closing()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.real.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self.real.writelines(list_of_data)

    def write_eof(self) -> None:
        self.real.write_eof()

    def can_write_eof(self) -> bool:
        return self.real.can_write_eof()

    def abort(self) -> None:
        self.real.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.real.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self.real.pause_reading()

    def resume_reading(self) -> None:
        self.real.resume_reading()

    def is_reading(self) -> bool:
        return self.real.is_reading()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.real.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        return self.real.get_write_buffer_size()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.real.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.real.get_protocol()


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_url_bytes = settings.max_url_bytes
        self.max_header_bytes = settings.max_header_bytes
        self.max_headers = settings.max_headers
        self.header_timeout = settings.header_timeout_seconds
        self._in_head = True
        self._head_bytes = 0
        self._url_bytes = 0
        self._header_count = 0
        self._refusal: HeadRefused | None = None
        self.lingering: LingeringTransport
        self._head_timer: asyncio.TimerHandle | None = None
        #: When the head being read must be complete (loop time); None: the clock is stopped.
        self._head_deadline: float | None = None

    # --- the head's clock -------------------------------------------------------------
    # One timer per connection, not one per request: arming the clock sets a deadline, and
    # a timer is scheduled only when none is pending. A timer that fires before the current
    # deadline (set by a later request) schedules itself again for the rest; one that finds
    # the clock stopped just ends. A keep-alive connection thus pays a clock read per
    # request instead of scheduling and cancelling a timer.
    def _arm(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.time() + self.header_timeout
            if self._head_timer is None:
                self._head_timer = self.loop.call_at(self._head_deadline, self._head_timeout)

    def _disarm(self) -> None:
        self._head_deadline = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        deadline = self._head_deadline
        if deadline is None:
            return  # the clock stopped since this timer was scheduled
        if deadline - self.loop.time() > _TIMER_SLACK:  # moved by a later request: wait more
            self._head_timer = self.loop.call_at(deadline, self._head_timeout)
            return
        self._head_deadline = None
        if not self._in_head or self.transport.is_closing():
            return
        if self._head_bytes == 0:
            self.transport.close()  # an idle connection: nothing to answer
            return
        self._refuse(HeadRefused(408, "Request head not received in time."))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.lingering = LingeringTransport(transport, self.loop)
        super().connection_made(self.lingering)
        self._arm()

    def eof_received(self) -> None:
        if self.lingering.lingering:
            self.lingering.real.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    # --- counting -----------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self.lingering.lingering:
            return  # answered already: the rest is dropped
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if (
            self._in_head
            and self._head_bytes > self.max_header_bytes
            and not self.transport.is_closing()
        ):
            self._refuse(HeadRefused(431, "Request header fields too large."))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._url_bytes = 0
        self._header_count = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        if self._url_bytes > self.max_url_bytes:
            raise self._stop(HeadRefused(414, "Request URI too long."))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.max_headers:
            raise self._stop(HeadRefused(431, "Too many request header fields."))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    # --- refusing -------------------------------------------------------------------------
    def _stop(self, refusal: HeadRefused) -> HeadRefused:
        """Remember why a callback stops the parser (httptools wraps what it raises)."""
        self._refusal = refusal
        return refusal

    def send_400_response(self, msg: str) -> None:
        """uvicorn calls this when the parser fails, also when a callback above raised."""
        if self._refusal is not None:
            self._refuse(self._refusal)
            return
        super().send_400_response(msg)

    def _refuse(self, refusal: HeadRefused) -> None:
        self._disarm()
        body = refusal.message.encode("ascii")
        phrase = HTTPStatus(refusal.status).phrase.encode("ascii")
        head = b"HTTP/1.1 %d %s\r\n" % (refusal.status, phrase)
        headers = (
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
        )
        self.transport.write(head + headers + body)
        self.transport.close()
