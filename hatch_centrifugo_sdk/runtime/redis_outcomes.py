"""Outcomes of keyed calls in Redis: shared by every service instance behind a balancer.

Needs the ``redis`` package (``pip install 'hatch-centrifugo-sdk[redis]'``) and Redis 7.0 or
later (``SET ... NX GET``). A call claims its scope with a pending marker (``SET NX``) that
expires after ``lease`` seconds past the handler's timeout, so that a twin on any instance waits
for it (polling, bounded by the handler's timeout) and the marker of an instance killed while
its handler ran does not block the key for longer than that. The outcome replaces the marker
only while the marker is still this call's own.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from .idempotency import DEFAULT_OUTCOME_TTL, StillRunning

REDIS_URL_ENV = "RPC_IDEMPOTENCY_REDIS_URL"

# KEYS[1] the scope; ARGV: this call's marker, the outcome ("" forgets), its ttl in ms.
_FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""
_PENDING = b"pending:"  # outcomes are JSON objects: they never start with this


class RedisOutcomes:
    """An :class:`~hatch_centrifugo_sdk.runtime.idempotency.OutcomeStore` in Redis."""

    def __init__(
        self,
        redis: Any,
        *,
        ttl: float = DEFAULT_OUTCOME_TTL,
        prefix: str = "rpc-outcome:",
        lease: float = 5.0,
        poll: float = 0.05,
    ) -> None:
        """``redis`` is a ``redis.asyncio.Redis`` client or a ``redis://`` URL."""
        if not ttl > 0 or not lease > 0 or not poll > 0:
            raise ValueError(f"ttl={ttl!r}, lease={lease!r} and poll={poll!r} must be positive numbers of seconds")
        if isinstance(redis, str):
            import redis.asyncio as aioredis  # the [redis] extra; imported only when used

            redis = aioredis.Redis.from_url(redis)
        self.redis = redis
        self.ttl, self.prefix, self.lease, self.poll = ttl, prefix.encode(), lease, poll
        self._markers: dict[str, bytes] = {}
        self._finish = redis.register_script(_FINISH)

    @classmethod
    def from_env(cls, **options: Any) -> RedisOutcomes | None:
        """A store at ``RPC_IDEMPOTENCY_REDIS_URL``, or None when it is not set."""
        url = os.environ.get(REDIS_URL_ENV)
        return cls(url, **options) if url else None

    async def begin(self, scope: str, wait: float) -> bytes | None:
        key = self.prefix + scope.encode()
        marker = _PENDING + os.urandom(12).hex().encode()
        lease_ms = int((wait + self.lease) * 1000)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            previous = await self.redis.set(key, marker, nx=True, px=lease_ms, get=True)
            if previous is None:
                self._markers[scope] = marker
                return None
            if not previous.startswith(_PENDING):
                return bytes(previous)
            if loop.time() >= deadline:
                raise StillRunning
            await asyncio.sleep(min(self.poll, max(deadline - loop.time(), 0.0)))

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        marker = self._markers.pop(scope, None)
        if marker is None:
            return
        key = self.prefix + scope.encode()
        await self._finish(keys=[key], args=[marker, outcome or b"", int(self.ttl * 1000)])

    async def aclose(self) -> None:
        await self.redis.aclose()
