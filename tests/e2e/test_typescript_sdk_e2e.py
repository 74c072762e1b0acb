"""The TypeScript SDK end to end: npm-installed from its tarball, calling the sample service through Centrifugo.

A consumer program, written in TypeScript against the installed package and compiled by
``tsc --strict`` (so its expectations about the SDK's types are checked too), runs one
scenario per test under node and prints JSON results that the tests assert on.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from stack import Stack

from hatch_centrifugo_sdk.runtime.errors import BY_NAME

JS_TOOLS = Path(__file__).resolve().parents[1] / "js"
NODE_TIMEOUT = 60

pytestmark = pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")), reason="needs node and npm")

CONSUMER = """\
import { createInterface } from "node:readline";
import WebSocket from "ws";
import {
  APIClient, CentrifugoRPCClient, ErrorCode, RpcError, TaskStatus,
  type ListResult, type TaskResult, type TaskStatsResult, type TodoItem, type TodoListResult,
} from "@sample/service-sdk";

// The SDK's types, as this program relies on them.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function same<T extends true>(): void {}
same<Equal<TaskResult["status"], TaskStatus>>();
same<Equal<TaskResult["created_at"], string>>();
same<Equal<ListResult["tasks"][number]["status"], "pending" | "completed">>();
same<Equal<TodoItem["completed"], boolean>>();
same<Equal<ReturnType<APIClient["tasksGetStats"]>, Promise<TaskStatsResult>>>();
same<Equal<ReturnType<APIClient["todosList"]>, Promise<TodoListResult>>>();
same<Equal<typeof ErrorCode.TIMEOUT, 1>>();

interface Settings {
  url: string;
  user: string;
  token: string;
  otherToken: string;
  missingTaskId: number;
  expiredToken: string;
  wrongKeyToken: string;
}

const [scenario = "", raw = "{}"] = process.argv.slice(2);
const settings = JSON.parse(raw) as Settings;
const codeNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

function print(value: unknown): void {
  console.log(JSON.stringify(value));
}

async function connect(token: string | undefined): Promise<[CentrifugoRPCClient, APIClient]> {
  const rpc = new CentrifugoRPCClient({ url: settings.url, token, websocket: WebSocket, timeout: 5000 });
  await rpc.connect();
  return [rpc, new APIClient(rpc)];
}

interface ErrorReport {
  isRpcError: boolean;
  isError: boolean;
  name: string;
  code: number | null;
  codeName: string | null;
  message: string;
  temporary: boolean | null;
}

function describe(error: unknown): ErrorReport {
  if (!(error instanceof Error)) throw new Error(`rejected with a non-Error: ${JSON.stringify(error)}`);
  const rpcError = error instanceof RpcError ? error : null;
  return {
    isRpcError: rpcError !== null,
    isError: true,
    name: error.name,
    code: rpcError?.code ?? null,
    codeName: rpcError ? codeNames.get(rpcError.code) ?? null : null,
    message: error.message,
    temporary: rpcError?.temporary ?? null,
  };
}

/** The error a call fails with; a call that succeeds ends the program with a failure. */
function failure(call: Promise<unknown>): Promise<ErrorReport> {
  return call.then((value) => {
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  }, describe);
}

