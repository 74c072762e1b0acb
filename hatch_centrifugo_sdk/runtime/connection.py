"""The connection object every handler receives as ``conn``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Connection:
    """Who is calling, as Centrifugo reported it in the RPC proxy request.

    ``user_id`` comes only from Centrifugo's ``user`` (the connection token's ``sub``)
    and is ``None`` for anonymous connections. ``idempotency_key`` is the call's key (the
    same in its retries), ``None`` when the caller sent none: a handler whose write must not
    repeat, even after a crash that lost the stored outcome, can make the write unique by it.
    """

    user_id: str | None
    client_id: str
    transport: str = "websocket"
    protocol: str = "json"
    meta: Mapping[str, Any] | None = field(default=None)
    idempotency_key: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None
