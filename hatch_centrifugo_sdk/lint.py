"""The guide's handler checklist, the parts that are advice rather than rules: warnings.

Docstrings and field descriptions become the SDKs' documentation; an async function that
looks like a handler but was never registered is missing from every SDK.
"""

from __future__ import annotations

import inspect
import sys
import typing
from dataclasses import dataclass
from typing import Any, Iterable

from pydantic import BaseModel

from .ir.diagnose import walk_models
from .registry import Handler, field_location, source_location


@dataclass(frozen=True, order=True)
class LintWarning:
    file: str
    line: int
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.subject}: {self.message}"


def lint(handlers: Iterable[Handler], modules: Iterable[str] = ()) -> list[LintWarning]:
    """Warnings for ``handlers`` (and unregistered handler-like functions in ``modules``), sorted by place."""
    handlers = sorted(handlers, key=lambda h: h.method)
    found: set[LintWarning] = set()
    for h in handlers:
        if not h.doc:
            found.add(
                _at(h.location, f"handler {h.func.__qualname__!r} ({h.method!r})",
                    "has no docstring; the SDKs show it as the method's documentation")
            )
    for use in walk_models(handlers):
        for name, info in use.model.model_fields.items():
            if not (info.description or "").strip():
                found.add(
                    _at(field_location(use.model, name), f"model {use.model.__name__!r}, field {name!r}",
                        "has no description; the SDKs show Field(description=...) as its documentation")
                )
    registered = {inspect.unwrap(h.func) for h in handlers}
    for module in modules:
        for func in _handler_like(sys.modules.get(module)):
            if func not in registered:
                found.add(
                    _at(source_location(func), f"function {func.__qualname__!r}",
                        "looks like a handler but is not registered, so no SDK has it; "
                        "decorate it with @websocket_rpc(\"...\") if clients should call it")
                )
    return sorted(found)


def _handler_like(module: Any) -> list[Any]:
    """Async functions defined in ``module`` taking (conn, params: SomeModel)."""
    if module is None:
        return []
    out = []
    for value in vars(module).values():
        func = inspect.unwrap(value) if callable(value) else None
        if not inspect.iscoroutinefunction(func) or func.__module__ != module.__name__:
            continue
        params = list(inspect.signature(func).parameters)
        try:
            hint = typing.get_type_hints(func).get(params[1]) if len(params) == 2 else None
        except Exception:  # unresolvable hints: not confidently a handler
            continue
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            out.append(func)
    return out


def _at(location: str, subject: str, message: str) -> LintWarning:
    file, _, line = location.rpartition(":")
    if not file or not line.isdigit():
        return LintWarning(location, 0, subject, message)
    return LintWarning(file, int(line), subject, message)
