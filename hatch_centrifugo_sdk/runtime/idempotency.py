"""Idempotency keys: a retried call returns the first call's outcome instead of running again.

Centrifugo forwards only a call's ``data``, so the key travels inside it, as the reserved
member ``"$idempotency_key"`` (a string of 1..128 characters) next to the params. The
dispatcher removes it before validating the params; an older service ignores it (Pydantic's
default is to ignore unknown fields). Outcomes are kept per user, method and key.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
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
    """Outcomes in this process's memory: for one service instance (lost on restart).

    The dispatcher calls :meth:`claim` and :meth:`keep` directly (no coroutine per call)
    unless a subclass overrides :meth:`begin` or :meth:`finish`.
    """

    def __init__(self, ttl: float = DEFAULT_OUTCOME_TTL) -> None:
        if not ttl > 0:
            raise ValueError(f"ttl={ttl!r} must be a positive number of seconds")
        self.ttl = ttl
        # scope -> (expiry, outcome or _PENDING while running). Tuples of a float and bytes:
        # the cycle collector stops tracking them, so a day of outcomes does not slow it.
        self._entries: dict[str, tuple[float, Any]] = {}
        # (expiry, scope) in the order the entries were made, which is expiry order (one ttl).
        self._expiries: deque[tuple[float, str]] = deque()
        self._twins: dict[str, asyncio.Future[None]] = {}  # scope -> future a waiting twin awaits

    def __len__(self) -> int:
        return len(self._entries)

    async def begin(self, scope: str, wait: float) -> bytes | None:
        while True:
            claimed = self.claim(scope)
            if not isinstance(claimed, asyncio.Future):
                return claimed
            done, _ = await asyncio.wait((claimed,), timeout=wait)
            if not done:
                raise StillRunning
            # Finished (claim now returns its outcome), or forgotten (this call runs the handler).

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        self.keep(scope, outcome)

    def claim(self, scope: str) -> bytes | None | asyncio.Future[None]:
        """The stored outcome; None when the caller now owns ``scope``; or, while a twin runs,
        a future done when it finishes (then claim again)."""
        now = time.monotonic()
        expiries = self._expiries
        if expiries and expiries[0][0] <= now:
            self._purge(now)
        entry = self._entries.get(scope)
        if entry is None or (entry[0] <= now and entry[1] is not _PENDING):
            expiry = now + self.ttl
            self._entries[scope] = (expiry, _PENDING)
            expiries.append((expiry, scope))
            return None
        if entry[1] is not _PENDING:
            return entry[1]  # type: ignore[no-any-return]
        twin = self._twins.get(scope)
        if twin is None:
            twin = self._twins[scope] = asyncio.get_running_loop().create_future()
        return twin

    def keep(self, scope: str, outcome: bytes | None) -> None:
        """Keep the outcome of a call that :meth:`claim` gave to its caller; None forgets it."""
        entry = self._entries.get(scope)
        if entry is None or entry[1] is not _PENDING:
            return
        if outcome is None:
            del self._entries[scope]
        else:
            self._entries[scope] = (entry[0], outcome)
        twin = self._twins.pop(scope, None)
        if twin is not None:
            twin.set_result(None)

    def _purge(self, now: float) -> None:
        """Drop the expired outcomes, oldest first."""
        entries, expiries = self._entries, self._expiries
        while expiries and expiries[0][0] <= now:
            expiry, scope = expiries[0]
            entry = entries.get(scope)
            if entry is not None and entry[0] == expiry:  # not a newer entry of the same scope
                if entry[1] is _PENDING:  # a call still running past the ttl: look again next time
                    return
                del entries[scope]
            expiries.popleft()

    @property
    def direct(self) -> bool:
        """Whether :meth:`claim` and :meth:`keep` are the store's whole behaviour."""
        kind = type(self)
        return kind.begin is InProcessOutcomes.begin and kind.finish is InProcessOutcomes.finish
