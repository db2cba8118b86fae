"""The menus. Each area adds ONE line to the list it belongs to; the layout shows only the
items the signed-in user's role may open (the pages check it again, on the server)."""

from __future__ import annotations

from dataclasses import dataclass

from clicktrail.users.roles import ADMIN_ROLES, ADVERTISER_ROLES, CONSOLE_ROLES, PARTNER_ROLES


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    roles: tuple[str, ...]


CONSOLE_NAV: list[NavItem] = [
    NavItem("Dashboard", "/app/", CONSOLE_ROLES),
    NavItem("Offers", "/app/offers", CONSOLE_ROLES),
    NavItem("Advertisers", "/app/advertisers", CONSOLE_ROLES),
    NavItem("Affiliates", "/app/affiliates", CONSOLE_ROLES),
    NavItem("Reports", "/app/reports", CONSOLE_ROLES),
    NavItem("Clicks", "/app/clicks", CONSOLE_ROLES),
    NavItem("Conversions", "/app/conversions", CONSOLE_ROLES),
    NavItem("Postbacks", "/app/postbacks", CONSOLE_ROLES),
    NavItem("Traffic", "/app/traffic", CONSOLE_ROLES),
    NavItem("Users", "/app/users", ADMIN_ROLES),
    NavItem("API keys", "/app/keys", ADMIN_ROLES),
    NavItem("Settings", "/app/settings", ADMIN_ROLES),
    NavItem("Audit log", "/app/audit", CONSOLE_ROLES),
]

PARTNER_NAV: list[NavItem] = [
    NavItem("Dashboard", "/partner/", PARTNER_ROLES),
    NavItem("Offers", "/partner/offers", PARTNER_ROLES),
    NavItem("Reports", "/partner/reports", PARTNER_ROLES),
    NavItem("Conversions", "/partner/conversions", PARTNER_ROLES),
    NavItem("Postbacks", "/partner/postbacks", PARTNER_ROLES),
    NavItem("Coupons", "/partner/coupons", PARTNER_ROLES),
    NavItem("API key", "/partner/api-key", PARTNER_ROLES),
]

ADVERTISER_NAV: list[NavItem] = [
    NavItem("Dashboard", "/advertiser/", ADVERTISER_ROLES),
]


def menu_for(role: str | None) -> list[NavItem]:
    """The items ``role`` may see, from the menu of its part of the site."""
    if role is None:
        return []
    if role in CONSOLE_ROLES:
        items = CONSOLE_NAV
    elif role in PARTNER_ROLES:
        items = PARTNER_NAV
    else:
        items = ADVERTISER_NAV
    return [item for item in items if role in item.roles]
