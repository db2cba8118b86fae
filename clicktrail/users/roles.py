"""The roles a console or portal user can have, and which of them see which part."""

from __future__ import annotations

from typing import Literal

Role = Literal["admin", "manager", "affiliate", "advertiser"]
ROLES: tuple[Role, ...] = ("admin", "manager", "affiliate", "advertiser")
#: Network staff: the console under /app/.
CONSOLE_ROLES: tuple[Role, ...] = ("admin", "manager")
#: Everything, including users, API keys and network settings.
ADMIN_ROLES: tuple[Role, ...] = ("admin",)
#: An affiliate's people: the partner portal under /partner/.
PARTNER_ROLES: tuple[Role, ...] = ("affiliate",)
#: An advertiser's people: its offers' stats under /advertiser/.
ADVERTISER_ROLES: tuple[Role, ...] = ("advertiser",)


def landing(role: str) -> str:
    """Where a user of ``role`` lands after signing in."""
    if role == "affiliate":
        return "/partner/"
    if role == "advertiser":
        return "/advertiser/"
    return "/app/"
