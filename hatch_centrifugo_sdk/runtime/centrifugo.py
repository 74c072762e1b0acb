"""Centrifugo v6 configuration for the RPC proxy, and connection tokens.

The config wires every RPC method without a namespace (``tasks.list``; ``:`` would
select a namespace) to the service's proxy endpoint, and makes Centrifugo add the
shared secret header that the endpoint requires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Sequence

from .dispatch import PROXY_SECRET_HEADER
from .limits import DEFAULT_MAX_PARAMS_BYTES, websocket_message_limit


def centrifugo_config(
    *,
    port: int,
    address: str = "127.0.0.1",
    proxy_endpoint: str,
    proxy_secret: str,
    token_secret: str,
    api_key: str,
    proxy_timeout: str = "5s",
    concurrency: int = 16,
    allowed_origins: Sequence[str] = (),
    secret_header: str = PROXY_SECRET_HEADER,
    max_params_bytes: int = DEFAULT_MAX_PARAMS_BYTES,
    namespaces: Sequence[str] = (),
    channels: Sequence[Any] = (),
    subscribe_endpoint: str | None = None,
    subscribe_timeout: str = "5s",
) -> dict[str, Any]:
    """A Centrifugo v6 config (``json.dump`` it) that proxies RPC calls to ``proxy_endpoint``.

    ``proxy_timeout`` must exceed the service's handler timeouts, or a slow handler
    reaches the client as Centrifugo's error 100 instead of the service's 408.
    ``concurrency`` lets one connection's calls run in parallel (Centrifugo's default
    runs them one at a time).

    ``address`` is the interface Centrifugo listens on: loopback by default; ``""`` means
    every interface (in a container, behind a load balancer). ``allowed_origins`` lists the
    web pages (``"https://app.example.com"``, ``"http://localhost:5173"``) whose browsers may
    connect; Centrifugo answers any other page's handshake with 403. Clients that send no
    Origin header (servers, mobile apps, the Python and Go SDKs) are not affected.

    ``max_params_bytes`` must be the SDKs' ``max-params-bytes`` (1 MiB by default): the
    WebSocket frame limit is set above it, so that params an SDK sends never cut the
    connection (Centrifugo's own default, 64 KiB, would).

    ``namespaces`` declares channel namespaces (``"chat"`` allows channels ``chat:...``) with
    Centrifugo's default options; RPC methods named without ``:`` are proxied whatever they are.

    ``channels`` (declared channels, e.g. ``registry.channels()`` or an API model's) each get their
    namespace: subscriptions go through the subscribe proxy at ``subscribe_endpoint`` (the
    service's ``SubscribeProxyApp``, with the same secret header), and a channel declared with
    ``History`` keeps that many publications for that long, with ``force_recovery`` when it asks
    for recovery, so a reconnecting subscriber gets what it missed.
    """
    if max_params_bytes <= 0:
        raise ValueError(f"max_params_bytes={max_params_bytes!r} must be positive")
    config: dict[str, Any] = {
        "http_server": {"address": address, "port": port},
        "websocket": {"message_size_limit": websocket_message_limit(max_params_bytes)},
        "client": {
            "token": {"hmac_secret_key": token_secret},
            "allowed_origins": list(allowed_origins),
            "concurrency": concurrency,
        },
        "http_api": {"key": api_key},
        "health": {"enabled": True},
        "rpc": {
            "proxy": {
                "endpoint": proxy_endpoint,
                "timeout": proxy_timeout,
                # Static headers lose to forwarded client headers of the same name; this
                # config forwards none, so clients cannot forge the secret.
                "http": {"static_headers": {secret_header: proxy_secret}},
            },
            "without_namespace": {"proxy_enabled": True},
        },
    }
    declared = [channel_namespace(c) for c in channels]
    if declared and not subscribe_endpoint:
        raise ValueError("channels need subscribe_endpoint: the URL of the service's subscribe proxy")
    if namespaces or declared:
        config["channel"] = {"namespaces": [{"name": name} for name in namespaces] + declared}
    if declared:
        config["channel"]["proxy"] = {
            "subscribe": {
                "endpoint": subscribe_endpoint,
                "timeout": subscribe_timeout,
                "http": {"static_headers": {secret_header: proxy_secret}},
            }
        }
    return config


def channel_namespace(channel: Any) -> dict[str, Any]:
    """The Centrifugo namespace of one declared channel: subscribe proxy, history and recovery."""
    namespace: dict[str, Any] = {"name": channel.name, "subscribe_proxy_enabled": True}
    history = channel.history
    if history is not None:
        namespace["history_size"] = history.size
        namespace["history_ttl"] = f"{history.ttl}s"
        if history.recover:
            namespace["force_recovery"] = True
    return namespace


def make_token(secret: str, user: str, ttl_seconds: int = 3600, *, now: int | None = None) -> str:
    """An HS256 connection token for ``user`` ("" connects anonymously), valid ``ttl_seconds``."""
    issued = int(time.time()) if now is None else now
    header = _segment({"alg": "HS256", "typ": "JWT"})
    payload = _segment({"exp": issued + ttl_seconds, "sub": user})
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def _segment(value: dict[str, Any]) -> str:
    return _b64url(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
