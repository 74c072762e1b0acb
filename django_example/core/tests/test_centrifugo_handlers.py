# core/tests/test_centrifugo_handlers.py
# The guide's unit test. Lines that differ from the guide: the imports it leaves out, the
# django_db marker (pytest-django refuses database access without it; transaction=True because
# the async ORM queries from another thread), and user_id=user.username (the guide's user.id is
# an int, which TaskStatsParams.user_id: str refuses; tasks are keyed by username).
import pytest
from django.contrib.auth.models import User

from apps.tasks.models import Task
from apps.todos.models import Todo
from core.centrifugo_handlers import (
    CreateTodoParams, DeleteTodoParams, ListTodosParams, TaskStatsParams, UpdateTodoParams,
    create_todo, delete_todo, get_task_stats, list_todos, update_todo,
)
from hatch_centrifugo_sdk import Connection


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_get_task_stats():
    # Create test data
    user = await User.objects.acreate(username="test")
    await Task.objects.acreate(user=user, status="completed")
    await Task.objects.acreate(user=user, status="pending")

    # Call handler
    result = await get_task_stats(
        conn=None,  # Mock connection
        params=TaskStatsParams(user_id=user.username)
    )

    # Assert results
    assert result.total == 2
    assert result.completed == 1
    assert result.pending == 1


def conn(user_id):
    return Connection(user_id=user_id, client_id=f"client-{user_id}")


@pytest.mark.django_db(transaction=True)
async def test_todo_crud_is_per_user():
    alice, bob = conn("alice"), conn("bob")
    created = await create_todo(alice, CreateTodoParams(title="buy milk"))
    assert (created.todo.title, created.todo.completed) == ("buy milk", False)
    assert await Todo.objects.filter(user_id="alice").acount() == 1

    updated = await update_todo(alice, UpdateTodoParams(id=created.todo.id, completed=True))
    assert (updated.todo.title, updated.todo.completed) == ("buy milk", True)
    assert [t.title for t in (await list_todos(alice, ListTodosParams(completed=True))).todos] == ["buy milk"]
    assert (await list_todos(alice, ListTodosParams(completed=False))).total == 0

    # bob sees none of alice's todos and can change none of them
    assert (await list_todos(bob, ListTodosParams())).todos == []
    with pytest.raises(Todo.DoesNotExist):
        await update_todo(bob, UpdateTodoParams(id=created.todo.id, title="hacked"))
    await delete_todo(bob, DeleteTodoParams(id=created.todo.id))
    assert (await Todo.objects.aget(id=created.todo.id)).title == "buy milk"

    deleted = await delete_todo(alice, DeleteTodoParams(id=created.todo.id))
    assert deleted.message == f"Todo {created.todo.id} deleted"
    assert not await Todo.objects.filter(id=created.todo.id).aexists()


@pytest.mark.django_db(transaction=True)
async def test_list_todos_newest_first_and_limited():
    alice = conn("alice")
    for i in range(12):
        await create_todo(alice, CreateTodoParams(title=f"todo {i}"))
    listed = await list_todos(alice, ListTodosParams())
    assert listed.total == 10  # the guide's default limit
    assert listed.todos[0].title == "todo 11"
