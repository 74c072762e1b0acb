"""The ASGI endpoint for real: mounted in Starlette under uvicorn, then behind a real Centrifugo.

This module is also the service those servers run (``uvicorn --factory
test_asgi:starlette_app``), so the handlers below are what the clients call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any, Iterator, MutableMapping

import httpx
import jwt
import pytest
from centrifuge import Client, ReplyError
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from hatch_centrifugo_sdk import Connection, Registry
from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.centrifugo import make_token
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER
from stack import Stack, free_ports, run_service, run_stack

TESTS = Path(__file__).resolve().parent
SECRET = "asgi-test-secret"
LIMIT = 4096

registry = Registry()


class Empty(BaseModel):
    pass


class Who(BaseModel):
    user_id: str | None = Field(alias="userId")
    client_id: str = Field(alias="clientId")


class TaskParams(BaseModel):
    task_id: int


class TaskResult(BaseModel):
    task_id: int


@registry.rpc("svc.whoami")
async def whoami(conn: Connection, params: Empty) -> Who:
    return Who(userId=conn.user_id, clientId=conn.client_id)


@registry.rpc("tasks.get")
async def get_task(conn: Connection, params: TaskParams) -> TaskResult:
    raise ValueError(f"Task {params.task_id} not found")


@registry.rpc("svc.private", requires_auth=True)
async def private(conn: Connection, params: Empty) -> Who:
    return Who(userId=conn.user_id, clientId=conn.client_id)


@registry.rpc("svc.crash")
async def crash(conn: Connection, params: Empty) -> Empty:
    raise RuntimeError("boom")


@registry.rpc("svc.slow", timeout=0.2)
async def slow(conn: Connection, params: Empty) -> Empty:
    await asyncio.sleep(3)
    return Empty()


@registry.rpc("svc.blocking", timeout=0.05)
async def blocking(conn: Connection, params: Empty) -> Empty:
    time.sleep(0.15)  # a sync call in async code, past the timeout
    return Empty()


def starlette_app() -> Starlette:
    """The endpoint as a Mount (the trailing-slash path) and as a Route (the bare path)."""
    rpc = RpcProxyApp.from_env(registry, max_payload_bytes=LIMIT)
    return Starlette(routes=[Mount("/centrifugo/rpc", rpc), Route("/rpc", rpc, methods=["POST"])])


def bare_app() -> RpcProxyApp:
    return RpcProxyApp.from_env(registry)


def proxy_request(method: str, data: object, user: str = "7") -> dict[str, object]:
    return {"client": "c-9", "transport": "websocket", "protocol": "json", "user": user, "method": method, "data": data}


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    (port,) = free_ports(1)
    log = tmp_path_factory.mktemp("asgi") / "service.log"
    env = {"CENTRIFUGO_PROXY_SECRET": SECRET}
    with run_service("test_asgi:starlette_app", port=port, log=log, app_dir=TESTS, factory=True, env=env):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def http(service_url: str) -> Iterator[httpx.Client]:
    headers = {PROXY_SECRET_HEADER: SECRET}
    with httpx.Client(base_url=service_url, headers=headers, trust_env=False, timeout=10) as client:
        yield client


@pytest.mark.parametrize("path", ["/centrifugo/rpc/", "/rpc"])
def test_mounted_endpoint_answers(http: httpx.Client, path: str) -> None:
    response = http.post(path, json=proxy_request("svc.whoami", {}))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"result": {"data": {"userId": "7", "clientId": "c-9"}}}


def test_value_error_over_http(http: httpx.Client) -> None:
    response = http.post("/rpc", json=proxy_request("tasks.get", {"task_id": 999}))
    assert response.json() == {"error": {"code": 400, "message": "Task 999 not found", "temporary": False}}


def test_without_the_secret_the_endpoint_refuses(service_url: str) -> None:
    with httpx.Client(base_url=service_url, trust_env=False) as anonymous:
        response = anonymous.post("/rpc", json=proxy_request("svc.whoami", {}))
        wrong = anonymous.post("/rpc", json=proxy_request("svc.whoami", {}), headers={PROXY_SECRET_HEADER: "guess"})
    assert (response.status_code, wrong.status_code) == (403, 403)
    assert "result" not in response.json()


def test_only_post_is_accepted(http: httpx.Client) -> None:
    response = http.get("/centrifugo/rpc/")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_oversized_bodies_are_refused_and_the_service_goes_on(http: httpx.Client) -> None:
    big = proxy_request("svc.whoami", {"padding": "x" * LIMIT})
    declared = http.post("/rpc", json=big)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the app counts while reading
        for _ in range(LIMIT // 512 + 2):
            yield b" " * 512

    streamed = http.post("/rpc", content=chunks())
    for response in (declared, streamed):
        assert response.status_code == 200
        assert response.json()["error"]["code"] == 413
    assert "result" in http.post("/rpc", json=proxy_request("svc.whoami", {})).json()


def test_bare_app_supports_the_lifespan_protocol(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    env = {"CENTRIFUGO_PROXY_SECRET": SECRET}
    with run_service(
        "test_asgi:bare_app", port=port, log=tmp_path / "bare.log", app_dir=TESTS, factory=True, env=env,
        uvicorn_args=["--lifespan", "on"],
    ) as service:
        response = httpx.post(
            f"http://127.0.0.1:{port}/any/path", json=proxy_request("svc.whoami", {}),
            headers={PROXY_SECRET_HEADER: SECRET}, trust_env=False,
        )
        assert response.json()["result"]["data"]["userId"] == "7"
    # With "--lifespan on", uvicorn refuses to start an app that fails on the lifespan scope.
    log = service.log.read_text()
    assert "Application startup complete" in log
    assert "Application shutdown complete" in log
    assert "ERROR" not in log


async def test_lifespan_messages_are_answered() -> None:
    inbox: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    outbox: list[dict[str, object]] = []
    for kind in ("lifespan.startup", "lifespan.shutdown"):
        inbox.put_nowait({"type": kind})

    async def send(message: MutableMapping[str, Any]) -> None:
        outbox.append(dict(message))

    app = RpcProxyApp(registry, proxy_secret=SECRET)
    await asyncio.wait_for(app({"type": "lifespan"}, inbox.get, send), timeout=5)
    assert outbox == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


async def call_app(app: RpcProxyApp, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One POST through the ASGI interface, as a server would make it."""
    outbox: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        outbox.append(message)

    await app({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive, send)
    return outbox[0]["status"], outbox[1]["body"]


def proxy_body(method: str) -> bytes:
    return json.dumps({"client": "c-1", "user": "7", "method": method, "data": {}}).encode()


async def test_a_handler_blocking_the_loop_is_answered_and_named_in_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    app = RpcProxyApp(registry, proxy_secret=SECRET, blocking_threshold=0.1)
    headers = [(PROXY_SECRET_HEADER.lower().encode(), SECRET.encode())]
    with caplog.at_level(logging.WARNING, logger="hatch_centrifugo_sdk"):
        assert await call_app(app, proxy_body("svc.blocking"), headers) == (200, b'{"result":{"data":{}}}')
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning.startswith("handler for 'svc.blocking' (") and "held the event loop for" in warning
    assert "it overran its 0.05s timeout" in warning


# Through the real Centrifugo: the proxy wiring as clients see it.


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("stack")
    with run_stack("test_asgi:starlette_app", app_dir=TESTS, factory=True, workdir=workdir, rpc_path="/centrifugo/rpc/") as running:
        yield running


def test_make_token_is_a_standard_hs256_jwt() -> None:
    key = "k" * 32
    token = make_token(key, "42", 60, now=1_700_000_000)
    assert token == make_token(key, "42", 60, now=1_700_000_000)
    claims = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
    assert claims == {"sub": "42", "exp": 1_700_000_060}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "x" * 32, algorithms=["HS256"], options={"verify_exp": False})


