"""Typed channel subscriptions through a real Centrifugo: events published by the sample's handlers,
refusals as typed errors, recovery of what was missed while disconnected, unknown variants."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from stack import Stack

EVENT_WAIT = 10.0  # seconds: a bound for a hang, not a speed assertion


@pytest.fixture(scope="module")
def sdk(sample_sdks: dict[str, Path]) -> Any:
    # The wheel is pure Python: importable from the archive itself.
    sys.path.insert(0, str(sample_sdks["python"]))
    import sample_service_sdk

    return sample_service_sdk


def user(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def publish_raw(stack: Stack, channel: str, data: Any) -> None:
    """Publish through the server API as a newer service would, bypassing this service's types."""
    request = urllib.request.Request(
        f"{stack.api_url}/publish", method="POST", data=json.dumps({"channel": channel, "data": data}).encode(),
        headers={"X-API-Key": stack.api_key, "Content-Type": "application/json"},
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5) as response:
        assert "error" not in json.loads(response.read())


async def take(events: AsyncIterator[Any], count: int) -> list[Any]:
    iterator = aiter(events)
    return [await asyncio.wait_for(anext(iterator), EVENT_WAIT) for _ in range(count)]


async def test_todos_create_delivers_a_typed_event(sample_stack: Stack, sdk: Any) -> None:
    alice = user("alice")
    async with sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token(alice)) as rpc:
        api = sdk.APIClient(rpc)
        async with api.todos_events(user_id=alice) as events:
            created = await api.todos_create(sdk.CreateTodoParams(title="Buy milk"))
            await api.todos_delete(sdk.DeleteTodoParams(id=created.todo.id))
            first, second = await take(events, 2)
    assert isinstance(first, sdk.TodoCreated) and first.todo == created.todo
    assert isinstance(second, sdk.TodoDeleted) and second.id == created.todo.id


async def test_refused_subscriptions_are_typed_errors(sample_stack: Stack, sdk: Any) -> None:
    alice, bob = user("alice"), user("bob")
    async with sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token(bob)) as rpc:
        with pytest.raises(sdk.PermissionDeniedError) as denied:
            await sdk.APIClient(rpc).todos_events(user_id=alice).subscribe()
    assert denied.value.code == 403
    async with sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token("")) as rpc:
        api = sdk.APIClient(rpc)
        with pytest.raises(sdk.UnauthenticatedError) as anonymous:
            await api.todos_events(user_id=alice).subscribe()
        async with api.tasks_feed():  # public: anonymous connections may subscribe
            pass
    assert anonymous.value.code == 401


async def test_events_missed_while_disconnected_are_recovered_in_order(sample_stack: Stack, sdk: Any) -> None:
    alice = user("alice")
    async with sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token(alice)) as rpc, \
            sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token(alice)) as other:
        events = sdk.APIClient(rpc).todos_events(user_id=alice)
        await events.subscribe()
        writer = sdk.APIClient(other)
        before = await writer.todos_create(sdk.CreateTodoParams(title="before"))
        assert [e.todo.id for e in await take(events, 1)] == [before.todo.id]
        await rpc.close()  # the subscription stays, with its position in the stream
        missed = [(await writer.todos_create(sdk.CreateTodoParams(title=f"missed {n}"))).todo for n in range(5)]
        await rpc.connect()
        recovered = await take(events, 5)
        await events.unsubscribe()
    assert [type(e) for e in recovered] == [sdk.TodoCreated] * 5
    assert [e.todo for e in recovered] == missed


async def test_unknown_variant_is_delivered_as_unknown_and_resubscribing_works(sample_stack: Stack, sdk: Any) -> None:
    from sample_service_sdk.subscriptions import UnknownEvent

    alice = user("alice")
    channel = f"todos.events:{alice}"
    async with sdk.CentrifugoRPCClient(sample_stack.ws_url, sample_stack.token(alice)) as rpc:
        api = sdk.APIClient(rpc)
        events = api.todos_events(user_id=alice)
        await events.subscribe()
        publish_raw(sample_stack, channel, {"type": "archived", "id": 7, "until": "2030-01-01"})
        publish_raw(sample_stack, channel, {"type": "deleted", "id": 8})
        unknown, known = await take(events, 2)
        await events.unsubscribe()
        assert [e async for e in events] == []  # unsubscribing ends the iteration
        await events.subscribe()
        publish_raw(sample_stack, channel, {"type": "deleted", "id": 9})
        (again,) = await take(events, 1)
        await events.unsubscribe()
    assert unknown == UnknownEvent("archived", {"type": "archived", "id": 7, "until": "2030-01-01"})
    assert isinstance(known, sdk.TodoDeleted) and known.id == 8
    assert isinstance(again, sdk.TodoDeleted) and again.id == 9


# -- TypeScript ----------------------------------------------------------------

