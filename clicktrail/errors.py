"""One exception hierarchy for the whole product.

Services raise these; each API surface renders them in its own dialect (see
``clicktrail/dialects.py``). ``field`` names the offending input when there is one.
"""

from __future__ import annotations

from typing import Any


class ClicktrailError(Exception):
    """Base of every error that is meant to reach a client."""

    status_code = 500
    code = "INTERNAL_ERROR"

    def __init__(
        self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}


class ValidationFailed(ClicktrailError):
    """The request is well-formed but a value is wrong (missing, out of range, unknown)."""

    status_code = 400
    code = "VALIDATION_ERROR"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, field=field, details=details)
        #: field -> reason, for dialects that list every failing field (Scaleo).
        self.errors = errors if errors is not None else ({field: message} if field else {})


class Unauthorized(ClicktrailError):
    status_code = 401
    code = "UNAUTHORIZED"


class Forbidden(ClicktrailError):
    status_code = 403
    code = "FORBIDDEN"


class NotFound(ClicktrailError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(ClicktrailError):
    status_code = 409
    code = "DUPLICATE_ERROR"


class PayloadTooLarge(ClicktrailError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class TooManyRequests(ClicktrailError):
    status_code = 429
    code = "RATE_LIMITED"
