"""The RPC proxy endpoint as a plain ASGI app, to mount in any ASGI framework.

Starlette: ``Route("/centrifugo/rpc", RpcProxyApp.from_env(), methods=["POST"])`` (a
``Mount`` works too, but answers the bare path with a redirect to the trailing slash).
FastAPI: ``app.mount("/centrifugo/rpc", RpcProxyApp.from_env())``. Django: route the
path to it in the project's ASGI entry point, next to ``get_asgi_application()``.
The app ignores the path it is mounted at.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, MutableMapping

from .dispatch import INSECURE_ENV, PROXY_SECRET_HEADER, SECRET_ENV, Dispatcher, Reply
from .limits import DEFAULT_MAX_PARAMS_BYTES
from .registry import Registry, default_registry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

__all__ = ["INSECURE_ENV", "SECRET_ENV", "RpcProxyApp"]


class RpcProxyApp:
    """ASGI app answering Centrifugo's RPC proxy POSTs with the handlers of ``registry``."""

    def __init__(
        self,
        registry: Registry = default_registry,
        *,
        proxy_secret: str | None = None,
        allow_insecure: bool = False,
        handler_timeout: float = 10.0,
        max_params_bytes: int = DEFAULT_MAX_PARAMS_BYTES,
        max_payload_bytes: int | None = None,
        secret_header: str = PROXY_SECRET_HEADER,
        service_version: str | None = None,
        blocking_threshold: float | None = 0.1,
    ) -> None:
        self.dispatcher = Dispatcher(
            registry,
            proxy_secret=proxy_secret,
            secret_header=secret_header,
            allow_insecure=allow_insecure,
            handler_timeout=handler_timeout,
            max_params_bytes=max_params_bytes,
            max_payload_bytes=max_payload_bytes,
            service_version=service_version,
            blocking_threshold=blocking_threshold,
        )
        self._secret_name = secret_header.lower().encode("latin-1")

    @classmethod
    def from_env(cls, registry: Registry = default_registry, **options: Any) -> RpcProxyApp:
        """Secret from ``CENTRIFUGO_PROXY_SECRET``; ``CENTRIFUGO_PROXY_INSECURE=1`` allows none (local dev)."""
        return cls.over(Dispatcher.from_env(registry, **options))

    @classmethod
    def over(cls, dispatcher: Dispatcher) -> RpcProxyApp:
        """The ASGI endpoint of an existing :class:`Dispatcher`."""
        app = cls.__new__(cls)
        app.dispatcher = dispatcher
        app._secret_name = dispatcher.secret_header.lower().encode("latin-1")
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await _lifespan(receive, send)
            elif scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        # ASGI servers give header names in lower case: only the two needed are looked at.
        secret = declared = None
        for name, value in scope["headers"]:
            if name == self._secret_name:
                secret = value
            elif name == b"content-length":
                declared = value
        dispatcher = self.dispatcher
        refused = dispatcher.refusal(scope["method"], secret, declared)
        if refused is not None:
            await _respond(send, refused)
            return
        message = await receive()  # a body that fits one message (the usual) needs no loop
        if message["type"] == "http.request" and not message.get("more_body", False):
            body = message.get("body", b"")
        else:
            try:
                body = await _read_body(receive, dispatcher.max_payload_bytes, message)
            except _ClientGone:
                return
        # Dispatcher.answer, inlined: one coroutine less per request.
        too_large = len(body) > dispatcher.max_payload_bytes
        await _respond(send, dispatcher.payload_too_large() if too_large else await dispatcher.handle(body))


async def _read_body(receive: Receive, limit: int, first: Message | None = None) -> bytes:
    """The request body (from its ``first`` message when already received), cut once it exceeds
    ``limit`` (the rest is not read)."""
    message = first if first is not None else await receive()
    chunks: list[bytes] = []
    size = 0
    while True:
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)
        message = await receive()


class _ClientGone(Exception):
    """The caller hung up before sending the whole body."""


async def _respond(send: Send, reply: Reply) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(reply.body))]
    if reply.headers:
        headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    # Nothing to set up; answering lets servers run with lifespan "on" when mounted alone.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
