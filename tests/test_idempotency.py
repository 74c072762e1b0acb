"""Idempotency keys in the dispatcher: a keyed call runs once per user, method and key."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from hatch_centrifugo_sdk import Connection, Registry, RpcError
from hatch_centrifugo_sdk.dispatch import Dispatcher

KEY = "$idempotency_key"


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")  # the key must not reach the params model
    name: str


class LooseItem(BaseModel):
    """Pydantic's default: unknown members are ignored, so the request's validation reads the key."""

    name: str


@pytest.fixture(params=["forbid", "ignore"])
def extra(request: pytest.FixtureRequest) -> str:
    """Both ways the dispatcher finds a key: taken out of the body first, or read in validation."""
    return str(request.param)


class Created(BaseModel):
    id: int
    name: str


def service(extra: str = "forbid") -> tuple[Dispatcher, list[str], asyncio.Event]:
    registry = Registry()
    runs: list[str] = []
    gate = asyncio.Event()
    gate.set()

    async def create(conn: Connection, params: Item | LooseItem) -> Created:
        assert conn.idempotency_key != "k-nested"  # only a key at the params' top level is the call's
        runs.append(params.name)
        await gate.wait()
        if params.name == "flaky" and runs.count("flaky") == 1:
            raise RpcError(503, "try again", temporary=True)
        if params.name == "refused":
            raise RpcError(409, "exists")
        return Created(id=len(runs), name=params.name)

    if extra == "forbid":

        @registry.rpc("items.create")
        async def create_strict(conn: Connection, params: Item) -> Created:
            return await create(conn, params)

    else:

        @registry.rpc("items.create")
        async def create_loose(conn: Connection, params: LooseItem) -> Created:
            return await create(conn, params)

    return Dispatcher(registry, proxy_secret=None, allow_insecure=True), runs, gate


def body(data: dict[str, Any], user: str = "u1") -> bytes:
    return json.dumps({"client": "c", "user": user, "method": "items.create", "data": data}).encode()


async def test_a_retried_key_returns_the_first_outcome_without_running_again(extra: str) -> None:
    dispatcher, runs, _ = service(extra)
    first = await dispatcher.handle(body({"name": "a", KEY: "k1"}))
    again = await dispatcher.handle(body({"name": "a", KEY: "k1"}))
    assert json.loads(first.body) == {"result": {"data": {"id": 1, "name": "a"}}}
    assert again.body == first.body and runs == ["a"]
    # Another key, another user, or no key: the handler runs.
    await dispatcher.handle(body({"name": "a", KEY: "k2"}))
    await dispatcher.handle(body({"name": "a", KEY: "k1"}, user="u2"))
    await dispatcher.handle(body({"name": "a"}))
    assert runs == ["a"] * 4


async def test_a_retry_during_the_first_call_waits_for_its_outcome(extra: str) -> None:
    dispatcher, runs, gate = service(extra)
    gate.clear()
    calls = [asyncio.ensure_future(dispatcher.handle(body({"name": "b", KEY: "k"}))) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert runs == ["b"]
    gate.set()
    replies = await asyncio.gather(*calls)
    assert len({r.body for r in replies}) == 1 and runs == ["b"]


async def test_temporary_failures_are_forgotten_and_refusals_kept(extra: str) -> None:
    dispatcher, runs, _ = service(extra)
    failed = await dispatcher.handle(body({"name": "flaky", KEY: "k"}))
    assert json.loads(failed.body)["error"]["temporary"] is True
    retried = await dispatcher.handle(body({"name": "flaky", KEY: "k"}))
    assert "result" in json.loads(retried.body) and runs == ["flaky", "flaky"]
    refused = await dispatcher.handle(body({"name": "refused", KEY: "r"}))
    assert await dispatcher.handle(body({"name": "refused", KEY: "r"})) == refused
    assert runs.count("refused") == 1


async def test_a_bad_key_is_refused_and_deduplication_can_be_turned_off(extra: str) -> None:
    dispatcher, runs, _ = service(extra)
    reply = json.loads((await dispatcher.handle(body({"name": "x", KEY: 7}))).body)
    assert reply["error"]["code"] == 400 and KEY in reply["error"]["message"] and runs == []
    registry = dispatcher.registry
    plain = Dispatcher(registry, proxy_secret=None, allow_insecure=True, deduplicate=False)
    await plain.handle(body({"name": "x", KEY: "k"}))
    await plain.handle(body({"name": "x", KEY: "k"}))
    assert runs == ["x", "x"]


@pytest.mark.parametrize("data", [{"name": f'say "{KEY}"'}, {"name": "n", "nested": {KEY: "k-nested"}}])
async def test_the_key_is_only_taken_from_the_params_top_level(data: dict[str, Any], extra: str) -> None:
    dispatcher, runs, _ = service(extra)
    reply = json.loads((await dispatcher.handle(body(data))).body)
    if "nested" in data and extra == "forbid":
        assert reply["error"]["code"] == 422
    else:  # the handler checks that its call has no key
        assert reply["result"]["data"]["name"] == data["name"] and runs == [data["name"]]


def compact(data: str, user: str = "u1", method: str = "items.create") -> bytes:
    """A request laid out as Centrifugo sends it, with the params' JSON exactly as given."""
    return f'{{"client":"c","transport":"websocket","protocol":"json","user":"{user}","method":"{method}","data":{data}}}'.encode()


