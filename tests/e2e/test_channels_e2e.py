"""Typed channel subscriptions through a real Centrifugo: events published by the sample's handlers,
refusals as typed errors, recovery of what was missed while disconnected, unknown variants: Python, TypeScript, Go."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
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


# -- Go ------------------------------------------------------------------------

# The reader connects through a TCP relay the program cuts and restores: a real connection loss,
# after which centrifuge-go reconnects by itself and the subscription recovers what it missed.
GO_CONSUMER = """package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	sdk "SDK_MODULE"
)

type settings struct {
	URL, Alice, AliceToken, BobToken, AnonymousToken, APIURL, APIKey string
}

// recorder holds what the handlers received; until waits for a condition on it.
type recorder struct {
	mu      sync.Mutex
	seen    []string
	unknown []sdk.UnknownEvent
	errs    []int
	changed chan struct{}
}

func (r *recorder) add(apply func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	apply()
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recorder) until(what string, done func() bool) {
	deadline := time.After(10 * time.Second) // a bound for a hang, not a speed assertion
	for {
		r.mu.Lock()
		ok, changed := done(), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			r.mu.Lock()
			defer r.mu.Unlock()
			fail(fmt.Errorf("timed out waiting for %s; seen %q", what, r.seen))
		}
	}
}

// relay forwards TCP connections to target until cut, and refuses them until restored.
type relay struct {
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
	dialed int // connections relayed
}

func (p *relay) serve(listener net.Listener) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		var upstream net.Conn
		if !p.down {
			upstream, err = net.Dial("tcp", p.target)
		}
		if p.down || err != nil {
			p.mu.Unlock()
			conn.Close()
			continue
		}
		p.conns = append(p.conns, conn, upstream)
		p.dialed++
		p.mu.Unlock()
		go func() { io.Copy(upstream, conn); upstream.Close(); conn.Close() }()
		go func() { io.Copy(conn, upstream); upstream.Close(); conn.Close() }()
	}
}

func (p *relay) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, conn := range p.conns {
		conn.Close()
	}
	p.conns = nil
}

func (p *relay) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

func connect(ctx context.Context, address, token string) (*sdk.Client, *sdk.API) {
	client := sdk.NewClient(address, sdk.Config{Token: token})
	if err := client.Connect(ctx); err != nil {
		fail(err)
	}
	return client, sdk.NewAPI(client)
}

func refusal(ctx context.Context, given settings, token string) map[string]any {
	client, api := connect(ctx, given.URL, token)
	defer client.Close()
	onError := make(chan int, 1)
	events, err := api.TodosEvents(sdk.TodosEventsParams{UserID: given.Alice}, sdk.TodosEventsHandlers{
		OnEvent:   func(sdk.TodosEventsEvent) {},
		OnUnknown: func(sdk.UnknownEvent) {},
		OnError:   func(err *sdk.RPCError) { onError <- err.Code },
	})
	if err != nil {
		fail(err)
	}
	err = events.Subscribe(ctx)
	var rpcErr *sdk.RPCError
	if !errors.As(err, &rpcErr) {
		return map[string]any{"error": fmt.Sprint(err)}
	}
	out := map[string]any{"code": rpcErr.Code, "temporary": rpcErr.Temporary, "message": rpcErr.Message}
	select { // OnError runs on the client's event goroutine, maybe after Subscribe returned
	case code := <-onError:
		out["on_error"] = code
	case <-time.After(10 * time.Second):
	}
	return out
}

func publishRaw(given settings, channel string, data any) {
	body, _ := json.Marshal(map[string]any{"channel": channel, "data": data})
	request, _ := http.NewRequest("POST", given.APIURL+"/publish", bytes.NewReader(body))
	request.Header.Set("X-API-Key", given.APIKey)
	request.Header.Set("Content-Type", "application/json")
	response, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(request)
	if err != nil {
		fail(err)
	}
	defer response.Body.Close()
	if response.StatusCode != 200 {
		fail(fmt.Errorf("publish: HTTP %d", response.StatusCode))
	}
}

