"""The Django example end to end: `hatch build` writes its three SDKs, the project serves them under
uvicorn (Django's ASGI application, the RPC proxy view routed in urls.py) behind a real Centrifugo,
and the guide's integration test, a TypeScript and a Go call go through it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from builds import HATCH
from stack import Stack, run_stack

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "django_example"
SEED = (
    "from django.contrib.auth.models import User; from apps.tasks.models import Task; "
    "u = User.objects.create(username='test-user'); "
    "Task.objects.create(user=u, status='completed'); Task.objects.create(user=u, status='pending')"
)


def django_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return {**env, **extra}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, isolated_env: dict[str, str]) -> Path:
    project = tmp_path_factory.mktemp("django-example") / "example"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("dist", "*.sqlite3", "__pycache__", ".pytest_cache"))
    env = {k: v for k, v in isolated_env.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([str(HATCH), "build"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not list(project.rglob("*.sqlite3"))  # the build touched no database
    return project


@pytest.fixture(scope="module")
def sdks(example: Path) -> dict[str, Path]:
    manifest = json.loads((example / "dist" / "sdk" / "sdk-manifest.json").read_text())
    return {a["language"]: example / "dist" / "sdk" / a["path"] for a in manifest["artifacts"]}


@pytest.fixture(scope="module")
def served(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Path]]:
    workdir = tmp_path_factory.mktemp("django-stack")
    database = workdir / "todos.sqlite3"
    env = django_env(SQLITE_PATH=str(database), CENTRIFUGO_PROXY_INSECURE="0")
    for argv in (["migrate", "-v0"], ["shell", "-c", SEED]):
        # manage.py builds the URLconf (system checks): it needs the secret the view requires.
        done = subprocess.run([sys.executable, "manage.py", *argv], cwd=example, capture_output=True, text=True,
                              env={**env, "CENTRIFUGO_PROXY_SECRET": "setup"}, timeout=120)
        assert done.returncode == 0, done.stderr
    with run_stack("mysite.asgi:application", app_dir=example, workdir=workdir, env=env) as stack:
        yield stack, database


def test_the_guides_integration_test_with_the_built_python_sdk(
    example: Path, sdks: dict[str, Path], served: tuple[Stack, Path], tmp_path: Path
) -> None:
    stack, _ = served
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(sdks["python"])],
                   check=True, capture_output=True)
    env = django_env(PYTHONPATH=str(target), CENTRIFUGO_URL=stack.ws_url, CENTRIFUGO_TOKEN_HMAC_SECRET=stack.token_secret)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "core/tests/test_integration.py"],
        cwd=example, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout and "skipped" not in done.stdout


TS_SCRIPT = textwrap.dedent('''
    import WebSocket from "ws";
    import { APIClient, CentrifugoRPCClient } from "@example/django-todo-sdk";

    const rpc = new CentrifugoRPCClient({ url: process.env.WS_URL, token: process.env.TOKEN, websocket: WebSocket });
    await rpc.connect();
    const api = new APIClient(rpc);
    const stats = await api.tasksGetStats({ user_id: "test-user" });
    console.log(JSON.stringify(stats));
    rpc.close();
''')


def test_typescript_sdk_calls_the_django_project(sdks: dict[str, Path], served: tuple[Stack, Path], tmp_path: Path) -> None:
    stack, _ = served
    (tmp_path / "package.json").write_text('{"name": "consumer", "private": true, "type": "module"}')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(sdks["typescript"]), "ws@8.23.0"],
        cwd=tmp_path, check=True, capture_output=True, timeout=300,
    )
    (tmp_path / "main.mjs").write_text(TS_SCRIPT)
    env = {**os.environ, "WS_URL": stack.ws_url, "TOKEN": stack.token("test-user")}
    done = subprocess.run(["node", "main.mjs"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"total": 2, "completed": 1, "pending": 1, "user_id": "test-user"}


GO_MAIN = textwrap.dedent('''
    package main

    import (
    	"context"
    	"fmt"
    	"os"
    	"time"

    	todosdk "example.com/djangotodo/todosdk"
    )

    func main() {
    	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
    	defer cancel()
    	client := todosdk.NewClient(os.Getenv("WS_URL"), todosdk.Config{Token: os.Getenv("TOKEN")})
    	if err := client.Connect(ctx); err != nil {
    		panic(err)
    	}
    	defer client.Close()
    	stats, err := todosdk.NewAPI(client).TasksGetStats(ctx, todosdk.TaskStatsParams{UserID: "test-user"})
    	if err != nil {
    		panic(err)
    	}
    	fmt.Println(stats.Total, stats.Completed, stats.Pending, stats.UserID)
    }
''')


def test_go_sdk_calls_the_django_project(sdks: dict[str, Path], served: tuple[Stack, Path], tmp_path: Path) -> None:
    stack, _ = served
    (tmp_path / "go.mod").write_text(
        "module consumer\n\ngo 1.25.0\n\nrequire example.com/djangotodo/todosdk v0.0.0\n\n"
        f"replace example.com/djangotodo/todosdk => {sdks['go']}\n"
    )
    (tmp_path / "main.go").write_text(GO_MAIN)
    tidy = subprocess.run(["go", "mod", "tidy"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert tidy.returncode == 0, tidy.stderr
    env = {**os.environ, "WS_URL": stack.ws_url, "TOKEN": stack.token("test-user")}
    done = subprocess.run(["go", "run", "."], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "1", "1", "test-user"]


def open_database_files(pid: int, database: Path) -> int:
    """How many of the process's file descriptors are the SQLite database (one per open connection)."""
    target = os.path.realpath(database)
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd) == target
        except OSError:  # closed while listing
            pass
    return count


def test_a_thousand_calls_through_the_view_leave_no_connection_open(served: tuple[Stack, Path]) -> None:
    """Django's request cycle closes each request's connection (CONN_MAX_AGE = 0): under load,
    connections are open while calls run and none is left once they are done."""
    stack, database = served
    assert stack.service.process is not None
    pid = stack.service.process.pid
    url = f"{stack.service_url}/centrifugo/rpc"
    headers = {"X-Centrifugo-Proxy-Secret": stack.proxy_secret}
    calls = [("todos.create", {"title": f"load {i}"}) if i % 10 == 0 else
             ("todos.list", {"limit": 5}) if i % 2 else ("tasks.get_stats", {"user_id": "test-user"}) for i in range(1000)]
    assert open_database_files(pid, database) == 0
    most, done = 0, threading.Event()

    def watch() -> None:
        nonlocal most
        while not done.is_set():
            most = max(most, open_database_files(pid, database))
            time.sleep(0.001)

    def run(chunk: list[tuple[str, dict[str, object]]], worker: int) -> list[str]:
        with httpx.Client(trust_env=False, timeout=30) as client:
            return [
                next(iter(client.post(url, headers=headers, json={
                    "client": f"c{worker}", "user": f"load-{worker}", "method": method, "data": data,
                }).json()))
                for method, data in chunk
            ]

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            outcomes = [o for part in pool.map(run, [calls[i::8] for i in range(8)], range(8)) for o in part]
    finally:
        done.set()
        watcher.join()
    assert outcomes == ["result"] * 1000
    assert most >= 1  # the count sees connections while calls run...
    assert open_database_files(pid, database) == 0  # ...and none is left open after 1,000
