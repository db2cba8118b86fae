"""Managing what referral conversions run on: incentives, affiliate groups, affiliate
codes (tracking ids) and exchange rates. Affonso's dialect and envelope, Bearer auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from clicktrail.deps import BearerCaller, ReadSession, WriteSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.ids import PathKey
from clicktrail.referral import affonso, exchange, incentive, partners, repository
from clicktrail.referral.affonso_schemas import (
    AffiliateCodeIn,
    GroupIn,
    GroupUpdate,
    IncentiveIn,
    IncentiveUpdate,
    RateIn,
)

router = APIRouter(tags=["affonso: setup"])

MAX_CSV_BYTES = 10 * 1024 * 1024


def _deleted(what: str) -> JSONResponse:
    return JSONResponse({"success": True, "message": f"{what} deleted"})


# --- incentives --------------------------------------------------------------------------


@router.get("/v1/incentives", summary="List incentives, optionally of one program")
async def list_incentives(
    session: ReadSession,
    _: BearerCaller,
    program_id: Annotated[str | None, Query(max_length=32)] = None,
) -> JSONResponse:
    rows = await incentive.listing(session, program_id)
    return affonso.success([affonso.incentive_object(i) for i in rows])


@router.post("/v1/incentives", summary="Create an incentive (commission rule)", status_code=201)
async def create_incentive(
    body: IncentiveIn, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    return affonso.success(affonso.incentive_object(await incentive.create(session, body)), 201)


@router.get("/v1/incentives/{incentive_id}", summary="Get an incentive")
async def get_incentive(
    incentive_id: PathKey, session: ReadSession, _: BearerCaller
) -> JSONResponse:
    return affonso.success(affonso.incentive_object(await incentive.get(session, incentive_id)))


@router.put("/v1/incentives/{incentive_id}", summary="Update an incentive")
@router.patch("/v1/incentives/{incentive_id}", include_in_schema=False)
async def update_incentive(
    incentive_id: PathKey, body: IncentiveUpdate, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    updated = await incentive.update(session, incentive_id, body)
    return affonso.success(affonso.incentive_object(updated))


@router.delete("/v1/incentives/{incentive_id}", summary="Delete an incentive")
async def delete_incentive(
    incentive_id: PathKey, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    await incentive.delete(session, incentive_id)
    return _deleted("incentive")


# --- affiliate groups --------------------------------------------------------------------


@router.get("/v1/program/groups", summary="List affiliate groups")
async def list_groups(session: ReadSession, _: BearerCaller) -> JSONResponse:
    counts = await repository.group_member_counts(session)
    rows = await repository.groups(session)
    return affonso.success(
        [affonso.group_object(g, counts.get(g.affiliate_group_id, 0)) for g in rows]
    )


@router.post("/v1/program/groups", summary="Create an affiliate group", status_code=201)
async def create_group(body: GroupIn, session: WriteSession, _: BearerCaller) -> JSONResponse:
    group = await partners.create_group(session, body)
    return affonso.success(affonso.group_object(group, 0), 201)


@router.get("/v1/program/groups/{group_id}", summary="Get an affiliate group")
async def get_group(group_id: PathKey, session: ReadSession, _: BearerCaller) -> JSONResponse:
    group = await partners.get_group(session, group_id)
    counts = await repository.group_member_counts(session)
    return affonso.success(affonso.group_object(group, counts.get(group.affiliate_group_id, 0)))


@router.patch("/v1/program/groups/{group_id}", summary="Update an affiliate group")
@router.put("/v1/program/groups/{group_id}", include_in_schema=False)
async def update_group(
    group_id: PathKey, body: GroupUpdate, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    group = await partners.update_group(session, group_id, body)
    counts = await repository.group_member_counts(session)
    return affonso.success(affonso.group_object(group, counts.get(group.affiliate_group_id, 0)))


@router.delete("/v1/program/groups/{group_id}", summary="Delete an affiliate group")
async def delete_group(group_id: PathKey, session: WriteSession, _: BearerCaller) -> JSONResponse:
    await partners.delete_group(session, group_id)
    return _deleted("group")


# --- affiliate codes ---------------------------------------------------------------------


@router.get("/v1/affiliate-codes", summary="List affiliates' tracking ids and groups")
async def list_codes(session: ReadSession, _: BearerCaller) -> JSONResponse:
    rows = await repository.codes(session)
    return affonso.success([affonso.affiliate_code_object(c) for c in rows])


@router.get("/v1/affiliate-codes/{affiliate_id}", summary="An affiliate's tracking id and group")
async def get_code(affiliate_id: PathKey, session: ReadSession, _: BearerCaller) -> JSONResponse:
    return affonso.success(
        affonso.affiliate_code_object(await partners.get_code(session, affiliate_id))
    )


@router.put("/v1/affiliate-codes/{affiliate_id}", summary="Set an affiliate's tracking id/group")
async def set_code(
    affiliate_id: PathKey, body: AffiliateCodeIn, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    code = await partners.set_code(session, affiliate_id, body)
    return affonso.success(affonso.affiliate_code_object(code))


# --- exchange rates ----------------------------------------------------------------------


@router.get("/v1/exchange-rates", summary="List exchange rates")
async def list_rates(
    session: ReadSession,
    _: BearerCaller,
    currency: Annotated[str | None, Query(max_length=3)] = None,
) -> JSONResponse:
    rows = await repository.rates(session, currency.upper() if currency else None)
    return affonso.success(affonso.rate_list(rows))


@router.post("/v1/exchange-rates", summary="Set one exchange rate for a day")
async def set_rate(body: RateIn, session: WriteSession, _: BearerCaller) -> JSONResponse:
    return affonso.success(affonso.rate_object(await exchange.set_rate(session, body)))


@router.post(
    "/v1/exchange-rates/import",
    summary="Import a CSV of rates (header: currency,rate,date[,quote_currency])",
)
async def import_rates(request: Request, session: WriteSession, _: BearerCaller) -> JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        raise ValidationFailed("the CSV is larger than 10 MB", field="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("the CSV is not UTF-8", field="file") from None
    rows = await exchange.import_csv(session, text)
    return affonso.success(affonso.rate_list(rows), imported=len(rows))
