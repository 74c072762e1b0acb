"""Centrifugo's subscribe proxy: who may subscribe to a declared channel.

Centrifugo refuses every subscription by default; the generated config turns on its
subscribe proxy for each declared channel's namespace, so every subscription is a POST of
``{"client", "transport", "protocol", "encoding", "user", "channel"}`` here, answered with
``{"result": {}}`` (allowed) or ``{"error": {...}}`` (refused, reaches the client as that error).

A sibling of the RPC endpoint rather than a route inside it: Centrifugo calls each proxy at its
own endpoint with its own request shape, and the two share only the secret.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from .asgi import INSECURE_ENV, SECRET_ENV, Receive, Scope, Send, _ClientGone, _lifespan, _read_body, _respond
from .channels import Channel
from .connection import Connection
from .dispatch import PROXY_SECRET_HEADER, Reply, SecretCheck
from .registry import Registry, default_registry

logger = logging.getLogger("hatch_centrifugo_sdk.subscribe")

# Answered to a refused subscription; in Centrifugo's application range (400..1999).
UNAUTHENTICATED = 401  # the channel needs a user and the connection is anonymous
FORBIDDEN = 403  # the connection's user may not subscribe to this channel
UNKNOWN_CHANNEL = 404  # no declared channel has this name
INTERNAL = 500  # the channel's own check failed; details in the service's log
MAX_BODY = 64 * 1024  # a subscribe request is a few hundred bytes


class SubscribeProxy:
    """The framework-free core: a request body in, a JSON answer out."""

    def __init__(
        self, registry: Registry = default_registry, *, proxy_secret: str | None,
        allow_insecure: bool = False, secret_header: str = PROXY_SECRET_HEADER,
    ) -> None:
        if proxy_secret is None and not allow_insecure:
            raise ValueError(
                f"no proxy secret: pass proxy_secret (or set {SECRET_ENV}); allow_insecure=True "
                f"({INSECURE_ENV}=1) runs without one, for local development only"
            )
        if proxy_secret == "":
            raise ValueError("proxy_secret is empty: use a long random value")
        self.registry = registry
        self.secret = SecretCheck(proxy_secret, secret_header, "a subscribe proxy request", "subscribe proxy requests")
        self.secret_header = secret_header

    def secret_matches(self, given: bytes | None) -> bool:
        return self.secret.matches(given)

    def find(self, channel: str) -> Channel[Any] | None:
        namespace = channel.partition(":")[0]
        found = {c.name: c for c in self.registry.channels()}.get(namespace)
        return found if isinstance(found, Channel) else None

    async def handle(self, body: bytes) -> bytes:
        try:
            request = json.loads(body)
            name, user, client = request["channel"], request.get("user") or "", request.get("client") or ""
            if not isinstance(name, str) or not isinstance(user, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _error(400, "not a subscribe proxy request")
        declared = self.find(name)
        params = declared.match(name) if declared is not None else None
        if declared is None or params is None:
            return _error(UNKNOWN_CHANNEL, "unknown channel")
        conn = Connection(user_id=user or None, client_id=client, transport=str(request.get("transport", "websocket")))
        if declared.access != "public" and conn.user_id is None:
            return _error(UNAUTHENTICATED, "channel needs an authenticated user")
        try:
            allowed = await declared.authorized(conn, params)
        except Exception:
            logger.exception("subscribe check of channel %r failed for user %r", declared.pattern, user)
            return _error(INTERNAL, "internal error", temporary=True)
        return b'{"result":{}}' if allowed else _error(FORBIDDEN, "permission denied")


def _error(code: int, message: str, *, temporary: bool = False) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "temporary": temporary}}).encode()


class SubscribeProxyApp:
    """ASGI app answering Centrifugo's subscribe proxy POSTs for the channels of ``registry``.

    Starlette: ``Route("/centrifugo/subscribe", SubscribeProxyApp.from_env(), methods=["POST"])``.
    """

    def __init__(self, registry: Registry = default_registry, **options: Any) -> None:
        self.proxy = SubscribeProxy(registry, **options)
        self._secret_name = self.proxy.secret_header.lower().encode("latin-1")

    @classmethod
    def from_env(cls, registry: Registry = default_registry, **options: Any) -> SubscribeProxyApp:
        """Secret from ``CENTRIFUGO_PROXY_SECRET`` (the RPC endpoint's); ``CENTRIFUGO_PROXY_INSECURE=1`` allows none."""
        return cls(
            registry, proxy_secret=os.environ.get(SECRET_ENV) or None,
            allow_insecure=os.environ.get(INSECURE_ENV) == "1", **options,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The RPC endpoint's ASGI handling: lifespan, the secret check (405, 403 logged at most
        # once per interval), reading the body up to a limit.
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        secret = next((v for k, v in scope["headers"] if k == self._secret_name), None)
        refused = self.proxy.secret.refusal(scope["method"], secret)
        if refused is not None:
            await _respond(send, refused)
            return
        try:
            body = await _read_body(receive, MAX_BODY)
        except _ClientGone:
            return
        if len(body) > MAX_BODY:
            await _respond(send, Reply(413, b'{"detail":"request too large"}'))
            return
        await _respond(send, Reply(200, await self.proxy.handle(body)))
