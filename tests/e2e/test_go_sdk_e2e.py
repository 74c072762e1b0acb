"""The sample service's Go SDK, used from its module directory, against the real stack.

A consumer module requires the SDK's module path and replaces it with the packaged
directory, as the SDK's README tells users to. Its program is built once; each run reads
the addresses and tokens as one JSON line on stdin, calls Centrifugo, which proxies to the
sample service, and prints JSON these tests assert on. Every run uses its own user ids:
the stack is shared by the whole session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from stack import Stack

from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.runtime.errors import BY_CODE, ERROR_CODES

RUN_TIMEOUT = 60
MISSING_ID = 9_000_000_000_123  # far beyond any id SQLite hands out in a test run
CALL_TIMEOUT_MS = 300

CONSUMER_GO = """package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/centrifugal/centrifuge-go"

	sdk "SDK_MODULE"
)

type Given struct {
	URL            string `json:"url"`
	Token          string `json:"token"`
	OtherToken     string `json:"other_token"`
	AnonymousToken string `json:"anonymous_token"`
	ExpiredToken   string `json:"expired_token"`
	FreshToken     string `json:"fresh_token"`
	TaskUser       string `json:"task_user"`
	MissingID      int64  `json:"missing_id"`
	CallTimeoutMS  int64  `json:"call_timeout_ms"`
	WrongKeyToken  string `json:"wrong_key_token"`
}

// The exported code constants, by value: a missing constant or two with one value do not compile.
var codeNames = map[int]string{
CODE_NAMES}

var stdin = bufio.NewReader(os.Stdin)

func main() {
	var given Given
	if err := json.Unmarshal([]byte(readLine()), &given); err != nil {
		fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch os.Args[1] {
	case "results":
		emit(results(ctx, given))
	case "errors":
		emit(failures(ctx, given))
	case "timeout":
		timeout(ctx, given)
	case "limits":
		emit(limits(ctx, given))
	default:
		fail(fmt.Errorf("unknown scenario %q", os.Args[1]))
	}
}

func limits(ctx context.Context, given Given) map[string]any {
	out := map[string]any{"limit": sdk.MaxParamsBytes}
	client := connect(ctx, given, sdk.Config{Token: given.Token})
	api := sdk.NewAPI(client)
	sizes := map[string]any{}
	for _, size := range []int{70_000, 200_000, 1_100_000} {
		params := sdk.CreateTaskParams{UserID: given.TaskUser, Title: "big", Description: ptr(repeatX(size))}
		task, err := api.TasksCreate(ctx, params)
		if err != nil {
			sizes[fmt.Sprint(size)] = failure(err)
		} else {
			sizes[fmt.Sprint(size)] = len(task.Description)
		}
	}
	out["sizes"] = sizes
	stats := must(api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser}))
	out["still_serving"] = stats.Total
	client.Close()
	refused := func(cfg sdk.Config) map[string]any {
		short, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		c := sdk.NewClient(given.URL, cfg)
		defer c.Close()
		return failure(c.Connect(short))
	}
	out["wrong_key"] = refused(sdk.Config{Token: given.WrongKeyToken})
	out["expired"] = refused(sdk.Config{Token: given.ExpiredToken})
	out["missing"] = refused(sdk.Config{})
	out["getter_fails"] = refused(sdk.Config{GetToken: func(context.Context) (string, error) {
		return "", errors.New("vault down")
	}})
	return out
}

func ptr[T any](value T) *T { return &value }

func repeatX(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}

func readLine() string {
	line, err := stdin.ReadString('\\n')
	if err != nil {
		fail(err)
	}
	return line
}