TS_CONSUMER = """\
import WebSocket from "ws";
import { APIClient, CentrifugoRPCClient, RpcError, type UnknownEvent } from "@sample/service-sdk";

const settings = JSON.parse(process.argv[2] ?? "{}") as {
  url: string; alice: string; aliceToken: string; bobToken: string; anonymousToken: string; apiUrl: string; apiKey: string;
};
const report: Record<string, unknown> = {};
const seen: string[] = [];
const unknown: UnknownEvent[] = [];
let wake: () => void = () => {};

async function until(count: () => boolean): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!count()) {
    if (Date.now() > deadline) throw new Error(`timed out; seen ${JSON.stringify(seen)}`);
    await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 200); });
  }
}

async function connect(token: string): Promise<[CentrifugoRPCClient, APIClient]> {
  const rpc = new CentrifugoRPCClient({ url: settings.url, token, websocket: WebSocket, timeout: 5000 });
  await rpc.connect();
  return [rpc, new APIClient(rpc)];
}

async function refusal(api: APIClient): Promise<unknown> {
  try {
    await api.todosEvents({ user_id: settings.alice }, { onEvent() {}, onUnknown() {} }).subscribe();
    return "subscribed";
  } catch (error) {
    return error instanceof RpcError ? { code: error.code, name: error.name } : String(error);
  }
}

const [rpc, api] = await connect(settings.aliceToken);
const [, writer] = await connect(settings.aliceToken);
const events = api.todosEvents({ user_id: settings.alice }, {
  onEvent(event) {
    switch (event.type) {  // the tag narrows the event
      case "created": seen.push(`created ${event.todo.title}`); break;
      case "updated": seen.push(`updated ${event.todo.title}`); break;
      case "deleted": seen.push(`deleted ${event.id}`); break;
    }
    wake();
  },
  onUnknown(event) { unknown.push(event); wake(); },
});
await events.subscribe();
await writer.todosCreate({ title: "first" });
await until(() => seen.length === 1);
const raw = await fetch(`${settings.apiUrl}/publish`, {
  method: "POST", headers: { "X-API-Key": settings.apiKey, "Content-Type": "application/json" },
  body: JSON.stringify({ channel: `todos.events:${settings.alice}`, data: { type: "archived", id: 7 } }),
});
if (!raw.ok) throw new Error(`publish: ${raw.status}`);
await until(() => unknown.length === 1);
rpc.centrifuge.disconnect();  // the subscription keeps its position in the stream
for (const n of [1, 2, 3]) await writer.todosCreate({ title: `missed ${n}` });
rpc.centrifuge.connect();
await until(() => seen.length === 4);
events.unsubscribe();
await writer.todosCreate({ title: "while unsubscribed" });
await events.subscribe();
await writer.todosCreate({ title: "again" });
await until(() => seen.length === 6);  // recovery covers the time it was unsubscribed too
report.seen = seen;
report.unknown = unknown;
report.bob = await refusal((await connect(settings.bobToken))[1]);
report.anonymous = await refusal((await connect(settings.anonymousToken))[1]);
console.log(JSON.stringify(report));
process.exit(0);
"""


def test_typescript_typed_events_refusals_recovery_and_unknown(
    sample_sdks: dict[str, Path], sample_stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from .test_typescript_sdk_e2e import JS_TOOLS, NODE_TIMEOUT, _run, program  # noqa: F401

    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("needs node and npm")
    modules = JS_TOOLS / "node_modules"
    root = tmp_path_factory.mktemp("ts-channels")
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    app = root / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "channels-consumer", "private": True, "type": "module"}))
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(sample_sdks["typescript"])], app)
    (app / "consumer.mts").write_text(TS_CONSUMER)
    config = {
        "compilerOptions": {
            "strict": True, "exactOptionalPropertyTypes": True, "noUncheckedIndexedAccess": True, "skipLibCheck": False,
            "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "types": ["node"],
        },
        "files": ["consumer.mts"],
    }
    (app / "tsconfig.json").write_text(json.dumps(config))
    _run(["node", str(modules / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json", "--pretty", "false"], app)
    alice, bob = user("alice"), user("bob")
    settings = {
        "url": sample_stack.ws_url, "alice": alice, "aliceToken": sample_stack.token(alice),
        "bobToken": sample_stack.token(bob), "anonymousToken": sample_stack.token(""), "apiUrl": sample_stack.api_url, "apiKey": sample_stack.api_key,
    }
    out = _run(["node", "consumer.mjs", json.dumps(settings)], app, timeout=NODE_TIMEOUT).stdout
    report = json.loads(out.strip().splitlines()[-1])
    assert report["seen"] == [
        "created first", "created missed 1", "created missed 2", "created missed 3", "created while unsubscribed", "created again",
    ]
    assert report["unknown"] == [{"tag": "archived", "data": {"type": "archived", "id": 7}}]
    assert report["bob"]["code"] == 403 and report["anonymous"]["code"] == 401
