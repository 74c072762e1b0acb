"""SQLite storage for tasks and todos.

sqlite3 blocks, so every query runs in a worker thread (``asyncio.to_thread``) on a
connection of its own. Nothing touches the disk before the first query: the build hook
imports the handler modules, and building the service must not create a database.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, TypeVar

# SQLite integers are signed 64-bit: params bound their ids with it, so a larger number
# is refused as invalid params instead of failing in the driver (OverflowError).
MAX_ID = 2**63 - 1

DB_ENV = "SAMPLE_SERVICE_DB"
DEFAULT_DB = "sample_service.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_user ON tasks (user_id, created_at);
CREATE TABLE IF NOT EXISTS todos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    title TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    idempotency_key TEXT
);
CREATE INDEX IF NOT EXISTS todos_by_user ON todos (user_id, created_at);
"""
# A create retried with its key finds the first one's row, even when the service crashed
# after committing it and before its outcome was stored.
TODO_KEYS = "CREATE UNIQUE INDEX IF NOT EXISTS todos_by_key ON todos (user_id, idempotency_key)"

T = TypeVar("T")


@dataclass(frozen=True)
class TaskRow:
    id: int
    user_id: str
    title: str
    description: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class TodoRow:
    id: int
    user_id: str
    title: str
    completed: bool
    created_at: datetime


def _now() -> str:
    # Fixed-width ISO text in UTC sorts in time order, so ORDER BY created_at is exact.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _task(row: sqlite3.Row) -> TaskRow:
    return TaskRow(
        id=row["id"],
        user_id=row["user_id"],
        title=row["title"],
        description=row["description"],
        status=row["status"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _todo(row: sqlite3.Row) -> TodoRow:
    return TodoRow(
        id=row["id"],
        user_id=row["user_id"],
        title=row["title"],
        completed=bool(row["completed"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class Database:
    """One SQLite file; the schema is created on the first query."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._in_transaction, work)

    def _in_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with closing(sqlite3.connect(self.path, timeout=10.0)) as db:
            db.row_factory = sqlite3.Row
            self._ensure_schema(db)
            with db:  # commits on success, rolls back on error
                return work(db)

    def _ensure_schema(self, db: sqlite3.Connection) -> None:
        with self._schema_lock:
            if not self._schema_ready:
                db.executescript(SCHEMA)
                if "idempotency_key" not in {row[1] for row in db.execute("PRAGMA table_info(todos)")}:
                    db.execute("ALTER TABLE todos ADD COLUMN idempotency_key TEXT")  # a database made before keys
                db.execute(TODO_KEYS)
                self._schema_ready = True

    # -- tasks ---------------------------------------------------------------

    async def create_task(self, user_id: str, title: str, description: str = "", status: str = "pending") -> TaskRow:
        def work(db: sqlite3.Connection) -> TaskRow:
            cursor = db.execute(
                "INSERT INTO tasks (user_id, title, description, status, created_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, title, description, status, _now()),
            )
            return _task(db.execute("SELECT * FROM tasks WHERE id = ?", (cursor.lastrowid,)).fetchone())

        return await self._run(work)

    async def get_task(self, task_id: int) -> TaskRow | None:
        def work(db: sqlite3.Connection) -> TaskRow | None:
            row = db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
            return _task(row) if row is not None else None

        return await self._run(work)

    async def list_tasks(self, user_id: str) -> list[TaskRow]:
        """Newest first."""

        def work(db: sqlite3.Connection) -> list[TaskRow]:
            rows = db.execute(
                "SELECT * FROM tasks WHERE user_id = ? ORDER BY created_at DESC, id DESC", (user_id,)
            ).fetchall()
            return [_task(row) for row in rows]

        return await self._run(work)

    async def count_tasks(self, user_id: str) -> dict[str, int]:
        """Number of the user's tasks in each status (every status present, possibly 0)."""

        def work(db: sqlite3.Connection) -> dict[str, int]:
            rows = db.execute(
                "SELECT status, COUNT(*) AS n FROM tasks WHERE user_id = ? GROUP BY status", (user_id,)
            ).fetchall()
            counts = {"pending": 0, "completed": 0}
            counts.update({row["status"]: row["n"] for row in rows})
            return counts

        return await self._run(work)

    # -- todos ---------------------------------------------------------------

    async def create_todo(self, user_id: str, title: str, idempotency_key: str | None = None) -> TodoRow:
        """A new todo; with ``idempotency_key``, the one created before with that key, if any."""

        def work(db: sqlite3.Connection) -> TodoRow:
            cursor = db.execute(
                "INSERT INTO todos (user_id, title, completed, created_at, idempotency_key) VALUES (?, ?, 0, ?, ?)"
                " ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                (user_id, title, _now(), idempotency_key),
            )
            if idempotency_key is not None:
                query, args = "SELECT * FROM todos WHERE user_id = ? AND idempotency_key = ?", (user_id, idempotency_key)
            else:
                query, args = "SELECT * FROM todos WHERE id = ?", (cursor.lastrowid,)
            return _todo(db.execute(query, args).fetchone())

        return await self._run(work)

    async def update_todo(
        self, user_id: str, todo_id: int, *, title: str | None = None, completed: bool | None = None
    ) -> TodoRow | None:
        """Change the given fields of the user's todo; ``None`` if the user has no such todo."""

        def work(db: sqlite3.Connection) -> TodoRow | None:
            db.execute(
                "UPDATE todos SET title = COALESCE(?, title), completed = COALESCE(?, completed)"
                " WHERE id = ? AND user_id = ?",
                (title, completed, todo_id, user_id),
            )
            row = db.execute("SELECT * FROM todos WHERE id = ? AND user_id = ?", (todo_id, user_id)).fetchone()
            return _todo(row) if row is not None else None

        return await self._run(work)

    async def delete_todo(self, user_id: str, todo_id: int) -> bool:
        """Delete the user's todo; whether there was one."""

        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute("DELETE FROM todos WHERE id = ? AND user_id = ?", (todo_id, user_id))
            return cursor.rowcount > 0

        return await self._run(work)

    async def list_todos(self, user_id: str, *, completed: bool | None = None, limit: int | None = None) -> list[TodoRow]:
        """Newest first; ``limit=None`` means all."""

        def work(db: sqlite3.Connection) -> list[TodoRow]:
            rows = db.execute(
                "SELECT * FROM todos WHERE user_id = ? AND (? IS NULL OR completed = ?)"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                (user_id, completed, completed, -1 if limit is None else limit),
            ).fetchall()
            return [_todo(row) for row in rows]

        return await self._run(work)


_current: Database | None = None


def database() -> Database:
    """The service's database: ``$SAMPLE_SERVICE_DB``, or a file in the current directory."""
    global _current
    if _current is None:
        _current = Database(os.environ.get(DB_ENV) or DEFAULT_DB)
    return _current


@contextmanager
def using_database(path: str | os.PathLike[str]) -> Iterator[Database]:
    """Point the service at another file for a while (tests use a temp file)."""
    global _current
    previous, _current = _current, Database(path)
    try:
        yield _current
    finally:
        _current = previous
