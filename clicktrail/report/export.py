"""CSV export of the aggregated report, streamed row by row.

One header line, then one line per table row (no 10,000-row cap): for each requested
column its ``<column>_id`` and ``<column>`` (label), then every metric of the realm in the
JSON order. Money and rates are written as in the JSON body, as numbers; every text cell
is quoted and neutralised for spreadsheets (``kit.csvcell``: a sub1 of ``=HYPERLINK(…)``
is written ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from fastapi.responses import StreamingResponse

from clicktrail.kit import csvcell
from clicktrail.report import service

_FLUSH_EVERY = 500


def _lines(report: service.Report, affiliate: bool) -> Iterator[str]:
    shape = service.metric_shape(affiliate)
    metric_names = list(shape([0] * len(report.total)))
    buffer = io.StringIO()
    writer = csvcell.writer(buffer)
    header: list[str] = []
    for column in report.plan.columns:
        header += [f"{column.name}_id", column.name]
    writer.writerow(csvcell.cells(header + metric_names))
    for count, (key, sums) in enumerate(report.rows, start=1):
        cells: list[Any] = []
        for cell in service.row_columns(report, key):
            cells += [cell["id"], cell["label"]]
        values = shape(sums)
        writer.writerow(csvcell.cells(cells) + [values[m] for m in metric_names])
        if count % _FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(report: service.Report, *, affiliate: bool) -> StreamingResponse:
    return StreamingResponse(
        _lines(report, affiliate),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="entity-report.csv"'},
    )
