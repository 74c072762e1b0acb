"""What the guide shows that real Django refuses, one test per line the README says must change."""
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import SynchronousOnlyOperation
from django.db import connections
from pydantic import ValidationError

from apps.tasks.models import Task
from apps.todos.models import Todo
from core.centrifugo_handlers import TaskStatsParams, TaskStatsResult


async def guide_get_task_stats(conn, params: TaskStatsParams) -> TaskStatsResult:
    """The guide's handler as written: the sync ORM inside an async function."""
    user_id = params.user_id
    total = Task.objects.filter(user_id=user_id).count()
    completed = Task.objects.filter(user_id=user_id, status='completed').count()
    return TaskStatsResult(total=total, completed=completed, pending=total - completed, user_id=user_id)


@pytest.mark.django_db(transaction=True)
async def test_sync_count_in_an_async_handler_raises():
    with pytest.raises(SynchronousOnlyOperation, match="use a thread or sync_to_async"):
        await guide_get_task_stats(None, TaskStatsParams(user_id="test"))


@pytest.mark.django_db(transaction=True)
async def test_queryset_has_no_alist():
    with pytest.raises(AttributeError, match="alist"):
        await Todo.objects.filter(user_id="test").alist()
    assert [t async for t in Todo.objects.filter(user_id="test")] == []  # what the example uses


@pytest.mark.django_db(transaction=True)
async def test_awaiting_the_sync_get_raises():
    await Todo.objects.acreate(user_id="test", title="t")
    with pytest.raises(SynchronousOnlyOperation):
        await Todo.objects.get(user_id="test")
    assert (await Todo.objects.aget(user_id="test")).title == "t"


@pytest.mark.django_db(transaction=True)
async def test_an_int_user_id_is_refused_by_the_str_field():
    user = await User.objects.acreate(username="test")
    with pytest.raises(ValidationError, match="Input should be a valid string"):
        TaskStatsParams(user_id=user.id)


async def test_without_the_django_db_marker_the_orm_is_refused():
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        await User.objects.acreate(username="test")


@pytest.fixture
def rolled_back_connection(db):
    """The connection a plain django_db test wraps in the transaction it rolls back."""
    return connections["default"]


async def test_the_async_orm_runs_outside_the_transaction_a_plain_marker_rolls_back(rolled_back_connection):
    # The async ORM queries through another thread's connection, so under a plain django_db
    # marker its rows would outlive the test: the example's async tests use transaction=True.
    orm_connection = await sync_to_async(lambda: connections["default"])()
    assert rolled_back_connection.in_atomic_block
    assert orm_connection is not rolled_back_connection and not orm_connection.in_atomic_block
