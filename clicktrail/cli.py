"""The ``clicktrail`` command line (typer).

Messages go to stderr; stdout carries only what a script would capture (a raw key, JSON).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.audit import capture
from clicktrail.click.cli import app as clicks_app
from clicktrail.command import err, run_with_db
from clicktrail.config import Settings, get_settings
from clicktrail.db import Database
from clicktrail.demo import demo as demo_command
from clicktrail.kit.orphans import child_env
from clicktrail.postback import cli as postback_cli
from clicktrail.referral import cli as referral_cli
from clicktrail.users import cli as users_cli

app = typer.Typer(
    help="clicktrail: self-hosted affiliate tracking.",
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="Manage API keys (stored hashed; a raw key is shown once).")
app.add_typer(keys_app, name="keys")
app.add_typer(referral_cli.app, name="referral")
app.add_typer(clicks_app, name="clicks")
app.add_typer(postback_cli.app, name="worker")
app.add_typer(users_cli.app, name="users")
app.command("demo")(demo_command)


def _migrate(settings: Settings) -> None:
    from clicktrail.migrations import upgrade

    upgrade(settings.database_url)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run again).

    Example: CLICKTRAIL_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/clicktrail
    clicktrail migrate
    """
    settings = get_settings()
    _migrate(settings)
    err(f"database is up to date ({settings.database_url.split('://')[0]})")


#: PostgreSQL advisory lock taken by the first-start checks, so that several hosts starting
#: at once on one empty database create one first key and one first admin (ADR 0109).
FIRST_START_LOCK = 7408


async def _first_start_lock(db: Database, session: AsyncSession) -> None:
    """Serialize this transaction with other processes' first-start checks (PostgreSQL;
    a SQLite write transaction is exclusive already)."""
    if db.dialect == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_START_LOCK})


async def _first_key(db: Database) -> str | None:
    from clicktrail.auth.service import create_key, has_any_key

    capture.install(db)
    async with db.write() as session:
        await _first_start_lock(db, session)
        if await has_any_key(session):
            return None
        _key, raw = await create_key(session, realm="network", name="first start")
        return raw


#: The first admin's sign-in email, created by the first ``serve`` on an empty database.
FIRST_ADMIN = "admin@localhost"


async def _first_admin(db: Database) -> str | None:
    from clicktrail.users.service import create_user, has_any_user

    async with db.write() as session:
        await _first_start_lock(db, session)
        if await has_any_user(session):
            return None
        _user, password = await create_user(session, email=FIRST_ADMIN, role="admin")
        return password


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [CLICKTRAIL_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [CLICKTRAIL_PORT].")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Server processes sharing the port [CLICKTRAIL_WORKERS]."),
    ] = None,
) -> None:
    """Run the server: tracking host, APIs and a postback worker, on one port.

    Migrates first unless CLICKTRAIL_AUTO_MIGRATE=false. On the first start with no API key,
    creates a network key and prints it once; with no user, creates an admin and prints its
    console sign-in URL and one-time password once. With --workers N, N processes share the
    port (each with its own writers and background jobs; SQLite writers take turns through
    the database's write lock file).

    Example: clicktrail serve --host 0.0.0.0 --port 8080 --workers 2
    """
    import uvicorn

    from clicktrail.abuse.protocol import LimitedHttpToolsProtocol

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if workers is not None:
        overrides["workers"] = workers
    settings = get_settings().model_copy(update=overrides)
    if settings.auto_migrate:
        _migrate(settings)
    raw = run_with_db(settings, _first_key)
    base = f"http://{settings.host}:{settings.port}"
    if raw:
        print(f"Network API key (shown once, store it now): {raw}", flush=True)
        print(
            f"Next: curl -H 'X-Eflow-API-Key: {raw}' {base}/v1/networks/offers  "
            f"(docs: {base}/docs)",
            flush=True,
        )
    password = run_with_db(settings, _first_admin)
    if password:
        print(
            f"Console: {base}/app/login  email {FIRST_ADMIN}  password (shown once, change it "
            f"with `clicktrail users set-password {FIRST_ADMIN}`): {password}",
            flush=True,
        )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "access_log": False,
        "proxy_headers": False,
        "lifespan": "on",
        # Limits on the request head: URL, header size and count, time (ADR 0063).
        "http": LimitedHttpToolsProtocol,
    }
    if settings.workers > 1:
        # Worker processes build the app from the environment: hand them the overrides.
        os.environ["CLICKTRAIL_HOST"] = settings.host
        os.environ["CLICKTRAIL_PORT"] = str(settings.port)
        os.environ["CLICKTRAIL_WORKERS"] = str(settings.workers)
        os.environ["CLICKTRAIL_AUTO_MIGRATE"] = "false"
        # Workers end when this supervisor dies, even by kill -9 (clicktrail.supervised).
        os.environ.update(child_env())
        uvicorn.run(
            "clicktrail.supervised:create_app", factory=True, workers=settings.workers, **options
        )
        return
    from clicktrail.app import create_app

    uvicorn.run(create_app(settings), **options)


@keys_app.command("create")
def keys_create(
    realm: Annotated[str, typer.Option(help="network or affiliate")] = "network",
    affiliate_id: Annotated[
        int | None, typer.Option("--affiliate-id", help="Affiliate an affiliate key is bound to.")
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
) -> None:
    """Create an API key and print the raw key alone on stdout.

    Example: clicktrail keys create --realm affiliate --affiliate-id 7 --name "partner 7"
    """
    from clicktrail.auth.service import create_key
    from clicktrail.errors import ClicktrailError

    async def _work(db: Database) -> tuple[int, str]:
        capture.install(db)  # the CLI's changes are the system's (ADR 0086)
        async with db.write() as session:
            key, raw = await create_key(session, realm=realm, affiliate_id=affiliate_id, name=name)
            return key.id, raw

    try:
        key_id, raw = run_with_db(get_settings(), _work)
    except ClicktrailError as exc:
        err(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    err(f"created {realm} key {key_id}; it is shown once:")
    sys.stdout.write(raw + "\n")


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List API keys (never their secrets).

    Example: clicktrail keys list --json
    """
    from clicktrail.auth.service import list_keys

    async def _work(db: Database) -> list[dict[str, object]]:
        async with db.read() as session:
            return [
                {
                    "id": k.id,
                    "realm": k.realm,
                    "affiliate_id": k.network_affiliate_id,
                    "name": k.name,
                    "prefix": f"ct_{k.prefix}_…",
                    "created_at": k.created_at.isoformat(),
                    "revoked": k.revoked_at is not None,
                }
                for k in await list_keys(session)
            ]

    rows = run_with_db(get_settings(), _work)
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row))
        else:
            state = "revoked" if row["revoked"] else "active"
            typer.echo(
                f"{row['id']:>4}  {row['realm']:<9}  {row['affiliate_id'] or '-':>6}  "
                f"{state:<7}  {row['prefix']}  {row['name']}"
            )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[int, typer.Argument(help="The key's id (see keys list).")],
) -> None:
    """Revoke an API key; requests with it get 401 from now on.

    Example: clicktrail keys revoke 3
    """
    from clicktrail.auth.service import revoke_key
    from clicktrail.errors import ClicktrailError

    async def _work(db: Database) -> None:
        capture.install(db)  # the CLI's changes are the system's (ADR 0086)
        async with db.write() as session:
            await revoke_key(session, key_id)

    try:
        run_with_db(get_settings(), _work)
    except ClicktrailError as exc:
        err(f"error: {exc.message}")
        raise typer.Exit(2) from exc
    err(f"key {key_id} revoked")


def main() -> None:
    app()