func emit(value any) {
	if err := json.NewEncoder(os.Stdout).Encode(value); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func must[T any](value T, err error) T {
	if err != nil {
		fail(err)
	}
	return value
}

func connect(ctx context.Context, given Given, cfg sdk.Config) *sdk.Client {
	client := sdk.NewClient(given.URL, cfg)
	if err := client.Connect(ctx); err != nil {
		fail(err)
	}
	return client
}

// failure describes how a call failed, as a caller sees it through errors.As and errors.Is.
func failure(err error) map[string]any {
	if err == nil {
		return nil
	}
	var rpcErr *sdk.RPCError
	if !errors.As(err, &rpcErr) {
		return map[string]any{"rpc_error": false, "text": err.Error()}
	}
	var server *centrifuge.Error
	cause := "other"
	switch {
	case errors.As(err, &server):
		cause = "server"
	case errors.Is(err, context.DeadlineExceeded):
		cause = "deadline"
	case errors.Is(err, centrifuge.ErrClientClosed):
		cause = "client closed"
	}
	return map[string]any{
		"rpc_error": true,
		"code":      rpcErr.Code,
		"constant":  codeNames[rpcErr.Code],
		"message":   rpcErr.Message,
		"temporary": rpcErr.Temporary,
		"text":      err.Error(),
		"cause":     cause,
	}
}

// failed is the failure of a typed call, which must return no result with its error.
func failed[T any](result *T, err error) map[string]any {
	if result != nil {
		fail(fmt.Errorf("a failed call returned a result: %+v", *result))
	}
	return failure(err)
}

func task(t *sdk.TaskResult) map[string]any {
	var status sdk.TaskStatus = t.Status
	var created time.Time = t.CreatedAt.Time
	_, offset := created.Zone()
	return map[string]any{
		"id": t.ID, "user_id": t.UserID, "title": t.Title, "description": t.Description,
		"status": string(status), "is_pending": status == sdk.TaskStatusPending,
		"created_at": created.UTC().Format(time.RFC3339Nano), "utc_offset": offset,
	}
}

func todo(t sdk.TodoItem) map[string]any {
	return map[string]any{"id": t.ID, "title": t.Title, "completed": t.Completed, "created_at": t.CreatedAt}
}

func todoList(result *sdk.TodoListResult) map[string]any {
	todos := []map[string]any{}
	for _, t := range result.Todos {
		todos = append(todos, todo(t))
	}
	return map[string]any{"todos": todos, "total": result.Total}
}

func results(ctx context.Context, given Given) map[string]any {
	client := connect(ctx, given, sdk.Config{Token: given.Token})
	defer client.Close()
	api := sdk.NewAPI(client)
	out := map[string]any{}

	description := "with a description"
	first := must(api.TasksCreate(ctx, sdk.CreateTaskParams{UserID: given.TaskUser, Title: "first"}))
	second := must(api.TasksCreate(ctx, sdk.CreateTaskParams{UserID: given.TaskUser, Title: "second", Description: &description}))
	out["created"] = []map[string]any{task(first), task(second)}
	out["got"] = task(must(api.TasksGet(ctx, sdk.GetTaskParams{TaskID: first.ID})))
	out["stats"] = must(api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser}))
	without := false
	out["stats_without_completed"] = must(api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser, IncludeCompleted: &without}))
	listed := must(api.TasksList(ctx, sdk.ListParams{UserID: given.TaskUser}))
	items := []map[string]any{}
	for _, item := range listed.Tasks {
		var status sdk.TaskStatus = item.Status
		items = append(items, map[string]any{"id": item.ID, "title": item.Title, "status": string(status)})
	}
	out["listed"] = map[string]any{"tasks": items, "total": listed.Total}

	milk := must(api.TodosCreate(ctx, sdk.CreateTodoParams{Title: "buy milk"})).Todo
	dog := must(api.TodosCreate(ctx, sdk.CreateTodoParams{Title: "walk dog"})).Todo
	out["todos_created"] = []map[string]any{todo(milk), todo(dog)}
	done, renamed := true, "walk the dog"
	out["todo_completed"] = todo(must(api.TodosUpdate(ctx, sdk.UpdateTodoParams{ID: milk.ID, Completed: &done})).Todo)
	out["todo_renamed"] = todo(must(api.TodosUpdate(ctx, sdk.UpdateTodoParams{ID: dog.ID, Title: &renamed})).Todo)
	out["todos_all"] = todoList(must(api.TodosList(ctx, sdk.ListTodosParams{})))
	out["todos_completed"] = todoList(must(api.TodosList(ctx, sdk.ListTodosParams{Completed: &done})))
	one := int64(1)
	out["todos_limited"] = todoList(must(api.TodosList(ctx, sdk.ListTodosParams{Limit: sdk.Some(one)})))
	out["todo_deleted"] = must(api.TodosDelete(ctx, sdk.DeleteTodoParams{ID: milk.ID}))
	out["todos_after_delete"] = todoList(must(api.TodosList(ctx, sdk.ListTodosParams{})))
	out["todo_deleted_again"] = must(api.TodosDelete(ctx, sdk.DeleteTodoParams{ID: milk.ID}))

	other := connect(ctx, given, sdk.Config{Token: given.OtherToken})
	defer other.Close()
	out["other_users_todos"] = todoList(must(sdk.NewAPI(other).TodosList(ctx, sdk.ListTodosParams{})))
	return out
}

