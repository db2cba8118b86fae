"""Insert complete rows with one driver-level executemany.

SQLAlchemy's Core executemany builds a parameter dict per row and runs each value through
its bind processors inside that loop; on a write path that inserts thousands of wide rows
a second, that bookkeeping costs more than the database does. ``RowInserter`` compiles the
table's INSERT once per dialect, keeps the dialect's own bind processor for each column
(so what reaches the driver is exactly what SQLAlchemy would send), and hands the driver
plain positional tuples.

Every row must carry every column of the table: there are no defaults here. Within one
call, a datetime column converts each distinct value once (a batch's rows mostly share
their timestamps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

_Processor = Callable[[Any], Any]
#: (column, its bind processor or None, whether to convert each distinct value once)
_Step = tuple[str, _Processor | None, bool]


class RowInserter:
    """Driver-level ``INSERT INTO table (every column) VALUES (...)`` for complete rows."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._plans: dict[str, tuple[str, tuple[_Step, ...]]] = {}

    def _plan(self, dialect: Dialect) -> tuple[str, tuple[_Step, ...]]:
        plan = self._plans.get(dialect.name)
        if plan is None:
            columns = {column.key: column for column in self._table.columns}
            compiled = insert(self._table).compile(dialect=dialect, column_keys=list(columns))
            order = compiled.positiontup
            if order is None:  # a named paramstyle: not one of the drivers clicktrail uses
                raise RuntimeError(f"{dialect.name}: positional parameters expected")
            steps = tuple(
                (
                    name,
                    columns[name].type.dialect_impl(dialect).bind_processor(dialect),
                    _python_type(columns[name].type) is datetime,
                )
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
        seen: dict[tuple[str, Any], Any] = {}
        params = []
        for row in rows:
            values = []
            for name, process, once in steps:
                value = row[name]
                if process is not None and value is not None:
                    if once:
                        key = (name, value)
                        converted = seen.get(key, seen)
                        if converted is seen:
                            converted = seen[key] = process(value)
                        value = converted
                    else:
                        value = process(value)
                values.append(value)
            params.append(tuple(values))
        await connection.exec_driver_sql(sql, params)


def _python_type(type_: Any) -> type | None:
    try:
        return type_.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None
