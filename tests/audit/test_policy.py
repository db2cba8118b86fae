"""What a change looks like in the log: JSON-safe values, redacted secrets, the operation,
and several flushes of one entity folded into one row."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clicktrail.audit.capture import Change, fold
from clicktrail.audit.policy import AUDITED, REDACTED, classify, json_safe, recorded

OFFER = AUDITED["offer"]
PIXEL = AUDITED["pixel"]
CONVERSION = AUDITED["conversion"]


def test_values_are_json_safe_without_losing_money_precision() -> None:
    moment = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    value = {"amount": Decimal("0.100000"), "at": moment, "tags": ("a", 1), "nan": float("nan")}
    assert json_safe(value) == {
        "amount": "0.100000",
        "at": "2026-12-07T14:00:00+00:00",
        "tags": ["a", 1],
        "nan": None,
    }


def test_secret_columns_are_redacted_but_an_absent_secret_stays_null() -> None:
    assert recorded("key_hash", "abc") == REDACTED
    assert recorded("password_hash", "argon2$...") == REDACTED
    assert recorded("verification_token", "s3cret") == REDACTED
    assert recorded("verification_token", None) is None
    assert recorded("name", "Acme") == "Acme"


def test_the_operation_follows_what_changed() -> None:
    assert classify(OFFER, {"name", "time_saved"}, {}) == "update"
    assert classify(OFFER, {"offer_status"}, {}) == "status_change"
    assert classify(OFFER, {"offer_status", "name"}, {}) == "update"
    assert classify(OFFER, {"time_saved"}, {}) is None
    assert classify(PIXEL, {"is_deleted"}, {"is_deleted": True}) == "delete"
    assert classify(PIXEL, {"failure_streak"}, {}) is None
    assert classify(CONVERSION, {"status", "error_code"}, {}) == "status_change"
    assert classify(CONVERSION, {"sale_amount"}, {}) is None


def test_later_changes_fold_into_the_first_row_of_the_transaction() -> None:
    created = Change(OFFER, "7", "create", None, {"name": "A", "offer_status": "active"})
    renamed = Change(OFFER, "7", "update", {"name": "A"}, {"name": "B"})
    assert fold(created, renamed) == Change(
        OFFER, "7", "create", None, {"name": "B", "offer_status": "active"}
    )
    deleted = Change(OFFER, "7", "delete", {"name": "B"}, None)
    assert fold(created, deleted) is None
    back = Change(OFFER, "7", "update", {"name": "B"}, {"name": "A"})
    assert fold(renamed, back) is None
    paused = Change(
        OFFER, "7", "status_change", {"offer_status": "active"}, {"offer_status": "paused"}
    )
    assert fold(renamed, paused) == Change(
        OFFER,
        "7",
        "update",
        {"name": "A", "offer_status": "active"},
        {"name": "B", "offer_status": "paused"},
    )
    assert fold(renamed, deleted) == Change(OFFER, "7", "delete", {"name": "A"}, None)
