"""The guide's integration test, for real: the Python SDK wheel, installed in a fresh venv, calls the
sample service through a real Centrifugo."""

from __future__ import annotations

import json
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