func failures(ctx context.Context, given Given) map[string]any {
	client := connect(ctx, given, sdk.Config{Token: given.Token})
	defer client.Close()
	api := sdk.NewAPI(client)
	out := map[string]any{}

	out["task_not_found"] = failed(api.TasksGet(ctx, sdk.GetTaskParams{TaskID: given.MissingID}))
	out["todo_not_found"] = failed(api.TodosUpdate(ctx, sdk.UpdateTodoParams{ID: given.MissingID}))
	negative := int64(-1)
	out["negative_limit"] = failed(api.TodosList(ctx, sdk.ListTodosParams{Limit: sdk.Some(negative)}))
	var reply json.RawMessage
	out["wrong_type"] = failure(client.Call(ctx, "tasks.get", map[string]any{"task_id": "seven"}, &reply))
	out["missing_field"] = failure(client.Call(ctx, "todos.create", map[string]any{}, &reply))
	out["unknown_method"] = failure(client.Call(ctx, "tasks.no_such_method", map[string]any{}, &reply))
	out["raw_reply_untouched"] = reply == nil
	// Errors are answers: the same connection keeps working.
	out["after_errors"] = must(api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser}))

	anonymous := connect(ctx, given, sdk.Config{Token: given.AnonymousToken})
	out["anonymous_todos"] = failed(sdk.NewAPI(anonymous).TodosList(ctx, sdk.ListTodosParams{}))
	out["anonymous_stats"] = must(sdk.NewAPI(anonymous).TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser}))
	anonymous.Close()

	var getterCalls atomic.Int32
	refreshed := connect(ctx, given, sdk.Config{
		Token: given.ExpiredToken,
		GetToken: func(context.Context) (string, error) {
			getterCalls.Add(1)
			return given.FreshToken, nil
		},
	})
	refreshedAPI := sdk.NewAPI(refreshed)
	created := must(refreshedAPI.TodosCreate(ctx, sdk.CreateTodoParams{Title: "after a refresh"})).Todo
	out["refreshed_todos"] = todoList(must(refreshedAPI.TodosList(ctx, sdk.ListTodosParams{})))
	out["refreshed_created_id"] = created.ID
	out["getter_calls"] = getterCalls.Load()
	refreshed.Close()

	closed := connect(ctx, given, sdk.Config{Token: given.Token})
	closed.Close()
	out["after_close"] = failed(sdk.NewAPI(closed).TasksGetStats(ctx, sdk.TaskStatsParams{UserID: given.TaskUser}))
	return out
}

