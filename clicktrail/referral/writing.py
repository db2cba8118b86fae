"""Referral conversions through the conversion writer (ADR 0107).

``POST /v1/conversions`` does no database work of its own: the endpoint checks the body,
hands it to the process's conversion writer as a ``referral_conversion`` job (a plain
payload: it may cross the pipe to the writer process) and answers once the batch holding
it committed. The writer runs ``handle`` on each batch's referral conversions, in the
batch's transaction (``batch.record_batch``), and answers each with its status code and
Affonso conversion object, or with the error that refused it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import jobs
from clicktrail.conversion.jobs import Job
from clicktrail.conversion.writer import DraftRecorder, WriterStopped, running_writer
from clicktrail.errors import ClicktrailError
from clicktrail.referral import affonso
from clicktrail.referral.affonso_schemas import ConversionIn
from clicktrail.referral.batch import record_batch
from clicktrail.referral.commission import check
from clicktrail.state import AppState

KIND = "referral_conversion"
#: The components key of the process's conversion writer (conversion/writer_process.py).
WRITER = "conversion_writer"


class WriterUnavailable(ClicktrailError):
    """The conversion writer is not running (starting, stopping, or its process died)."""

    status_code = 503
    code = "SERVICE_UNAVAILABLE"


def payload(body: ConversionIn) -> dict[str, Any]:
    """The body as plain values (money as text, times in ISO 8601: both round-trip)."""
    values = body.model_dump()
    values["sale_amount"] = str(body.sale_amount)
    if body.created_at is not None:
        values["created_at"] = body.created_at.isoformat()
    return values


def body_of(values: dict[str, Any]) -> ConversionIn:
    """The body back from ``payload`` (validated once already, by the endpoint)."""
    fields = dict(values)
    fields["sale_amount"] = Decimal(fields["sale_amount"])
    if fields.get("created_at") is not None:
        fields["created_at"] = datetime.fromisoformat(fields["created_at"])
    return ConversionIn.model_construct(**fields)


async def handle(session: AsyncSession, payloads: Sequence[Any]) -> list[object]:
    """A batch's referral conversions: ``(status code, conversion object)`` each, or the
    ``ClicktrailError`` that refused it."""
    outcomes = await record_batch(session, [body_of(p) for p in payloads])
    return [
        one
        if isinstance(one, ClicktrailError)
        else (
            200 if one.replayed else 201,
            affonso.conversion_object(one.commission, replayed=one.replayed),
        )
        for one in outcomes
    ]


def register() -> None:
    """Make ``handle`` the writer's handler of referral conversions (done on import, so
    that the writer process, which imports this module by name, has it too)."""
    jobs.register(KIND, handle)


register()


async def record(state: AppState, body: ConversionIn) -> tuple[int, dict[str, Any]]:
    """Record one referral conversion through the writer: (status code, conversion object),
    returned once it is committed."""
    check(body)
    writer = cast("DraftRecorder | None", state.components.get(WRITER)) or running_writer()
    if writer is None:
        raise WriterUnavailable("conversion writer is not running")
    try:
        status, data = await writer.run(Job(KIND, payload(body)))
    except WriterStopped as exc:
        raise WriterUnavailable(str(exc)) from exc
    return int(status), cast("dict[str, Any]", data)
