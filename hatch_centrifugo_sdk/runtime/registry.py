"""The ``@websocket_rpc`` decorator and the registry of handlers it fills.

Every rule a handler must follow is checked here, at decoration time, so a mistake
surfaces where it was made (file:line) instead of as a broken SDK later.
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import os
import re
import typing
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterator, TypeVar

from pydantic import BaseModel

from .errors import UserError

METHOD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class HandlerDefinitionError(UserError, TypeError):
    """A handler or its models break a rule; the message names the place and the fix.

    The message is one line, ``file:line: subject: rule; fix: ...``, the form compilers
    use, so editors and CI logs can jump to the place.
    """

    def __init__(self, location: str, subject: str, rule: str, fix: str) -> None:
        self.location = location
        self.subject = subject
        self.rule = " ".join(rule.split())
        self.fix = " ".join(fix.split())
        super().__init__(f"{location}: {subject}: {self.rule}; fix: {self.fix}")


class HandlerDefinitionErrors(HandlerDefinitionError):
    """Several broken handlers, found in one import of the handler modules: one line each."""

    def __init__(self, errors: list[HandlerDefinitionError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.location, first.subject, first.rule, first.fix)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Handler:
    """One registered RPC method."""

    method: str
    func: Callable[..., Awaitable[BaseModel]]
    params_model: type[BaseModel]
    result_model: type[BaseModel]
    requires_auth: bool
    timeout: float | None

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def location(self) -> str:
        return source_location(self.func)


def source_location(obj: Any) -> str:
    """``file:line`` of a function or class, as precise as Python can tell."""
    target = inspect.unwrap(obj)
    try:
        file = inspect.getsourcefile(target) or inspect.getfile(target)
    except TypeError:
        return f"<{getattr(target, '__module__', '?')}>"
    if isinstance(target, type):
        found = _classes_in(file).get(target.__qualname__)
        if found is not None:
            return f"{file}:{found[0]}"
    try:
        line = inspect.getsourcelines(target)[1]
    except (OSError, TypeError):
        line = getattr(getattr(target, "__code__", None), "co_firstlineno", 0)
    return f"{file}:{line}"


def field_location(model: type, field: str) -> str:
    """``file:line`` of the annotation of ``field`` in ``model`` or the base class declaring it."""
    for owner in getattr(model, "__mro__", (model,)):
        if field not in vars(owner).get("__annotations__", {}):
            continue
        where = source_location(owner)
        try:
            file = inspect.getsourcefile(owner) or ""
        except TypeError:
            return where
        found = _classes_in(file).get(owner.__qualname__) if file else None
        if found is not None and field in found[1]:
            return f"{file}:{found[1][field]}"
        return where
    return source_location(model)


def _classes_in(file: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Class qualname → (line, {annotated attribute: line}) for every class in ``file``.

    One parse per file (as long as it is unchanged): ``inspect.getsourcelines`` parses the
    whole file again for every class it is asked about, which on large model files
    (githubkit's) took most of a build.
    """
    try:
        stat = os.stat(file)
    except OSError:
        return {}
    return _parse_classes(file, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _parse_classes(file: str, mtime: int, size: int) -> dict[str, tuple[int, dict[str, int]]]:
    linecache.checkcache(file)
    try:
        tree = ast.parse("".join(linecache.getlines(file)))
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[int, dict[str, int]]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                # inspect reports a decorated class at its first decorator
                line = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                fields: dict[str, int] = {}
                annotated(node.body, fields)
                found.setdefault(prefix + node.name, (line, fields))
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, f"{prefix}{node.name}.<locals>.")
            else:
                for name in ("body", "orelse", "finalbody"):
                    visit(getattr(node, name, []), prefix)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, prefix)

    def annotated(body: list[ast.stmt], into: dict[str, int]) -> None:
        for node in body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                into.setdefault(node.target.id, node.lineno)
            elif not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                for name in ("body", "orelse", "finalbody"):
                    annotated(getattr(node, name, []), into)

    visit(tree.body, "")
    return found


