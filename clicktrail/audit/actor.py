"""The actor of a change, under the audit domain's name (defined in ``clicktrail.auth.actor``,
below ``deps`` and the API gate, which set it)."""

from clicktrail.auth.actor import (
    ACTOR_KINDS,
    SYSTEM,
    Actor,
    ActorKind,
    acting_as,
    current_actor,
    reset_actor,
    set_actor,
)

__all__ = [
    "ACTOR_KINDS",
    "SYSTEM",
    "Actor",
    "ActorKind",
    "acting_as",
    "current_actor",
    "reset_actor",
    "set_actor",
]
