"""Console forms: read a posted form into a domain's request model and say, per field, what
is wrong with it.

A form's inputs are named after the model's fields (nested ones with dots:
``payout_revenue.0.payout_amount``), so a pydantic error's location and a service's
``ValidationFailed(field=...)`` both name the input to show the message beside. Errors the
form has no input for go under :data:`FORM`, shown above the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import ClicktrailError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

#: The key of errors that belong to no input.
FORM = "__form__"
#: Longest value a console form input may carry (longer ones are cut: notes are 64 KiB).
MAX_VALUE = 65_536


def texts(form: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """The named inputs as text ("" when absent or not text, e.g. an uploaded file)."""
    found: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        found[name] = value[:MAX_VALUE] if isinstance(value, str) else ""
    return found


def field_name(location: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in location)


def pydantic_errors(exc: ValidationError, inputs: Iterable[str]) -> dict[str, str]:
    """One message per input; errors on fields the form lacks go under :data:`FORM`."""
    known = set(inputs)
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = field_name(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        key = name if name in known else FORM
        text = message if key != FORM else f"{name}: {message}"
        errors.setdefault(key, text)
    return errors


def service_error(exc: ClicktrailError, inputs: Iterable[str]) -> dict[str, str]:
    name = exc.field or ""
    if name in set(inputs):
        return {name: exc.message}
    return {FORM: f"{name}: {exc.message}" if name else exc.message}


@dataclass
class FormState:
    """What a form page shows: the values to fill in and the errors beside them."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def build(
    model: type[M], data: Mapping[str, Any], inputs: Iterable[str]
) -> tuple[M | None, dict[str, str]]:
    """``model`` validated from ``data``, or None and the errors per input."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, pydantic_errors(exc, inputs)


def read_form(
    form: Mapping[str, Any], names: Iterable[str], checkboxes: Iterable[str] = ()
) -> FormState:
    """A flat form's posted values: text inputs trimmed, checkboxes as booleans."""
    values: dict[str, Any] = {name: value.strip() for name, value in texts(form, names).items()}
    for name in checkboxes:
        values[name] = name in form
    return FormState(values=values)


def to_model(
    model: type[M],
    state: FormState,
    base: Mapping[str, Any],
    blank_is_default: Iterable[str] = (),
) -> M | None:
    """``model`` from ``base`` (the stored entity's fields on edit) overlaid with the form's
    values; a blank input named in ``blank_is_default`` takes the model's default. On
    invalid input the errors go to ``state.errors`` and the result is None."""
    data: dict[str, Any] = dict(base)
    defaults = set(blank_is_default)
    for name, value in state.values.items():
        if value == "" and name in defaults:
            data.pop(name, None)
        else:
            data[name] = value
    body, errors = build(model, data, state.values)
    state.errors.update(errors)
    return body


def stored_values(entity: object, model: type[BaseModel]) -> dict[str, Any]:
    """The stored entity's attributes named like ``model``'s fields (None -> default)."""
    found: dict[str, Any] = {}
    for name in model.model_fields:
        value = getattr(entity, name, None)
        if value is not None:
            found[name] = value
    return found


def shown(entity: object, names: Iterable[str], checkboxes: Iterable[str] = ()) -> FormState:
    """An edit form filled from a stored entity."""
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(entity, name, "")
        values[name] = "" if value is None else str(value)
    for name in checkboxes:
        values[name] = bool(getattr(entity, name, False))
    return FormState(values=values)


async def save_form(
    session: AsyncSession,
    state: FormState,
    model: type[M],
    base: Mapping[str, Any],
    write: Callable[[M], Awaitable[T]],
    blank_is_default: Iterable[str] = (),
) -> T | None:
    """Validate the form into ``model`` and hand it to ``write`` (a domain service) inside a
    savepoint. On a refusal the savepoint alone is undone, the errors go beside their inputs
    in ``state.errors``, and the result is None."""
    body = to_model(model, state, base, blank_is_default)
    if body is None:
        return None
    try:
        async with session.begin_nested():
            return await write(body)
    except ClicktrailError as exc:
        state.errors.update(service_error(exc, state.values))
        return None
