"""Immutable data describing an API's methods and types.

Every renderer maps exactly these kinds of type; a schema the parser cannot express
with them fails the build instead of degrading to ``any``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Union as _U

from .kinds import SCALAR_KINDS, ScalarKind, assert_never

@dataclass(frozen=True)
class Scalar:
    kind: ScalarKind


@dataclass(frozen=True)
class Ref:
    """A named model or enum, defined in ``Api.models`` or ``Api.enums``."""

    name: str


@dataclass(frozen=True)
class Array:
    item: TypeRef
    unique: bool = False  # a Python set / frozenset


@dataclass(frozen=True)
class Tuple:
    items: tuple[TypeRef, ...]


@dataclass(frozen=True)
class Map:
    """A JSON object with string keys and values of one type (``dict[str, T]``)."""

    value: TypeRef


@dataclass(frozen=True)
class Literal:
    values: tuple[str | int | bool, ...]


@dataclass(frozen=True)
class Union:
    variants: tuple[TypeRef, ...]
    discriminator: str | None = None


@dataclass(frozen=True)
class Nullable:
    inner: TypeRef


TypeRef = _U[Scalar, Ref, Array, Tuple, Map, Literal, Union, Nullable]


def children(t: TypeRef) -> tuple[TypeRef, ...]:
    """The types ``t`` is made of, in order."""
    if isinstance(t, (Scalar, Ref, Literal)):
        return ()
    if isinstance(t, Array):
        return (t.item,)
    if isinstance(t, Nullable):
        return (t.inner,)
    if isinstance(t, Map):
        return (t.value,)
    if isinstance(t, Tuple):
        return t.items
    if isinstance(t, Union):
        return t.variants
    assert_never(t)


def walk(t: TypeRef) -> Iterator[TypeRef]:
    """``t`` and every type inside it, depth first, each before its parts: the one traversal
    renderers use to find what a type holds (references, formats, kinds)."""
    yield t
    for child in children(t):
        yield from walk(child)

NO_DEFAULT: Any = object()


@dataclass(frozen=True)
class Field:
    """One property of an object model.

    ``required``: the wire form must contain it. ``default`` (JSON value) is what the
    server assumes when it is missing. A nullable field has a ``Nullable`` type.
    """

    name: str  # the wire name (the alias when the model has one)
    type: TypeRef
    required: bool
    description: str = ""
    default: Any = NO_DEFAULT
    # Validation limits as JSON Schema keywords, e.g. ("minimum", 1), ("items.maxLength", 5):
    # SDKs document them; the service enforces them.
    constraints: tuple[tuple[str, Any], ...] = ()

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


# JSON Schema keyword → how the docs say it, in the order the docs list them.
CONSTRAINT_TEXT = {
    "minimum": ">= {}",
    "exclusiveMinimum": "> {}",
    "maximum": "<= {}",
    "exclusiveMaximum": "< {}",
    "multipleOf": "a multiple of {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "pattern": "matches the pattern {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "minProperties": "at least {} entries",
    "maxProperties": "at most {} entries",
    "maxDigits": "at most {} digits",
    "decimalPlaces": "at most {} decimal places",
}


def describe_constraints(constraints: tuple[tuple[str, Any], ...]) -> str:
    """``(("minimum", 1), ("items.maxLength", 5))`` → ``Constraints: >= 1; each item: at most 5 characters.``"""
    if not constraints:
        return ""
    parts = []
    for key, value in constraints:
        scope, _, keyword = key.rpartition(".")
        shown = value if isinstance(value, (int, float)) and not isinstance(value, bool) else json.dumps(value, ensure_ascii=False)
        text = CONSTRAINT_TEXT[keyword].format(shown)
        parts.append(f"each {'item' if scope == 'items' else 'value'}: {text}" if scope else text)
    return "Constraints: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class ObjectModel:
    name: str
    fields: tuple[Field, ...]
    description: str = ""
    # extra="allow": members the model does not declare are kept (every SDK carries them)
    open: bool = False


@dataclass(frozen=True)
class EnumModel:
    name: str
    values: tuple[str | int, ...]
    description: str = ""
    # The Python enum's member names, one per value (empty: derive them from the values)
    members: tuple[str, ...] = ()

    def member_names(self, derive: Callable[[str | int], str]) -> list[str]:
        """One name per value: the Python member's own where known, else ``derive(value)``."""
        return list(self.members) if len(self.members) == len(self.values) else [derive(v) for v in self.values]

    @property
    def value_kind(self) -> str:
        return "integer" if all(isinstance(v, int) for v in self.values) else "string"


@dataclass(frozen=True)
class Method:
    name: str  # the wire name, e.g. "tasks.get_stats"
    params: str  # ObjectModel name
    result: str  # ObjectModel name
    description: str = ""
    requires_auth: bool = False