// timeout calls while the test holds the service frozen, then again once it is resumed,
// over one connection; it prints a line after each call and waits for the test between.
func timeout(ctx context.Context, given Given) {
	client := connect(ctx, given, sdk.Config{Token: given.Token})
	defer client.Close()
	api := sdk.NewAPI(client)
	params := sdk.TaskStatsParams{UserID: given.TaskUser}
	emit(map[string]any{"connected": true})

	readLine() // the service is frozen now
	callCtx, cancel := context.WithTimeout(ctx, time.Duration(given.CallTimeoutMS)*time.Millisecond)
	started := time.Now()
	result, err := api.TasksGetStats(callCtx, params)
	elapsed := time.Since(started)
	cancel()
	emit(map[string]any{"frozen": failed(result, err), "elapsed_ms": elapsed.Milliseconds()})

	readLine() // the service is resumed
	emit(map[string]any{"resumed": must(api.TasksGetStats(ctx, params))})
}
"""


def module_path(sdk_dir: Path) -> str:
    module = re.search(r"^module (\S+)$", (sdk_dir / "go.mod").read_text(), re.M)
    assert module, f"{sdk_dir} is not a Go module directory"
    return module.group(1)


def consumer_source(module: str) -> str:
    constants = [go_names.go_error_const(e.name) for e in ERROR_CODES]
    width = max(map(len, constants))
    names = "".join(f'\tsdk.{c}:{" " * (width - len(c))} "{c}",\n' for c in constants)  # as gofmt aligns them
    return CONSUMER_GO.replace("SDK_MODULE", module).replace("CODE_NAMES", names)


@pytest.fixture(scope="module")
def consumer(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer program, built once from a module that uses the packaged SDK directory."""
    assert shutil.which("go"), "the Go toolchain (go on PATH) is needed to test the Go SDK"
    sdk_dir = sample_sdks["go"].resolve()
    module = module_path(sdk_dir)
    root = tmp_path_factory.mktemp("go-sdk-consumer")
    (root / "go.mod").write_text(
        f"module example.com/consumer\n\ngo 1.25.0\n\nrequire {module} v0.0.0\n\nreplace {module} => {sdk_dir}\n"
    )
    (root / "main.go").write_text(consumer_source(module))
    binary = root / "consumer"
    for argv in (["go", "mod", "tidy"], ["go", "vet", "./..."], ["go", "build", "-o", str(binary), "."]):
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(argv)}:\n{done.stdout}{done.stderr}"
    return binary


def run_consumer(binary: Path, scenario: str, given: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(binary), scenario], input=json.dumps(given) + "\n", capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def user_id(role: str) -> str:
    return f"go-e2e-{role}-{uuid.uuid4().hex[:12]}"


def expected_error(code: int, message: str, cause: str = "server") -> dict[str, Any]:
    """What the consumer's ``failure`` prints for an error of the shared table."""
    entry = BY_CODE[code]
    return {
        "rpc_error": True,
        "code": code,
        "constant": go_names.go_error_const(entry.name),
        "message": message,
        "temporary": entry.temporary,
        "text": f"rpc error {code}: {message}",
        "cause": cause,
    }


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------
# Typed results of every sample method


@pytest.fixture(scope="module")
def results(consumer: Path, sample_stack: Stack) -> dict[str, Any]:
    task_user, todo_user = user_id("tasks"), user_id("todos")
    before = dt.datetime.now(dt.timezone.utc)
    out = run_consumer(
        consumer,
        "results",
        {
            "url": sample_stack.ws_url,
            "token": sample_stack.token(todo_user),
            "other_token": sample_stack.token(user_id("other")),
            "task_user": task_user,
        },
    )
    after = dt.datetime.now(dt.timezone.utc)
    return {"out": out, "task_user": task_user, "before": before, "after": after}


def test_tasks_create_returns_typed_tasks(results: dict[str, Any]) -> None:
    first, second = results["out"]["created"]
    assert second["id"] > first["id"] > 0
    for created, title, description in ((first, "first", ""), (second, "second", "with a description")):
        assert {k: created[k] for k in ("user_id", "title", "description", "status", "is_pending", "utc_offset")} == {
            "user_id": results["task_user"],
            "title": title,
            "description": description,
            "status": "pending",
            "is_pending": True,  # decoded into sdk.TaskStatus, equal to its exported constant
            "utc_offset": 0,  # a time.Time in UTC: the service sends its zone
        }
        assert results["before"] <= utc(created["created_at"]) <= results["after"]
    assert utc(first["created_at"]) <= utc(second["created_at"])


def test_tasks_get_returns_the_created_task(results: dict[str, Any]) -> None:
    assert results["out"]["got"] == results["out"]["created"][0]


def test_tasks_get_stats_counts_the_users_tasks(results: dict[str, Any]) -> None:
    user = results["task_user"]
    assert results["out"]["stats"] == {"total": 2, "completed": 0, "pending": 2, "user_id": user}
    assert results["out"]["stats_without_completed"] == {"total": 2, "completed": 0, "pending": 2, "user_id": user}


