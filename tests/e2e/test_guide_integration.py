"""The guide's integration test, for real, in every language: each SDK, installed from its packaged
artifact (wheel in a fresh venv, npm tarball, Go module directory), calls the sample service through
a real Centrifugo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from stack import Stack

SCRIPT = textwrap.dedent('''
    import asyncio, json, os, sys
    from sample_service_sdk import (
        APIClient, BadRequestError, CentrifugoRPCClient, CreateTaskParams, CreateTodoParams, GetTaskParams,
        ListTodosParams, RpcError, TaskStatsParams, TaskStatus, UnauthenticatedError,
    )

    URL, TOKEN, ANON, USER = os.environ["WS_URL"], os.environ["TOKEN"], os.environ["ANON_TOKEN"], os.environ["USER_ID"]
    out = {}

    async def main() -> None:
        # The guide's shape, verbatim in spirit.
        rpc = CentrifugoRPCClient(url=URL, token=TOKEN, user_id=USER)
        await rpc.connect()
        api = APIClient(rpc)
        created = await api.tasks_create(CreateTaskParams(user_id=USER, title="it's a task"))
        await api.tasks_create(CreateTaskParams(user_id=USER, title="second"))
        result = await api.tasks_get_stats(TaskStatsParams(user_id=USER))
        out["stats"] = [result.total, result.completed, result.pending]
        out["created"] = [created.title, created.status is TaskStatus.PENDING, created.created_at.tzinfo is not None]
        try:
            await api.tasks_get(GetTaskParams(task_id=999999))
        except Exception as e:
            out["guide_error"] = f"Error: {e}"
            out["error_type"] = [type(e).__name__, isinstance(e, BadRequestError), isinstance(e, RpcError), e.code]
        todo = await api.todos_create(CreateTodoParams(title="write docs"))
        listed = await api.todos_list(ListTodosParams())
        out["todos"] = [t.title for t in listed.todos] == [todo.todo.title]
        check = await api.check_api_version()
        out["api_version"] = [check.relation, check.compatible, check.server_api_hash == check.client_api_hash]
        await rpc.close()

        async with CentrifugoRPCClient(url=URL, token=ANON) as anonymous:
            try:
                await APIClient(anonymous).todos_list(ListTodosParams())
            except UnauthenticatedError as e:
                out["anonymous"] = [e.code, str(e)]

    asyncio.run(main())
    print(json.dumps(out))
''')


@pytest.fixture(scope="module")
def sdk_python(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("sdk-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(sample_sdks["python"])],
        check=True, capture_output=True,
    )
    return venv / "bin" / "python"


def test_guide_integration_through_centrifugo(sdk_python: Path, sample_stack: Stack, tmp_path: Path) -> None:
    user = f"guide-{uuid.uuid4().hex[:8]}"
    script = tmp_path / "guide.py"
    script.write_text(SCRIPT)
    env = {"WS_URL": sample_stack.ws_url, "TOKEN": sample_stack.token(user), "ANON_TOKEN": sample_stack.token(""), "USER_ID": user}
    result = subprocess.run([str(sdk_python), str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["stats"] == [2, 0, 2]
    assert out["created"] == ["it's a task", True, True]
    assert out["guide_error"] == "Error: Task 999999 not found"
    assert out["error_type"] == ["BadRequestError", True, True, 400]
    assert out["todos"] is True
    assert out["anonymous"] == [401, "this method requires an authenticated user"]
    assert out["api_version"] == ["same", True, True]


TS_SCRIPT = textwrap.dedent('''
    import WebSocket from "ws";
    import { APIClient, CentrifugoRPCClient, ErrorCode, RpcError, TaskStatus } from "@sample/service-sdk";

    const { WS_URL, TOKEN, ANON_TOKEN, USER_ID } = process.env;
    const out = {};
    const rpc = new CentrifugoRPCClient({ url: WS_URL, token: TOKEN, websocket: WebSocket });
    await rpc.connect();
    const api = new APIClient(rpc);
    const created = await api.tasksCreate({ user_id: USER_ID, title: "it's a task" });
    await api.tasksCreate({ user_id: USER_ID, title: "second" });
    const stats = await api.tasksGetStats({ user_id: USER_ID });
    out.stats = [stats.total, stats.completed, stats.pending];
    out.created = [created.title, created.status === TaskStatus.PENDING, typeof created.created_at];
    try {
      await api.tasksGet({ task_id: 999999 });
    } catch (e) {
      out.error = [e instanceof RpcError, e instanceof Error, e.code === ErrorCode.BAD_REQUEST, e.message];
    }
    const todo = await api.todosCreate({ title: "write docs" });
    const listed = await api.todosList({});
    out.todos = listed.todos.map((t) => t.title).join() === todo.todo.title;
    const check = await api.checkApiVersion();
    out.apiVersion = [check.relation, check.compatible, check.serverApiHash === check.clientApiHash];
    rpc.close();
    const anonymous = new CentrifugoRPCClient({ url: WS_URL, token: ANON_TOKEN, websocket: WebSocket });
    await anonymous.connect();
    try {
      await new APIClient(anonymous).todosList({});
    } catch (e) {
      out.anonymous = [e.code, e.code === ErrorCode.UNAUTHENTICATED, e.message];
    }
    anonymous.close();
    console.log(JSON.stringify(out));
''')


def test_typescript_sdk_through_centrifugo(sample_sdks: dict[str, Path], sample_stack: Stack, tmp_path: Path) -> None:
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "package.json").write_text('{"name": "consumer", "private": true, "type": "module"}')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(sample_sdks["typescript"]), "ws@8.23.0"],
        cwd=project, check=True, capture_output=True, timeout=300,
    )
    (project / "main.mjs").write_text(TS_SCRIPT)
    user = f"ts-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WS_URL": sample_stack.ws_url, "TOKEN": sample_stack.token(user),
           "ANON_TOKEN": sample_stack.token(""), "USER_ID": user}
    result = subprocess.run(["node", "main.mjs"], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["stats"] == [2, 0, 2]
    assert out["created"] == ["it's a task", True, "string"]
    assert out["error"] == [True, True, True, "Task 999999 not found"]
    assert out["todos"] is True
    assert out["anonymous"] == [401, True, "this method requires an authenticated user"]
    assert out["apiVersion"] == ["same", True, True]


GO_MAIN = textwrap.dedent('''
    package main

    import (
    	"context"
    	"encoding/json"
    	"errors"
    	"fmt"
    	"os"
    	"time"

    	servicesdk "example.com/sample/servicesdk"
    )

    func main() {
    	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
    	defer cancel()
    	user := os.Getenv("USER_ID")
    	out := map[string]any{}
    	client := servicesdk.NewClient(os.Getenv("WS_URL"), servicesdk.Config{Token: os.Getenv("TOKEN")})
    	if err := client.Connect(ctx); err != nil {
    		panic(err)
    	}
    	api := servicesdk.NewAPI(client)
    	created, err := api.TasksCreate(ctx, servicesdk.CreateTaskParams{UserID: user, Title: "it's a task"})
    	if err != nil {
    		panic(err)
    	}
    	if _, err := api.TasksCreate(ctx, servicesdk.CreateTaskParams{UserID: user, Title: "second"}); err != nil {
    		panic(err)
    	}
    	stats, err := api.TasksGetStats(ctx, servicesdk.TaskStatsParams{UserID: user})
    	if err != nil {
    		panic(err)
    	}
    	out["stats"] = []int64{stats.Total, stats.Completed, stats.Pending}
    	out["created"] = []any{created.Title, created.Status == servicesdk.TaskStatusPending, !created.CreatedAt.IsZero()}
    	_, err = api.TasksGet(ctx, servicesdk.GetTaskParams{TaskID: 999999})
    	var rpcErr *servicesdk.RPCError
    	out["error"] = []any{errors.As(err, &rpcErr), rpcErr.Code == servicesdk.CodeBadRequest, rpcErr.Message}
    	check, err := api.CheckAPIVersion(ctx)
    	if err != nil {
    		panic(err)
    	}
    	out["api_version"] = []any{check.Relation, check.Compatible(), check.ServerAPIHash == servicesdk.APIHash}
    	client.Close()

    	anonymous := servicesdk.NewClient(os.Getenv("WS_URL"), servicesdk.Config{Token: os.Getenv("ANON_TOKEN")})
    	if err := anonymous.Connect(ctx); err != nil {
    		panic(err)
    	}
    	_, err = servicesdk.NewAPI(anonymous).TodosList(ctx, servicesdk.ListTodosParams{})
    	out["anonymous"] = []any{errors.As(err, &rpcErr), rpcErr.Code == servicesdk.CodeUnauthenticated, rpcErr.Message}
    	anonymous.Close()
    	text, _ := json.Marshal(out)
    	fmt.Println(string(text))
    }
''')


def test_go_sdk_through_centrifugo(sample_sdks: dict[str, Path], sample_stack: Stack, tmp_path: Path) -> None:
    project = tmp_path / "consumer"
    project.mkdir()
    module = sample_sdks["go"]
    (project / "go.mod").write_text(
        "module consumer\n\ngo 1.25.0\n\nrequire example.com/sample/servicesdk v0.0.0\n\n"
        f"replace example.com/sample/servicesdk => {module}\n"
    )
    (project / "main.go").write_text(GO_MAIN)
    tidy = subprocess.run(["go", "mod", "tidy"], cwd=project, capture_output=True, text=True, timeout=300)
    assert tidy.returncode == 0, tidy.stderr
    user = f"go-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WS_URL": sample_stack.ws_url, "TOKEN": sample_stack.token(user),
           "ANON_TOKEN": sample_stack.token(""), "USER_ID": user}
    result = subprocess.run(["go", "run", "."], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["stats"] == [2, 0, 2]
    assert out["created"] == ["it's a task", True, True]
    assert out["error"] == [True, True, "Task 999999 not found"]
    assert out["anonymous"] == [True, True, "this method requires an authenticated user"]
    assert out["api_version"] == ["same", True, True]
