"""Immutable data describing an API's methods and types.

Every renderer maps exactly these kinds of type; a schema the parser cannot express
with them fails the build instead of degrading to ``any``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Union as _U

# Scalar kinds. "any" is only produced for an explicit ``Any`` in a model.
SCALAR_KINDS = (
    "string",
    "integer",
    "number",
    "boolean",
    "any",
    "datetime",
    "date",
    "time",
    "duration",
    "uuid",
    "decimal",
    "bytes",
)


@dataclass(frozen=True)
class Scalar:
    kind: str


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

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclass(frozen=True)
class ObjectModel:
    name: str
    fields: tuple[Field, ...]
    description: str = ""


@dataclass(frozen=True)
class EnumModel:
    name: str
    values: tuple[str | int, ...]
    description: str = ""

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
class Api:
    methods: tuple[Method, ...]
    models: tuple[ObjectModel, ...]
    enums: tuple[EnumModel, ...] = ()
    _index: dict[str, ObjectModel | EnumModel] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def __post_init__(self) -> None:
        self._index.update({m.name: m for m in self.models})
        self._index.update({e.name: e for e in self.enums})

    def lookup(self, name: str) -> ObjectModel | EnumModel:
        return self._index[name]

    def model(self, name: str) -> ObjectModel:
        found = self._index[name]
        assert isinstance(found, ObjectModel), name
        return found

    def to_json(self) -> dict[str, Any]:
        """The ``api.json`` form: stable keys and order, everything a renderer needs."""
        return {
            "methods": [_method_json(m) for m in self.methods],
            "models": [_model_json(m) for m in self.models],
            "enums": [
                {"name": e.name, "description": e.description, "values": list(e.values)}
                for e in self.enums
            ],
        }

    @property
    def hash(self) -> str:
        """sha256 of the canonical ``api.json``: what identifies this API across SDKs."""
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


def _method_json(m: Method) -> dict[str, Any]:
    return {
        "name": m.name,
        "params": m.params,
        "result": m.result,
        "description": m.description,
        "requires_auth": m.requires_auth,
    }


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
        fields.append(entry)
    return {"name": m.name, "description": m.description, "fields": fields}
