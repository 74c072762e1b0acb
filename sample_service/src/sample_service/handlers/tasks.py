"""Task handlers: the backend developer guide's examples, over SQLite.

As in the guide, these take the user id in their params (its unit test calls
``tasks.get_stats`` with ``conn=None``); the todo handlers show the other form, where
the user comes from the connection's token.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Connection, websocket_rpc
from hatch_centrifugo_sdk.channels import History, channel
from sample_service import storage

# ========================================
# Models
# ========================================


class TaskStatsParams(BaseModel):
    """Request parameters for task statistics."""

    user_id: str = Field(..., description="User ID to fetch stats for")
    include_completed: bool = Field(True, description="Include completed tasks")


class TaskStatsResult(BaseModel):
    """Task statistics response."""

    total: int = Field(..., description="Total number of tasks")
    completed: int = Field(..., description="Number of completed tasks")
    pending: int = Field(..., description="Number of pending tasks")
    user_id: str = Field(..., description="User ID")


class TaskStatus(str, Enum):
    """Where a task is in its life."""

    PENDING = "pending"
    COMPLETED = "completed"


class CreateTaskParams(BaseModel):
    """Request parameters for creating a task."""

    user_id: str = Field(..., description="User ID the task belongs to")
    title: str = Field(..., description="Task title")
    description: str = Field("", description="What the task is about")


class GetTaskParams(BaseModel):
    """Request parameters for fetching one task."""

    task_id: int = Field(..., ge=1, le=storage.MAX_ID, description="Task ID")


class TaskResult(BaseModel):
    """A task, in full."""

    id: int = Field(..., description="Task ID")
    user_id: str = Field(..., description="User ID the task belongs to")
    title: str = Field(..., description="Task title")
    description: str = Field(..., description="What the task is about")
    status: TaskStatus = Field(..., description="Task status")
    created_at: datetime = Field(..., description="When the task was created (UTC)")


class ListParams(BaseModel):
    """Request parameters for listing a user's tasks."""

    user_id: str = Field(..., description="User ID whose tasks to list")


class TaskItem(BaseModel):
    """A task, as listed."""

    id: int = Field(..., description="Task ID")
    title: str = Field(..., description="Task title")
    status: TaskStatus = Field(..., description="Task status")


class ListResult(BaseModel):
    """A user's tasks, newest first."""

    tasks: List[TaskItem] = Field(..., description="The tasks")
    total: int = Field(..., description="Number of tasks returned")


def _task_result(task: storage.TaskRow) -> TaskResult:
    return TaskResult(
        id=task.id,
        user_id=task.user_id,
        title=task.title,
        description=task.description,
        status=TaskStatus(task.status),
        created_at=task.created_at,
    )


task_feed = channel(
    "tasks.feed:all", TaskResult, subscribe="public", history=History(size=50, ttl=600),
    description="Every task created, as tasks.create returns it; anonymous connections may subscribe.",
)


# ========================================
# Handlers
# ========================================


@websocket_rpc("tasks.get_stats")
async def get_task_stats(conn: Optional[Connection], params: TaskStatsParams) -> TaskStatsResult:
    """
    Get task statistics for a user.

    This handler retrieves comprehensive task statistics including
    total, completed, and pending task counts.
    """
    counts = await storage.database().count_tasks(params.user_id)
    # include_completed=False leaves completed tasks out of every count.
    completed = counts[TaskStatus.COMPLETED.value] if params.include_completed else 0
    pending = counts[TaskStatus.PENDING.value]
    return TaskStatsResult(total=completed + pending, completed=completed, pending=pending, user_id=params.user_id)


@websocket_rpc("tasks.create")
async def create_task(conn: Optional[Connection], params: CreateTaskParams) -> TaskResult:
    """
    Create a new task.

    Creates a task for the specified user with the given title and description.
    Automatically sets created_at timestamp and initializes status to 'pending'.

    Returns the created task with its generated ID.
    """
    task = _task_result(await storage.database().create_task(params.user_id, params.title, params.description))
    await task_feed.publish(task)
    return task


@websocket_rpc("tasks.get")
async def get_task(conn: Optional[Connection], params: GetTaskParams) -> TaskResult:
    """
    Get one task by its ID.

    Fails with "Task <id> not found" when there is no such task.
    """
    task = await storage.database().get_task(params.task_id)
    if task is None:
        raise ValueError(f"Task {params.task_id} not found")
    return _task_result(task)


@websocket_rpc("tasks.list")
async def list_tasks(conn: Optional[Connection], params: ListParams) -> ListResult:
    """List a user's tasks, newest first."""
    tasks = await storage.database().list_tasks(params.user_id)
    task_list = [TaskItem(id=t.id, title=t.title, status=TaskStatus(t.status)) for t in tasks]
    return ListResult(tasks=task_list, total=len(task_list))
