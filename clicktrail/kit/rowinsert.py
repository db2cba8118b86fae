"""Insert complete rows with one driver-level executemany.

SQLAlchemy's Core executemany builds a parameter dict per row and runs each value through
its bind processors inside that loop; on a write path that inserts thousands of wide rows
a second, that bookkeeping costs more than the database does. ``RowInserter`` compiles the
table's INSERT once per dialect, keeps the dialect's own bind processor for each column
(so what reaches the driver is exactly what SQLAlchemy would send), and hands the driver
plain positional tuples.

Every row must carry every column of the table: there are no defaults here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

_Processor = Callable[[Any], Any]


class RowInserter:
    """Driver-level ``INSERT INTO table (every column) VALUES (...)`` for complete rows."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._plans: dict[str, tuple[str, tuple[tuple[str, _Processor | None], ...]]] = {}

    def _plan(self, dialect: Dialect) -> tuple[str, tuple[tuple[str, _Processor | None], ...]]:
        plan = self._plans.get(dialect.name)
        if plan is None:
            columns = {column.key: column for column in self._table.columns}
            compiled = insert(self._table).compile(dialect=dialect, column_keys=list(columns))
            order = compiled.positiontup
            if order is None:  # a named paramstyle: not one of the drivers clicktrail uses
                raise RuntimeError(f"{dialect.name}: positional parameters expected")
            steps = tuple(
                (name, columns[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in order
            )
            plan = self._plans[dialect.name] = (compiled.string, steps)
        return plan

    async def insert(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` on the session's connection, in its transaction."""
        if not rows:
            return
        connection = await session.connection()
        sql, steps = self._plan(connection.dialect)
        params = [
            tuple(
                row[name] if process is None or row[name] is None else process(row[name])
                for name, process in steps
            )
            for row in rows
        ]
        await connection.exec_driver_sql(sql, params)
