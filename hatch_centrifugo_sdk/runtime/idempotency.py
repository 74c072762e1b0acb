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
DEFAULT_MAX_BYTES = 256 * 2**20
# What one kept outcome costs besides its reply: the scope string (user, method, key), its
# dict slot and its place in the expiry queues (measured: about 180 bytes).
ENTRY_OVERHEAD = 180


class OutcomeStore(Protocol):
    """Where the outcomes of keyed calls are kept (the reply body Centrifugo gets)."""

    async def begin(self, scope: str, wait: float) -> bytes | None:
        """The stored outcome of ``scope``, waiting up to ``wait`` s for a call still running;
        None when the caller now owns ``scope`` and must run the handler, then :meth:`finish`."""

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        """Keep ``outcome`` for ``scope``; None forgets the call (a retry runs the handler again)."""


class StillRunning(Exception):
    """A call with the same key is still running after the wait."""


class InProcessOutcomes:
    """Outcomes in this process's memory: for one service instance (lost on restart).

    An outcome is kept for ``ttl`` seconds from its call's first attempt, and the outcomes kept
    take at most about ``max_bytes`` (their replies plus ``ENTRY_OVERHEAD`` each): past it the
    oldest are dropped first, and a retry of a dropped call runs its handler again. The
    dispatcher calls :meth:`claim` and :meth:`keep` directly (no coroutine per call) unless a
    subclass overrides :meth:`begin` or :meth:`finish`.
    """

    def __init__(self, ttl: float = DEFAULT_OUTCOME_TTL, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if not ttl > 0:
            raise ValueError(f"ttl={ttl!r} must be a positive number of seconds")
        if not max_bytes > 0:
            raise ValueError(f"max_bytes={max_bytes!r} must be a positive number of bytes")
        self.ttl = ttl
        self.max_bytes = max_bytes
        self._bytes = 0  # of the outcomes kept, ENTRY_OVERHEAD each included
        # scope -> the outcome (bytes), or the call's expiry (float) while it runs. No
        # container per entry: every keyed call adds one, kept for a day by default.
        self._entries: dict[str, bytes | float] = {}
        # The expiry and scope of each call, in the order they came, which is expiry order.
        self._expiries: deque[float] = deque()
        self._scopes: deque[str] = deque()
        self._twins: dict[str, asyncio.Future[None]] = {}  # scope -> future a waiting twin awaits
        self._overdue: set[str] = set()  # calls still running past their ttl, or dropped for room

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
        """The stored outcome; None when the caller now owns ``scope`` (run the handler, then
        :meth:`keep`); or, while a twin runs, a future done when it ends (then claim again)."""
        now = time.monotonic()
        expiries = self._expiries
        if expiries and expiries[0] <= now:
            self._purge(now)
        entry = self._entries.get(scope)
        if entry is None:
            expiry = now + self.ttl
            self._entries[scope] = expiry
            expiries.append(expiry)
            self._scopes.append(scope)
            return None
        if type(entry) is bytes:
            return entry
        twin = self._twins.get(scope)
        if twin is None:
            twin = self._twins[scope] = asyncio.get_running_loop().create_future()
        return twin

    def keep(self, scope: str, outcome: bytes | None) -> None:
        """Keep the outcome of a call that :meth:`claim` gave to its caller; None forgets it."""
        entry = self._entries.get(scope)
        if type(entry) is not float:
            return
        if outcome is None or (self._overdue and scope in self._overdue):  # forgotten, or past its ttl
            self._overdue.discard(scope)
            del self._entries[scope]
        else:
            self._entries[scope] = outcome
            self._bytes += len(outcome) + ENTRY_OVERHEAD
            if self._bytes > self.max_bytes:
                self._make_room()
        twin = self._twins.pop(scope, None)
        if twin is not None:
            twin.set_result(None)

    def _purge(self, now: float) -> None:
        """Drop the outcomes past their ttl, oldest first (a call still running, when it ends)."""
        expiries = self._expiries
        while expiries and expiries[0] <= now:
            self._drop_oldest()

    def _make_room(self) -> None:
        """Drop the oldest outcomes until those kept fit in ``max_bytes``."""
        while self._bytes > self.max_bytes and self._expiries:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        expiry = self._expiries.popleft()
        scope = self._scopes.popleft()
        entry = self._entries.get(scope)
        if type(entry) is bytes:
            del self._entries[scope]
            self._bytes -= len(entry) + ENTRY_OVERHEAD
        elif entry == expiry:  # this very call still runs: keep() drops its outcome
            self._overdue.add(scope)

    @property
    def direct(self) -> bool:
        """Whether :meth:`claim` and :meth:`keep` are the store's whole behaviour."""
        kind = type(self)
        return kind.begin is InProcessOutcomes.begin and kind.finish is InProcessOutcomes.finish