const scenarios: Record<string, () => Promise<void>> = {
  async tasks() {
    const [rpc, api] = await connect(settings.token);
    const user_id = settings.user;
    const before = await api.tasksGetStats({ user_id });
    const first = await api.tasksCreate({ user_id, title: "Write tests", description: "end to end" });
    const second = await api.tasksCreate({ user_id, title: "Ship it" });
    const fetched = await api.tasksGet({ task_id: first.id });
    const stats = await api.tasksGetStats({ user_id });
    const withoutCompleted = await api.tasksGetStats({ user_id, include_completed: false });
    const list = await api.tasksList({ user_id });
    rpc.close();
    print({
      before, first, second, fetched, stats, withoutCompleted, list,
      pending: [first, second, ...list.tasks].map((task) => task.status === TaskStatus.PENDING),
      createdAtMs: [first, second].map((task) => new Date(task.created_at).getTime()),
    });
  },

  async todos() {
    const [rpc, api] = await connect(settings.token);
    const milk = await api.todosCreate({ title: "Buy milk" });
    const dog = await api.todosCreate({ title: "Walk the dog" });
    const all = await api.todosList();
    const updated = await api.todosUpdate({ id: milk.todo.id, title: "Buy oat milk", completed: true });
    const done = await api.todosList({ completed: true });
    const open = await api.todosList({ completed: false, limit: null });
    const limited = await api.todosList({ limit: 1 });
    const deleted = await api.todosDelete({ id: dog.todo.id });
    const afterDelete = await api.todosList();
    const deletedAgain = await api.todosDelete({ id: dog.todo.id });
    rpc.close();
    // Another user sees none of these todos and cannot change them.
    const [otherRpc, other] = await connect(settings.otherToken);
    const otherList = await other.todosList();
    const otherUpdate = await failure(other.todosUpdate({ id: milk.todo.id, completed: false }));
    otherRpc.close();
    print({
      milk, dog, all, updated, done, open, limited, deleted, afterDelete, deletedAgain, otherList, otherUpdate,
      createdAtMs: new Date(milk.todo.created_at).getTime(),
    });
  },

  async errors() {
    const [rpc, api] = await connect(settings.token);
    const report = {
      missingTask: await failure(api.tasksGet({ task_id: settings.missingTaskId })),
      negativeLimit: await failure(api.todosList({ limit: -1 })),
      wrongType: await failure(rpc.call("tasks.get", { task_id: "seven" })),
      missingField: await failure(rpc.call("tasks.create", { title: "nobody's" })),
      unknownMethod: await failure(rpc.call("tasks.archive", { task_id: 1 })),
      stillServing: await api.tasksGetStats({ user_id: settings.user }),
    };
    rpc.close();
    print(report);
  },

  async anonymous() {
    const [rpc, api] = await connect(settings.token);
    const report = {
      todosList: await failure(api.todosList()),
      todosCreate: await failure(api.todosCreate({ title: "anonymous" })),
      // Methods that do not need a user still work on the same connection.
      tasksGetStats: await api.tasksGetStats({ user_id: settings.user }),
    };
    rpc.close();
    print(report);
  },

  async timeout() {
    // Driven by the test over stdin: it freezes the service after "ready", resumes it after the report.
    const lines = createInterface({ input: process.stdin });
    const next = lines[Symbol.asyncIterator]();
    const waitFor = async (word: string): Promise<void> => {
      const line = await next.next();
      if (line.done || line.value !== word) throw new Error(`expected ${word} on stdin, got ${String(line.value)}`);
    };
    const [rpc, api] = await connect(settings.token);
    const [otherRpc, other] = await connect(settings.token);
    print({ ready: true });
    await waitFor("frozen");
    const started = Date.now();
    const timedOut = await failure(api.tasksGetStats({ user_id: settings.user }, { timeout: 300 }));
    const elapsedMs = Date.now() - started;
    const waiting = failure(other.tasksGetStats({ user_id: settings.user }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    otherRpc.close();
    const closedWhileWaiting = await waiting;
    print({ timedOut, elapsedMs, closedWhileWaiting });
    await waitFor("resumed");
    const after = await api.tasksGetStats({ user_id: settings.user }, { timeout: 4000 });
    rpc.close();
    lines.close();
    print({ after });
  },

  async token() {
    let getTokenCalls = 0;
    const rpc = new CentrifugoRPCClient({
      url: settings.url,
      token: settings.expiredToken,
      getToken: async () => {
        getTokenCalls += 1;
        return settings.token;
      },
      websocket: WebSocket,
      timeout: 5000,
    });
    await rpc.connect();
    const api = new APIClient(rpc);
    const created = await api.todosCreate({ title: "with a fresh token" });
    const list = await api.todosList();
    rpc.close();
    print({ getTokenCalls, created, list });
  },

  async closed() {
    const [rpc, api] = await connect(settings.token);
    const before = await api.tasksGetStats({ user_id: settings.user });
    rpc.close();
    const typed = await failure(api.tasksGetStats({ user_id: settings.user }));
    const raw = await failure(rpc.call("tasks.get_stats", { user_id: settings.user }));
    let narrowed = false;
    try {
      await api.tasksList({ user_id: settings.user });
    } catch (error) {
      narrowed = error instanceof RpcError && error.code === ErrorCode.CONNECTION_CLOSED && error.temporary;
    }
    print({ before, typed, raw, narrowed });
  },
};

scenarios.limits = async () => {
  const [rpc, api] = await connect(settings.token);
  const sizes: Record<string, unknown> = {};
  for (const size of [70_000, 200_000, 1_100_000]) {
    const params = { user_id: settings.user, title: "big", description: "x".repeat(size) };
    sizes[size] = await api.tasksCreate(params).then((task) => task.description.length, describe);
  }
  const stillServing = await api.tasksGetStats({ user_id: settings.user });
  // Past the SDK's check, straight through centrifuge: Centrifugo cuts the connection.
  const cut = await rpc.centrifuge.rpc("tasks.get_stats", { user_id: "x".repeat(1_200_000) }).then(
    () => "answered",
    (reason: { code: number }) => reason.code,
  );
  const afterCut = await api.tasksGetStats({ user_id: settings.user });
  rpc.close();
  const refused = async (options: { token?: string; getToken?: () => Promise<string> }) => {
    const client = new CentrifugoRPCClient({ url: settings.url, websocket: WebSocket, timeout: 1000, ...options });
    return client.connect().then(() => "connected", describe);
  };
  print({
    limit: rpc.maxParamsBytes, sizes, stillServing, cut, afterCut,
    wrongKey: await refused({ token: settings.wrongKeyToken }),
    expired: await refused({ token: settings.expiredToken }),
    missing: await refused({}),
    getterFails: await refused({ getToken: () => Promise.reject(new Error("vault down")) }),
  });
};

const run = scenarios[scenario];
if (run === undefined) throw new Error(`unknown scenario ${scenario}`);
await run();
"""


def _run(cmd: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def program(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer, compiled by strict tsc in a project that npm-installed the SDK tarball."""
    modules = JS_TOOLS / "node_modules"
    stamp = modules / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < (JS_TOOLS / "package-lock.json").stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], JS_TOOLS)
    root = tmp_path_factory.mktemp("ts-e2e")
    # The SDK goes in the app's own node_modules; ws, tsc and the type packages resolve from the parent's.
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    app = root / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "e2e-consumer", "private": True, "type": "module"}))
    tarball = sample_sdks["typescript"]
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(tarball)], app)
    (app / "consumer.mts").write_text(CONSUMER)
    config = {
        "compilerOptions": {
            "strict": True,
            "exactOptionalPropertyTypes": True,
            "noUncheckedIndexedAccess": True,
            "skipLibCheck": False,
            "module": "nodenext",
            "moduleResolution": "nodenext",
            "target": "es2022",
            "types": ["node"],
        },
        "files": ["consumer.mts"],
    }
    (app / "tsconfig.json").write_text(json.dumps(config, indent=2))
    _run(["node", str(modules / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json", "--pretty", "false"], app)
    assert (app / "consumer.mjs").is_file()
    return app


def _user() -> str:
    return f"ts-e2e-{uuid.uuid4().hex}"


def _settings(stack: Stack, user: str, **extra: Any) -> str:
    values = {"url": stack.ws_url, "user": user, "token": stack.token(user), **extra}
    return json.dumps(values)


def _scenario(program: Path, name: str, settings: str) -> dict[str, Any]:
    out = _run(["node", "consumer.mjs", name, settings], program, timeout=NODE_TIMEOUT).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def _rpc_error(report: dict[str, Any], name: str, message: str | None = None) -> None:
    """An RpcError (an Error too) with the documented code of ``name``."""
    entry = BY_NAME[name]
    assert report["isRpcError"] and report["isError"] and report["name"] == "RpcError", report
    assert (report["code"], report["codeName"]) == (entry.code, name), report
    assert report["temporary"] is entry.temporary, report
    if message is not None:
        assert report["message"] == message, report


# 1. Typed results -----------------------------------------------------------------------


def test_tasks_create_get_stats_and_list(program: Path, sample_stack: Stack) -> None:
    user = _user()
    started = time.time()
    out = _scenario(program, "tasks", _settings(sample_stack, user))
    finished = time.time()

    assert out["before"] == {"total": 0, "completed": 0, "pending": 0, "user_id": user}
    first, second = out["first"], out["second"]
    assert set(first) == {"id", "user_id", "title", "description", "status", "created_at"}
    assert (first["user_id"], first["title"], first["description"], first["status"]) == (
        user, "Write tests", "end to end", "pending"
    )
    assert (second["title"], second["description"], second["status"]) == ("Ship it", "", "pending")
    assert second["id"] > first["id"]
    assert out["fetched"] == first
    assert out["stats"] == {"total": 2, "completed": 0, "pending": 2, "user_id": user}
    assert out["withoutCompleted"] == {"total": 2, "completed": 0, "pending": 2, "user_id": user}
    assert out["list"] == {
        "tasks": [  # newest first
            {"id": second["id"], "title": "Ship it", "status": "pending"},
            {"id": first["id"], "title": "Write tests", "status": "pending"},
        ],
        "total": 2,
    }
    assert out["pending"] == [True] * 4  # compared with the SDK's TaskStatus.PENDING
    # created_at is an ISO 8601 string that JavaScript's Date reads as the service's UTC time.
    for task, millis in zip((first, second), out["createdAtMs"]):
        created = datetime.fromisoformat(task["created_at"])
        assert created.utcoffset() == timedelta(0)
        assert millis == int(created.timestamp() * 1000)
        assert started - 1 <= millis / 1000 <= finished + 1


def test_todos_crud_as_an_authenticated_user(program: Path, sample_stack: Stack) -> None:
    user, other = _user(), _user()
    out = _scenario(program, "todos", _settings(sample_stack, user, otherToken=sample_stack.token(other)))

    milk, dog = out["milk"]["todo"], out["dog"]["todo"]
    assert (milk["title"], milk["completed"], dog["title"], dog["completed"]) == (
        "Buy milk", False, "Walk the dog", False
    )
    assert set(milk) == {"id", "title", "completed", "created_at"}
    assert out["createdAtMs"] == int(datetime.fromisoformat(milk["created_at"]).timestamp() * 1000)
    assert out["all"] == {"todos": [dog, milk], "total": 2}
    updated = {**milk, "title": "Buy oat milk", "completed": True}
    assert out["updated"] == {"todo": updated}
    assert out["done"] == {"todos": [updated], "total": 1}
    assert out["open"] == {"todos": [dog], "total": 1}
    assert out["limited"] == {"todos": [dog], "total": 1}
    assert out["deleted"] == {"success": True, "message": f"Todo {dog['id']} deleted"}
    assert out["afterDelete"] == {"todos": [updated], "total": 1}
    assert out["deletedAgain"] == out["deleted"]  # deleting is idempotent
    assert out["otherList"] == {"todos": [], "total": 0}
    _rpc_error(out["otherUpdate"], "BAD_REQUEST", f"Todo {milk['id']} not found")


# 2-4. Errors the service answers -----------------------------------------------------------


def test_service_errors_are_typed(program: Path, sample_stack: Stack) -> None:
    user = _user()
    missing = 2_000_000_000 + uuid.uuid4().int % 1_000_000
    out = _scenario(program, "errors", _settings(sample_stack, user, missingTaskId=missing))

    # The guide's error case: a ValueError's message reaches the client as it was raised.
    _rpc_error(out["missingTask"], "BAD_REQUEST", f"Task {missing} not found")
    _rpc_error(out["negativeLimit"], "BAD_REQUEST", "limit must be 0 or more, not -1")
    _rpc_error(out["wrongType"], "INVALID_PARAMS")
    assert out["wrongType"]["message"].startswith("invalid params: task_id: "), out["wrongType"]
    assert "integer" in out["wrongType"]["message"]
    _rpc_error(out["missingField"], "INVALID_PARAMS", "invalid params: user_id: Field required")
    _rpc_error(out["unknownMethod"], "METHOD_NOT_FOUND", "method 'tasks.archive' not found")
    assert out["stillServing"] == {"total": 0, "completed": 0, "pending": 0, "user_id": user}


# 5. Anonymous connections ---------------------------------------------------------------


def test_anonymous_connection_is_refused_by_methods_that_need_a_user(program: Path, sample_stack: Stack) -> None:
    user = _user()
    settings = json.loads(_settings(sample_stack, user))
    settings["token"] = sample_stack.token("")
    out = _scenario(program, "anonymous", json.dumps(settings))

    message = "this method requires an authenticated user"
    _rpc_error(out["todosList"], "UNAUTHENTICATED", message)
    _rpc_error(out["todosCreate"], "UNAUTHENTICATED", message)
    assert out["tasksGetStats"] == {"total": 0, "completed": 0, "pending": 0, "user_id": user}


# 6. Per-call timeout against a frozen service ---------------------------------------------


def test_per_call_timeout_while_the_service_is_frozen(program: Path, sample_stack: Stack) -> None:
    service = sample_stack.service.process
    assert service is not None and service.poll() is None
    user = _user()
    node = subprocess.Popen(
        ["node", "consumer.mjs", "timeout", _settings(sample_stack, user)],
        cwd=program,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdin, stdout, stderr = node.stdin, node.stdout, node.stderr
    assert stdin is not None and stdout is not None and stderr is not None
    watchdog = threading.Timer(NODE_TIMEOUT, node.kill)  # a stuck read below must not hang the session
    watchdog.start()

    def report() -> dict[str, Any]:
        line = stdout.readline()
        if not line:
            node.wait()
            pytest.fail(f"consumer ended early ({node.returncode}):\n{stderr.read()}")
        value: dict[str, Any] = json.loads(line)
        return value

    def send(word: str) -> None:
        stdin.write(word + "\n")
        stdin.flush()

    try:
        assert report() == {"ready": True}
        os.kill(service.pid, signal.SIGSTOP)
        try:
            send("frozen")
            frozen = report()
        finally:
            os.kill(service.pid, signal.SIGCONT)
        send("resumed")
        resumed = report()
        assert node.wait(timeout=NODE_TIMEOUT) == 0, stderr.read()
    finally:
        watchdog.cancel()
        if node.poll() is None:
            node.kill()
            node.wait()

    _rpc_error(frozen["timedOut"], "TIMEOUT", "tasks.get_stats: no reply within 300 ms (1 sent); it may have run")
    assert 300 <= frozen["elapsedMs"] < 2000, frozen
    # A call still waiting when its connection closes fails as a closed connection.
    _rpc_error(frozen["closedWhileWaiting"], "CONNECTION_CLOSED")
    assert frozen["closedWhileWaiting"]["message"].startswith("tasks.get_stats: "), frozen
    # Resumed, the service answers the next call on the same connection.
    assert resumed["after"] == {"total": 0, "completed": 0, "pending": 0, "user_id": user}
    assert service.poll() is None


# 7. Token getter ---------------------------------------------------------------------------


def test_expired_token_is_replaced_by_the_token_getter(program: Path, sample_stack: Stack) -> None:
    user = _user()
    expired = sample_stack.token(user, ttl_seconds=-60)
    out = _scenario(program, "token", _settings(sample_stack, user, expiredToken=expired))

    assert out["getTokenCalls"] == 1
    todo = out["created"]["todo"]
    assert todo["title"] == "with a fresh token"
    assert out["list"] == {"todos": [todo], "total": 1}  # the todo belongs to the fresh token's user


# 8-9. Closed connection and the error hierarchy ------------------------------------------------


def test_calls_after_close_fail_as_connection_closed(program: Path, sample_stack: Stack) -> None:
    user = _user()
    out = _scenario(program, "closed", _settings(sample_stack, user))

    assert out["before"] == {"total": 0, "completed": 0, "pending": 0, "user_id": user}
    _rpc_error(out["typed"], "CONNECTION_CLOSED", "tasks.get_stats: not connected (call connect() first)")
    _rpc_error(out["raw"], "CONNECTION_CLOSED", "tasks.get_stats: not connected (call connect() first)")
    # `catch (e) { if (e instanceof RpcError && e.code === ErrorCode.CONNECTION_CLOSED) }` narrows as documented.
    assert out["narrowed"] is True


# 10. Large params, a cut connection, refused tokens -------------------------------------------


def test_large_params_reconnect_and_refused_tokens(program: Path, sample_stack: Stack) -> None:
    from hatch_centrifugo_sdk.centrifugo import make_token

    user = _user()
    settings = _settings(
        sample_stack, user,
        expiredToken=sample_stack.token(user, ttl_seconds=-60),
        wrongKeyToken=make_token("not-the-servers-key", user),
    )
    out = _scenario(program, "limits", settings)

    assert out["limit"] == 1_048_576
    assert out["sizes"]["70000"] == 70_000 and out["sizes"]["200000"] == 200_000
    _rpc_error(out["sizes"]["1100000"], "PAYLOAD_TOO_LARGE")
    assert "over the service's limit of 1048576; nothing was sent" in out["sizes"]["1100000"]["message"]
    assert out["stillServing"]["total"] == 2
    # A message over Centrifugo's limit cuts the connection; the client reconnects for the next call.
    assert isinstance(out["cut"], int) and out["cut"] < 100, out["cut"]
    assert out["afterCut"]["total"] == 2
    for case, words in {
        "wrongKey": "refused the token (3500 invalid token)",
        "expired": "the token expired and there is no getToken",
        "missing": "no token given",
        "getterFails": "getToken failed: ",
    }.items():
        _rpc_error(out[case], "TOKEN_ERROR")
        assert out[case]["message"].startswith(f"connect to {sample_stack.ws_url}: "), (case, out[case])
        assert words in out[case]["message"], (case, out[case])
