"""Todo CRUD: the backend developer guide's complete example, over SQLite.

Every todo belongs to the connection's user (``conn.user_id``, the token's ``sub``),
so the handlers require an authenticated connection.
"""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Connection, websocket_rpc
from sample_service import storage

# ========================================
# Models
# ========================================


class TodoItem(BaseModel):
    id: int
    title: str
    completed: bool
    created_at: str


class CreateTodoParams(BaseModel):
    title: str = Field(..., description="Todo title")


class UpdateTodoParams(BaseModel):
    id: int = Field(..., ge=1, le=storage.MAX_ID, description="Todo ID")
    title: Optional[str] = Field(None, description="New title")
    completed: Optional[bool] = Field(None, description="Completion status")


class DeleteTodoParams(BaseModel):
    id: int = Field(..., ge=1, le=storage.MAX_ID, description="Todo ID to delete")


class ListTodosParams(BaseModel):
    completed: Optional[bool] = Field(None, description="Filter by completion")
    limit: Optional[int] = Field(10, le=storage.MAX_ID, description="Max results")


class TodoResult(BaseModel):
    todo: TodoItem


class TodoListResult(BaseModel):
    todos: List[TodoItem]
    total: int


class SuccessResult(BaseModel):
    success: bool
    message: str


def _user_id(conn: Connection) -> str:
    # The endpoint refuses anonymous calls to these handlers (requires_auth); this
    # guards direct calls, so no todo is ever stored without an owner.
    if conn.user_id is None:
        raise ValueError("Todos belong to a user: connect with a token")
    return conn.user_id


def _todo_item(todo: storage.TodoRow) -> TodoItem:
    return TodoItem(id=todo.id, title=todo.title, completed=todo.completed, created_at=todo.created_at.isoformat())


# ========================================
# Handlers
# ========================================


@websocket_rpc("todos.create", requires_auth=True)
async def create_todo(conn: Connection, params: CreateTodoParams) -> TodoResult:
    """Create a new todo item."""
    # The key makes a retried create return the first one's todo, even after a crash.
    todo = await storage.database().create_todo(_user_id(conn), params.title, conn.idempotency_key)
    return TodoResult(todo=_todo_item(todo))


@websocket_rpc("todos.update", requires_auth=True)
async def update_todo(conn: Connection, params: UpdateTodoParams) -> TodoResult:
    """Update an existing todo item."""
    todo = await storage.database().update_todo(
        _user_id(conn), params.id, title=params.title, completed=params.completed
    )
    if todo is None:
        raise ValueError(f"Todo {params.id} not found")
    return TodoResult(todo=_todo_item(todo))


@websocket_rpc("todos.delete", requires_auth=True)
async def delete_todo(conn: Connection, params: DeleteTodoParams) -> SuccessResult:
    """Delete a todo item."""
    # As in the guide, deleting is idempotent: a todo that is already gone is a success.
    await storage.database().delete_todo(_user_id(conn), params.id)
    return SuccessResult(success=True, message=f"Todo {params.id} deleted")


@websocket_rpc("todos.list", requires_auth=True)
async def list_todos(conn: Connection, params: ListTodosParams) -> TodoListResult:
    """List todos with optional filtering."""
    if params.limit is not None and params.limit < 0:
        raise ValueError(f"limit must be 0 or more, not {params.limit}")
    todos = await storage.database().list_todos(_user_id(conn), completed=params.completed, limit=params.limit)
    todo_items = [_todo_item(t) for t in todos]
    return TodoListResult(todos=todo_items, total=len(todo_items))
