"""Changing a recorded conversion, and the history that keeps every change (ADR 0098).

Public API (each takes the caller's session and never commits):

* ``change_status(session, conversion_ids, status, *, note="")``: approve or reject.
* ``adjust(session, conversion_id, change)``: set the payout, revenue and/or sale amount.
* ``history(session, conversion_id)``: the conversion's changes, oldest first.

Everflow lets three things change after a conversion is recorded: its status, its payout and
revenue, its sale amount, and each update makes an entry in the conversion's history. Here
each changed field is one ``conversion_change`` row with the acting API key, console user or
job (``auth.actor.current_actor``), the old and new value and the note. In the caller's
transaction, a change also moves the reports (the row's old contribution -1 through the
``ReportStore``, its new one +1) and tells the postback outbox: a status change enqueues or
cancels the affiliate's postbacks (``outbox.on_status_change``) and notifies the network's
webhook endpoints (``webhook.outbox.on_status_change``, ADR 0105); a money-only change never
fires one again, it only re-renders postbacks not yet sent so they carry the new amounts.
So a change, its history, its reports and its postbacks commit or roll back together, and a
bulk change with one unknown id writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.auth.actor import current_actor
from clicktrail.conversion import repository
from clicktrail.conversion.reasons import Reason
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.ids import is_hex_id
from clicktrail.kit.money import check_money
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, ConversionChange
from clicktrail.postback import outbox
from clicktrail.report.store import store
from clicktrail.webhook import outbox as webhook_outbox

__all__ = ["AMOUNTS", "NOTE_MAX", "STATUSES", "Adjustment", "adjust", "change_status", "history"]

#: The statuses a change may set (Everflow: never back to pending or invalid).
STATUSES = ("approved", "rejected")
#: The money fields an adjustment may set, in the order they are shown.
AMOUNTS = ("payout", "revenue", "sale_amount")
#: The longest note kept with a change.
NOTE_MAX = 1000
#: Money fields Everflow changes only on an approved conversion (its payoutrevenue call).
_APPROVED_ONLY = frozenset({"payout", "revenue"})


@dataclass(frozen=True, slots=True)
class Adjustment:
    """New amounts for one conversion; ``None`` leaves a field as it is."""

    payout: Decimal | None = None
    revenue: Decimal | None = None
    sale_amount: Decimal | None = None
    #: Everflow's ``is_event``: when given, it must say what the conversion is.
    is_event: bool | None = None
    note: str = ""


def value_text(value: Decimal | str) -> str:
    """How a history row holds a value: a status as is, money as its exact decimal."""
    if isinstance(value, str):
        return value
    return format(value.normalize(), "f")


def _check_note(note: str) -> str:
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"notes must be at most {NOTE_MAX} characters", field="notes")
    if "\x00" in note:
        raise ValidationFailed("notes must not contain NUL characters", field="notes")
    return note.strip()


def _changes(
    conversion: Conversion, fields: Sequence[tuple[str, str, str]], note: str
) -> list[ConversionChange]:
    actor = current_actor()
    now = conversion.updated_at
    return [
        ConversionChange(
            conversion_id=conversion.conversion_id,
            changed_at=now,
            actor_type=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label[:255],
            field=name,
            old_value=old,
            new_value=new,
            note=note,
        )
        for name, old, new in fields
    ]


async def change_status(
    session: AsyncSession, conversion_ids: Sequence[str], status: str, *, note: str = ""
) -> list[Conversion]:
    """Set ``status`` (approved or rejected) on these conversions; returns those it changed.

    Every id is checked before anything is written: an unknown one raises NotFound and the
    batch changes nothing. Rejecting records Everflow's "Manually Rejected" (error code 9);
    approving clears a previous manual rejection. Unchanged rows are left alone and get no
    history row.
    """
    if status not in STATUSES:
        raise ValidationFailed("status must be approved or rejected", field="conversion_status")
    note = _check_note(note)
    rows = await repository.get_many(session, set(conversion_ids), lock=True)
    found = {row.conversion_id for row in rows}
    missing = [cid for cid in conversion_ids if cid not in found]
    if missing:
        raise NotFound(f"conversion {missing[0]} not found", field="conversion_id")
    now = utcnow()
    changed = [conversion for conversion in rows if conversion.status != status]
    if not changed:
        return []
    old_statuses = [conversion.status for conversion in changed]
    await store().record_conversions(session, changed, -1)
    for conversion in changed:
        conversion.status = status
        conversion.updated_at = now
        if status == "rejected" and conversion.error_code == 0:
            conversion.error_code = int(Reason.MANUALLY_REJECTED)
            conversion.error_message = Reason.MANUALLY_REJECTED.message
        elif status == "approved" and conversion.error_code == Reason.MANUALLY_REJECTED:
            conversion.error_code = 0
            conversion.error_message = ""
    await session.flush()
    await store().record_conversions(session, changed, +1)
    for conversion, old_status in zip(changed, old_statuses, strict=True):
        await outbox.on_status_change(session, conversion, old_status, now=now)
        session.add_all(_changes(conversion, [("status", old_status, status)], note))
    await webhook_outbox.on_status_change(
        session, list(zip(changed, old_statuses, strict=True)), now=now
    )
    return changed


async def adjust(session: AsyncSession, conversion_id: str, change: Adjustment) -> list[str]:
    """Set the amounts ``change`` gives on one conversion; returns the fields it changed.

    Amounts are checked first (each a money value, 400 naming the field), then the
    conversion (404 naming ``conversion_id``), so a refused change writes nothing. Payout and
    revenue change only on an approved conversion, as Everflow's call says; the sale amount
    on any. Values equal to the stored ones are no change: a repeated request changes nothing
    and adds no history.
    """
    wanted = {name: getattr(change, name) for name in AMOUNTS}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if not wanted:
        raise ValidationFailed("give payout, revenue or sale_amount to change", field="payout")
    for name, value in wanted.items():
        try:
            wanted[name] = check_money(value)
        except ValueError as exc:
            raise ValidationFailed(f"{name} {exc}", field=name) from None
    note = _check_note(change.note)
    key = conversion_id.lower()
    conversion = await repository.get(session, key, lock=True) if is_hex_id(key) else None
    if conversion is None:
        raise NotFound(f"conversion {conversion_id} not found", field="conversion_id")
    if change.is_event is not None and change.is_event != conversion.is_event:
        kind = "an event" if conversion.is_event else "a base conversion"
        raise ValidationFailed(
            f"is_event does not match: the conversion is {kind}", field="is_event"
        )
    fields = [
        (name, value_text(getattr(conversion, name)), value_text(value))
        for name, value in wanted.items()
        if value != getattr(conversion, name)
    ]
    if not fields:
        return []
    held = [name for name, _, _ in fields if name in _APPROVED_ONLY]
    if held and conversion.status != "approved":
        raise ValidationFailed(
            f"conversion {key} is {conversion.status}: only an approved conversion's payout "
            "and revenue can be changed",
            field=held[0],
        )
    await store().record_conversions(session, [conversion], -1)
    for name, _, _ in fields:
        setattr(conversion, name, wanted[name])
    conversion.updated_at = utcnow()
    await session.flush()
    await store().record_conversions(session, [conversion], +1)
    await outbox.on_amount_change(session, conversion)
    session.add_all(_changes(conversion, fields, note))
    return [name for name, _, _ in fields]


async def history(session: AsyncSession, conversion_id: str) -> list[ConversionChange]:
    """The changes of one conversion, oldest first."""
    return await repository.changes_of(session, conversion_id)