@dataclass(frozen=True)
class ChannelHistory:
    """What Centrifugo keeps of a channel's publications: ``size`` of them for ``ttl`` seconds."""

    size: int
    ttl: int  # seconds
    recover: bool = False  # a reconnecting subscriber receives what it missed (force_recovery)


@dataclass(frozen=True)
class Channel:
    """A channel the service publishes typed events on and clients subscribe to.

    Data flows from the service to the client, as in results: ``event`` is read in the
    serialization form, a ``Ref`` to a model or a ``Union`` of ``Ref``s (with the tag field
    in ``discriminator`` when the union has one).
    """

    name: str  # the Centrifugo namespace, e.g. "todos.events": what the SDKs name the channel after
    pattern: str  # "todos.events:{user_id}"; a Centrifugo channel is the pattern with each {param} filled
    params: tuple[str, ...]  # the placeholders, in pattern order
    event: TypeRef
    description: str = ""
    # who may subscribe: "public" (anonymous too), "authenticated", "user" (only the user named by
    # the ``user_param`` placeholder), "custom" (the service's own check)
    access: str = "authenticated"
    user_param: str | None = None
    history: ChannelHistory | None = None

    def channel_name(self, **params: str) -> str:
        """The Centrifugo channel for these parameter values."""
        name = self.pattern
        for param in self.params:
            name = name.replace("{" + param + "}", params[param])
        return name


