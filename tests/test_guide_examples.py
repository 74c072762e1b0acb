"""The generated types and names for the backend guide's own examples are what the guide shows."""

from __future__ import annotations

import re
from typing import List, Optional

from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.typescript import names as ts_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.typescript.options import TypeScriptOptions
from hatch_centrifugo_sdk.build.targets.typescript import render as typescript

registry = Registry()


class UserParams(BaseModel):
    user_id: str = Field(..., description="Unique user identifier")
    include_profile: bool = Field(True, description="Include full profile data in response")


class SearchParams(BaseModel):
    query: str = Field(..., description="Search query")
    limit: Optional[int] = Field(None, description="Max results")
    offset: Optional[int] = Field(None, description="Result offset")


class Tag(BaseModel):
    name: str
    color: str


class Task(BaseModel):
    id: int
    title: str
    tags: List[Tag]


class TaskListResult(BaseModel):
    tasks: List[Task]
    total: int


@registry.rpc("users.get")
async def get_user(conn, params: UserParams) -> TaskListResult: ...


@registry.rpc("tasks.search")
async def search(conn, params: SearchParams) -> TaskListResult: ...


# The guide's TypeScript, verbatim (its "Generates:" blocks).
GUIDE_TS = {
    "UserParams": """interface UserParams {
/** Unique user identifier */
user_id: string;
/** Include full profile data in response */
include_profile?: boolean;
}""",
    "SearchParams": """interface SearchParams {
query: string;
limit?: number | null;
offset?: number | null;
}""",
    "Tag": """interface Tag {
name: string;
color: string;
}""",
    "Task": """interface Task {
id: number;
title: string;
tags: Tag[];
}""",
    "TaskListResult": """interface TaskListResult {
tasks: Task[];
total: number;
}""",
}


def _declarations() -> str:
    api = parse_api(registry)
    sdk = SdkInfo("guide", "1.0.0", api.hash, "1.0.0", TypeScriptOptions("guide-sdk"))
    return typescript.render(api, sdk)["types.d.ts"]


def _interface(dts: str, name: str) -> str:
    match = re.search(rf"export interface {name} \{{.*?\n\}}", dts, re.S)
    assert match, f"no interface {name}"
    return match.group(0).removeprefix("export ")


def _members(block: str, keep_docs: bool) -> list[str]:
    if not keep_docs:
        block = re.sub(r"/\*\*.*?\*/", "", block, flags=re.S)
    else:  # the guide shows one-line JSDoc; ours may add @default lines below the text
        block = re.sub(r"/\*\*\s*\n\s*\*\s*(.*?)\n(?:\s*\*\s*@.*\n)*\s*\*/", r"/** \1 */", block)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_typescript_interfaces_match_the_guide() -> None:
    dts = _declarations()
    for name, expected in GUIDE_TS.items():
        ours = _interface(dts, name)
        assert _members(ours, keep_docs=False) == _members(expected, keep_docs=False), name
    # The guide's JSDoc example, description text for description text.
    assert _members(_interface(dts, "UserParams"), keep_docs=True) == _members(GUIDE_TS["UserParams"], keep_docs=True)


def test_method_names_follow_the_guide() -> None:
    guide = {
        "tasks.list": ("tasks_list", "tasksList", "TasksList"),
        "tasks.create": ("tasks_create", "tasksCreate", "TasksCreate"),
        "tasks.get_stats": ("tasks_get_stats", "tasksGetStats", "TasksGetStats"),
        "users.get": ("users_get", "usersGet", "UsersGet"),
        "system.health": ("system_health", "systemHealth", "SystemHealth"),
    }
    for wire, names in guide.items():
        assert (py_names.python_method(wire), ts_names.ts_method(wire), go_names.go_method(wire)) == names
