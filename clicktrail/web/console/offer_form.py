"""The offer form: which inputs it has, how an offer fills them, and how a post becomes the
``OfferIn`` body the API's offer service takes (so both validate alike).

Payout/revenue entries are rows of inputs named ``payout_revenue.<row>.<field>``; the radio
``default_entry`` names the base-conversion row and ``payout_revenue.<row>.remove`` drops a
row. The form always ends with one blank row to add an event; a blank row is ignored. Rows
the post skips shift the body's indices, so error locations are mapped back to form rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from clicktrail.models import Offer
from clicktrail.models.caps_mixin import CAP_FIELDS
from clicktrail.offer.schemas import MAX_ENTRIES, OfferIn
from clicktrail.web.console.forms import FORM, FormState, build, texts

SCALARS = (
    "name",
    "network_advertiser_id",
    "destination_url",
    "preview_url",
    "offer_status",
    "visibility",
    "currency_id",
    "conversion_method",
    "verification_token",
    "internal_notes",
)
CHECKBOXES = (
    "is_must_approve_conversion",
    "is_allow_duplicate_conversion",
    "is_block_robots",
    "is_block_proxy",
    "is_caps_enabled",
)
#: Everflow's sixteen cap inputs (0 = no cap); a post without them keeps the stored caps.
CAPS = CAP_FIELDS
ENTRY_TEXTS = (
    "network_offer_payout_revenue_id",
    "entry_name",
    "event_alias",
    "payout_type",
    "payout_amount",
    "payout_percentage",
    "revenue_type",
    "revenue_amount",
    "revenue_percentage",
)
ENTRY_CHECKBOXES = ("is_private", "remove")
_AMOUNTS = ("payout_amount", "payout_percentage", "revenue_amount", "revenue_percentage")
#: Inputs a body field may be reported on (entries: per row, added in :func:`entry_inputs`).
ENTRY_LIST = "payout_revenue"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def blank_entry() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ENTRY_TEXTS, "")
    row.update(payout_type="cpa", revenue_type="rpa", is_private=False, remove=False)
    return row


def new_form() -> FormState:
    values: dict[str, Any] = dict.fromkeys(SCALARS, "")
    values.update(
        offer_status="active",
        visibility="public",
        conversion_method="server_postback",
        is_must_approve_conversion=False,
        is_allow_duplicate_conversion=False,
        is_block_robots=False,
        is_block_proxy=False,
        is_caps_enabled=False,
        default_entry="0",
    )
    values.update(dict.fromkeys(CAPS, "0"))
    values["entries"] = [blank_entry()]
    return FormState(values=values)


def offer_form(offer: Offer) -> FormState:
    """The edit form of a stored offer, default entry first, plus a blank row."""
    values: dict[str, Any] = {name: str(getattr(offer, name) or "") for name in SCALARS}
    for name in CHECKBOXES:
        values[name] = bool(getattr(offer, name))
    values.update({name: _plain(Decimal(getattr(offer, name))) for name in CAPS})
    entries = sorted(
        offer.payout_revenue, key=lambda e: (not e.is_default, e.network_offer_payout_revenue_id)
    )
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {
            name: str(getattr(entry, name)) for name in ENTRY_TEXTS if name not in _AMOUNTS
        }
        row.update({name: _plain(getattr(entry, name)) for name in _AMOUNTS})
        row.update(is_private=entry.is_private, remove=False)
        rows.append(row)
    values["default_entry"] = "0"
    values["entries"] = [*rows, blank_entry()]
    return FormState(values=values)


def _posted_rows(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index in range(MAX_ENTRIES + 1):
        prefix = f"{ENTRY_LIST}.{index}."
        names = [prefix + name for name in ENTRY_TEXTS]
        if not any(name in form for name in names):
            break
        posted = texts(form, names)
        row: dict[str, Any] = {name: posted[prefix + name].strip() for name in ENTRY_TEXTS}
        for name in ENTRY_CHECKBOXES:
            row[name] = prefix + name in form
        rows.append(row)
    return rows


def _is_blank(row: Mapping[str, Any]) -> bool:
    return not (
        row["network_offer_payout_revenue_id"]
        or row["entry_name"]
        or row["event_alias"]
        or any(row[name] not in ("", "0") for name in _AMOUNTS)
    )


def read_post(form: Mapping[str, Any]) -> FormState:
    """The posted values as the form shows them again (a blank row kept at the end)."""
    values: dict[str, Any] = {name: value.strip() for name, value in texts(form, SCALARS).items()}
    for name in CHECKBOXES:
        values[name] = name in form
    # A cap left empty is no cap; one the post lacks keeps its stored value (None).
    values.update(
        {
            name: text.strip() or "0" if name in form else None
            for name, text in texts(form, CAPS).items()
        }
    )
    values["default_entry"] = texts(form, ["default_entry"])["default_entry"]
    rows = _posted_rows(form)
    if not rows or not _is_blank(rows[-1]):
        rows.append(blank_entry())
    values["entries"] = rows
    return FormState(values=values)


def entry_inputs(rows: int) -> list[str]:
    return [f"{ENTRY_LIST}.{i}.{name}" for i in range(rows) for name in ENTRY_TEXTS]


def to_body(state: FormState, base: Mapping[str, Any]) -> tuple[OfferIn | None, list[int]]:
    """The ``OfferIn`` for a read post over ``base`` (the stored offer's fields on edit, so
    fields the form lacks keep their values), and each body entry's form row. On invalid
    input ``state.errors`` is filled and the body is None."""
    values = state.values
    data: dict[str, Any] = dict(base)
    for name in SCALARS:
        text = values[name]
        if text == "" and name in ("network_advertiser_id", "currency_id"):
            data.pop(name, None)  # missing: "required" or the network's currency
        else:
            data[name] = text
    for name in CHECKBOXES:
        data[name] = values[name]
    for name in CAPS:
        if values[name] is not None:
            data[name] = values[name]
    entries: list[dict[str, Any]] = []
    rows: list[int] = []
    for index, row in enumerate(values["entries"]):
        is_default = values["default_entry"] == str(index)
        if row["remove"] or (_is_blank(row) and not is_default):
            continue
        entry: dict[str, Any] = {
            name: row[name] for name in ENTRY_TEXTS if row[name] != "" or name == "entry_name"
        }
        entry["network_offer_payout_revenue_id"] = row["network_offer_payout_revenue_id"] or None
        entry.update(is_private=row["is_private"], is_default=is_default)
        entries.append(entry)
        rows.append(index)
    data[ENTRY_LIST] = entries
    body, errors = build(OfferIn, data, inputs_of_body(len(entries)))
    state.errors.update(to_form_errors(errors, rows))
    return body, rows


def inputs_of_body(entries: int) -> list[str]:
    return [*SCALARS, *CHECKBOXES, *CAPS, ENTRY_LIST, *entry_inputs(entries)]


def to_form_errors(errors: Mapping[str, str], rows: list[int]) -> dict[str, str]:
    """Body locations (``payout_revenue.<i>.<field>``) renamed to their form rows."""
    mapped: dict[str, str] = {}
    for name, message in errors.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == ENTRY_LIST and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows):
                name = f"{ENTRY_LIST}.{rows[index]}.{parts[2]}"
        elif name == FORM or name not in (*SCALARS, *CHECKBOXES, *CAPS, ENTRY_LIST):
            name = FORM
        mapped.setdefault(name, message)
    return mapped


def stored_fields(offer: Offer) -> dict[str, Any]:
    """The stored offer as ``OfferIn`` input, entries aside: the base of an edit."""
    return {name: getattr(offer, name) for name in OfferIn.model_fields if name != ENTRY_LIST}
