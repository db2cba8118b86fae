"""The API surfaces' door: every request is bounded and authenticated before its body is
read (FastAPI reads a body before it resolves dependencies, so this cannot be one).

In order: a declared body over ``CLICKTRAIL_MAX_BODY_BYTES`` is a 413; a route that needs a
key gets its 401 (missing or unknown key) or 403 (a key of the other realm) here; failed
authentications count per client address (over the rate: 429, while valid keys from that
address keep working); a valid key counts against its realm's rate (429 over it; every answer
carries Everflow's ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining``). The principal found is
handed to the endpoint's dependency (``scope["state"]["principal"]``), so the key is looked
up once, and it becomes the audit log's actor (``auth/actor.py``) for the request. A
chunked body is cut off (413) once it passes the limit.
"""

from __future__ import annotations

import time
from typing import Literal
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clicktrail.abuse import answers
from clicktrail.abuse.body import declared_too_large, limited
from clicktrail.abuse.guards import guards_of
from clicktrail.abuse.limiter import Verdict
from clicktrail.auth import repository
from clicktrail.auth.actor import of_principal, reset_actor, set_actor
from clicktrail.auth.keymemo import GenerationSource, KeyMemo
from clicktrail.auth.service import Principal, Realm
from clicktrail.dialects import AFFONSO_PREFIXES
from clicktrail.errors import Forbidden, Unauthorized
from clicktrail.kit.clientip import ClientIpResolver
from clicktrail.kit.timeutil import utcnow
from clicktrail.state import AppState

Credential = Literal["header", "query", "bearer"]
#: How often one key's ``last_used_at`` is written, at most (per process, and in the
#: database's WHERE clause across processes).
TOUCH_SECONDS = 60.0


def door(path: str) -> tuple[Realm, Credential] | None:
    """The realm and the credential a path asks for; None for public paths."""
    if path.startswith("/v1/networks"):
        return "network", "header"
    if path.startswith("/v1/affiliates"):
        return "affiliate", "header"
    if path.startswith("/api/"):
        return "network", "query"
    if path.startswith(AFFONSO_PREFIXES):
        return "network", "bearer"
    return None


def credential(scope: Scope, kind: Credential) -> str | None:
    if kind == "query":
        raw: bytes = scope.get("query_string", b"")
        for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
            if name == "api-key":
                return value
        return None
    wanted = b"x-eflow-api-key" if kind == "header" else b"authorization"
    for name, value in scope["headers"]:
        if name == wanted:
            text: str = value.decode("latin-1")
            if kind == "header":
                return text
            scheme, _, token = text.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


class ApiGate:
    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state
        self.client_ip = ClientIpResolver(state.settings.trusted_proxies)
        self._touched: dict[int, float] = {}
        self._keys = KeyMemo(state.db)

    def _generation(self) -> GenerationSource | None:
        """The tracking cache's generation probe, when this process tracks (ADR 0113)."""
        cache = self.state.components.get("tracking_cache")
        probe: GenerationSource | None = getattr(cache, "probe", None)
        return probe

    def _address(self, scope: Scope) -> str:
        client = scope.get("client")
        forwarded = None
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                forwarded = value.decode("latin-1")
                break
        return self.client_ip.resolve(client[0] if client else None, forwarded) or "-"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        guards = guards_of(self.state)
        if declared_too_large(scope, guards.max_body_bytes):
            await answers.too_large(scope, receive, send, guards.max_body_bytes)
            return
        verdict: Verdict | None = None
        needs = door(scope["path"])
        if needs is not None:
            realm, kind = needs
            raw = credential(scope, kind)
            try:
                principal = await self._keys.authenticate(raw, realm, self._generation())
            except Unauthorized as exc:
                if guards.failed_auth is not None:
                    failed = await guards.failed_auth.admit(self._address(scope))
                    if not failed.allowed:
                        message = "Too many failed authentications; retry later"
                        await answers.too_many(scope, receive, send, failed, message)
                        return
                await answers.refuse(scope, receive, send, exc)
                return
            except Forbidden as exc:
                await answers.refuse(scope, receive, send, exc)
                return
            rate = guards.key_rates.get(realm)
            if rate is not None and guards.limiter is not None:
                verdict = await guards.limiter.hit(rate, "key", str(principal.key_id))
                if not verdict.allowed:
                    message = f"Rate limit exceeded ({rate})"
                    await answers.too_many(scope, receive, send, verdict, message)
                    return
            await self._touch(principal)
            scope.setdefault("state", {})["principal"] = principal
            # The audit log's actor for the rest of the request (reset after it, so a
            # caller running the app in its own task keeps no stale actor).
            token = set_actor(of_principal(principal))
            try:
                await self.app(
                    scope, limited(receive, guards.max_body_bytes), self._send(send, verdict)
                )
            finally:
                reset_actor(token)
            return
        await self.app(scope, limited(receive, guards.max_body_bytes), self._send(send, verdict))

    def _send(self, send: Send, verdict: Verdict | None) -> Send:
        extra: list[tuple[bytes, bytes]] = []
        if verdict is not None:
            extra = [(k.encode(), v.encode()) for k, v in answers.rate_headers(verdict).items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(extra)
                if message["status"] == 413:
                    headers.append((b"connection", b"close"))
                message = {**message, "headers": headers}
            await send(message)

        return send_with_headers

    async def _touch(self, principal: Principal) -> None:
        """Set the key's ``last_used_at`` at most once a minute (per process; the WHERE
        clause keeps several processes to about the same)."""
        now = time.monotonic()
        if now - self._touched.get(principal.key_id, -TOUCH_SECONDS) < TOUCH_SECONDS:
            return
        self._touched[principal.key_id] = now
        async with self.state.db.write() as session:
            await repository.touch(session, principal.key_id, utcnow(), TOUCH_SECONDS)
