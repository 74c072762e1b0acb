"""Typed real-time channels: ``channel("todos.events:{user_id}", TodoEvent, ...)``.

A channel is declared beside the handlers and registered like them. Its pattern is
``namespace:rest``: the namespace (before Centrifugo's ``:`` boundary) is the channel's
name in the API model and in every SDK, and owns the Centrifugo namespace whose options
(history, recovery, the subscribe proxy) the generated config sets; ``rest`` is fixed text
with ``{param}`` placeholders filled when publishing and read back when a client subscribes.

Every rule is checked at declaration, so a mistake surfaces at its file:line.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Generic, Mapping, TypeVar, Union

from pydantic import BaseModel, TypeAdapter

from .connection import Connection
from . import registry as _registry
from .registry import HandlerDefinitionError, Registry, source_location

E = TypeVar("E")

# A Centrifugo namespace name (``^[-a-zA-Z0-9_.]{2,}$``), narrowed to what every SDK can name.
NAMESPACE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Fixed text of the channel part: nothing Centrifugo gives a meaning (``:`` ``#`` ``,`` ``$``).
LITERAL = re.compile(r"^[A-Za-z0-9_.\-/|=@+]*$")
# A parameter value: user ids, slugs, UUIDs, e-mail addresses. No ``/`` or ``|``, which is
# what separates two parameters, so a channel name reads back into one set of values.
PARAM_VALUE = re.compile(r"^[A-Za-z0-9_.\-=@+]{1,128}$")
SEPARATORS = "/|"
MAX_CHANNEL_LENGTH = 255  # Centrifugo's channel.max_length default

Access = typing.Literal["public", "authenticated", "user", "custom"]
Authorizer = Callable[[Connection, Mapping[str, str]], Awaitable[bool]]


@dataclass(frozen=True)
class History:
    """What Centrifugo keeps of a channel's publications.

    ``size`` publications for ``ttl`` seconds; ``recover=True`` makes Centrifugo recover the
    publications a reconnecting subscriber missed (``force_recovery``), in order, or tell it
    that it could not.
    """

    size: int
    ttl: int
    recover: bool = False


@dataclass(frozen=True)
class Segment:
    text: str
    param: str | None = None  # a placeholder when set (``text`` is then empty)


class Channel(Generic[E]):
    """One declared channel: its pattern, event type, who may subscribe and its history."""

    def __init__(
        self,
        pattern: str,
        event: Any,
        *,
        access: Access,
        user_param: str | None,
        authorizer: Authorizer | None,
        history: History | None,
        description: str,
        location: str,
    ) -> None:
        self.pattern = pattern
        self.name, _, rest = pattern.partition(":")
        self.segments = _segments(rest)
        self.params = tuple(s.param for s in self.segments if s.param is not None)
        self.event = event
        self.adapter: TypeAdapter[E] = TypeAdapter(event)
        self.access = access
        self.user_param = user_param
        self.authorizer = authorizer
        self.history = history
        self.description = description
        self.location = location
        self._matcher = re.compile(
            "^" + re.escape(self.name) + ":"
            + "".join(f"(?P<{s.param}>[^/|]+)" if s.param else re.escape(s.text) for s in self.segments)
            + "$"
        )

    def __repr__(self) -> str:
        return f"Channel({self.pattern!r})"

    @property
    def event_models(self) -> tuple[type[BaseModel], ...]:
        """The event's models: the model itself, or each variant of the union."""
        return _models_of(self.event) or ()

    def channel_name(self, **params: str) -> str:
        """The Centrifugo channel for these parameter values (``todos.events:alice``)."""
        if set(params) != set(self.params):
            missing = ", ".join(sorted(set(self.params) - set(params))) or "none"
            extra = ", ".join(sorted(set(params) - set(self.params))) or "none"
            raise TypeError(
                f"channel {self.pattern!r} takes the parameters ({', '.join(self.params)}); missing: {missing}; "
                f"unexpected: {extra}"
            )
        parts = []
        for segment in self.segments:
            if segment.param is None:
                parts.append(segment.text)
                continue
            value = params[segment.param]
            if not isinstance(value, str) or not PARAM_VALUE.match(value):
                raise ValueError(
                    f"channel {self.pattern!r}: {segment.param}={value!r} is not a valid channel parameter "
                    "(1 to 128 letters, digits or _ . - = @ +)"
                )
            parts.append(value)
        name = f"{self.name}:{''.join(parts)}"
        if len(name) > MAX_CHANNEL_LENGTH:
            raise ValueError(f"channel {name[:40]!r}...: longer than Centrifugo's {MAX_CHANNEL_LENGTH} characters")
        return name

    def match(self, channel: str) -> dict[str, str] | None:
        """The parameter values of a Centrifugo channel of this pattern, or None if it is not one."""
        found = self._matcher.match(channel)
        if found is None:
            return None
        values = found.groupdict()
        return values if all(PARAM_VALUE.match(v) for v in values.values()) else None

    def serialize(self, event: E) -> bytes:
        """The event as JSON, validated against the event type and written as results are (by alias)."""
        return self.adapter.dump_json(self.adapter.validate_python(event), by_alias=True)

    async def authorized(self, conn: Connection, params: Mapping[str, str]) -> bool:
        """Whether ``conn`` may subscribe to the channel with these parameter values."""
        if self.access == "public":
            return True
        if conn.user_id is None:
            return False
        if self.access == "authenticated":
            return True
        if self.access == "user":
            return params.get(self.user_param or "") == conn.user_id
        assert self.authorizer is not None
        return bool(await self.authorizer(conn, params))

    async def publish(self, event: E, *, publisher: Any = None, **params: str) -> None:
        """Publish ``event`` on the channel these parameters name, through Centrifugo's server API.

        Raises :class:`~hatch_centrifugo_sdk.runtime.publish.PublishError` when Centrifugo is
        unreachable or refuses: a publication is never dropped silently.
        """
        from .publish import default_publisher  # publish imports this module

        await (publisher or default_publisher()).publish(self, event, **params)