async def test_a_key_first_in_the_params_as_the_sdks_send_it_is_read_without_parsing_them(extra: str) -> None:
    dispatcher, runs, _ = service(extra)
    first = await dispatcher.handle(compact(f'{{"{KEY}":"k1","name":"a"}}'))
    assert json.loads(first.body) == {"result": {"data": {"id": 1, "name": "a"}}}
    # The same key written another way (escaped, spaced, last) is the same call.
    for data in (f'{{"{KEY}":"k\\u0031","name":"a"}}', f'{{"name": "a", "{KEY}": "k1"}}'):
        assert (await dispatcher.handle(compact(data))).body == first.body
    assert runs == ["a"]
    # The key alone: the params are empty (the model requires a name).
    alone = json.loads((await dispatcher.handle(compact(f'{{"{KEY}":"k2"}}'))).body)
    assert alone["error"]["code"] == 422 and "name" in alone["error"]["message"] and KEY not in alone["error"]["message"]
    # A key that is too long or empty is refused however it is written.
    for key in ("", "x" * 129):
        refused = json.loads((await dispatcher.handle(compact(f'{{"{KEY}":"{key}","name":"a"}}'))).body)
        assert refused["error"]["code"] == 400 and KEY in refused["error"]["message"]
    assert runs == ["a"]


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    data: dict[str, str]


async def test_a_key_in_a_member_named_data_inside_the_params_stays_in_the_params() -> None:
    registry = Registry()

    @registry.rpc("notes.save")
    async def save(conn: Connection, params: Note) -> Note:
        return params

    dispatcher = Dispatcher(registry, proxy_secret=None, allow_insecure=True)
    for _ in range(2):
        reply = await dispatcher.handle(compact(f'{{"title":"t","data":{{"{KEY}":"k","x":"1"}}}}', method="notes.save"))
        assert json.loads(reply.body) == {"result": {"data": {"title": "t", "data": {KEY: "k", "x": "1"}}}}


class _Unreachable:
    """An outcome store that cannot be reached."""

    async def begin(self, scope: str, wait: float) -> bytes | None:
        raise ConnectionError("down")

    async def finish(self, scope: str, outcome: bytes | None) -> None:
        raise ConnectionError("down")


def _crashing(**options: Any) -> Dispatcher:
    registry = Registry()

    @registry.rpc("items.crash")
    async def crash(conn: Connection, params: Item) -> Created:
        raise RuntimeError("bug")

    @registry.rpc("items.slow")
    async def slow(conn: Connection, params: Item) -> Created:
        await asyncio.sleep(5)
        raise AssertionError("timed out before")

    return Dispatcher(registry, proxy_secret=None, allow_insecure=True, handler_timeout=0.05, **options)


def _call(method: str, data: dict[str, Any]) -> bytes:
    return json.dumps({"client": "c", "user": "u1", "method": method, "data": data}).encode()


async def _message(dispatcher: Dispatcher, request: bytes) -> str:
    error = json.loads((await dispatcher.handle(request)).body)["error"]
    assert error["temporary"] is True and error["code"] in (408, 500), error
    return str(error["message"])


async def test_a_408_or_500_says_whether_the_handler_started_and_the_key_is_deduplicated() -> None:
    keyed = {KEY: "k1", "name": "a"}
    dispatcher = _crashing()
    assert await _message(dispatcher, _call("items.crash", keyed)) == "internal error [handler started; key deduplicated]"
    assert await _message(dispatcher, _call("items.crash", {"name": "a"})) == "internal error [handler started]"
    slow = await _message(dispatcher, _call("items.slow", {KEY: "k2", "name": "a"}))
    assert slow == "method 'items.slow' did not finish within 0.05s [handler started; key deduplicated]"
    off = _crashing(deduplicate=False)
    assert await _message(off, _call("items.crash", keyed)) == "internal error [handler started]"
    unreachable = _crashing(outcomes=_Unreachable())
    assert await _message(unreachable, _call("items.crash", keyed)) == "internal error [handler not started]"


