"""SQLAlchemy's aiosqlite dialect with one thread hop per statement (ADR 0113).

aiosqlite runs every call on its connection's thread and hands the result back to the event
loop. SQLAlchemy's adapter makes four such calls per statement (open a cursor, execute,
fetch the rows, close the cursor), so a read transaction with one query costs eight hops,
and each hop is a thread wake-up both ways. This dialect runs a statement's whole cursor
life (open, execute, fetch, close) as one call on the connection's thread and keeps what
SQLAlchemy later asks for (rows, description, rowcount, last row id) on the adapter cursor.

Server-side cursors (``stream`` results) keep aiosqlite's own cursor. The dialect is
registered as ``sqlite+clicktrail_aiosqlite``; :class:`clicktrail.db.Database` uses it for
``sqlite+aiosqlite`` URLs.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import immutabledict
from sqlalchemy.util.concurrency import await_

DRIVER = "clicktrail_aiosqlite"

_Outcome = tuple[list[Any] | None, Any, int, int | None]


def _run(
    conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """One statement's cursor life (after the transaction's BEGIN, when it is the first),
    on the connection's thread."""
    cursor = conn.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement runs in one call on the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No aiosqlite cursor: _run opens and closes a sqlite3 one per statement.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = immutabledict()
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        return None

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._one_hop(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._one_hop(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _one_hop(self, operation: Any, parameters: Any, *, many: bool) -> None:
        adapted = self._adapt_connection
        assert isinstance(adapted, OneHopConnection)
        async with adapted._execute_mutex:
            begin, adapted.pending_begin = adapted.pending_begin, None
            adapted.sent = True
            call: Any = self._connection  # aiosqlite's Connection
            rows, description, rowcount, lastrowid = await call._execute(
                _run, call._conn, begin, operation, parameters, many
            )
        self._rows = collections.deque(rows) if rows is not None else collections.deque()
        self._description = description
        self._rowcount = rowcount
        self._lastrowid = lastrowid

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def fetchall(self) -> Sequence[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """The adapted connection. ``begin()`` defers the transaction's BEGIN to the first
    statement's call; a transaction that ran no statement ends without a call at all."""

    __slots__ = ("pending_begin", "sent")
    _cursor_cls = OneHopCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None
        #: A statement ran since the last COMMIT or ROLLBACK (else there is nothing to end).
        self.sent = False

    def begin(self, statement: str) -> None:
        self.pending_begin = statement

    async def driver(self) -> Any:
        """The aiosqlite connection, for a caller that runs statements on it itself: the
        transaction's deferred BEGIN is sent first."""
        begin, self.pending_begin = self.pending_begin, None
        self.sent = True
        if begin is not None:
            await self._connection.execute(begin)
        return self._connection

    def rollback(self) -> None:
        self.pending_begin = None
        if self.sent:
            self.sent = False
            super().rollback()

    def commit(self) -> None:
        self.pending_begin = None
        if self.sent:
            self.sent = False
            super().commit()


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    def connect(self, *arg: Any, **kw: Any) -> Any:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(adapted.dbapi, adapted._connection)


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")
