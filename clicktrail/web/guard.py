"""Who is signed in, and may they open this page (ADR 0084).

Dependencies for page routes: ``WebUser`` (any signed-in user), ``ConsoleUser`` (admin or
manager), ``AdminUser`` (admin), ``PartnerUser`` (affiliate role; ``.affiliate_id``),
``AdvertiserUser`` (advertiser role; ``.advertiser_id``). Not signed in: 303 to
``/app/login?next=…``. Signed in with another role: the 403 page, never the data.

Every guard checks the CSRF token on unsafe methods (POST, PUT, PATCH, DELETE): the form
field ``csrf_token`` (macro ``csrf_field()``) or the ``X-CSRF-Token`` header must equal the
session's secret, else the 403 page. ``CsrfChecked`` is the same check for a route that has
no other guard.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from clicktrail.auth.actor import Actor, set_actor
from clicktrail.deps import get_state
from clicktrail.meta.timezones import BY_ID, UTC_ID
from clicktrail.network.service import get_network
from clicktrail.users.roles import ADMIN_ROLES, ADVERTISER_ROLES, CONSOLE_ROLES, PARTNER_ROLES
from clicktrail.users.service import session_user

SESSION_COOKIE = "ct_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """Not signed in: the app answers 303 to the sign-in page, coming back to ``next``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbidden(Exception):
    """Signed in, but not allowed: the app answers the 403 page."""

    def __init__(self, message: str = "You may not open this page.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The signed-in user of this request."""

    user_id: int
    email: str
    role: str
    network_affiliate_id: int | None
    network_advertiser_id: int | None
    #: The session's CSRF token, for forms (templating puts it in every page).
    csrf_token: str

    @property
    def affiliate_id(self) -> int:
        """The affiliate of an affiliate user (PartnerUser)."""
        if self.network_affiliate_id is None:
            raise PageForbidden("This account is not bound to an affiliate.")
        return self.network_affiliate_id

    @property
    def advertiser_id(self) -> int:
        """The advertiser of an advertiser user (AdvertiserUser)."""
        if self.network_advertiser_id is None:
            raise PageForbidden("This account is not bound to an advertiser.")
        return self.network_advertiser_id

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


@dataclass(frozen=True, slots=True)
class NetworkInfo:
    """What every page shows of the network: its name, timezone and currency."""

    name: str
    timezone_id: int
    timezone: str
    currency: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


DEFAULT_NETWORK = NetworkInfo("clicktrail", UTC_ID, "UTC", "USD")


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse (403 page) an unsafe request whose token is missing or wrong."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise PageForbidden("The form expired or did not come from this site. Reload and retry.")


def _next_of(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def _signed_in(request: Request) -> SignedIn:
    found = getattr(request.state, "web_user", None)
    if isinstance(found, SignedIn):
        return found
    raw = request.cookies.get(SESSION_COOKIE)
    async with get_state(request).db.read() as session:
        signed = await session_user(session, raw)
        if signed is None:
            raise SignInRequired(_next_of(request))
        network = await get_network(session)
    user, web_session = signed
    zone = BY_ID.get(network.timezone_id)
    request.state.web_network = NetworkInfo(
        name=network.name,
        timezone_id=network.timezone_id,
        timezone=zone.iana if zone is not None else "UTC",
        currency=network.currency_id,
    )
    current = SignedIn(
        user_id=user.id,
        email=user.email,
        role=user.role,
        network_affiliate_id=user.network_affiliate_id,
        network_advertiser_id=user.network_advertiser_id,
        csrf_token=web_session.csrf_secret,
    )
    request.state.web_user = current
    set_actor(Actor("user", user.id, user.email))
    if request.method not in SAFE_METHODS:
        await check_csrf(request, current.csrf_token)
    return current


def _role(roles: tuple[str, ...]) -> Callable[[SignedIn], Awaitable[SignedIn]]:
    async def allowed(user: Annotated[SignedIn, Depends(_signed_in)]) -> SignedIn:
        if user.role not in roles:
            raise PageForbidden()
        return user

    return allowed


async def _csrf_checked(user: Annotated[SignedIn, Depends(_signed_in)]) -> None:
    return None


WebUser = Annotated[SignedIn, Depends(_signed_in)]
ConsoleUser = Annotated[SignedIn, Depends(_role(CONSOLE_ROLES))]
AdminUser = Annotated[SignedIn, Depends(_role(ADMIN_ROLES))]
PartnerUser = Annotated[SignedIn, Depends(_role(PARTNER_ROLES))]
AdvertiserUser = Annotated[SignedIn, Depends(_role(ADVERTISER_ROLES))]
CsrfChecked = Annotated[None, Depends(_csrf_checked)]