async def connected(stack: Stack, user: str) -> Client:
    client = Client(stack.ws_url, token=stack.token(user), proxy=None)
    await client.connect()
    await client.ready()
    return client


async def test_rpc_through_centrifugo(stack: Stack) -> None:
    client = await connected(stack, "42")
    try:
        result = await client.rpc("svc.whoami", {})
        assert result.data["userId"] == "42"
        assert result.data["clientId"]

        with pytest.raises(ReplyError) as not_found:
            await client.rpc("tasks.get", {"task_id": 999})
        assert (not_found.value.code, not_found.value.message) == (400, "Task 999 not found")

        with pytest.raises(ReplyError) as crashed:
            await client.rpc("svc.crash", {})
        assert (crashed.value.code, crashed.value.message, crashed.value.temporary) == (500, "internal error [handler started]", True)
        assert (await client.rpc("svc.whoami", {})).data["userId"] == "42"

        with pytest.raises(ReplyError) as slow_call:
            await client.rpc("svc.slow", {})
        assert slow_call.value.code == 408
        assert (await client.rpc("svc.private", {})).data["userId"] == "42"
    finally:
        await client.disconnect()


async def test_anonymous_connection_through_centrifugo(stack: Stack) -> None:
    client = await connected(stack, "")
    try:
        assert (await client.rpc("svc.whoami", {})).data["userId"] is None
        with pytest.raises(ReplyError) as refused:
            await client.rpc("svc.private", {})
        assert refused.value.code == 401
    finally:
        await client.disconnect()


async def _chunked(app: RpcProxyApp, messages: list[dict[str, Any]]) -> list[MutableMapping[str, Any]]:
    """One POST whose body arrives in ``messages`` (as a server splits a large one)."""
    inbox = list(messages)
    outbox: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        outbox.append(message)

    headers = [(PROXY_SECRET_HEADER.lower().encode(), SECRET.encode())]
    await app({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive, send)
    return outbox


async def test_a_body_in_several_messages_is_read_whole_and_cut_past_the_limit() -> None:
    body = proxy_body("svc.blocking")
    parts = [body[:5], body[5:20], body[20:]]
    whole = await _chunked(RpcProxyApp(registry, proxy_secret=SECRET, blocking_threshold=None), [
        {"type": "http.request", "body": part, "more_body": n < len(parts) - 1} for n, part in enumerate(parts)
    ])
    assert (whole[0]["status"], whole[1]["body"]) == (200, b'{"result":{"data":{}}}')
    small = RpcProxyApp(registry, proxy_secret=SECRET, max_payload_bytes=16)
    cut = await _chunked(small, [{"type": "http.request", "body": b"x" * 10, "more_body": True},
                                 {"type": "http.request", "body": b"x" * 10, "more_body": True}])  # the rest is never read
    assert cut[0]["status"] == 200 and json.loads(cut[1]["body"])["error"]["code"] == 413
    gone = await _chunked(small, [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}])
    assert gone == []  # the caller hung up: nothing is sent
