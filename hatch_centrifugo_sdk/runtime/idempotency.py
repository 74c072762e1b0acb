"""Idempotency keys: a retried call returns the first call's outcome instead of running again.

Centrifugo forwards only a call's ``data``, so the key travels inside it, as the reserved
member ``"$idempotency_key"`` (a string of 1..128 characters) next to the params. The
dispatcher removes it before validating the params; an older service ignores it (Pydantic's
default is to ignore unknown fields). Outcomes are kept per user, method and key.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any, Protocol

IDEMPOTENCY_KEY = "$idempotency_key"
MAX_KEY_CHARS = 128
DEFAULT_OUTCOME_TTL = 24 * 3600.0


class OutcomeStore(Protocol):
    """Where the outcomes of keyed calls are kept (the reply body Centrifugo gets)."""

    async def begin(self, scope: str, wait: float) -> bytes | None:
        """The stored outcome of ``scope``, waiting up to ``wait`` s for a call still running;
        None when the caller now owns ``scope`` and must run the handler, then :meth:`finish`."""

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        """Keep ``outcome`` for ``scope``; None forgets the call (a retry runs the handler again)."""


class StillRunning(Exception):
    """A call with the same key is still running after the wait."""


_PENDING = object()


class InProcessOutcomes:
    """Outcomes in this process's memory: for one service instance (lost on restart)."""

    def __init__(self, ttl: float = DEFAULT_OUTCOME_TTL) -> None:
        if not ttl > 0:
            raise ValueError(f"ttl={ttl!r} must be a positive number of seconds")
        self.ttl = ttl
        # scope -> [expiry, outcome (_PENDING while running), future of a waiting twin or None];
        # insertion order is expiry order (one ttl). The future is made only when a twin waits.
        self._entries: OrderedDict[str, list[Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def begin(self, scope: str, wait: float) -> bytes | None:
        now = time.monotonic()
        entries = self._entries
        while entries:
            oldest = next(iter(entries.values()))
            if oldest[0] > now or oldest[1] is _PENDING:
                break
            entries.popitem(last=False)
        while True:
            entry = entries.get(scope)
            if entry is None or (entry[0] <= now and entry[1] is not _PENDING):
                entries[scope] = [now + self.ttl, _PENDING, None]
                entries.move_to_end(scope)
                return None
            if entry[1] is _PENDING:
                if entry[2] is None:
                    entry[2] = asyncio.get_running_loop().create_future()
                done, _ = await asyncio.wait((entry[2],), timeout=wait)
                if not done:
                    raise StillRunning
            outcome = entry[1]
            if outcome is not None and outcome is not _PENDING:
                return outcome  # type: ignore[no-any-return]
            # The first call was forgotten (temporary failure, entry removed): this one runs the handler.

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        entry = self._entries.get(scope)
        if entry is None or entry[1] is not _PENDING:
            return
        entry[1] = outcome
        if outcome is None:
            del self._entries[scope]
        if entry[2] is not None:
            entry[2].set_result(None)
