"""FastAPI dependencies shared by the API surfaces: sessions and callers.

A write session commits when the endpoint returns and before the response is sent
(``scope="function"``), so a 2xx always means committed. Services never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.auth.actor import of_principal, set_actor
from clicktrail.auth.service import Principal, Realm, authenticate
from clicktrail.state import AppState


async def _state(request: Request) -> AppState:
    """The app's state, as a dependency (a coroutine: FastAPI runs a plain function in a
    worker thread)."""
    return get_state(request)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.ct
    return state


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_state(request).db.write() as session:
        yield session


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_state(request).db.read() as session:
        yield session


WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
State = Annotated[AppState, Depends(_state)]


async def _principal(request: Request, raw: str | None, realm: Realm) -> Principal:
    """The caller: the one the API gate (clicktrail.abuse.gate) authenticated before the body
    was read, else looked up here. It is the audit log's actor from here on."""
    found = request.scope.get("state", {}).get("principal")
    if not (isinstance(found, Principal) and found.realm == realm):
        async with get_state(request).db.read() as session:
            found = await authenticate(session, raw, realm)
    set_actor(of_principal(found))
    return found


async def _everflow_network(
    request: Request,
    key: Annotated[str | None, Header(alias="X-Eflow-API-Key", include_in_schema=False)] = None,
) -> Principal:
    return await _principal(request, key, "network")


async def _everflow_affiliate(
    request: Request,
    key: Annotated[str | None, Header(alias="X-Eflow-API-Key", include_in_schema=False)] = None,
) -> Principal:
    return await _principal(request, key, "affiliate")


async def _scaleo_network(
    request: Request,
    api_key: Annotated[str | None, Query(alias="api-key", include_in_schema=False)] = None,
) -> Principal:
    return await _principal(request, api_key, "network")


async def _bearer_network(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    raw = None
    if authorization:
        scheme, _, token = authorization.partition(" ")
        raw = token.strip() if scheme.lower() == "bearer" else None
    return await _principal(request, raw, "network")


#: Everflow Network API caller (X-Eflow-API-Key of the network realm).
NetworkCaller = Annotated[Principal, Depends(_everflow_network)]
#: Everflow Affiliate API caller (X-Eflow-API-Key of the affiliate realm).
AffiliateCaller = Annotated[Principal, Depends(_everflow_affiliate)]
#: Scaleo caller (?api-key= of the network realm).
ScaleoCaller = Annotated[Principal, Depends(_scaleo_network)]
#: Affonso caller (Authorization: Bearer, network realm).
BearerCaller = Annotated[Principal, Depends(_bearer_network)]
