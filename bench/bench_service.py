"""The runtime benchmark's service: sample-like handlers answered from memory (no I/O to measure).

The SDKs the end-to-end benchmark calls are generated from this module; bench_apps.py serves it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Connection, websocket_rpc


class TaskStatus(str, Enum):
    """Where a task is in its life."""

    PENDING = "pending"
    COMPLETED = "completed"


class TaskStatsParams(BaseModel):
    """Request parameters for task statistics."""

    user_id: str = Field(..., description="User ID to fetch stats for")
    include_completed: bool = Field(True, description="Include completed tasks")


class TaskStatsResult(BaseModel):
    """Task statistics response."""

    total: int
    completed: int
    pending: int
    user_id: str


class ListParams(BaseModel):
    """Request parameters for listing a user's tasks."""

    user_id: str
    limit: Optional[int] = Field(None, ge=1, le=100)


class TaskItem(BaseModel):
    """A task, as listed."""

    id: int
    title: str
    status: TaskStatus
    created_at: datetime


class ListResult(BaseModel):
    """A user's tasks."""

    tasks: List[TaskItem]
    total: int


CREATED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


async def stats_of(params: TaskStatsParams) -> TaskStatsResult:
    completed = 3 if params.include_completed else 0
    return TaskStatsResult(total=completed + 4, completed=completed, pending=4, user_id=params.user_id)


async def list_of(params: ListParams) -> ListResult:
    count = params.limit or 20
    tasks = [
        TaskItem(id=i, title=f"task {i}", status=TaskStatus.PENDING if i % 2 else TaskStatus.COMPLETED, created_at=CREATED)
        for i in range(count)
    ]
    return ListResult(tasks=tasks, total=count)


@websocket_rpc("tasks.get_stats")
async def get_stats(conn: Optional[Connection], params: TaskStatsParams) -> TaskStatsResult:
    """Task counts of a user."""
    return await stats_of(params)


@websocket_rpc("tasks.list")
async def list_tasks(conn: Optional[Connection], params: ListParams) -> ListResult:
    """A user's tasks (20 unless limited)."""
    return await list_of(params)