def _segments(rest: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    position = 0
    for found in PLACEHOLDER.finditer(rest):
        if found.start() > position:
            out.append(Segment(rest[position:found.start()]))
        out.append(Segment("", found.group(1)))
        position = found.end()
    if position < len(rest):
        out.append(Segment(rest[position:]))
    return tuple(out)


def _models_of(tp: Any) -> tuple[type[BaseModel], ...] | None:
    """The models of ``Model``, ``A | B`` or ``Annotated[A | B, Field(discriminator=...)]``; None otherwise."""
    if typing.get_origin(tp) is typing.Annotated:
        return _models_of(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (Union, types.UnionType):
        found = [_models_of(arg) for arg in typing.get_args(tp)]
        if any(f is None or len(f) != 1 for f in found):
            return None
        return tuple(f[0] for f in found if f)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if getattr(tp, "__pydantic_generic_metadata__", {}).get("parameters"):
            return None
        return (tp,)
    return None


def _show(tp: Any) -> str:
    if typing.get_origin(tp) is None and isinstance(tp, type):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def _caller_location() -> str:
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def channel(
    pattern: str,
    event: type[E] | Any,
    *,
    subscribe: Access | Authorizer = "authenticated",
    user_param: str | None = None,
    history: History | None = None,
    description: str = "",
    registry: Registry | None = None,
) -> Channel[E]:
    """Declare a channel carrying ``event`` (a model, or a union of models tagged by a field).

    ``subscribe`` says who may subscribe, checked by the subscribe proxy on every subscription:
    ``"user"`` only the user named by the pattern's ``user_param`` (``{user_id}`` by default when
    the pattern has it), ``"authenticated"`` any connection with a user (the default),
    ``"public"`` anyone, anonymous connections too, or an ``async def (conn, params) -> bool``.
    """
    where = _caller_location()
    subject = f"channel {pattern!r}"

    def fail(rule: str, fix: str) -> HandlerDefinitionError:
        return HandlerDefinitionError(where, subject, rule, fix)

    example = "use 'namespace:rest' such as 'todos.events:{user_id}' or 'todos.activity:all'"
    if not isinstance(pattern, str) or ":" not in pattern:
        raise fail("the pattern has no namespace (the part before ':')", example)
    namespace, _, rest = pattern.partition(":")
    if not NAMESPACE.match(namespace) or len(namespace) < 2:
        raise fail(
            f"namespace {namespace!r} is not valid",
            f"{example}: dot-separated identifiers of at least 2 characters before the ':'",
        )
    if not rest:
        raise fail("the part after ':' is empty", example)
    segments = _segments(rest)
    params: list[str] = []
    previous: Segment | None = None
    for segment in segments:
        if segment.param is None:
            if not LITERAL.match(segment.text):
                raise fail(
                    f"{segment.text!r} has characters a channel name cannot hold here (':', '#', ',', '$', "
                    "spaces, unmatched braces, ...)",
                    f"{example}; fixed text is letters, digits and _ . - / | = @ +",
                )
        elif not PARAM_NAME.match(segment.param):
            raise fail(f"placeholder {{{segment.param}}} is not a parameter name", "name it in snake case: {user_id}")
        elif segment.param in params:
            raise fail(f"placeholder {{{segment.param}}} appears twice", "give each placeholder its own name")
        else:
            if previous is not None and (previous.param or not any(c in previous.text for c in SEPARATORS)):
                raise fail(
                    f"placeholder {{{segment.param}}} follows another value without '/' or '|' between them, "
                    "so a channel name could be read back in two ways",
                    "separate placeholders with '/' or '|': '{org}/{user_id}'",
                )
            params.append(segment.param)
        previous = segment
    if _models_of(event) is None:
        raise fail(
            f"the event type {_show(event)} is not a Pydantic model or a union of models",
            "declare the events as models and pass one, or 'Annotated[A | B, Field(discriminator=\"type\")]'",
        )
    try:
        TypeAdapter(event).json_schema(mode="serialization")
    except Exception as exc:  # PydanticSchemaGenerationError, PydanticInvalidForJsonSchema, ...
        raise fail(
            f"Pydantic cannot make a JSON schema of the event type {_show(event)}: {str(exc).splitlines()[0]}",
            "use JSON-compatible field types in the event models",
        ) from None
    access: Access
    authorizer: Authorizer | None = None
    if callable(subscribe):
        if not inspect.iscoroutinefunction(subscribe):
            raise fail("the subscribe check must be async", "declare it 'async def may_subscribe(conn, params) -> bool'")
        access, authorizer = "custom", subscribe
    elif subscribe in ("public", "authenticated", "user"):
        access = subscribe
    else:
        raise fail(
            f"subscribe={subscribe!r} is not a known access rule",
            "pass 'user', 'authenticated', 'public' or an async function (conn, params) -> bool",
        )
    if access == "user":
        user_param = user_param or ("user_id" if "user_id" in params else None)
        if user_param not in params:
            raise fail(
                "subscribe='user' needs the placeholder that names the user, and the pattern has "
                f"{', '.join('{' + p + '}' for p in params) or 'none'}",
                "add '{user_id}' to the pattern or pass user_param='the placeholder'",
            )
    elif user_param is not None:
        raise fail("user_param is only used with subscribe='user'", "remove user_param or pass subscribe='user'")
    if history is not None and not (
        isinstance(history.size, int) and history.size > 0 and isinstance(history.ttl, int) and history.ttl > 0
    ):
        raise fail(
            f"history size={history.size!r}, ttl={history.ttl!r}: both must be positive integers",
            "History(size=100, ttl=300) keeps the last 100 publications for 300 seconds",
        )
    declared = Channel[E](
        pattern, event, access=access, user_param=user_param, authorizer=authorizer, history=history,
        description=inspect.cleandoc(description), location=where,
    )
    (registry if registry is not None else _registry.default_registry).add_channel(declared)
    return declared


__all__ = ["Channel", "History", "channel", "source_location"]