def test_tasks_list_is_newest_first(results: dict[str, Any]) -> None:
    first, second = results["out"]["created"]
    assert results["out"]["listed"] == {
        "tasks": [
            {"id": second["id"], "title": "second", "status": "pending"},
            {"id": first["id"], "title": "first", "status": "pending"},
        ],
        "total": 2,
    }


def test_todos_crud_as_the_authenticated_user(results: dict[str, Any]) -> None:
    out = results["out"]
    milk, dog = out["todos_created"]
    assert (milk["title"], milk["completed"], dog["title"], dog["completed"]) == ("buy milk", False, "walk dog", False)
    assert dog["id"] > milk["id"] > 0
    for todo in (milk, dog):
        assert results["before"] <= utc(todo["created_at"]) <= results["after"]
    done_milk = {**milk, "completed": True}
    renamed_dog = {**dog, "title": "walk the dog"}
    assert out["todo_completed"] == done_milk
    assert out["todo_renamed"] == renamed_dog
    assert out["todos_all"] == {"todos": [renamed_dog, done_milk], "total": 2}
    assert out["todos_completed"] == {"todos": [done_milk], "total": 1}
    assert out["todos_limited"] == {"todos": [renamed_dog], "total": 1}
    assert out["todo_deleted"] == {"success": True, "message": f"Todo {milk['id']} deleted"}
    assert out["todos_after_delete"] == {"todos": [renamed_dog], "total": 1}
    assert out["todo_deleted_again"] == {"success": True, "message": f"Todo {milk['id']} deleted"}


def test_todos_belong_to_the_tokens_user(results: dict[str, Any]) -> None:
    assert results["out"]["other_users_todos"] == {"todos": [], "total": 0}


# ---------------------------------------------------------------------------
# Typed errors


@pytest.fixture(scope="module")
def errors(consumer: Path, sample_stack: Stack) -> dict[str, Any]:
    user, refreshed_user, task_user = user_id("errors"), user_id("refreshed"), user_id("tasks")
    return run_consumer(
        consumer,
        "errors",
        {
            "url": sample_stack.ws_url,
            "token": sample_stack.token(user),
            "anonymous_token": sample_stack.token(""),
            "expired_token": sample_stack.token(refreshed_user, ttl_seconds=-60),
            "fresh_token": sample_stack.token(refreshed_user),
            "task_user": task_user,
            "missing_id": MISSING_ID,
        },
    )


def test_missing_task_is_a_bad_request_with_the_handlers_message(errors: dict[str, Any]) -> None:
    assert errors["task_not_found"] == expected_error(400, f"Task {MISSING_ID} not found")
    assert errors["todo_not_found"] == expected_error(400, f"Todo {MISSING_ID} not found")


def test_value_error_of_a_handler_is_a_bad_request(errors: dict[str, Any]) -> None:
    assert errors["negative_limit"] == expected_error(400, "limit must be 0 or more, not -1")


def test_invalid_params_name_the_field(errors: dict[str, Any]) -> None:
    assert errors["wrong_type"] == expected_error(
        422, "invalid params: task_id: Input should be a valid integer, unable to parse string as an integer"
    )
    assert errors["missing_field"] == expected_error(422, "invalid params: title: Field required")


def test_unknown_method_is_method_not_found(errors: dict[str, Any]) -> None:
    assert errors["unknown_method"] == expected_error(404, "method 'tasks.no_such_method' not found")
    assert errors["raw_reply_untouched"] is True


def test_errors_leave_the_connection_serving(errors: dict[str, Any]) -> None:
    assert errors["after_errors"]["total"] == 0


def test_anonymous_connection_is_refused_methods_that_need_a_user(errors: dict[str, Any]) -> None:
    assert errors["anonymous_todos"] == expected_error(401, "this method requires an authenticated user")
    assert errors["anonymous_stats"]["total"] == 0  # the connection itself works


