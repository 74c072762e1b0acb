"""The guide's handler checklist, the parts that are advice rather than rules: warnings.

Docstrings and field descriptions become the SDKs' documentation; an async function that
looks like a handler but was never registered is missing from every SDK.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import sys
import sysconfig
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel

from .config import WARNING_KINDS
from ..ir.diagnose import walk_models
from ..runtime.registry import Handler, field_location, source_location


# Past this many warnings of one kind, the rest are counted rather than printed.
SHOWN_PER_KIND = 10


@dataclass(frozen=True, order=True)
class LintWarning:
    file: str
    line: int
    subject: str
    message: str
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.subject}: {self.message}"


def lint(
    handlers: Iterable[Handler], modules: Iterable[str] = (), silence: Iterable[str] = (), typescript: bool = False,
) -> list[LintWarning]:
    """Warnings for ``handlers`` (and unregistered handler-like functions in ``modules``), sorted by place.

    Only the project's own models are linted for documentation: a model installed from a distribution
    (openai's, githubkit's) is not the project's to document. ``silence`` names warning kinds to leave
    out. ``typescript``: the TypeScript SDK is built, so every int field JavaScript may round is named.
    """
    handlers = sorted(handlers, key=lambda h: h.method)
    silenced = set(silence)
    found: set[LintWarning] = set()
    if "handler-docstring" not in silenced:
        for h in handlers:
            if not h.doc:
                found.add(
                    _at(h.location, f"handler {h.func.__qualname__!r} ({h.method!r})",
                        "has no docstring; the SDKs show it as the method's documentation", "handler-docstring")
                )
    if "field-description" not in silenced:
        for use in walk_models(handlers):
            if is_installed(use.model):
                continue
            for name, info in use.model.model_fields.items():
                if not (info.description or "").strip():
                    found.add(
                        _at(field_location(use.model, name), f"model {use.model.__name__!r}, field {name!r}",
                            "has no description; the SDKs show Field(description=...) as its documentation",
                            "field-description")
                    )
    if typescript and "unsafe-integer" not in silenced:
        # An installed model's fields are not the project's to bound: one line per distribution,
        # at the first handler reaching it (locating each field would parse its huge sources).
        installed: dict[str, tuple[str, list[str]]] = {}
        where = {h.method: h.location for h in handlers}
        for use in walk_models(handlers):
            for name, info in use.model.model_fields.items():
                if not _unsafe_int(info.annotation, info.metadata):
                    continue
                subject = f"model {use.model.__name__!r}, field {name!r}"
                if is_installed(use.model):
                    top = use.model.__module__.split(".")[0]
                    installed.setdefault(top, (where[use.method], []))[1].append(subject)
                else:
                    found.add(_at(field_location(use.model, name), subject, UNSAFE_INTEGER, "unsafe-integer"))
        for top, (location, fields) in installed.items():
            found.add(_at(
                location, f"models installed from {top!r}",
                f"{len(fields)} int fields without bounds within ±(2**53-1) (e.g. {fields[0]}): the TypeScript "
                "SDK reads them as JavaScript numbers, which round values above 2**53; if such values occur, "
                'return them in a model of your own as str, or set silence-warnings = ["unsafe-integer"]',
                "unsafe-integer",
            ))
    registered = {inspect.unwrap(h.func) for h in handlers}
    for module in modules if "unregistered-handler" not in silenced else ():
        for func in _handler_like(sys.modules.get(module)):
            if func not in registered:
                found.add(
                    _at(source_location(func), f"function {func.__qualname__!r}",
                        "looks like a handler but is not registered, so no SDK has it; "
                        "decorate it with @websocket_rpc(\"...\") if clients should call it", "unregistered-handler")
                )
    return sorted(found)


# The largest integer a JavaScript number holds exactly, and every one below it (Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1
UNSAFE_INTEGER = (
    "an int without bounds within ±(2**53-1): the TypeScript SDK reads it as a JavaScript number, which rounds "
    "larger values (9007199254740993 arrives as 9007199254740992); bound it with Field(ge=-(2**53-1), "
    "le=2**53-1) or send larger values as str"
)


def _unsafe_int(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field's type holds an int whose bounds (``metadata``: the constraints on it) do not keep
    it within ±MAX_SAFE_INTEGER. A field's constraints apply through Optional, not to a list's items."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _unsafe_int(base, [*metadata, *(m for e in extra for m in getattr(e, "metadata", [e]))])
    if annotation is int:
        low = max([getattr(m, "ge", None) for m in metadata] + [getattr(m, "gt", None) for m in metadata],
                  key=lambda v: -math.inf if v is None else v, default=None)
        high = min([getattr(m, "le", None) for m in metadata] + [getattr(m, "lt", None) for m in metadata],
                   key=lambda v: math.inf if v is None else v, default=None)
        return low is None or high is None or low < -MAX_SAFE_INTEGER or high > MAX_SAFE_INTEGER + 1
    if isinstance(annotation, type) and issubclass(annotation, (bool, Enum, BaseModel)):
        return False
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    through = metadata if typing.get_origin(annotation) in (typing.Union, types.UnionType) else []
    return any(_unsafe_int(a, through) for a in args if not isinstance(a, (int, str, bytes)))


def summarise(warnings: Iterable[LintWarning], prefix: str) -> list[str]:
    """The lines to print: at most SHOWN_PER_KIND warnings of each kind, then one line counting the rest
    and naming the key that silences them (``prefix``: the hook table's TOML key)."""
    lines: list[str] = []
    hidden: dict[str, int] = {}
    shown: dict[str, int] = {}
    for w in warnings:
        if shown.get(w.kind, 0) < SHOWN_PER_KIND:
            shown[w.kind] = shown.get(w.kind, 0) + 1
            lines.append(str(w))
        else:
            hidden[w.kind] = hidden.get(w.kind, 0) + 1
    for kind, count in sorted(hidden.items()):
        lines.append(
            f"{count:,} more {kind} warnings like these; {prefix}.silence-warnings = [{json.dumps(kind)}] silences them"
        )
    return lines


_INSTALLED = tuple(
    str(Path(p).resolve()) + os.sep
    for key in ("purelib", "platlib", "stdlib", "platstdlib")
    for p in {sysconfig.get_paths().get(key, "")} if p
)


def is_installed(cls: type) -> bool:
    """Whether ``cls`` comes from an installed distribution or the standard library, not the project."""
    module = sys.modules.get(cls.__module__)
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = str(Path(file).resolve())
    parts = Path(path).parts
    return path.startswith(_INSTALLED) or "site-packages" in parts or "dist-packages" in parts


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


def _at(location: str, subject: str, message: str, kind: str) -> LintWarning:
    file, _, line = location.rpartition(":")
    if not file or not line.isdigit():
        return LintWarning(location, 0, subject, message, kind)
    return LintWarning(file, int(line), subject, message, kind)
