"""The guide's unit tests, for real: handlers called directly against a temp SQLite file."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hatch_centrifugo_sdk import Connection, default_registry
from sample_service import storage
from sample_service.handlers.tasks import (
    CreateTaskParams,
    GetTaskParams,
    ListParams,
    TaskStatsParams,
    TaskStatus,
    create_task,
    get_task,
    get_task_stats,
    list_tasks,
)
from sample_service.handlers.todos import (
    CreateTodoParams,
    DeleteTodoParams,
    ListTodosParams,
    UpdateTodoParams,
    create_todo,
    delete_todo,
    list_todos,
    update_todo,
)

SRC = Path(__file__).resolve().parent.parent / "src"
ALICE = Connection(user_id="alice", client_id="client-a")
BOB = Connection(user_id="bob", client_id="client-b")


# -- registration --------------------------------------------------------------


def test_every_handler_is_registered_with_its_auth_rule() -> None:
    expected = {
        "tasks.create": False,
        "tasks.get": False,
        "tasks.get_stats": False,
        "tasks.list": False,
        "todos.create": True,
        "todos.delete": True,
        "todos.list": True,
        "todos.update": True,
    }
    handlers = {h.method: h for h in default_registry if h.method.split(".")[0] in ("tasks", "todos")}
    assert {method: h.requires_auth for method, h in handlers.items()} == expected
    assert handlers["tasks.create"].doc.startswith("Create a new task.\n\nCreates a task for the specified user")


def test_importing_the_handlers_leaves_the_disk_alone_until_the_first_query(tmp_path: Path) -> None:
    # The build hook imports these modules; a build must not create a database.
    script = (
        "import asyncio, os\n"
        "from hatch_centrifugo_sdk import Connection\n"
        "from sample_service.handlers import tasks, todos\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
        "conn = Connection(user_id='u1', client_id='c1')\n"
        "asyncio.run(todos.create_todo(conn, todos.CreateTodoParams(title='t')))\n"
        "print(sorted(os.listdir('.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), storage.DB_ENV: "chosen.sqlite3"}
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['chosen.sqlite3']"


# -- tasks ---------------------------------------------------------------------


async def test_get_task_stats(db: storage.Database) -> None:
    # Create test data
    await db.create_task("u1", "write report", status="completed")
    await db.create_task("u1", "review report")
    await db.create_task("someone-else", "not counted", status="completed")

    # Call handler
    result = await get_task_stats(conn=None, params=TaskStatsParams(user_id="u1"))

    # Assert results
    assert result.total == 2
    assert result.completed == 1
    assert result.pending == 1
    assert result.user_id == "u1"


async def test_get_task_stats_without_completed_tasks(db: storage.Database) -> None:
    await db.create_task("u1", "done", status="completed")
    await db.create_task("u1", "to do")
    result = await get_task_stats(conn=None, params=TaskStatsParams(user_id="u1", include_completed=False))
    assert (result.total, result.completed, result.pending) == (1, 0, 1)


async def test_get_task_stats_of_a_user_without_tasks(db: storage.Database) -> None:
    result = await get_task_stats(conn=None, params=TaskStatsParams(user_id="nobody"))
    assert (result.total, result.completed, result.pending) == (0, 0, 0)


async def test_create_task_starts_pending_and_can_be_fetched(db: storage.Database) -> None:
    before = datetime.now(timezone.utc)
    created = await create_task(None, CreateTaskParams(user_id="u1", title="Ship it", description="v1.2.0"))
    assert created.id > 0
    assert (created.user_id, created.title, created.description) == ("u1", "Ship it", "v1.2.0")
    assert created.status is TaskStatus.PENDING
    assert before <= created.created_at <= datetime.now(timezone.utc) + timedelta(seconds=1)

    fetched = await get_task(None, GetTaskParams(task_id=created.id))
    assert fetched == created
    wire = fetched.model_dump(mode="json")
    assert wire["status"] == "pending"
    assert datetime.fromisoformat(wire["created_at"]) == created.created_at


async def test_get_missing_task_raises_not_found(db: storage.Database) -> None:
    with pytest.raises(ValueError, match=r"^Task 999 not found$"):
        await get_task(None, GetTaskParams(task_id=999))


async def test_list_tasks_is_newest_first_and_per_user(db: storage.Database) -> None:
    first = await create_task(None, CreateTaskParams(user_id="u1", title="first"))
    await create_task(None, CreateTaskParams(user_id="u2", title="other user's"))
    done = await db.create_task("u1", "second", status="completed")

    result = await list_tasks(None, ListParams(user_id="u1"))
    assert result.total == 2
    assert [(t.id, t.title, t.status) for t in result.tasks] == [
        (done.id, "second", TaskStatus.COMPLETED),
        (first.id, "first", TaskStatus.PENDING),
    ]


# -- todos ---------------------------------------------------------------------


async def test_create_then_list_todo(db: storage.Database) -> None:
    created = (await create_todo(ALICE, CreateTodoParams(title="Buy milk"))).todo
    assert (created.title, created.completed) == ("Buy milk", False)
    assert datetime.fromisoformat(created.created_at).tzinfo is not None

    listed = await list_todos(ALICE, ListTodosParams())
    assert listed.total == 1
    assert listed.todos == [created]


async def test_update_changes_only_the_given_fields(db: storage.Database) -> None:
    todo = (await create_todo(ALICE, CreateTodoParams(title="Buy milk"))).todo

    done = (await update_todo(ALICE, UpdateTodoParams(id=todo.id, completed=True))).todo
    assert (done.title, done.completed) == ("Buy milk", True)

    renamed = (await update_todo(ALICE, UpdateTodoParams(id=todo.id, title="Buy oat milk"))).todo
    assert (renamed.title, renamed.completed) == ("Buy oat milk", True)
    assert renamed.created_at == todo.created_at
    assert (await list_todos(ALICE, ListTodosParams())).todos == [renamed]


async def test_update_of_a_missing_todo_raises_not_found(db: storage.Database) -> None:
    with pytest.raises(ValueError, match=r"^Todo 999 not found$"):
        await update_todo(ALICE, UpdateTodoParams(id=999, title="x"))


async def test_delete_removes_the_todo(db: storage.Database) -> None:
    keep = (await create_todo(ALICE, CreateTodoParams(title="keep"))).todo
    drop = (await create_todo(ALICE, CreateTodoParams(title="drop"))).todo

    result = await delete_todo(ALICE, DeleteTodoParams(id=drop.id))
    assert result.success is True
    assert result.message == f"Todo {drop.id} deleted"
    assert (await list_todos(ALICE, ListTodosParams())).todos == [keep]


async def test_todos_are_scoped_to_the_connection_user(db: storage.Database) -> None:
    mine = (await create_todo(ALICE, CreateTodoParams(title="Alice's"))).todo
    await create_todo(BOB, CreateTodoParams(title="Bob's"))

    assert [t.title for t in (await list_todos(ALICE, ListTodosParams())).todos] == ["Alice's"]
    assert [t.title for t in (await list_todos(BOB, ListTodosParams())).todos] == ["Bob's"]

    # Bob can neither change nor delete Alice's todo: to him it does not exist.
    with pytest.raises(ValueError, match=f"Todo {mine.id} not found"):
        await update_todo(BOB, UpdateTodoParams(id=mine.id, completed=True))
    await delete_todo(BOB, DeleteTodoParams(id=mine.id))
    assert (await list_todos(ALICE, ListTodosParams())).todos == [mine]


async def test_list_filters_by_completion_newest_first(db: storage.Database) -> None:
    ids = [(await create_todo(ALICE, CreateTodoParams(title=f"todo {n}"))).todo.id for n in range(4)]
    for todo_id in ids[:2]:
        await update_todo(ALICE, UpdateTodoParams(id=todo_id, completed=True))

    done = await list_todos(ALICE, ListTodosParams(completed=True))
    open_ = await list_todos(ALICE, ListTodosParams(completed=False))
    everything = await list_todos(ALICE, ListTodosParams())
    assert [t.id for t in done.todos] == [ids[1], ids[0]]
    assert [t.id for t in open_.todos] == [ids[3], ids[2]]
    assert [t.id for t in everything.todos] == ids[::-1]


async def test_list_limit_defaults_to_ten(db: storage.Database) -> None:
    for n in range(12):
        await create_todo(ALICE, CreateTodoParams(title=f"todo {n}"))
    assert (await list_todos(ALICE, ListTodosParams())).total == 10
    assert (await list_todos(ALICE, ListTodosParams(limit=3))).total == 3
    assert (await list_todos(ALICE, ListTodosParams(limit=None))).total == 12
    assert (await list_todos(ALICE, ListTodosParams(limit=0))).total == 0
    with pytest.raises(ValueError, match="limit must be 0 or more"):
        await list_todos(ALICE, ListTodosParams(limit=-1))


async def test_anonymous_connection_cannot_own_todos(db: storage.Database) -> None:
    anonymous = Connection(user_id=None, client_id="client-x")
    with pytest.raises(ValueError, match="connect with a token"):
        await create_todo(anonymous, CreateTodoParams(title="orphan"))


async def test_concurrent_calls_on_a_fresh_database(db: storage.Database) -> None:
    # The first calls race to create the schema; every one must still land.
    results = await asyncio.gather(*(create_todo(ALICE, CreateTodoParams(title=f"t{n}")) for n in range(20)))
    assert len({r.todo.id for r in results}) == 20
    assert (await list_todos(ALICE, ListTodosParams(limit=None))).total == 20


async def test_a_create_retried_with_its_key_returns_the_first_todo(db: storage.Database) -> None:
    keyed = Connection(user_id="alice", client_id="client-a", idempotency_key="k1")
    first = await create_todo(keyed, CreateTodoParams(title="once"))
    again = await create_todo(keyed, CreateTodoParams(title="once"))
    other_user = await create_todo(Connection(user_id="bob", client_id="b", idempotency_key="k1"), CreateTodoParams(title="once"))
    unkeyed = [await create_todo(ALICE, CreateTodoParams(title="twice")) for _ in range(2)]
    assert again == first and other_user.todo.id != first.todo.id and unkeyed[0].todo.id != unkeyed[1].todo.id
    listed = await list_todos(ALICE, ListTodosParams())
    assert sorted(t.title for t in listed.todos) == ["once", "twice", "twice"]


def test_a_database_made_before_keys_gets_the_key_column(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE todos (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,"
                    " title TEXT NOT NULL, completed INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)")
    with storage.using_database(path):
        keyed = Connection(user_id="alice", client_id="client-a", idempotency_key="k1")
        first = asyncio.run(create_todo(keyed, CreateTodoParams(title="t")))
        assert asyncio.run(create_todo(keyed, CreateTodoParams(title="t"))) == first
