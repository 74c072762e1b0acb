"""The sample service's Python SDK, installed from its wheel into a fresh venv, against the real stack.

Consumer programs run in that venv (they see only the installed SDK and its dependencies),
call Centrifugo, which proxies to the sample service, and print JSON these tests assert on.
Every run uses its own user ids: the stack is shared by the whole session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from stack import Stack

from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.runtime.errors import BY_CODE, ERROR_CODES

RUN_TIMEOUT = 60


@pytest.fixture(scope="module")
def venv_python(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the SDK wheel (its dependencies from the index) and, for the
    guide's integration test, the pytest this project tests with."""
    venv = tmp_path_factory.mktemp("python-sdk-e2e-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    testing = [f"pytest=={version('pytest')}", f"pytest-asyncio=={version('pytest-asyncio')}"]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(sample_sdks["python"]), *testing],
        check=True,
        capture_output=True,
    )
    return python


def run_consumer(python: Path, workdir: Path, source: str, given: dict[str, Any]) -> dict[str, Any]:
    """Run ``source`` in the SDK's venv with ``given`` on stdin; its stdout is one JSON object."""
    script = workdir / "consumer.py"
    script.write_text(PRELUDE + textwrap.dedent(source), encoding="utf-8")
    result = subprocess.run(
        [str(python), str(script)], input=json.dumps(given), capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(json.loads(result.stdout))


def expected_error(code: int, message: str) -> dict[str, Any]:
    """What the consumer's ``failure()`` prints for an error of the shared table."""
    entry = BY_CODE[code]
    return {
        "class": py_names.python_error_class(entry.name),
        "code": code,
        "message": message,
        "temporary": entry.temporary,
    }


def user_id(role: str) -> str:
    return f"py-e2e-{role}-{uuid.uuid4().hex[:12]}"


# Shared by every consumer: the given addresses and tokens, and how failures are printed.
PRELUDE = textwrap.dedent(
    """\
    import asyncio
    import datetime
    import json
    import sys

    import sample_service_sdk as sdk
    from sample_service_sdk import APIClient, CentrifugoRPCClient, RpcError

    given = json.load(sys.stdin)


    def failure(error):
        return {"class": type(error).__name__, "code": error.code, "message": str(error), "temporary": error.temporary}


    async def error_of(call):
        \"\"\"The RpcError an awaitable raises: every SDK error is caught by ``except RpcError``.\"\"\"
        try:
            await call
        except RpcError as error:
            return failure(error)
        return None

    """
)


# ---------------------------------------------------------------------------
# Typed results of every sample method

RESULTS_CONSUMER = """
    from sample_service_sdk import (
        CreateTaskParams, CreateTodoParams, DeleteTodoParams, GetTaskParams, ListParams, ListTodosParams,
        TaskResult, TaskStatus, TaskStatsParams, UpdateTodoParams,
    )


    def task(t: TaskResult):
        return {
            "id": t.id, "user_id": t.user_id, "title": t.title, "description": t.description,
            "status": [type(t.status).__name__, t.status is TaskStatus.PENDING, t.status.value],
            "created_at": [type(t.created_at).__name__, t.created_at.utcoffset().total_seconds(), t.created_at.isoformat()],
        }


    def todo(t):
        return {"id": t.id, "title": t.title, "completed": t.completed, "created_at": t.created_at}


    def todos(result):
        return {"total": result.total, "todos": [todo(t) for t in result.todos]}


    async def tasks_part(api):
        user, other = given["task_user"], given["other_user"]
        created = [
            await api.tasks_create(CreateTaskParams(user_id=user, title="first")),  # description: server default
            await api.tasks_create(CreateTaskParams(user_id=user, title="second", description="it's \\"quoted\\"")),
            await api.tasks_create(CreateTaskParams(user_id=user, title="third", description="ünïcode ✓")),
        ]
        fetched = await api.tasks_get(GetTaskParams(task_id=created[1].id))
        listed = await api.tasks_list(ListParams(user_id=user))
        return {
            "created": [task(t) for t in created],
            "fetched": task(fetched),
            "fetched_equals_created": fetched == created[1],
            "stats": (await api.tasks_get_stats(TaskStatsParams(user_id=user))).model_dump(),
            "stats_without_completed": (
                await api.tasks_get_stats(TaskStatsParams(user_id=user, include_completed=False))
            ).model_dump(),
            "other_stats": (await api.tasks_get_stats(TaskStatsParams(user_id=other))).model_dump(),
            "listed": {
                "total": listed.total,
                "tasks": [[t.id, t.title, t.status is TaskStatus.PENDING] for t in listed.tasks],
            },
            "other_listed": (await api.tasks_list(ListParams(user_id=other))).model_dump(),
        }


    async def todos_part(api, other_api):
        first = (await api.todos_create(CreateTodoParams(title="first"))).todo
        second = (await api.todos_create(CreateTodoParams(title="second"))).todo
        out = {"ids": [first.id, second.id], "created": [todo(first), todo(second)]}
        out["listed"] = todos(await api.todos_list(ListTodosParams()))
        out["other_user_listed"] = todos(await other_api.todos_list(ListTodosParams()))
        out["completed"] = todo((await api.todos_update(UpdateTodoParams(id=first.id, completed=True))).todo)
        out["renamed"] = todo((await api.todos_update(UpdateTodoParams(id=second.id, title="second, renamed"))).todo)
        out["only_completed"] = todos(await api.todos_list(ListTodosParams(completed=True)))
        out["only_pending"] = todos(await api.todos_list(ListTodosParams(completed=False)))
        out["limited"] = todos(await api.todos_list(ListTodosParams(limit=1)))
        out["deleted"] = (await api.todos_delete(DeleteTodoParams(id=first.id))).model_dump()
        out["after_delete"] = todos(await api.todos_list(ListTodosParams()))
        out["deleted_again"] = (await api.todos_delete(DeleteTodoParams(id=first.id))).model_dump()
        return out


    async def main():
        async with CentrifugoRPCClient(url=given["url"], token=given["token"], user_id=given["todo_user"]) as rpc:
            async with CentrifugoRPCClient(given["url"], token=given["other_token"]) as other_rpc:
                api = APIClient(rpc)
                out = {"tasks": await tasks_part(api), "todos": await todos_part(api, APIClient(other_rpc))}
        print(json.dumps(out))


    asyncio.run(main())
"""


@pytest.fixture(scope="module")
def results(venv_python: Path, sample_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    todo_user, other_user = user_id("todos"), user_id("other")
    given = {
        "url": sample_stack.ws_url,
        "token": sample_stack.token(todo_user),
        "other_token": sample_stack.token(other_user),
        "todo_user": todo_user,
        "task_user": user_id("tasks"),
        "other_user": other_user,
    }
    started = dt.datetime.now(dt.timezone.utc)
    out = run_consumer(venv_python, tmp_path_factory.mktemp("results"), RESULTS_CONSUMER, given)
    finished = dt.datetime.now(dt.timezone.utc)
    return {"given": given, "started": started, "finished": finished, **out}


def test_tasks_create_returns_typed_tasks(results: dict[str, Any]) -> None:
    created = results["tasks"]["created"]
    user = results["given"]["task_user"]
    assert [(t["user_id"], t["title"], t["description"]) for t in created] == [
        (user, "first", ""),
        (user, "second", 'it\'s "quoted"'),
        (user, "third", "ünïcode ✓"),
    ]
    assert created[0]["id"] < created[1]["id"] < created[2]["id"]
    for t in created:
        # The enum arrives as the SDK's TaskStatus member, the timestamp as an aware UTC datetime.
        assert t["status"] == ["TaskStatus", True, "pending"]
        kind, offset, text = t["created_at"]
        assert (kind, offset) == ("datetime", 0.0)
        assert results["started"] <= dt.datetime.fromisoformat(text) <= results["finished"]


def test_tasks_get_returns_the_created_task(results: dict[str, Any]) -> None:
    assert results["tasks"]["fetched"] == results["tasks"]["created"][1]
    assert results["tasks"]["fetched_equals_created"] is True


def test_tasks_get_stats_counts_the_users_tasks(results: dict[str, Any]) -> None:
    tasks, user = results["tasks"], results["given"]["task_user"]
    assert tasks["stats"] == {"total": 3, "completed": 0, "pending": 3, "user_id": user}
    assert tasks["stats_without_completed"] == {"total": 3, "completed": 0, "pending": 3, "user_id": user}
    assert tasks["other_stats"] == {"total": 0, "completed": 0, "pending": 0, "user_id": results["given"]["other_user"]}


def test_tasks_list_is_newest_first(results: dict[str, Any]) -> None:
    created = results["tasks"]["created"]
    assert results["tasks"]["listed"] == {
        "total": 3,
        "tasks": [[t["id"], t["title"], True] for t in reversed(created)],
    }
    assert results["tasks"]["other_listed"] == {"tasks": [], "total": 0}


def test_todos_crud_as_the_authenticated_user(results: dict[str, Any]) -> None:
    todos = results["todos"]
    first_id, second_id = todos["ids"]
    first, second = todos["created"]
    assert (first["title"], first["completed"], second["title"], second["completed"]) == ("first", False, "second", False)
    for created in (first, second):
        assert results["started"] <= dt.datetime.fromisoformat(created["created_at"]) <= results["finished"]
    assert todos["listed"] == {"total": 2, "todos": [second, first]}
    completed = {**first, "completed": True}
    renamed = {**second, "title": "second, renamed"}
    assert todos["completed"] == completed
    assert todos["renamed"] == renamed
    assert todos["only_completed"] == {"total": 1, "todos": [completed]}
    assert todos["only_pending"] == {"total": 1, "todos": [renamed]}
    assert todos["limited"] == {"total": 1, "todos": [renamed]}
    assert todos["deleted"] == {"success": True, "message": f"Todo {first_id} deleted"}
    assert todos["after_delete"] == {"total": 1, "todos": [renamed]}
    # Deleting is idempotent, as in the guide.
    assert todos["deleted_again"] == {"success": True, "message": f"Todo {first_id} deleted"}
    assert second_id > first_id


def test_todos_belong_to_the_tokens_user(results: dict[str, Any]) -> None:
    assert results["todos"]["other_user_listed"] == {"total": 0, "todos": []}


# ---------------------------------------------------------------------------
# Typed errors, the token getter, closing

ERRORS_CONSUMER = """
    from sample_service_sdk import GetTaskParams, ListTodosParams, TaskStatsParams, UpdateTodoParams


    async def main():
        out = {}
        async with CentrifugoRPCClient(given["url"], token=given["token"]) as rpc:
            api = APIClient(rpc)
            out["task_not_found"] = await error_of(api.tasks_get(GetTaskParams(task_id=given["missing_id"])))
            out["todo_not_found"] = await error_of(api.todos_update(UpdateTodoParams(id=given["missing_id"], title="x")))
            out["negative_limit"] = await error_of(api.todos_list(ListTodosParams(limit=-1)))
            # The typed models would refuse these params, so they go through the low-level call.
            out["wrong_type"] = await error_of(rpc.call("tasks.get", {"task_id": "not a number"}))
            out["missing_field"] = await error_of(rpc.call("tasks.create", {"user_id": "u"}))
            out["unknown_method"] = await error_of(rpc.call("tasks.no_such_method", {}))
            out["still_serving"] = (await api.tasks_get_stats(TaskStatsParams(user_id=given["user"]))).total

        async with CentrifugoRPCClient(given["url"], token=given["anonymous_token"]) as anonymous:
            api = APIClient(anonymous)
            out["anonymous_todos"] = await error_of(api.todos_list(ListTodosParams()))
            # Methods without requires_auth still serve anonymous connections.
            out["anonymous_stats"] = (await api.tasks_get_stats(TaskStatsParams(user_id=given["user"]))).total

        getter_calls = []

        async def fresh_token():
            getter_calls.append(True)
            return given["token"]

        async with CentrifugoRPCClient(given["url"], token=given["expired_token"], get_token=fresh_token) as refreshed:
            stats = await APIClient(refreshed).tasks_get_stats(TaskStatsParams(user_id=given["user"]))
            out["token_getter"] = {"calls": len(getter_calls), "user_id": stats.user_id}

        rpc = CentrifugoRPCClient(given["url"], token=given["token"])
        await rpc.connect()
        await APIClient(rpc).tasks_get_stats(TaskStatsParams(user_id=given["user"]))
        await rpc.close()
        out["after_close"] = await error_of(APIClient(rpc).tasks_get_stats(TaskStatsParams(user_id=given["user"])))

        async with CentrifugoRPCClient(given["url"], token=given["token"]) as scoped:
            pass
        out["after_context"] = await error_of(scoped.call("tasks.get_stats", {"user_id": given["user"]}))

        # The documented hierarchy: one class per code, all RpcError, itself an Exception.
        out["classes"] = sorted(
            [code, cls.__name__, issubclass(cls, RpcError), getattr(sdk, cls.__name__) is cls]
            for code, cls in sdk.errors.ERRORS_BY_CODE.items()
        )
        out["base"] = [issubclass(RpcError, Exception), RpcError.__module__]
        out["unlisted_code"] = failure(sdk.errors.error_for_code(1234, "the application's own"))
        try:
            await APIClient(rpc).tasks_get(GetTaskParams(task_id=given["missing_id"]))
        except sdk.ConnectionClosedError as error:  # the specific class catches it too
            out["specific_class"] = failure(error)
        print(json.dumps(out))


    asyncio.run(main())
"""

MISSING_ID = 2_000_000_000  # no run of the sample service creates that many tasks


@pytest.fixture(scope="module")
def errors(venv_python: Path, sample_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    user = user_id("errors")
    given = {
        "url": sample_stack.ws_url,
        "user": user,
        "token": sample_stack.token(user),
        "anonymous_token": sample_stack.token(""),
        "expired_token": sample_stack.token(user, ttl_seconds=-60),
        "missing_id": MISSING_ID,
    }
    return run_consumer(venv_python, tmp_path_factory.mktemp("errors"), ERRORS_CONSUMER, given)


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


def test_errors_leave_the_connection_serving(errors: dict[str, Any]) -> None:
    assert errors["still_serving"] == 0


def test_anonymous_connection_is_refused_methods_that_need_a_user(errors: dict[str, Any]) -> None:
    assert errors["anonymous_todos"] == expected_error(401, "this method requires an authenticated user")
    assert errors["anonymous_stats"] == 0


def test_expired_token_is_replaced_by_the_getters(errors: dict[str, Any]) -> None:
    assert errors["token_getter"]["calls"] == 1
    assert errors["token_getter"]["user_id"].startswith("py-e2e-errors-")


def test_call_after_close_is_connection_closed(errors: dict[str, Any]) -> None:
    for case in ("after_close", "after_context", "specific_class"):
        error = errors[case]
        assert (error["class"], error["code"], error["temporary"]) == ("ConnectionClosedError", 2, True), case
        assert error["message"].startswith("connection closed calling "), error


def test_error_classes_form_the_documented_hierarchy(errors: dict[str, Any]) -> None:
    assert errors["classes"] == [[e.code, py_names.python_error_class(e.name), True, True] for e in ERROR_CODES]
    assert errors["base"] == [True, "sample_service_sdk.errors"]
    assert errors["unlisted_code"] == {"class": "RpcError", "code": 1234, "message": "the application's own", "temporary": False}


# ---------------------------------------------------------------------------
# Per-call timeout against a frozen service

TIMEOUT_CONSUMER = """
    import os
    import signal
    import time

    from sample_service_sdk import TaskStatsParams


    async def main():
        out = {}
        async with CentrifugoRPCClient(given["url"], token=given["token"], timeout=10) as rpc:
            api = APIClient(rpc)
            params = TaskStatsParams(user_id=given["user"])
            out["before"] = (await api.tasks_get_stats(params)).total
            os.kill(given["service_pid"], signal.SIGSTOP)
            try:
                started = time.monotonic()
                out["frozen"] = await error_of(api.tasks_get_stats(params, timeout=given["call_timeout"]))
                out["waited"] = time.monotonic() - started
            finally:
                os.kill(given["service_pid"], signal.SIGCONT)
            out["after"] = (await api.tasks_get_stats(params)).total
        print(json.dumps(out))


    asyncio.run(main())
"""


def test_per_call_timeout_while_the_service_is_frozen(
    venv_python: Path, sample_stack: Stack, tmp_path: Path
) -> None:
    service = sample_stack.service.process
    assert service is not None
    user = user_id("timeout")
    given = {
        "url": sample_stack.ws_url,
        "user": user,
        "token": sample_stack.token(user),
        "service_pid": service.pid,
        "call_timeout": 0.5,
    }
    try:
        out = run_consumer(venv_python, tmp_path, TIMEOUT_CONSUMER, given)
    finally:
        os.kill(service.pid, signal.SIGCONT)  # whatever happened to the consumer
    assert out["frozen"] == {
        "class": "RpcTimeoutError",
        "code": 1,
        "message": "no reply calling 'tasks.get_stats' within 0.5 s (1 sent, 0 retries); it may have run",
        "temporary": True,
    }
    # The call's own timeout, well before the client's (10 s) or Centrifugo's proxy timeout.
    assert 0.5 <= out["waited"] < 2.0
    assert out["before"] == out["after"] == 0
    assert service.poll() is None


# ---------------------------------------------------------------------------
# The backend developer guide's client code, as written

GUIDE_TEST = '''
    import os
    import types

    import pytest

    from sample_service_sdk import TaskStatsParams

    settings = types.SimpleNamespace(CENTRIFUGO_URL=os.environ["CENTRIFUGO_URL"])


    def generate_test_token():
        return os.environ["CENTRIFUGO_TEST_TOKEN"]


    @pytest.mark.asyncio
    async def test_rpc_client_integration():
        from sample_service_sdk import CentrifugoRPCClient, APIClient

        # Setup client
        rpc = CentrifugoRPCClient(
            url=settings.CENTRIFUGO_URL,
            token=generate_test_token(),
            user_id="test-user"
        )
        await rpc.connect()

        api = APIClient(rpc)

        # Call RPC method
        result = await api.tasks_get_stats(TaskStatsParams(user_id="test-user"))

        # Verify
        assert result.total >= 0
        assert result.completed >= 0
'''

GUIDE_ERROR_EXAMPLE = """
    import asyncio
    import os

    from sample_service_sdk import APIClient, CentrifugoRPCClient, GetTaskParams


    async def main():
        async with CentrifugoRPCClient(url=os.environ["CENTRIFUGO_URL"], token=os.environ["CENTRIFUGO_TEST_TOKEN"]) as rpc:
            api = APIClient(rpc)

            try:
                result = await api.tasks_get(GetTaskParams(task_id=999))
            except Exception as e:
                print(f"Error: {e}") # "Task 999 not found"


    asyncio.run(main())
"""


def guide_env(stack: Stack) -> dict[str, str]:
    return {**os.environ, "CENTRIFUGO_URL": stack.ws_url, "CENTRIFUGO_TEST_TOKEN": stack.token("test-user")}


def test_guides_integration_test_passes(venv_python: Path, sample_stack: Stack, tmp_path: Path) -> None:
    (tmp_path / "test_guide.py").write_text(textwrap.dedent(GUIDE_TEST), encoding="utf-8")
    result = subprocess.run(
        [str(venv_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_guide.py"],
        cwd=tmp_path,
        env=guide_env(sample_stack),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_guides_error_example_prints_the_handlers_message(
    venv_python: Path, sample_stack: Stack, tmp_path: Path
) -> None:
    (tmp_path / "example.py").write_text(textwrap.dedent(GUIDE_ERROR_EXAMPLE), encoding="utf-8")
    result = subprocess.run(
        [str(venv_python), "example.py"],
        cwd=tmp_path,
        env=guide_env(sample_stack),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Error: Task 999 not found\n"


# ---------------------------------------------------------------------------
# Large params and refused tokens

LIMITS_CONSUMER = """
    from sample_service_sdk import CreateTaskParams, TaskStatsParams


    async def main():
        out = {"sizes": {}}
        async with CentrifugoRPCClient(given["url"], token=given["token"]) as rpc:
            api = APIClient(rpc)
            out["limit"] = rpc.max_params_bytes
            for size in given["sizes"]:
                params = CreateTaskParams(user_id=given["user"], title="big", description="x" * size)
                try:
                    out["sizes"][str(size)] = len((await api.tasks_create(params)).description)
                except RpcError as error:
                    out["sizes"][str(size)] = failure(error)
            out["still_serving"] = (await api.tasks_get_stats(TaskStatsParams(user_id=given["user"]))).total

        async def refused(timeout=1.0, **options):
            try:
                async with CentrifugoRPCClient(given["url"], timeout=timeout, **options):
                    return None
            except RpcError as error:
                return failure(error)

        async def failing_getter():
            raise RuntimeError("vault down")

        out["wrong_key"] = await refused(token=given["wrong_key_token"])
        out["expired"] = await refused(token=given["expired_token"])
        out["missing"] = await refused()
        out["getter_fails"] = await refused(get_token=failing_getter)
        out["not_a_jwt"] = await refused(timeout=10.0, token="not-a-jwt", user_id="alice")
        print(json.dumps(out))


    asyncio.run(main())
"""


def test_large_params_and_refused_tokens(venv_python: Path, sample_stack: Stack, tmp_path: Path) -> None:
    from hatch_centrifugo_sdk.centrifugo import make_token

    user = user_id("limits")
    given = {
        "url": sample_stack.ws_url,
        "user": user,
        "token": sample_stack.token(user),
        "wrong_key_token": make_token("not-the-servers-key", user),
        "expired_token": sample_stack.token(user, ttl_seconds=-60),
        "sizes": [70_000, 200_000, 1_100_000],
    }
    out = run_consumer(venv_python, tmp_path, LIMITS_CONSUMER, given)
    assert out["limit"] == 1_048_576
    # Over Centrifugo's default WebSocket frame limit (64 KiB), within the service's.
    assert out["sizes"]["70000"] == 70_000
    assert out["sizes"]["200000"] == 200_000
    too_large = out["sizes"]["1100000"]
    assert (too_large["class"], too_large["code"], too_large["temporary"]) == ("PayloadTooLargeError", 413, False)
    assert "over the service's limit of 1048576; nothing was sent" in too_large["message"]
    assert out["still_serving"] == 2  # the connection survived every call
    for case, words in {
        "wrong_key": "refused the token (3500 invalid token)",
        "expired": "the token expired and there is no get_token",
        "missing": "no token given",
        "getter_fails": "get_token failed: RuntimeError('vault down')",
        "not_a_jwt": "refused the token (3500 invalid token)",  # with the default timeout, as the README connects
    }.items():
        error = out[case]
        assert (error["class"], error["code"], error["temporary"]) == ("TokenError", 5, False), (case, error)
        assert error["message"].startswith(f"connecting to {sample_stack.ws_url}: "), (case, error)
        assert words in error["message"], (case, error)
