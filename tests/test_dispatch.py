"""The RPC proxy core: every reply Centrifugo can get from the service, through Dispatcher.dispatch."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hatch_centrifugo_sdk import Connection, Registry, RpcError
from hatch_centrifugo_sdk.runtime import dispatch as dispatch_module
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER, Dispatcher

SECRET = "s3cret-value"
HEADERS = {PROXY_SECRET_HEADER.lower(): SECRET}

registry = Registry()
calls: list[str] = []


class Tag(BaseModel):
    name: str
    color: str


class GreetParams(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    display_name: str = Field(alias="displayName")
    times: int = 1
    tags: list[Tag] = []


class GreetResult(BaseModel):
    greeting_text: str = Field(alias="greetingText")


class Empty(BaseModel):
    pass


class WhoResult(BaseModel):
    user_id: str | None
    client_id: str
    transport: str
    protocol: str
    meta: dict[str, Any] | None


class TaskParams(BaseModel):
    task_id: int


class Count(BaseModel):
    value: int


@registry.rpc("greet.say")
async def greet(conn: Connection, params: GreetParams) -> GreetResult:
    calls.append("greet.say")
    return GreetResult(greetingText=" ".join([f"hello {params.display_name}"] * params.times))


@registry.rpc("who.am_i")
async def who_am_i(conn: Connection, params: Empty) -> WhoResult:
    return WhoResult(
        user_id=conn.user_id,
        client_id=conn.client_id,
        transport=conn.transport,
        protocol=conn.protocol,
        meta=dict(conn.meta) if conn.meta is not None else None,
    )


@registry.rpc("tasks.get")
async def get_task(conn: Connection, params: TaskParams) -> Count:
    raise ValueError(f"Task {params.task_id} not found")


@registry.rpc("app.parse_int")
async def parse_int(conn: Connection, params: Empty) -> Count:
    return Count(value=int("hunter2-secret-token"))  # a plain ValueError, raised inside int()


@registry.rpc("app.parse_json")
async def parse_json(conn: Connection, params: Empty) -> Count:
    return Count(value=json.loads('{"token": hunter2}'))


@registry.rpc("app.decode")
async def decode(conn: Connection, params: Empty) -> Count:
    return Count(value=len(b"hunter2-\xff".decode()))


@registry.rpc("app.library_raise")
async def library_raise(conn: Connection, params: Empty) -> Count:
    return Count(value=uuid.UUID("hunter2").int)  # a raise statement, in the standard library


@registry.rpc("app.reraise")
async def reraise(conn: Connection, params: Empty) -> Count:
    try:
        return Count(value=int("hunter2"))
    except ValueError:
        raise


@registry.rpc("app.explicit_from")
async def explicit_from(conn: Connection, params: Empty) -> Count:
    try:
        return Count(value=int("hunter2"))
    except ValueError as exc:
        raise ValueError("count must be a number") from exc  # the handler's own message


class TaskMissing(ValueError):
    pass


@registry.rpc("app.subclass")
async def subclass(conn: Connection, params: Empty) -> Count:
    raise TaskMissing("hunter2")


def _check_positive(task_id: int) -> int:
    if task_id <= 0:
        raise ValueError(f"task_id must be positive, not {task_id}")
    return task_id


@registry.rpc("app.helper_raise")
async def helper_raise(conn: Connection, params: TaskParams) -> Count:
    return Count(value=_check_positive(params.task_id))


@registry.rpc("app.quota")
async def quota(conn: Connection, params: Empty) -> Count:
    raise RpcError(1001, "quota exceeded", temporary=True)


@registry.rpc("app.crash")
async def crash(conn: Connection, params: Empty) -> Count:
    raise RuntimeError("database password is hunter2")


@registry.rpc("app.inner_timeout")
async def inner_timeout(conn: Connection, params: Empty) -> Count:
    raise TimeoutError("upstream timed out")


@registry.rpc("app.model_bug")
async def model_bug(conn: Connection, params: Empty) -> Count:
    return Count(value="not a number")  # type: ignore[arg-type]


@registry.rpc("app.slow", timeout=0.05)
async def slow(conn: Connection, params: Empty) -> Count:
    await asyncio.sleep(5)
    return Count(value=1)


@registry.rpc("app.private", requires_auth=True)
async def private(conn: Connection, params: TaskParams) -> Count:
    return Count(value=params.task_id)


@registry.rpc("app.as_dict")
async def as_dict(conn: Connection, params: Empty) -> Count:
    return {"value": 7}  # type: ignore[return-value]


@registry.rpc("app.wrong_result")
async def wrong_result(conn: Connection, params: Empty) -> Count:
    return {"nothing": "useful"}  # type: ignore[return-value]


class Cat(BaseModel):
    pet_type: Literal["cat"]
    lives: int


class Dog(BaseModel):
    pet_type: Literal["dog"]


class OrderParams(BaseModel):
    pet: Annotated[Union[Cat, Dog], Field(discriminator="pet_type")]
    quantities: dict[str, int] = {}


@registry.rpc("orders.place")
async def place_order(conn: Connection, params: OrderParams) -> Count:
    return Count(value=1)


def proxy_request(method: str, data: Any = None, *, user: str = "42", **extra: Any) -> bytes:
    """A request as Centrifugo's RPC proxy sends it (``data`` left out when None, as Centrifugo does)."""
    request = {"client": "c-1", "transport": "websocket", "protocol": "json", "encoding": "json", "user": user, "method": method}
    if data is not None:
        request["data"] = data
    return json.dumps({**request, **extra}).encode()


