"""Synthetic services for the build benchmarks: N RPC methods as real Python modules.

Each method has a params and a result model (about two models per method); every group
of ten methods shares a str enum and a nested item model, so schemas have nesting,
enums, optionals, lists and dicts, as real services do. Output is deterministic.

    python bench/synth.py 1000 OUT_DIR   # writes OUT_DIR/src/synth1000/... and prints the module list
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

METHODS_PER_MODULE = 50
GROUP = 10  # methods sharing one enum and one nested item model


def package_name(methods: int) -> str:
    return f"synth{methods}"


def module_names(methods: int) -> list[str]:
    count = (methods + METHODS_PER_MODULE - 1) // METHODS_PER_MODULE
    return [f"{package_name(methods)}.m{index:03d}" for index in range(count)]


def module_source(module_index: int, first: int, last: int) -> str:
    """Handlers ``first..last-1``; type names carry the module index so they are unique service-wide."""
    m = f"M{module_index:03d}"
    parts = [
        textwrap.dedent(
            '''\
            """Synthetic handlers (generated for benchmarks)."""

            from __future__ import annotations

            from enum import Enum
            from typing import Dict, List, Optional

            from pydantic import BaseModel, Field

            from hatch_centrifugo_sdk import Connection, websocket_rpc
            '''
        )
    ]
    for group in range(first // GROUP, (last - 1) // GROUP + 1):
        parts.append(
            textwrap.dedent(
                f'''

                class {m}Status{group}(str, Enum):
                    """Where an item of group {group} is."""

                    NEW = "new"
                    ACTIVE = "active"
                    DONE = "done"


                class {m}Item{group}(BaseModel):
                    """An item of group {group}."""

                    id: int = Field(..., description="Item id")
                    name: str = Field(..., description="Display name")
                    status: {m}Status{group} = {m}Status{group}.NEW
                    tags: List[str] = Field(default_factory=list, description="Free-form tags")
                    parent: Optional[int] = Field(None, description="Parent item, if any")
                '''
            )
        )
    for i in range(first, last):
        g = i // GROUP
        parts.append(
            textwrap.dedent(
                f'''

                class {m}Params{i}(BaseModel):
                    """Parameters of method {i}."""

                    user_id: str = Field(..., description="Who asks")
                    limit: Optional[int] = Field(None, ge=1, le=1000, description="At most this many")
                    status: Optional[{m}Status{g}] = None
                    ids: List[int] = Field(default_factory=list)
                    filters: Dict[str, str] = Field(default_factory=dict)


                class {m}Result{i}(BaseModel):
                    """Result of method {i}."""

                    total: int
                    items: List[{m}Item{g}]
                    first: Optional[{m}Item{g}] = None
                    counts: Dict[str, int] = Field(default_factory=dict)
                    note: Optional[str] = None


                @websocket_rpc("svc{module_index:03d}.method_{i:05d}")
                async def method_{i:05d}(conn: Optional[Connection], params: {m}Params{i}) -> {m}Result{i}:
                    """Synthetic method {i}: answers with no items."""
                    return {m}Result{i}(total=0, items=[])
                '''
            )
        )
    return "".join(parts)


def write_service(methods: int, root: Path) -> list[str]:
    """Write the synthetic service under ``root/src`` and return its handler module names."""
    package = root / "src" / package_name(methods)
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('"""Synthetic service."""\n', encoding="utf-8")
    modules = module_names(methods)
    for index, name in enumerate(modules):
        first = index * METHODS_PER_MODULE
        last = min(first + METHODS_PER_MODULE, methods)
        (package / f"{name.rsplit('.', 1)[1]}.py").write_text(module_source(index, first, last), encoding="utf-8")
    return modules


if __name__ == "__main__":
    print("\n".join(write_service(int(sys.argv[1]), Path(sys.argv[2]))))
