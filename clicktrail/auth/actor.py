"""Who is acting in this request or task: an API key, a console user, or the system.

The audit log (``clicktrail/audit/``) stamps every change with the actor found here. The
API's door sets it once a key is resolved (``abuse/gate.py``, ``deps.py``); the console's
sign-in dependency sets a user (``set_actor(Actor("user", user.id, email))``). Anything
else (the CLI, background jobs, migrations' helpers) acts as :data:`SYSTEM`.

It is a context variable: each request runs in its own task, so one request's actor never
leaks into another's. It lives here, below ``deps`` and ``abuse``, because both set it and
the audit domain sits above them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Literal

from clicktrail.auth.service import Principal

ActorKind = Literal["api_key", "user", "system"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("api_key", "user", "system")


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: int | None
    label: str


SYSTEM = Actor("system", None, "system")

_current: ContextVar[Actor | None] = ContextVar("clicktrail_actor", default=None)


def set_actor(actor: Actor) -> Token[Actor | None]:
    """Make ``actor`` the one acting from here on in this context."""
    return _current.set(actor)


def reset_actor(token: Token[Actor | None]) -> None:
    """Restore the actor that was current before the ``set_actor`` that made ``token``."""
    _current.reset(token)


def current_actor() -> Actor:
    return _current.get() or SYSTEM


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = set_actor(actor)
    try:
        yield actor
    finally:
        reset_actor(token)


def of_principal(principal: Principal) -> Actor:
    """The actor an authenticated API key stands for."""
    return Actor("api_key", principal.key_id, principal.label)