@pytest.fixture
def dispatcher() -> Dispatcher:
    return Dispatcher(registry, proxy_secret=SECRET)


async def answer(dispatcher: Dispatcher, body: bytes, headers: dict[str, str] = HEADERS) -> dict[str, Any]:
    reply = await dispatcher.dispatch(body, headers)
    assert reply.status == 200, reply
    decoded: dict[str, Any] = json.loads(reply.body)
    return decoded


async def error_of(dispatcher: Dispatcher, body: bytes) -> tuple[int, str, bool]:
    error = (await answer(dispatcher, body))["error"]
    assert error["message"], "Centrifugo clients need a non-empty message"
    return error["code"], error["message"], error["temporary"]


async def test_result_uses_aliases_in_and_out(dispatcher: Dispatcher) -> None:
    body = proxy_request("greet.say", {"displayName": "Ada", "times": 2})
    assert await answer(dispatcher, body) == {"result": {"data": {"greetingText": "hello Ada hello Ada"}}}


async def test_connection_built_from_the_proxy_request(dispatcher: Dispatcher) -> None:
    body = proxy_request("who.am_i", {}, user="56", meta={"plan": "pro"}, labels={"ignored": "yes"})
    assert (await answer(dispatcher, body))["result"]["data"] == {
        "user_id": "56",
        "client_id": "c-1",
        "transport": "websocket",
        "protocol": "json",
        "meta": {"plan": "pro"},
    }


async def test_anonymous_connection_has_no_user_id_and_missing_data_is_empty(dispatcher: Dispatcher) -> None:
    data = (await answer(dispatcher, proxy_request("who.am_i", user="")))["result"]["data"]
    assert data["user_id"] is None
    assert data["meta"] is None


async def test_value_error_message_reaches_the_client(dispatcher: Dispatcher) -> None:
    assert await error_of(dispatcher, proxy_request("tasks.get", {"task_id": 999})) == (400, "Task 999 not found", False)


