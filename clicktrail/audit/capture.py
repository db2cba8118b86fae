"""Record every ORM change of an audited table in the same transaction (ADR 0086).

One ``after_flush`` listener on the write sessions of the process's database (installed by
``create_app`` and the CLI), instead of a line in every service: after a
flush the new rows have their ids and every object still carries its attribute history, so
the listener knows what was created, changed (old and new values) and deleted. It writes
the audit rows with Core statements on the flush's connection: they commit or roll back
with the change, and they fire no ORM event themselves.

A request may flush several times (an offer's payout/revenue entries get their event ids in
a second flush). Within one transaction, later changes of the same entity are folded into
its first audit row, so one API call is one row per entity: a create stays a create with
its final values, a change undone within the call leaves no row.

Writes that bypass the ORM's unit of work (Core INSERT/UPDATE: the click writer, the
conversion writer's batches, rollups, ``last_used_at``) are never seen here, by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, event, insert, update
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from clicktrail.audit.policy import AUDITED, BOOKKEEPING, Audited, classify, is_secret, recorded
from clicktrail.auth.actor import current_actor
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import AuditEntry

#: ``session.info`` key: the audit rows this transaction wrote, by entity.
_WRITTEN = "clicktrail_audit_written"
#: ``session.info`` key set on the sessions of an installed database.
_AUDITED = "clicktrail_audited"
_TABLE = cast(Table, AuditEntry.__table__)
_ID = _TABLE.c.audit_entry_id


@dataclass(frozen=True, slots=True)
class Change:
    policy: Audited
    entity_id: str
    operation: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class _Written:
    row_id: int
    change: Change


def _row(row_id: int) -> ColumnElement[bool]:
    return _ID.__eq__(row_id)


def _columns(state: InstanceState[Any]) -> list[tuple[str, str]]:
    return [(prop.key, prop.columns[0].name) for prop in state.mapper.column_attrs]


def _entity_id(state: InstanceState[Any]) -> str:
    mapper = state.mapper
    parts = [state.dict.get(mapper.get_property_by_column(c).key) for c in mapper.primary_key]
    return ":".join(str(part) for part in parts)[:64]


def _snapshot(state: InstanceState[Any]) -> dict[str, Any]:
    return {
        name: recorded(name, state.dict[key]) for key, name in _columns(state) if key in state.dict
    }


def _update(state: InstanceState[Any], policy: Audited) -> Change | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, name in _columns(state):
        if name in BOOKKEEPING:
            continue
        history = state.attrs[key].history
        if not history.added:
            continue
        new = history.added[0]
        old = history.deleted[0] if history.deleted else None
        if history.deleted and old == new:
            continue
        before[name] = recorded(name, old)
        after[name] = recorded(name, new)
    operation = classify(policy, set(after), after)
    if operation is None:
        return None
    return Change(policy, _entity_id(state), operation, before, after)


def changes_of(session: Session, flush: UOWTransaction) -> list[Change]:
    """What this flush did to audited tables."""
    found: list[Change] = []
    new = session.new
    for state, (is_delete, list_only) in flush.states.items():
        if list_only:
            continue
        policy = AUDITED.get(state.mapper.local_table.name)
        obj = state.obj()
        if policy is None or obj is None:
            continue
        if is_delete or obj in new:
            if not policy.status_only:
                snapshot = _snapshot(state)
                before, after = (snapshot, None) if is_delete else (None, snapshot)
                operation = "delete" if is_delete else "create"
                found.append(Change(policy, _entity_id(state), operation, before, after))
            continue
        change = _update(state, policy)
        if change is not None:
            found.append(change)
    return found


def fold(first: Change, later: Change) -> Change | None:
    """One change standing for ``first`` then ``later`` of the same entity in one
    transaction; None when together they changed nothing."""
    if first.operation == "create":
        if later.operation == "delete":
            return None
        return Change(
            first.policy,
            first.entity_id,
            "create",
            None,
            {**(first.after or {}), **(later.after or {})},
        )
    if later.operation == "delete":
        before = {**(later.before or {}), **(first.before or {})}
        return Change(first.policy, first.entity_id, "delete", before, None)
    before = {**(later.before or {}), **(first.before or {})}
    after = {**(first.after or {}), **(later.after or {})}
    changed = {k for k in after if is_secret(k) or before.get(k) != after.get(k)}
    before = {k: v for k, v in before.items() if k in changed}
    after = {k: v for k, v in after.items() if k in changed}
    operation = classify(first.policy, changed, after)
    if operation is None:
        return None
    return Change(first.policy, first.entity_id, operation, before, after)


def _write(session: Session, changes: list[Change]) -> None:
    actor = current_actor()
    now = utcnow()
    written: dict[tuple[str, str], _Written] = session.info.setdefault(_WRITTEN, {})
    connection = session.connection()
    for change in changes:
        key = (change.policy.entity_type, change.entity_id)
        prior = written.get(key)
        if prior is None or prior.change.operation == "delete":
            values = {
                "time_operation": now,
                "actor_type": actor.kind,
                "actor_id": actor.id,
                "actor_label": actor.label[:255],
                "entity_type": change.policy.entity_type,
                "entity_id": change.entity_id,
                "operation": change.operation,
                "before": change.before,
                "after": change.after,
            }
            result = connection.execute(insert(_TABLE).values(values))
            inserted = result.inserted_primary_key
            assert inserted is not None
            written[key] = _Written(int(inserted[0]), change)
            continue
        folded = fold(prior.change, change)
        if folded is None:
            connection.execute(delete(_TABLE).where(_row(prior.row_id)))
            del written[key]
            continue
        connection.execute(
            update(_TABLE)
            .where(_row(prior.row_id))
            .values(operation=folded.operation, before=folded.before, after=folded.after)
        )
        written[key] = _Written(prior.row_id, folded)


def _after_flush(session: Session, flush: UOWTransaction) -> None:
    if not session.info.get(_AUDITED):
        return
    changes = changes_of(session, flush)
    if changes:
        _write(session, changes)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_WRITTEN, None)


def install(db: Database) -> None:
    """Audit every write session ``db`` hands out (idempotent). Only databases installed here
    are audited: a script or test with its own ``Database`` (one migrated to an older
    revision, say) writes no audit row."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _forget)
        event.listen(Session, "after_soft_rollback", _forget)
    db.write_sessions.configure(info={_AUDITED: True})
