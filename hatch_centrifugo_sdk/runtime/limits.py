"""The one size limit users set, and the transport limits derived from it.

``max_params_bytes`` bounds the params of one call, measured as the SDK sends them (the
JSON its client library writes). Every SDK refuses larger params itself (error 413);
Centrifugo's WebSocket frame limit and the endpoint's body limit are set above it, so
that anything an SDK sends reaches the handler. No imports: the hook reads this at
configuration time.
"""

from __future__ import annotations

DEFAULT_MAX_PARAMS_BYTES = 1_048_576

# The client protocol's command around the params: {"id":N,"rpc":{"method":"...","data":...}}.
PROTOCOL_ENVELOPE_BYTES = 65_536
# The proxy request around the params: client id, transport, protocol, user, method.
PROXY_ENVELOPE_BYTES = 65_536
# Centrifugo re-encodes the params for the proxy with Go's HTML escaping: '<', '>' and '&'
# (one byte as sent) become \u003c and the like (six bytes).
PROXY_ESCAPE_GROWTH = 6


def websocket_message_limit(max_params_bytes: int) -> int:
    """Centrifugo's ``websocket.message_size_limit`` for params up to ``max_params_bytes``."""
    return max_params_bytes + PROTOCOL_ENVELOPE_BYTES


def proxy_body_limit(max_params_bytes: int) -> int:
    """The endpoint's request body limit for params up to ``max_params_bytes``."""
    return PROXY_ESCAPE_GROWTH * max_params_bytes + PROXY_ENVELOPE_BYTES