async def test_a_rejected_call_is_logged_at_debug_level_with_the_handler(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="hatch_centrifugo_sdk"):
        assert await error_of(dispatcher, proxy_request("tasks.get", {"task_id": 999})) == (400, "Task 999 not found", False)
        assert await error_of(dispatcher, proxy_request("app.helper_raise", {"task_id": -1})) == (
            400, "task_id must be positive, not -1", False,
        )
        assert await error_of(dispatcher, proxy_request("app.explicit_from", {})) == (400, "count must be a number", False)
        assert await error_of(dispatcher, proxy_request("app.quota", {})) == (1001, "quota exceeded", True)
    debug = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert debug == [
        (logging.DEBUG, "handler for 'tasks.get' rejected the call (400): Task 999 not found"),
        (logging.DEBUG, "handler for 'app.helper_raise' rejected the call (400): task_id must be positive, not -1"),
        (logging.DEBUG, "handler for 'app.explicit_from' rejected the call (400): count must be a number"),
        (logging.DEBUG, "handler for 'app.quota' rejected the call (1001): quota exceeded"),
    ]


@pytest.mark.parametrize(
    "method", ["app.parse_int", "app.parse_json", "app.decode", "app.library_raise", "app.reraise", "app.subclass"]
)
async def test_value_errors_not_raised_by_the_services_own_code_are_500_and_logged(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="hatch_centrifugo_sdk"):
        assert await error_of(dispatcher, proxy_request(method, {})) == (500, "internal error [handler started]", True)
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert f"handler for {method!r} failed" in record.getMessage()
    assert "hunter2" in caplog.text  # in the service's log, with the traceback


SHOP_HANDLERS = """
import asyncio, json, sys
from pydantic import BaseModel
import rules_lib
from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.dispatch import Dispatcher
from shop import rules
registry = Registry()
class N(BaseModel):
    n: int
@registry.rpc("shop.own")
async def own(conn: object, params: N) -> N:
    return N(n=rules.check(params.n))
@registry.rpc("shop.other")
async def other(conn: object, params: N) -> N:
    return N(n=rules_lib.check(params.n))
async def main() -> None:
    dispatcher = Dispatcher(registry, proxy_secret=None, allow_insecure=True)
    for method in ("shop.own", "shop.other"):
        body = json.dumps({"client": "c", "method": method, "data": {"n": 5}}).encode()
        print(json.loads((await dispatcher.dispatch(body, {})).body)["error"]["code"])
"""