class Registry:
    """Method name → handler. Iteration is sorted by method name (stable output)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._sorted: tuple[Handler, ...] | None = None
        self.revision = 0  # bumped on every change, so users can cache what they derive
        self._collected: list[HandlerDefinitionError] | None = None
        self._channels: dict[str, Any] = {}  # name → runtime.channels.Channel (declared by channel())

    def __iter__(self) -> Iterator[Handler]:
        return iter(self.handlers())

    def handlers(self) -> tuple[Handler, ...]:
        """All handlers sorted by method name (cached until the registry changes)."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self._handlers.values(), key=lambda h: h.method))
        return self._sorted

    def _changed(self) -> None:
        self._sorted = None
        self.revision += 1

    def __len__(self) -> int:
        return len(self._handlers)

    def __contains__(self, method: object) -> bool:
        return method in self._handlers

    def get(self, method: str) -> Handler | None:
        return self._handlers.get(method)

    def clear(self) -> None:
        self._handlers.clear()
        self._channels.clear()
        self._changed()

    def channels(self) -> tuple[Any, ...]:
        """All declared channels sorted by name."""
        return tuple(self._channels[name] for name in sorted(self._channels))

    def add_channel(self, channel: Any) -> None:
        """Register a ``runtime.channels.Channel``; its name may be neither a method's nor another channel's."""
        subject = f"channel {channel.pattern!r}"
        existing = self._channels.get(channel.name)
        if existing is not None and existing.location != channel.location:
            raise HandlerDefinitionError(
                channel.location, subject,
                f"channel name {channel.name!r} is already declared by {existing.pattern!r} at {existing.location}",
                "give one of the two channels another namespace (the part before ':')",
            )
        handler = self._handlers.get(channel.name)
        if handler is not None:
            raise HandlerDefinitionError(
                channel.location, subject,
                f"channel name {channel.name!r} is the name of the method of {handler.func.__qualname__!r} at "
                f"{handler.location}, and the SDKs name both after it",
                "give the channel another namespace (the part before ':'), e.g. 'todos.events'",
            )
        self._channels[channel.name] = channel
        self._changed()

    def add(self, handler: Handler) -> None:
        existing = self._handlers.get(handler.method)
        if existing is not None and not _same_definition(existing.func, handler.func):
            raise HandlerDefinitionError(
                handler.location,
                f"handler {handler.func.__qualname__!r} ({handler.method!r})",
                f"method name {handler.method!r} is already registered by "
                f"{existing.func.__qualname__!r} at {existing.location}",
                "give one of the two handlers another method name",
            )
        clash = self._channels.get(handler.method)
        if clash is not None:
            raise HandlerDefinitionError(
                handler.location,
                f"handler {handler.func.__qualname__!r} ({handler.method!r})",
                f"method name {handler.method!r} is the name of channel {clash.pattern!r} at {clash.location}, "
                "and the SDKs name both after it",
                "give the method or the channel another name",
            )
        self._handlers[handler.method] = handler
        self._changed()

    @contextmanager
    def collecting(self) -> Iterator[list[HandlerDefinitionError]]:
        """While active, a broken handler is recorded in the yielded list instead of raising,
        so one import of the handler modules reports every broken handler."""
        saved, self._collected = self._collected, []
        try:
            yield self._collected
        finally:
            self._collected = saved

    def rpc(
        self, method: str, *, requires_auth: bool = False, timeout: float | None = None
    ) -> Callable[[F], F]:
        def decorate(func: F) -> F:
            try:
                self.add(inspect_handler(method, func, requires_auth=requires_auth, timeout=timeout))
            except HandlerDefinitionError as exc:
                if self._collected is None:
                    raise
                self._collected.append(exc)
            return func

        return decorate


def _same_definition(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    # A module imported twice (e.g. as a script and as a package) registers the same
    # function again; that is a re-registration, not a clash.
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__) or (
        a.__code__.co_filename == b.__code__.co_filename
        and a.__code__.co_firstlineno == b.__code__.co_firstlineno
    )