def test_expired_token_is_replaced_by_the_getters(errors: dict[str, Any]) -> None:
    assert errors["getter_calls"] == 1
    assert [t["id"] for t in errors["refreshed_todos"]["todos"]] == [errors["refreshed_created_id"]]


def test_call_after_close_is_connection_closed(errors: dict[str, Any]) -> None:
    assert errors["after_close"] == expected_error(2, "tasks.get_stats: client closed", cause="client closed")


def test_every_error_is_an_rpc_error_with_an_exported_code(errors: dict[str, Any]) -> None:
    failures = [v for v in errors.values() if isinstance(v, dict) and "rpc_error" in v]
    assert len(failures) == 8
    # errors.As found an *RPCError each time, and its code is one of the exported constants.
    assert all(f["rpc_error"] and f["constant"] == go_names.go_error_const(BY_CODE[f["code"]].name) for f in failures)


# ---------------------------------------------------------------------------
# Per-call timeout


def test_per_call_timeout_while_the_service_is_frozen(consumer: Path, sample_stack: Stack) -> None:
    assert sample_stack.service.process is not None
    pid = sample_stack.service.process.pid
    given = {
        "url": sample_stack.ws_url,
        "token": sample_stack.token(user_id("timeout")),
        "task_user": user_id("tasks"),
        "call_timeout_ms": CALL_TIMEOUT_MS,
    }
    with subprocess.Popen(
        [str(consumer), "timeout"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as program:
        stdin, stdout, stderr = program.stdin, program.stdout, program.stderr
        assert stdin and stdout and stderr

        def step(line: str) -> dict[str, Any]:
            """Send ``line``; the program's next JSON line in answer."""
            stdin.write(line + "\n")
            stdin.flush()
            reply = stdout.readline()
            assert reply, stderr.read()
            return dict(json.loads(reply))

        # A program stuck in a call would block readline for ever: end it after RUN_TIMEOUT.
        watchdog = threading.Timer(RUN_TIMEOUT, program.kill)
        watchdog.start()
        try:
            assert step(json.dumps(given)) == {"connected": True}
            os.kill(pid, signal.SIGSTOP)
            try:
                frozen = step("frozen")
            finally:
                os.kill(pid, signal.SIGCONT)
            resumed = step("resumed")
            assert program.wait(timeout=RUN_TIMEOUT) == 0, stderr.read()
        finally:
            watchdog.cancel()
            if program.poll() is None:
                program.kill()
    assert frozen["frozen"] == expected_error(1, "tasks.get_stats: no reply in time; it may have run", cause="deadline")
    assert CALL_TIMEOUT_MS <= frozen["elapsed_ms"] < CALL_TIMEOUT_MS + 2000
    assert resumed["resumed"] == {"total": 0, "completed": 0, "pending": 0, "user_id": given["task_user"]}


def test_large_params_and_refused_tokens(consumer: Path, sample_stack: Stack) -> None:
    from hatch_centrifugo_sdk.centrifugo import make_token

    user = user_id("limits")
    given = {
        "url": sample_stack.ws_url,
        "token": sample_stack.token(user),
        "task_user": user,
        "wrong_key_token": make_token("not-the-servers-key", user),
        "expired_token": sample_stack.token(user, ttl_seconds=-60),
    }
    out = run_consumer(consumer, "limits", given)
    assert out["limit"] == 1_048_576
    assert out["sizes"]["70000"] == 70_000 and out["sizes"]["200000"] == 200_000
    too_large = out["sizes"]["1100000"]
    assert (too_large["code"], too_large["constant"], too_large["temporary"]) == (413, "CodePayloadTooLarge", False)
    assert "over the service's limit of 1048576; nothing was sent" in too_large["message"]
    assert out["still_serving"] == 2
    for case, words in {
        "wrong_key": "refused the token (3500 invalid token)",
        "expired": "the token expired and there is no Config.GetToken",
        "missing": "no token given",
        "getter_fails": "Config.GetToken failed: vault down",
    }.items():
        error = out[case]
        assert (error["code"], error["constant"], error["temporary"]) == (5, "CodeTokenError", False), (case, error)
        assert error["message"].startswith("connect: ") and words in error["message"], (case, error)