@pytest.mark.parametrize("installed", [False, True])
def test_value_errors_of_the_services_own_code_reach_the_client(tmp_path: Path, installed: bool) -> None:
    """From a source tree, every module outside the installation is the service's own;
    installed (here: the user's site-packages), only the handler's own package is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if installed:
        env["PYTHONUSERBASE"] = str(tmp_path / "userbase")
        root = Path(subprocess.run(
            [sys.executable, "-c", "import site; print(site.getusersitepackages())"], env=env, capture_output=True, text=True, check=True,
        ).stdout.strip())
    else:
        root = tmp_path / "src"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "rules.py").write_text("def check(n):\n    raise ValueError(f'at most 3 items, not {n}')\n")
    (root / "rules_lib.py").write_text("def check(n):\n    raise ValueError(f'at most 3 items, not {n}')\n")
    (root / "shop" / "handlers.py").write_text(SHOP_HANDLERS)
    env["PYTHONPATH"] = str(root)
    script = "import asyncio, shop.handlers; asyncio.run(shop.handlers.main())"
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == (["400", "500"] if installed else ["400", "400"])


async def test_rpc_error_is_passed_through(dispatcher: Dispatcher) -> None:
    assert await error_of(dispatcher, proxy_request("app.quota", {})) == (1001, "quota exceeded", True)


async def test_validation_failure_lists_every_field_error(dispatcher: Dispatcher) -> None:
    body = proxy_request("greet.say", {"times": "many", "tags": [{"name": "x"}]})
    code, message, temporary = await error_of(dispatcher, body)
    assert (code, temporary) == (422, False)
    assert "displayName: Field required" in message
    assert "times: Input should be a valid integer" in message
    assert "tags[0].color: Field required" in message


async def test_params_that_are_not_an_object(dispatcher: Dispatcher) -> None:
    code, message, _ = await error_of(dispatcher, proxy_request("greet.say", [1, 2]))
    assert code == 422
    assert message.startswith("invalid params: params: Input should be")


async def test_unknown_method(dispatcher: Dispatcher) -> None:
    assert await error_of(dispatcher, proxy_request("no.such", {})) == (404, "method 'no.such' not found", False)


async def test_unknown_union_tag_in_params_is_invalid_params_not_an_unknown_method(dispatcher: Dispatcher) -> None:
    # A newer client may send a variant an older service does not know yet.
    code, message, temporary = await error_of(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": "bird"}}))
    assert (code, temporary) == (422, False)
    assert message.startswith("invalid params: pet: Input tag 'bird' found using 'pet_type' does not match")
    code, message, _ = await error_of(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": "cat"}}))
    assert (code, message) == (422, "invalid params: pet.cat.lives: Field required")
    assert (await answer(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": "dog"}})))["result"] == {"data": {"value": 1}}


async def test_unknown_method_with_a_single_handler_is_404() -> None:
    local = Registry()

    @local.rpc("orders.place")
    async def place(conn: Connection, params: OrderParams) -> Count:
        return Count(value=1)

    dispatcher = Dispatcher(local, proxy_secret=SECRET)
    assert await error_of(dispatcher, proxy_request("no.such", {})) == (404, "method 'no.such' not found", False)
    code, message, _ = await error_of(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": "bird"}}))
    assert code == 422 and message.startswith("invalid params: pet: Input tag 'bird'")


async def test_echoed_input_is_capped(dispatcher: Dispatcher) -> None:
    huge = "m" * 100_000
    code, message, _ = await error_of(dispatcher, proxy_request(huge, {}))
    assert code == 404
    assert message == f"method {'m' * 64!r}... (100000 characters) not found"
    code, message, _ = await error_of(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": huge}}))
    assert code == 422 and len(message) < 1000 and "100000 characters" not in message
    many = {f"{'k' * 1000}{i}": "x" for i in range(500)}  # 500 errors, each located at a 1 kB key
    code, message, _ = await error_of(dispatcher, proxy_request("orders.place", {"pet": {"pet_type": "dog"}, "quantities": many}))
    assert code == 422 and len(message) < 5000
    assert message.endswith("; and 490 more errors")
    code, message, _ = await error_of(dispatcher, json.dumps({"client": huge, "user": 5, "method": "who.am_i"}).encode())
    assert code == 400 and len(message) < 1000


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"client": "c-1", "user": "1", "data": {}}).encode(),  # no method
        json.dumps({"user": "1", "method": "who.am_i", "data": {}}).encode(),  # no client
        json.dumps({"client": "c-1", "user": 5, "method": "who.am_i"}).encode(),
    ],
)
async def test_body_that_is_not_a_proxy_request(dispatcher: Dispatcher, body: bytes) -> None:
    code, message, _ = await error_of(dispatcher, body)
    assert code == 400
    assert message.startswith("not a Centrifugo RPC proxy request")


async def test_requires_auth_refuses_anonymous_before_validating(dispatcher: Dispatcher) -> None:
    message = "this method requires an authenticated user"
    assert await error_of(dispatcher, proxy_request("app.private", {"task_id": 3}, user="")) == (401, message, False)
    assert await error_of(dispatcher, proxy_request("app.private", {"task_id": "x"}, user="")) == (401, message, False)
    # Centrifugo may leave "user" out altogether for an anonymous connection.
    no_user = json.dumps({"client": "c-1", "method": "app.private", "data": {"task_id": 3}}).encode()
    assert await error_of(dispatcher, no_user) == (401, message, False)
    assert (await answer(dispatcher, proxy_request("app.private", {"task_id": 3})))["result"]["data"] == {"value": 3}


async def test_crash_is_500_without_details_and_logged(dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="hatch_centrifugo_sdk"):
        assert await error_of(dispatcher, proxy_request("app.crash", {})) == (500, "internal error [handler started]", True)
    assert "hunter2" in caplog.text  # the traceback is in the service's log...
    assert "Traceback" in caplog.text


@pytest.mark.parametrize("method", ["app.model_bug", "app.wrong_result", "app.inner_timeout"])
async def test_handler_bugs_are_500(dispatcher: Dispatcher, method: str) -> None:
    assert await error_of(dispatcher, proxy_request(method, {})) == (500, "internal error [handler started]", True)


async def test_dict_result_is_validated_into_the_result_model(dispatcher: Dispatcher) -> None:
    assert await answer(dispatcher, proxy_request("app.as_dict", {})) == {"result": {"data": {"value": 7}}}


async def test_handler_timeout_overrides_the_default() -> None:
    dispatcher = Dispatcher(registry, proxy_secret=SECRET, handler_timeout=30)
    started = asyncio.get_running_loop().time()
    code, message, temporary = await error_of(dispatcher, proxy_request("app.slow", {}))
    assert (code, temporary) == (408, True)
    assert message == "method 'app.slow' did not finish within 0.05s [handler started]"
    assert asyncio.get_running_loop().time() - started < 2


async def test_default_timeout_applies_to_handlers_without_their_own() -> None:
    local = Registry()

    @local.rpc("wait.long")
    async def wait_long(conn: Connection, params: Empty) -> Count:
        await asyncio.sleep(5)
        return Count(value=0)

    dispatcher = Dispatcher(local, proxy_secret=SECRET, handler_timeout=0.05)
    assert (await error_of(dispatcher, proxy_request("wait.long", {})))[0] == 408


class Delay(BaseModel):
    seconds: float
    index: int


def waiting_registry() -> Registry:
    local = Registry()

    async def wait(conn: Connection, params: Delay) -> Count:
        await asyncio.sleep(params.seconds)
        return Count(value=params.index)

    local.rpc("wait.long", timeout=1.0)(wait)
    local.rpc("wait.short", timeout=0.05)(wait)
    return local


async def test_calls_in_flight_each_keep_their_own_deadline() -> None:
    dispatcher = Dispatcher(waiting_registry(), proxy_secret=SECRET)
    loop = asyncio.get_running_loop()

    async def timed(method: str, seconds: float, index: int) -> tuple[dict[str, Any], float]:
        started = loop.time()
        reply = await answer(dispatcher, proxy_request(method, {"seconds": seconds, "index": index}))
        return reply, loop.time() - started

    # Long deadlines are watched first; shorter ones arriving later must not wait for them.
    longs = [asyncio.ensure_future(timed("wait.long", (0, 0.1, 5)[i % 3], i)) for i in range(9)]
    await asyncio.sleep(0.01)
    shorts = [asyncio.ensure_future(timed("wait.short", (0, 5)[i % 2], i)) for i in range(4)]
    for i, (reply, _) in enumerate(await asyncio.gather(*longs)):
        expected = {"error": {"code": 408, "message": "method 'wait.long' did not finish within 1s [handler started]", "temporary": True}}
        assert reply == (expected if i % 3 == 2 else {"result": {"data": {"value": i}}})
    for i, (reply, elapsed) in enumerate(await asyncio.gather(*shorts)):
        if i % 2:
            assert reply["error"]["code"] == 408 and elapsed < 0.6  # not held until the 1 s deadlines
        else:
            assert reply == {"result": {"data": {"value": i}}}


async def test_a_cancelled_request_stays_cancelled_and_leaves_no_deadline_behind() -> None:
    dispatcher = Dispatcher(waiting_registry(), proxy_secret=SECRET)
    request = asyncio.ensure_future(answer(dispatcher, proxy_request("wait.short", {"seconds": 5, "index": 0})))
    await asyncio.sleep(0.01)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    await asyncio.sleep(0.1)  # past the call's deadline: nothing else is cancelled
    assert await answer(dispatcher, proxy_request("wait.short", {"seconds": 0, "index": 3})) == {"result": {"data": {"value": 3}}}
    watched = dispatch_module._Deadlines._of_loop[asyncio.get_running_loop()]
    assert watched.running == {}


async def test_a_handler_that_finishes_after_its_deadline_is_answered_and_the_task_uncancelled() -> None:
    local = Registry()

    @local.rpc("wait.stubborn", timeout=0.05)
    async def stubborn(conn: Connection, params: Empty) -> Count:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            return Count(value=1)  # ignores the cancellation
        return Count(value=0)

    dispatcher = Dispatcher(local, proxy_secret=SECRET)
    assert await answer(dispatcher, proxy_request("wait.stubborn", {})) == {"result": {"data": {"value": 1}}}
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    await asyncio.sleep(0)  # this task is not cancelled later


def blocking_registry() -> Registry:
    local = Registry()

    @local.rpc("block.then_return", timeout=0.05)
    async def block_then_return(conn: Connection, params: Empty) -> Count:
        time.sleep(0.25)  # sync code: holds the event loop, past the call's timeout
        return Count(value=1)

    @local.rpc("block.then_await", timeout=0.05)
    async def block_then_await(conn: Connection, params: Empty) -> Count:
        await asyncio.sleep(0)
        time.sleep(0.25)
        await asyncio.sleep(0.01)  # the deadline has passed: cancelled here
        return Count(value=2)

    @local.rpc("block.then_fail")
    async def block_then_fail(conn: Connection, params: Empty) -> Count:
        await asyncio.sleep(0)
        time.sleep(0.25)
        raise RuntimeError("failed after blocking")

    @local.rpc("await.long")
    async def await_long(conn: Connection, params: Empty) -> Count:
        for _ in range(3):
            await asyncio.sleep(0.1)  # 0.3 s in all, without holding the loop
        return Count(value=3)

    return local


def blocking_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "held the event loop" in r.getMessage()]


async def test_a_handler_holding_the_event_loop_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = Dispatcher(blocking_registry(), proxy_secret=SECRET, blocking_threshold=0.2)
    with caplog.at_level(logging.WARNING, logger="hatch_centrifugo_sdk"):
        assert (await answer(dispatcher, proxy_request("await.long", {})))["result"] == {"data": {"value": 3}}
        assert blocking_warnings(caplog) == []  # long, but never holding the loop
        # A timeout cannot interrupt code that does not await: the handler that returns
        # without awaiting again is answered with its result, the one that awaits is cancelled there.
        assert (await answer(dispatcher, proxy_request("block.then_return", {})))["result"] == {"data": {"value": 1}}
        assert (await error_of(dispatcher, proxy_request("block.then_await", {}))) == (
            408, "method 'block.then_await' did not finish within 0.05s [handler started]", True,
        )
        assert (await error_of(dispatcher, proxy_request("block.then_fail", {})))[0] == 500
    warnings = blocking_warnings(caplog)
    assert [w.split(" (", 1)[0] for w in warnings] == [
        "handler for 'block.then_return'", "handler for 'block.then_await'", "handler for 'block.then_fail'",
    ]
    assert "test_dispatch.py:" in warnings[0]
    assert "it overran its 0.05s timeout" in warnings[0] and "timeout" not in warnings[2]
    assert "asyncio.to_thread" in warnings[0]


async def test_the_blocking_warning_can_be_turned_off(caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = Dispatcher(blocking_registry(), proxy_secret=SECRET, blocking_threshold=None)
    with caplog.at_level(logging.WARNING, logger="hatch_centrifugo_sdk"):
        assert (await answer(dispatcher, proxy_request("block.then_return", {})))["result"] == {"data": {"value": 1}}
    assert blocking_warnings(caplog) == []


def test_the_blocking_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="blocking_threshold=0 must be a positive number of seconds, or None"):
        Dispatcher(registry, proxy_secret=SECRET, blocking_threshold=0)


async def test_payload_limit_is_checked_before_parsing() -> None:
    fits = proxy_request("who.am_i", {})
    dispatcher = Dispatcher(registry, proxy_secret=SECRET, max_payload_bytes=len(fits))
    assert "result" in await answer(dispatcher, fits)
    code, message, _ = await error_of(dispatcher, b"x" * (len(fits) + 1))  # not JSON: never parsed
    assert (code, message) == (413, f"request body exceeds the service's limit of {len(fits)} bytes")


async def test_service_keeps_serving_after_every_failure(dispatcher: Dispatcher) -> None:
    for method in ["app.crash", "app.slow", "tasks.get", "app.quota", "no.such"]:
        await answer(dispatcher, proxy_request(method, {"task_id": 1}))
        body = proxy_request("greet.say", {"displayName": "again"})
        assert await answer(dispatcher, body) == {"result": {"data": {"greetingText": "hello again"}}}


@pytest.mark.parametrize("headers", [{}, {PROXY_SECRET_HEADER.lower(): "wrong"}, {"x-other": SECRET}])
async def test_secret_is_required_before_any_handler_runs(dispatcher: Dispatcher, headers: dict[str, str]) -> None:
    calls.clear()
    reply = await dispatcher.dispatch(proxy_request("greet.say", {"displayName": "x"}), headers)
    assert reply.status == 403
    assert calls == []


async def test_refused_requests_are_logged_at_most_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = Dispatcher(registry, proxy_secret=SECRET)
    body = proxy_request("who.am_i", {})
    with caplog.at_level(logging.WARNING, logger="hatch_centrifugo_sdk"):
        for _ in range(1000):  # a probe
            assert (await dispatcher.dispatch(body, {})).status == 403
        assert [r.getMessage() for r in caplog.records] == [
            f"refused an RPC proxy request without the right {PROXY_SECRET_HEADER} header (the caller is not "
            "Centrifugo, or its secret differs); more refusals are logged at most once every 60s, with their count"
        ]
        dispatcher.refusal_log_interval = 0  # the interval is over
        assert (await dispatcher.dispatch(body, {})).status == 403
    assert caplog.records[-1].getMessage().startswith(
        f"refused 1000 RPC proxy requests without the right {PROXY_SECRET_HEADER} header in the last "
    )
    assert len(caplog.records) == 2


async def test_secret_header_name_is_case_insensitive(dispatcher: Dispatcher) -> None:
    reply = await dispatcher.dispatch(proxy_request("who.am_i", {}), {PROXY_SECRET_HEADER: SECRET})
    assert reply.status == 200


def test_a_secret_is_required_unless_insecure_is_explicit() -> None:
    with pytest.raises(ValueError, match="proxy_secret is required"):
        Dispatcher(registry, proxy_secret=None)
    with pytest.raises(ValueError, match="empty"):
        Dispatcher(registry, proxy_secret="")
    assert Dispatcher(registry, proxy_secret=None, allow_insecure=True).authorized({})


async def test_insecure_mode_still_checks_a_secret_when_given() -> None:
    dispatcher = Dispatcher(registry, proxy_secret=SECRET, allow_insecure=True)
    assert (await dispatcher.dispatch(proxy_request("who.am_i", {}), {})).status == 403


async def test_handlers_registered_later_are_served() -> None:
    local = Registry()
    dispatcher = Dispatcher(local, proxy_secret=SECRET)
    assert (await error_of(dispatcher, proxy_request("late.one", {})))[0] == 404

    @local.rpc("late.one")
    async def late_one(conn: Connection, params: TaskParams) -> Count:
        return Count(value=params.task_id)

    assert await answer(dispatcher, proxy_request("late.one", {"task_id": 4})) == {"result": {"data": {"value": 4}}}
    assert await error_of(dispatcher, proxy_request("late.two", {})) == (404, "method 'late.two' not found", False)
    assert (await error_of(dispatcher, proxy_request("late.one", {})))[0] == 422

    @local.rpc("late.two")
    async def late_two(conn: Connection, params: Empty) -> Count:
        return Count(value=2)

    assert await answer(dispatcher, proxy_request("late.two")) == {"result": {"data": {"value": 2}}}
    assert (await error_of(dispatcher, proxy_request("late.one", {"task_id": "x"})))[0] == 422