def inspect_handler(
    method: str, func: Callable[..., Any], *, requires_auth: bool = False, timeout: float | None = None
) -> Handler:
    """Check one handler against every rule and describe it."""
    where = source_location(func)
    name = getattr(func, "__qualname__", repr(func))
    subject = f"handler {name!r} ({method!r})"

    def fail(rule: str, fix: str) -> HandlerDefinitionError:
        return HandlerDefinitionError(where, subject, rule, fix)

    if not isinstance(method, str) or not METHOD_NAME.match(method):
        raise fail(
            f"method name {method!r} is not valid",
            "use dot-separated identifiers such as 'tasks.get_stats' "
            "(letters, digits, underscores; each part starts with a letter; no ':')",
        )
    fname = getattr(func, "__name__", name)
    if not inspect.iscoroutinefunction(func):
        raise fail("handlers must be async", f"declare it as 'async def {fname}(conn, params: ...) -> ...'")
    params = list(inspect.signature(func).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    taken = ", ".join(p.name for p in params)
    shape = f"write it as 'async def {fname}(conn, params: ParamsModel) -> ResultModel'"
    if len(positional) < 2 and len(params) <= 2:
        raise fail(
            f"it takes ({taken}) but a handler takes two parameters, the connection first and the params model second",
            shape,
        )
    if len(positional) != 2 or len(params) != 2:
        raise fail(
            f"it takes ({taken}) but a handler takes exactly two parameters (conn, params); "
            "everything the client sends belongs in the params model",
            f"move the extra parameters into the params model and {shape}",
        )
    try:
        hints = typing.get_type_hints(func)
    except Exception as exc:  # NameError for an undefined forward reference, and friends
        raise fail(
            f"its type hints cannot be resolved ({exc})",
            "define or import the models before the handler",
        ) from None
    params_name = positional[1].name
    params_model = hints.get(params_name)
    if params_model is None:
        raise fail(
            f"parameter {params_name!r} has no type hint; type hints drive code generation",
            f"annotate it with a Pydantic model: '{params_name}: MyParams'",
        )
    if _is_unfilled_generic(params_model):
        raise fail(*generic_rule(f"parameter {params_name!r}", params_model))
    if not _is_model(params_model):
        raise fail(
            f"parameter {params_name!r} is annotated {_show(params_model)}, not a Pydantic model",
            "wrap the parameters in a 'class ...Params(BaseModel)'",
        )
    result_model = hints.get("return")
    if result_model is None:
        raise fail(
            "the return type hint is missing; type hints drive code generation",
            "annotate the result with a Pydantic model: '-> MyResult'",
        )
    if _is_unfilled_generic(result_model):
        raise fail(*generic_rule("the return type", result_model))
    if not _is_model(result_model):
        raise fail(
            f"the return type is {_show(result_model)}, not a Pydantic model",
            "return a 'class ...Result(BaseModel)'",
        )
    if timeout is not None and not timeout > 0:
        raise fail(f"timeout={timeout!r} is not a positive number of seconds", "pass timeout=5.0 or leave it out")
    return Handler(method, func, params_model, result_model, requires_auth, timeout)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel) and not _is_unfilled_generic(tp)


def _is_unfilled_generic(tp: Any) -> bool:
    """``Page`` where ``class Page(BaseModel, Generic[T])``: a type variable no SDK can name."""
    return bool(
        isinstance(tp, type)
        and issubclass(tp, BaseModel)
        and getattr(tp, "__pydantic_generic_metadata__", {}).get("parameters")
    )


def generic_rule(what: str, model: type[BaseModel]) -> tuple[str, str]:
    """(rule, fix) for an unparametrised generic model, shared with the schema parser."""
    variables = [getattr(v, "__name__", str(v)) for v in model.__pydantic_generic_metadata__["parameters"]]
    example = ", ".join("SomeModel" for _ in variables)
    return (
        f"{what} is the generic model {model.__name__!r} with its type parameters "
        f"({', '.join(variables)}) left open, so the SDKs cannot know the types",
        f"parametrise it: '{model.__name__}[{example}]'",
    )


def _show(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


default_registry = Registry()


def websocket_rpc(
    method: str, *, requires_auth: bool = False, timeout: float | None = None
) -> Callable[[F], F]:
    """Register an async handler ``async def f(conn, params: P) -> R`` as RPC ``method``.

    The function is returned unchanged, so tests can call it directly.
    ``requires_auth=True`` refuses anonymous connections; ``timeout`` (seconds)
    overrides the endpoint's default handler timeout.
    """
    return default_registry.rpc(method, requires_auth=requires_auth, timeout=timeout)
