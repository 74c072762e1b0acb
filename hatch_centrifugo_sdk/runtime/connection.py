"""The connection object every handler receives as ``conn``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Connection:
    """Who is calling, as Centrifugo reported it in the RPC proxy request.

    ``user_id`` comes only from Centrifugo's ``user`` (the connection token's ``sub``)
    and is ``None`` for anonymous connections.
    """

    user_id: str | None
    client_id: str
    transport: str = "websocket"
    protocol: str = "json"
    meta: Mapping[str, Any] | None = field(default=None)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None