func main() {
	var given settings
	if err := json.Unmarshal([]byte(os.Args[1]), &given); err != nil {
		fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	server, err := url.Parse(given.URL)
	if err != nil {
		fail(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	link := &relay{target: server.Host}
	go link.serve(listener)
	relayed := *server
	relayed.Host = listener.Addr().String()

	reader, api := connect(ctx, relayed.String(), given.AliceToken)
	defer reader.Close()
	writerClient, writer := connect(ctx, given.URL, given.AliceToken)
	defer writerClient.Close()
	got := &recorder{changed: make(chan struct{}), errs: []int{}}
	events, err := api.TodosEvents(sdk.TodosEventsParams{UserID: given.Alice}, sdk.TodosEventsHandlers{
		OnEvent: func(event sdk.TodosEventsEvent) {
			got.add(func() {
				switch e := event.(type) { // the type switch narrows the event
				case sdk.TodoCreated:
					got.seen = append(got.seen, "created "+e.Todo.Title)
				case sdk.TodoUpdated:
					got.seen = append(got.seen, fmt.Sprintf("updated %s %t", e.Todo.Title, e.Todo.Completed))
				case sdk.TodoDeleted:
					got.seen = append(got.seen, fmt.Sprintf("deleted %d", e.ID))
				}
			})
		},
		OnUnknown: func(event sdk.UnknownEvent) { got.add(func() { got.unknown = append(got.unknown, event) }) },
		OnError:   func(err *sdk.RPCError) { got.add(func() { got.errs = append(got.errs, err.Code) }) },
	})
	if err != nil {
		fail(err)
	}
	if err := events.Subscribe(ctx); err != nil {
		fail(err)
	}
	count := func(n int) func() bool { return func() bool { return len(got.seen) == n } }

	created, err := writer.TodosCreate(ctx, sdk.CreateTodoParams{Title: "first"})
	if err != nil {
		fail(err)
	}
	if _, err := writer.TodosUpdate(ctx, sdk.UpdateTodoParams{ID: created.Todo.ID, Completed: sdk.Ptr(true)}); err != nil {
		fail(err)
	}
	if _, err := writer.TodosDelete(ctx, sdk.DeleteTodoParams{ID: created.Todo.ID}); err != nil {
		fail(err)
	}
	got.until("the first three events", count(3))
	publishRaw(given, "todos.events:"+given.Alice, map[string]any{"type": "archived", "id": 7})
	got.until("the unknown event", func() bool { return len(got.unknown) == 1 })

	link.cut() // the reader's connection is lost; its subscription keeps its stream position
	for _, title := range []string{"missed 1", "missed 2", "missed 3"} {
		if _, err := writer.TodosCreate(ctx, sdk.CreateTodoParams{Title: title}); err != nil {
			fail(err)
		}
	}
	link.restore()
	got.until("the missed events", count(6))

	if err := events.Unsubscribe(); err != nil {
		fail(err)
	}
	if _, err := writer.TodosCreate(ctx, sdk.CreateTodoParams{Title: "while unsubscribed"}); err != nil {
		fail(err)
	}
	if err := events.Subscribe(ctx); err != nil {
		fail(err)
	}
	if _, err := writer.TodosCreate(ctx, sdk.CreateTodoParams{Title: "again"}); err != nil {
		fail(err)
	}
	got.until("the events after subscribing again", count(8))

	_, badParam := api.TodosEvents(sdk.TodosEventsParams{UserID: "a/b"}, sdk.TodosEventsHandlers{})
	link.mu.Lock()
	connections := link.dialed
	link.mu.Unlock()
	got.mu.Lock()
	report := map[string]any{
		"relayed":    connections,
		"created_id": created.Todo.ID,
		"seen":       got.seen,
		"unknown":    got.unknown,
		"errors":     got.errs,
		"bad_param":  fmt.Sprint(badParam),
	}
	got.mu.Unlock()
	report["bob"] = refusal(ctx, given, given.BobToken)
	report["anonymous"] = refusal(ctx, given, given.AnonymousToken)
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
"""


def test_go_typed_events_refusals_recovery_and_unknown(
    sample_sdks: dict[str, Path], sample_stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from .test_go_sdk_e2e import RUN_TIMEOUT, module_path

    if not shutil.which("go"):
        pytest.skip("needs the Go toolchain")
    sdk_dir = sample_sdks["go"].resolve()
    module = module_path(sdk_dir)
    root = tmp_path_factory.mktemp("go-channels")
    (root / "go.mod").write_text(
        f"module example.com/channels\n\ngo 1.25.0\n\nrequire {module} v0.0.0\n\nreplace {module} => {sdk_dir}\n"
    )
    (root / "main.go").write_text(GO_CONSUMER.replace("SDK_MODULE", module))
    for argv in (["go", "mod", "tidy"], ["gofmt", "-l", "."], ["go", "vet", "./..."], ["go", "build", "-o", "consumer", "."]):
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 and not (argv[0] == "gofmt" and done.stdout), f"{' '.join(argv)}:\n{done.stdout}{done.stderr}"
    alice, bob = user("alice"), user("bob")
    given = {
        "URL": sample_stack.ws_url, "Alice": alice, "AliceToken": sample_stack.token(alice),
        "BobToken": sample_stack.token(bob), "AnonymousToken": sample_stack.token(""),
        "APIURL": sample_stack.api_url, "APIKey": sample_stack.api_key,
    }
    done = subprocess.run([str(root / "consumer"), json.dumps(given)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["seen"] == [
        "created first", "updated first true", f"deleted {report['created_id']}",
        "created missed 1", "created missed 2", "created missed 3", "created while unsubscribed", "created again",
    ]
    assert report["unknown"] == [{"Tag": "archived", "Data": {"type": "archived", "id": 7}}]
    assert report["relayed"] == 2  # the reader's connection, and the one it reconnected with after the cut
    assert report["errors"] == []  # a lost connection and Unsubscribe are not errors
    assert report["bad_param"] == 'user_id="a/b" is not a valid channel parameter (1 to 128 letters, digits or _ . - = @ +)'
    assert report["bob"] == {
        "code": 403, "temporary": False, "on_error": 403,
        "message": f'subscription to "todos.events:{alice}" refused or ended: permission denied',
    }
    assert report["anonymous"]["code"] == 401 and report["anonymous"]["on_error"] == 401
