"""The ASGI app: health check, and RPC proxy requests as Centrifugo sends them."""

from __future__ import annotations

import importlib
from typing import Any, Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from sample_service import storage


SECRET = "s3cret"
SECRET_HEADER = "X-Centrifugo-Proxy-Secret"  # what Centrifugo must send (rpc.proxy.http.static_headers)


def load_app(monkeypatch: pytest.MonkeyPatch, **env: str) -> Starlette:
    # The endpoint reads its settings when the app is created, so set them first.
    for name in ("CENTRIFUGO_PROXY_INSECURE", "CENTRIFUGO_PROXY_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app: Starlette = importlib.reload(importlib.import_module("sample_service.app")).app
    return app


@pytest.fixture
def client(db: storage.Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with TestClient(load_app(monkeypatch, CENTRIFUGO_PROXY_INSECURE="1")) as test_client:
        yield test_client


def proxy_request(method: str, data: dict[str, Any], user: str = "") -> dict[str, Any]:
    return {
        "client": "0b7d3d5e-1c1e-4a8f-9d4a-3f2f6c1e9a11",
        "transport": "websocket",
        "protocol": "json",
        "encoding": "json",
        "user": user,
        "method": method,
        "data": data,
    }


def rpc(client: TestClient, method: str, data: dict[str, Any], user: str = "") -> dict[str, Any]:
    response = client.post("/centrifugo/rpc", json=proxy_request(method, data, user), follow_redirects=False)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_todo_round_trip_through_the_proxy_endpoint(client: TestClient) -> None:
    created = rpc(client, "todos.create", {"title": "Buy milk"}, user="alice")
    todo = created["result"]["data"]["todo"]
    assert (todo["title"], todo["completed"]) == ("Buy milk", False)

    listed = rpc(client, "todos.list", {}, user="alice")
    assert listed["result"]["data"] == {"todos": [todo], "total": 1}
    assert rpc(client, "todos.list", {}, user="bob")["result"]["data"] == {"todos": [], "total": 0}


def test_anonymous_todo_call_is_refused(client: TestClient) -> None:
    reply = rpc(client, "todos.create", {"title": "orphan"})
    assert reply["error"]["code"] == 401


def test_task_not_found_reaches_the_client_as_the_handler_wrote_it(client: TestClient) -> None:
    reply = rpc(client, "tasks.get", {"task_id": 999})
    assert reply["error"]["code"] == 400
    assert reply["error"]["message"] == "Task 999 not found"


def test_task_enum_and_datetime_travel_as_json_strings(client: TestClient) -> None:
    task = rpc(client, "tasks.create", {"user_id": "u1", "title": "Ship it"})["result"]["data"]
    assert task["status"] == "pending"
    assert isinstance(task["created_at"], str)
    assert rpc(client, "tasks.get", {"task_id": task["id"]})["result"]["data"] == task


def test_with_a_secret_only_calls_carrying_it_reach_the_handlers(
    db: storage.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = load_app(monkeypatch, CENTRIFUGO_PROXY_SECRET=SECRET)
    create = proxy_request("todos.create", {"title": "forged"}, user="alice")
    with TestClient(app) as secured:
        assert secured.post("/centrifugo/rpc", json=create).status_code == 403
        wrong = secured.post("/centrifugo/rpc", json=create, headers={SECRET_HEADER: "guess"})
        assert wrong.status_code == 403
        listed = secured.post(
            "/centrifugo/rpc", json=proxy_request("todos.list", {}, user="alice"), headers={SECRET_HEADER: SECRET}
        )
    assert listed.status_code == 200
    assert listed.json()["result"]["data"] == {"todos": [], "total": 0}


@pytest.mark.parametrize(
    ("method", "data", "field"),
    [
        ("tasks.get", {"task_id": 2**63}, "task_id"),
        ("tasks.get", {"task_id": 0}, "task_id"),
        ("todos.update", {"id": 2**63, "title": "x"}, "id"),
        ("todos.delete", {"id": -(2**63) - 1}, "id"),
        ("todos.list", {"limit": 2**64}, "limit"),
    ],
)
def test_ids_out_of_sqlites_range_are_invalid_params(client: TestClient, method: str, data: dict[str, Any], field: str) -> None:
    # SQLite integers are 64-bit: a larger one would fail in the driver (OverflowError, a 500).
    error = rpc(client, method, data, user="alice")["error"]
    assert (error["code"], error["temporary"]) == (422, False)
    assert error["message"].startswith(f"invalid params: {field}: Input should be")
