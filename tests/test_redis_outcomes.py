"""The shared idempotency store: two dispatchers (two service instances) over one real Redis."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import pytest
from pydantic import BaseModel

from hatch_centrifugo_sdk import Connection, Registry, RpcError
from hatch_centrifugo_sdk.dispatch import Dispatcher
from hatch_centrifugo_sdk.runtime.idempotency import StillRunning
from hatch_centrifugo_sdk.runtime.redis_outcomes import RedisOutcomes

from stack import free_ports, run_redis

KEY = "$idempotency_key"


class Item(BaseModel):
    name: str


class Created(BaseModel):
    id: int
    name: str


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with run_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


class Service:
    """One registry (one database: ``runs``) served by two instances sharing a Redis store."""

    def __init__(self, redis_url: str, **store: Any) -> None:
        self.runs: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()
        registry = Registry()

        @registry.rpc("items.create")
        async def create(conn: Connection, params: Item) -> Created:
            self.runs.append(params.name)
            await self.gate.wait()
            if params.name == "flaky" and self.runs.count("flaky") == 1:
                raise RpcError(503, "try again", temporary=True)
            return Created(id=len(self.runs), name=params.name)

        self.stores = [RedisOutcomes(redis_url, **store) for _ in range(2)]
        self.instances = [Dispatcher(registry, proxy_secret=None, allow_insecure=True, outcomes=s) for s in self.stores]

    async def call(self, instance: int, name: str, key: str, user: str = "u1") -> dict[str, Any]:
        data = {KEY: key, "name": name}
        body = json.dumps({"client": "c", "user": user, "method": "items.create", "data": data}, separators=(",", ":"))
        return json.loads((await self.instances[instance].handle(body.encode())).body)  # type: ignore[no-any-return]


@pytest.fixture
async def service(redis_url: str) -> AsyncIterator[Service]:
    service = Service(redis_url, lease=0.5, poll=0.01)
    yield service
    for store in service.stores:
        await store.aclose()


def fresh(name: str) -> str:
    return f"{name}-{asyncio.get_running_loop().time()}"


async def test_a_retry_on_another_instance_returns_the_first_outcome(service: Service) -> None:
    key = fresh("k")
    first = await service.call(0, "a", key)
    again = await service.call(1, "a", key)
    assert first == again == {"result": {"data": {"id": 1, "name": "a"}}}
    other_user = await service.call(1, "a", key, user="u2")
    assert "result" in other_user and service.runs == ["a", "a"]


async def test_a_twin_on_another_instance_waits_for_the_call_in_flight(service: Service) -> None:
    service.gate.clear()
    key = fresh("k")
    first = asyncio.ensure_future(service.call(0, "b", key))
    await asyncio.sleep(0.05)
    twin = asyncio.ensure_future(service.call(1, "b", key))
    await asyncio.sleep(0.1)
    assert service.runs == ["b"] and not twin.done()
    service.gate.set()
    assert await first == await twin and service.runs == ["b"]


async def test_temporary_failures_are_forgotten_across_instances(service: Service) -> None:
    key = fresh("k")
    failed = await service.call(0, "flaky", key)
    assert failed["error"]["temporary"] is True
    retried = await service.call(1, "flaky", key)
    assert retried["result"]["data"]["name"] == "flaky" and service.runs == ["flaky", "flaky"]


async def test_the_marker_of_an_instance_that_died_mid_call_expires_after_its_lease(service: Service) -> None:
    key = fresh("k")
    dead = service.stores[0]
    # An instance claims the call and dies before finishing (no finish): its marker stays.
    assert await dead.begin(f"u1\x00items.create\x00{key}", wait=0.2) is None
    # A twin waits at most the handler's timeout (a temporary 408), then runs it once the lease ran out.
    store = service.stores[1]
    with pytest.raises(StillRunning):
        await store.begin(f"u1\x00items.create\x00{key}", wait=0.1)
    await asyncio.sleep(0.7)
    reply = await service.call(1, "c", key)
    assert reply["result"]["data"]["name"] == "c" and service.runs == ["c"]


async def test_an_unreachable_store_is_a_temporary_error_before_the_handler_runs() -> None:
    (port,) = free_ports(1)
    service = Service(f"redis://127.0.0.1:{port}/0")
    reply = await service.call(0, "d", "k")
    assert reply["error"] == {"code": 500, "message": "internal error [handler not started]", "temporary": True}
    assert service.runs == []
    for store in service.stores:
        await store.aclose()


def test_the_store_is_the_redis_extra(tmp_path: Path) -> None:
    # The runtime's base dependency stays pydantic: importing the dispatcher does not import redis.
    import subprocess
    import sys

    code = "import sys, hatch_centrifugo_sdk.dispatch; assert 'redis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