async def test_a_refusal_and_a_temporary_error_of_the_applications_carry_no_note(extra: str) -> None:
    dispatcher, _, _ = service(extra)
    assert json.loads((await dispatcher.handle(body({KEY: "k", "name": "flaky"}))).body)["error"]["message"] == "try again"
    assert json.loads((await dispatcher.handle(body({"name": "refused"}))).body)["error"]["message"] == "exists"


def test_the_store_given_is_the_one_used_even_while_it_is_empty() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import InProcessOutcomes

    store = InProcessOutcomes(ttl=60)  # empty: len() is 0
    assert Dispatcher(Registry(), proxy_secret=None, allow_insecure=True, outcomes=store).outcomes is store


async def test_outcomes_expire_after_the_ttl_and_leave_the_store() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import InProcessOutcomes

    dispatcher, runs, _ = service()
    store = dispatcher.outcomes = InProcessOutcomes(ttl=0.05)
    first = await dispatcher.handle(body({KEY: "old", "name": "a"}))
    assert await dispatcher.handle(body({KEY: "old", "name": "a"})) == first and runs == ["a"]
    await asyncio.sleep(0.1)
    await dispatcher.handle(body({KEY: "new", "name": "b"}))  # drops "old" on its way in
    assert len(store) == 1
    again = await dispatcher.handle(body({KEY: "old", "name": "a"}))
    assert runs == ["a", "b", "a"] and again != first  # a new call: the handler ran again (id 3)


async def test_a_store_that_overrides_begin_and_finish_is_called_through_them() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import InProcessOutcomes

    class Counted(InProcessOutcomes):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[str] = []

        async def begin(self, scope: str, wait: float) -> bytes | None:
            self.calls.append("begin")
            return await super().begin(scope, wait)

        async def finish(self, scope: str, outcome: bytes | None) -> None:
            self.calls.append("finish")
            await super().finish(scope, outcome)

    dispatcher, runs, _ = service()
    dispatcher.outcomes = store = Counted()
    await dispatcher.handle(body({KEY: "k", "name": "a"}))
    await dispatcher.handle(body({KEY: "k", "name": "a"}))
    assert store.calls == ["begin", "finish", "begin"] and runs == ["a"]
    dispatcher.outcomes = None  # no deduplication from now on
    await dispatcher.handle(body({KEY: "k", "name": "a"}))
    assert runs == ["a", "a"] and store.calls == ["begin", "finish", "begin"]


async def test_a_call_that_runs_past_the_ttl_keeps_no_outcome() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import InProcessOutcomes

    store = InProcessOutcomes(ttl=0.05)
    assert store.claim("slow") is None
    await asyncio.sleep(0.1)
    assert store.claim("other") is None  # purges on its way in: "slow" is still running
    store.keep("slow", b"late")
    assert store.claim("slow") is None and len(store) == 2  # not kept: a retry runs the handler again


async def test_past_max_bytes_the_oldest_outcomes_are_dropped_first() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import ENTRY_OVERHEAD, InProcessOutcomes

    reply = b"x" * 100
    store = InProcessOutcomes(max_bytes=3 * (len(reply) + ENTRY_OVERHEAD))  # room for three
    for name in ("a", "b", "c", "d"):
        assert store.claim(name) is None
        store.keep(name, reply)
    assert len(store) == 3 and store.claim("a") is None  # dropped: its retry runs again
    store.keep("a", reply)  # the newest now: "b" makes room
    assert [store.claim(n) for n in ("c", "d", "a")] == [reply, reply, reply]
    assert store.claim("b") is None  # dropped


async def test_a_call_dropped_for_room_while_it_runs_keeps_no_outcome() -> None:
    from hatch_centrifugo_sdk.runtime.idempotency import ENTRY_OVERHEAD, InProcessOutcomes

    store = InProcessOutcomes(max_bytes=2 * (10 + ENTRY_OVERHEAD))
    assert store.claim("slow") is None  # runs on while the others come and go
    for name in ("a", "b", "c"):
        assert store.claim(name) is None
        store.keep(name, b"0123456789")
    store.keep("slow", b"0123456789")
    assert store.claim("slow") is None  # not kept: a retry runs the handler again
