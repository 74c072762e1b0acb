# core/centrifugo_handlers.py
# The guide's Complete Example and its tasks.get_stats handler. Lines that differ from the guide:
#   - the websocket_rpc import (django-cfg's decorator -> hatch_centrifugo_sdk's);
#   - get_task_stats: .count() -> await ....acount() (the sync ORM raises SynchronousOnlyOperation
#     inside an async handler);
#   - list_todos: await query.alist() -> [t async for t in query] (QuerySet has no alist()).
from pydantic import BaseModel, Field
from typing import List, Optional
from hatch_centrifugo_sdk import websocket_rpc
from apps.todos.models import Todo

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

class TodoItem(BaseModel):
    id: int
    title: str
    completed: bool
    created_at: str

class CreateTodoParams(BaseModel):
    title: str = Field(..., description="Todo title")

class UpdateTodoParams(BaseModel):
    id: int = Field(..., description="Todo ID")
    title: Optional[str] = Field(None, description="New title")
    completed: Optional[bool] = Field(None, description="Completion status")

class DeleteTodoParams(BaseModel):
    id: int = Field(..., description="Todo ID to delete")

class ListTodosParams(BaseModel):
    completed: Optional[bool] = Field(None, description="Filter by completion")
    limit: Optional[int] = Field(10, description="Max results")

class TodoResult(BaseModel):
    todo: TodoItem

class TodoListResult(BaseModel):
    todos: List[TodoItem]
    total: int

class SuccessResult(BaseModel):
    success: bool
    message: str

# ========================================
# Handlers
# ========================================

@websocket_rpc("tasks.get_stats")
async def get_task_stats(conn, params: TaskStatsParams) -> TaskStatsResult:
    """
    Get task statistics for a user.

    This handler retrieves comprehensive task statistics including
    total, completed, and pending task counts.
    """
    from apps.tasks.models import Task

    # Use params as Pydantic model
    user_id = params.user_id

    # Query database
    total = await Task.objects.filter(user_id=user_id).acount()
    completed = await Task.objects.filter(user_id=user_id, status='completed').acount()
    pending = total - completed

    # Return Pydantic model
    return TaskStatsResult(
        total=total,
        completed=completed,
        pending=pending,
        user_id=user_id
    )

@websocket_rpc("todos.create")
async def create_todo(conn, params: CreateTodoParams) -> TodoResult:
    """Create a new todo item."""
    todo = await Todo.objects.acreate(
        user_id=conn.user_id,
        title=params.title,
        completed=False
    )

    return TodoResult(
        todo=TodoItem(
            id=todo.id,
            title=todo.title,
            completed=todo.completed,
            created_at=todo.created_at.isoformat()
        )
    )

@websocket_rpc("todos.update")
async def update_todo(conn, params: UpdateTodoParams) -> TodoResult:
    """Update an existing todo item."""
    todo = await Todo.objects.aget(id=params.id, user_id=conn.user_id)

    if params.title is not None:
        todo.title = params.title
    if params.completed is not None:
        todo.completed = params.completed

    await todo.asave()

    return TodoResult(
        todo=TodoItem(
            id=todo.id,
            title=todo.title,
            completed=todo.completed,
            created_at=todo.created_at.isoformat()
        )
    )

@websocket_rpc("todos.delete")
async def delete_todo(conn, params: DeleteTodoParams) -> SuccessResult:
    """Delete a todo item."""
    await Todo.objects.filter(id=params.id, user_id=conn.user_id).adelete()

    return SuccessResult(
        success=True,
        message=f"Todo {params.id} deleted"
    )

@websocket_rpc("todos.list")
async def list_todos(conn, params: ListTodosParams) -> TodoListResult:
    """List todos with optional filtering."""
    query = Todo.objects.filter(user_id=conn.user_id)

    if params.completed is not None:
        query = query.filter(completed=params.completed)

    query = query.order_by('-created_at')[:params.limit]
    todos = [t async for t in query]

    todo_items = [
        TodoItem(
            id=t.id,
            title=t.title,
            completed=t.completed,
            created_at=t.created_at.isoformat()
        )
        for t in todos
    ]

    return TodoListResult(
        todos=todo_items,
        total=len(todo_items)
    )
