"""``clicktrail users``: console and portal accounts (ADR 0084).

A generated password is printed alone on stdout (shown once); messages go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from clicktrail.command import err, run_with_db
from clicktrail.config import get_settings
from clicktrail.db import Database
from clicktrail.errors import ClicktrailError
from clicktrail.users import service

app = typer.Typer(help="Manage console and partner-portal users.", no_args_is_help=True)

T = TypeVar("T")


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    try:
        return run_with_db(get_settings(), work)
    except ClicktrailError as exc:
        err(f"error: {exc.message}")
        raise typer.Exit(2) from exc


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Sign-in email (unique).")],
    role: Annotated[str, typer.Option(help="admin, manager, affiliate or advertiser.")],
    affiliate_id: Annotated[
        int | None, typer.Option("--affiliate-id", help="The affiliate an affiliate user is.")
    ] = None,
    advertiser_id: Annotated[
        int | None, typer.Option("--advertiser-id", help="The advertiser an advertiser user is.")
    ] = None,
    password: Annotated[
        str | None, typer.Option(help="Its password; a generated one is printed when omitted.")
    ] = None,
) -> None:
    """Create a user; prints the generated password alone on stdout when none is given.

    Example: clicktrail users create --email ana@partner.example --role affiliate --affiliate-id 7
    """

    async def _work(db: Database) -> tuple[int, str]:
        async with db.write() as session:
            user, raw = await service.create_user(
                session,
                email=email,
                role=role,
                affiliate_id=affiliate_id,
                advertiser_id=advertiser_id,
                password=password,
            )
            return user.id, raw

    user_id, raw = _run(_work)
    if password is None:
        err(f"created {role} user {user_id} ({email.strip().lower()}); its password, shown once:")
        sys.stdout.write(raw + "\n")
    else:
        err(f"created {role} user {user_id} ({email.strip().lower()})")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List users (never their password hashes).

    Example: clicktrail users list --json
    """

    async def _work(db: Database) -> list[dict[str, object]]:
        async with db.read() as session:
            return [
                {
                    "id": u.id,
                    "email": u.email,
                    "role": u.role,
                    "affiliate_id": u.network_affiliate_id,
                    "advertiser_id": u.network_advertiser_id,
                    "active": u.is_active,
                    "created_at": u.created_at.isoformat(),
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                }
                for u in await service.list_users(session)
            ]

    for row in _run(_work):
        if as_json:
            typer.echo(json.dumps(row))
        else:
            bound = row["affiliate_id"] or row["advertiser_id"] or "-"
            state = "active" if row["active"] else "disabled"
            typer.echo(
                f"{row['id']:>4}  {row['role']:<10}  {bound!s:>6}  {state:<8}  {row['email']}"
            )


@app.command("set-password")
def set_password(
    user: Annotated[str, typer.Argument(help="The user's email or id.")],
    password: Annotated[
        str | None, typer.Option(help="The new password; a generated one is printed if omitted.")
    ] = None,
) -> None:
    """Set a user's password and sign it out everywhere.

    Example: clicktrail users set-password admin@localhost
    """

    async def _work(db: Database) -> tuple[int, str]:
        async with db.write() as session:
            found = await service.find_user(session, user)
            return found.id, await service.set_password(session, found.id, password)

    user_id, raw = _run(_work)
    if password is None:
        err(f"user {user_id}: new password, shown once:")
        sys.stdout.write(raw + "\n")
    else:
        err(f"user {user_id}: password set")


@app.command("disable")
def disable(user: Annotated[str, typer.Argument(help="The user's email or id.")]) -> None:
    """Disable a user: it cannot sign in any more and its sessions end now.

    Example: clicktrail users disable ana@partner.example
    """

    async def _work(db: Database) -> int:
        async with db.write() as session:
            found = await service.find_user(session, user)
            await service.disable_user(session, found.id)
            return found.id

    err(f"user {_run(_work)} disabled")
