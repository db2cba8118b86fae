"""Validate a report request and decide how to answer it (which cube, keys, filters, time).

Cube choice (ADR 0040): only entity columns/filters -> ``entity``; any of country, region,
device type, platform, browser -> ``dims``; one of sub1..sub5, source_id, city -> ``value``,
which combines with entity columns and time only. Everything else is a 400 naming the
offending field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from clicktrail.errors import ValidationFailed
from clicktrail.kit.timeutil import parse_local_date_or_datetime
from clicktrail.meta import currencies, timezones
from clicktrail.report import timeplan
from clicktrail.report.columns import COLUMNS, FILTERS, NETWORK_ONLY, Column, country_code
from clicktrail.report.schemas import ReportIn

#: Everflow limits an aggregated report to one year.
MAX_RANGE = timedelta(days=367)


@dataclass
class Plan:
    columns: list[Column]  # requested, in order (time column included)
    cube: str
    keys: list[str]  # rollup keys grouped on (no time, no value)
    value_dim: str | None  # the value cube's dim
    group_value: bool  # value is one of the output columns
    filters: dict[str, set[object]] = field(default_factory=dict)
    value_filter: set[str] | None = None
    time_kind: str | None = None
    start: int = 0
    end: int = 0
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    currency_id: str = "USD"


def _zone(timezone_id: int | None, default_id: int) -> ZoneInfo:
    tz_id = default_id if timezone_id is None else timezone_id
    if tz_id not in timezones.BY_ID:
        raise ValidationFailed(f"unknown timezone_id {tz_id}", field="timezone_id")
    return timezones.zone_for(tz_id)


def _currency(currency_id: str | None, network_currency: str) -> str:
    if currency_id is None or currency_id == "":
        return network_currency
    code = currency_id.upper()
    if code not in currencies.BY_CODE:
        raise ValidationFailed(f"unknown currency_id {currency_id!r}", field="currency_id")
    if code != network_currency:
        raise ValidationFailed(
            f"currency_id {code} differs from the network currency {network_currency} "
            "and no exchange rates are configured",
            field="currency_id",
        )
    return code


def _range(body: ReportIn, zone: ZoneInfo) -> tuple[int, int]:
    try:
        start = parse_local_date_or_datetime(body.from_, zone)
    except ValueError:
        raise ValidationFailed(
            "from must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", field="from"
        ) from None
    try:
        end = parse_local_date_or_datetime(body.to, zone, end=True)
    except ValueError:
        raise ValidationFailed("to must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", field="to") from None
    if start >= end:
        raise ValidationFailed("from must be before to", field="from")
    if end - start > MAX_RANGE:
        raise ValidationFailed("the interval may not exceed one year", field="to")
    lo = timeplan.floor_hour(int(start.timestamp()))
    hi = int(end.timestamp())
    hi = hi if hi % timeplan.HOUR == 0 else timeplan.floor_hour(hi) + timeplan.HOUR
    return lo, hi


def _columns(body: ReportIn, affiliate: bool) -> list[Column]:
    out: list[Column] = []
    seen: set[str] = set()
    for i, item in enumerate(body.columns):
        name = item.column.strip().lower()
        column = COLUMNS.get(name)
        if column is None or (affiliate and name in NETWORK_ONLY):
            raise ValidationFailed(f"unknown column {item.column!r}", field=f"columns[{i}].column")
        if column.name in seen:
            raise ValidationFailed(
                f"column {item.column!r} is repeated", field=f"columns[{i}].column"
            )
        seen.add(column.name)
        out.append(column)
    if sum(1 for c in out if c.kind == "time") > 1:
        raise ValidationFailed(
            "only one time column (hour, date, week, month, year) is allowed", field="columns"
        )
    return out


def _filters(body: ReportIn, affiliate: bool) -> dict[Column, set[object]]:
    if body.query.exclusions:
        raise ValidationFailed("exclusions are not supported", field="query.exclusions")
    if body.query.metric_filters:
        raise ValidationFailed("metric_filters are not supported", field="query.metric_filters")
    out: dict[Column, set[object]] = {}
    for i, item in enumerate(body.query.filters):
        name = item.resource_type.strip().lower()
        field_name = f"query.filters[{i}]"
        column = FILTERS.get(name)
        if column is None or (affiliate and name in NETWORK_ONLY):
            raise ValidationFailed(
                f"unknown filter resource_type {item.resource_type!r}",
                field=f"{field_name}.resource_type",
            )
        raw = item.filter_id_value
        value: object
        if column.numeric:
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise ValidationFailed(
                    f"filter_id_value for {name} must be an integer id",
                    field=f"{field_name}.filter_id_value",
                ) from None
        elif column.key == "country_code":
            value = country_code(str(raw))
        else:
            value = str(raw)
        out.setdefault(column, set()).add(value)
    return out


def build(
    body: ReportIn,
    *,
    affiliate_id: int | None,
    network_timezone_id: int,
    network_currency: str,
) -> Plan:
    """Validate ``body`` and plan the report; ``affiliate_id`` set = affiliate realm."""
    affiliate = affiliate_id is not None
    zone = _zone(body.timezone_id, network_timezone_id)
    currency = _currency(body.currency_id, network_currency)
    start, end = _range(body, zone)
    columns = _columns(body, affiliate)
    filters = _filters(body, affiliate)

    kinds = {c.kind for c in columns} | {c.kind for c in filters}
    value_dims = {c.key for c in columns if c.kind == "value"} | {
        c.key for c in filters if c.kind == "value"
    }
    if len(value_dims) > 1:
        raise ValidationFailed(
            "only one of sub1..sub5, source_id, city per report "
            f"(got {', '.join(sorted(value_dims))})",
            field="columns",
        )
    if value_dims and "dims" in kinds:
        raise ValidationFailed(
            "sub1..sub5, source_id and city combine only with offer, affiliate, advertiser, "
            "event and time columns",
            field="columns",
        )
    cube = "value" if value_dims else ("dims" if "dims" in kinds else "entity")
    value_dim = next(iter(value_dims)) if value_dims else None

    keys: list[str] = []
    for column in columns:
        if column.kind in ("entity", "dims") and column.key not in keys:
            keys.append(column.key)
    plan = Plan(
        columns=columns,
        cube=cube,
        keys=keys,
        value_dim=value_dim,
        group_value=any(c.kind == "value" for c in columns),
        time_kind=next((c.key for c in columns if c.kind == "time"), None),
        start=start,
        end=end,
        zone=zone,
        currency_id=currency,
    )
    for column, values in filters.items():
        if column.kind == "value":
            plan.value_filter = {str(v) for v in values}
        else:
            plan.filters.setdefault(column.key, set()).update(values)
    if affiliate_id is not None:
        plan.filters["affiliate_id"] = {affiliate_id}
    return plan