@dataclass(frozen=True)
class Api:
    methods: tuple[Method, ...]
    models: tuple[ObjectModel, ...]
    enums: tuple[EnumModel, ...] = ()
    _index: dict[str, ObjectModel | EnumModel] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )
    # model name, wire field name (or None) → "file:line" of its Python class or field; not part of
    # the API (an API read back from api.json has no sources)
    locator: Callable[[str, str | None], str] | None = field(default=None, compare=False, repr=False, hash=False)
    channels: tuple[Channel, ...] = ()

    def __post_init__(self) -> None:
        self._index.update({m.name: m for m in self.models})
        self._index.update({e.name: e for e in self.enums})

    def locate(self, model: str, field: str | None = None) -> str | None:
        """``file:line`` of a model (or its field) in the service's code, when the API was parsed from it."""
        return self.locator(model, field) if self.locator is not None else None

    def lookup(self, name: str) -> ObjectModel | EnumModel:
        return self._index[name]

    def model(self, name: str) -> ObjectModel:
        found = self._index[name]
        assert isinstance(found, ObjectModel), name
        return found

    def to_json(self) -> dict[str, Any]:
        """The ``api.json`` form: stable keys and order, everything a renderer needs."""
        out = {
            "methods": [_method_json(m) for m in self.methods],
            "models": [_model_json(m) for m in self.models],
            "enums": [_enum_json(e) for e in self.enums],
        }
        if self.channels:  # only when declared: APIs without channels keep their hash
            out["channels"] = [_channel_json(c) for c in self.channels]
        return out

    @functools.cached_property
    def hash(self) -> str:
        """sha256 of the canonical ``api.json``: what identifies this API across SDKs (computed once)."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def type_json(t: TypeRef) -> dict[str, Any]:
    if isinstance(t, Scalar):
        return {"kind": t.kind}
    if isinstance(t, Ref):
        return {"kind": "ref", "name": t.name}
    if isinstance(t, Array):
        return {"kind": "set" if t.unique else "array", "item": type_json(t.item)}
    if isinstance(t, Tuple):
        return {"kind": "tuple", "items": [type_json(i) for i in t.items]}
    if isinstance(t, Map):
        return {"kind": "map", "value": type_json(t.value)}
    if isinstance(t, Literal):
        return {"kind": "literal", "values": list(t.values)}
    if isinstance(t, Union):
        out: dict[str, Any] = {"kind": "union", "variants": [type_json(v) for v in t.variants]}
        if t.discriminator:
            out["discriminator"] = t.discriminator
        return out
    if isinstance(t, Nullable):
        return {"kind": "nullable", "inner": type_json(t.inner)}
    raise TypeError(f"not a type: {t!r}")


def _enum_json(e: EnumModel) -> dict[str, Any]:
    out: dict[str, Any] = {"name": e.name, "description": e.description, "values": list(e.values)}
    if e.members:
        out["members"] = list(e.members)
    return out


def _method_json(m: Method) -> dict[str, Any]:
    return {
        "name": m.name,
        "params": m.params,
        "result": m.result,
        "description": m.description,
        "requires_auth": m.requires_auth,
    }


def _channel_json(c: Channel) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": c.name,
        "pattern": c.pattern,
        "params": list(c.params),
        "event": type_json(c.event),
        "description": c.description,
        "access": c.access,
    }
    if c.user_param is not None:
        out["user_param"] = c.user_param
    if c.history is not None:
        out["history"] = {"size": c.history.size, "ttl": c.history.ttl, "recover": c.history.recover}
    return out


def _channel_from_json(data: Any) -> Channel:
    history = data.get("history")
    return Channel(
        name=data["name"],
        pattern=data["pattern"],
        params=tuple(data["params"]),
        event=type_from_json(data["event"]),
        description=data.get("description", ""),
        access=data.get("access", "authenticated"),
        user_param=data.get("user_param"),
        history=ChannelHistory(int(history["size"]), int(history["ttl"]), bool(history.get("recover", False)))
        if history else None,
    )


def _model_json(m: ObjectModel) -> dict[str, Any]:
    fields = []
    for f in m.fields:
        entry: dict[str, Any] = {
            "name": f.name,
            "type": type_json(f.type),
            "required": f.required,
            "description": f.description,
        }
        if f.has_default:
            entry["default"] = f.default
        if f.constraints:  # only when present: APIs without constraints keep their hash
            entry["constraints"] = {k: v for k, v in f.constraints}
        fields.append(entry)
    out: dict[str, Any] = {"name": m.name, "description": m.description, "fields": fields}
    if m.open:  # only when set: closed models keep their hash
        out["open"] = True
    return out


class ApiJsonError(ValueError):
    """A document that is not the ``api.json`` form of an :class:`Api`."""


def api_from_json(data: Any) -> Api:
    """The inverse of :meth:`Api.to_json`: load a previous release's ``api.json`` or lock.

    Keys the form does not define (``api_hash``, anything newer) are ignored; every
    name a method or type refers to must be defined, so a hand-edited file fails here
    rather than half-way through a comparison.
    """
    try:
        api = Api(
            methods=tuple(
                Method(m["name"], m["params"], m["result"], m.get("description", ""), bool(m.get("requires_auth", False)))
                for m in data["methods"]
            ),
            models=tuple(
                ObjectModel(
                    m["name"], tuple(_field_from_json(f) for f in m["fields"]), m.get("description", ""),
                    bool(m.get("open", False)),
                )
                for m in data["models"]
            ),
            enums=tuple(
                EnumModel(e["name"], tuple(e["values"]), e.get("description", ""), tuple(e.get("members", ())))
                for e in data.get("enums", ())
            ),
            channels=tuple(_channel_from_json(c) for c in data.get("channels", ())),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ApiJsonError(f"not an api.json document: {type(exc).__name__}: {exc}") from None
    _check_names(api)
    return api


def type_from_json(data: Any) -> TypeRef:
    """The inverse of :func:`type_json`."""
    kind = data["kind"]
    if kind in SCALAR_KINDS:
        return Scalar(kind)
    if kind == "ref":
        return Ref(data["name"])
    if kind in ("array", "set"):
        return Array(type_from_json(data["item"]), unique=kind == "set")
    if kind == "tuple":
        return Tuple(tuple(type_from_json(i) for i in data["items"]))
    if kind == "map":
        return Map(type_from_json(data["value"]))
    if kind == "literal":
        return Literal(tuple(data["values"]))
    if kind == "union":
        return Union(tuple(type_from_json(v) for v in data["variants"]), data.get("discriminator"))
    if kind == "nullable":
        return Nullable(type_from_json(data["inner"]))
    raise ApiJsonError(f"unknown type kind {kind!r}")


def _field_from_json(data: Any) -> Field:
    return Field(
        name=data["name"],
        type=type_from_json(data["type"]),
        required=bool(data["required"]),
        description=data.get("description", ""),
        default=data["default"] if "default" in data else NO_DEFAULT,
        constraints=tuple(data.get("constraints", {}).items()),
    )


def _check_names(api: Api) -> None:
    defined = {m.name for m in api.models} | {e.name for e in api.enums}
    used = [(f"method {m.name}", name) for m in api.methods for name in (m.params, m.result)]
    used += [(f"model {m.name}.{f.name}", name) for m in api.models for f in m.fields for name in _refs(f.type)]
    used += [(f"channel {c.name}", name) for c in api.channels for name in _refs(c.event)]
    for where, name in used:
        if name not in defined:
            raise ApiJsonError(f"{where} refers to {name!r}, which is not defined")
    for m in api.methods:
        for name in (m.params, m.result):
            if not isinstance(api.lookup(name), ObjectModel):
                raise ApiJsonError(f"method {m.name}: {name!r} is an enum, not an object model")


def _refs(t: TypeRef) -> list[str]:
    return [n.name for n in walk(t) if isinstance(n, Ref)]
