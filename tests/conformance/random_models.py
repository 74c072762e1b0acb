"""Hypothesis strategies for random model sets and values of them, for the property tests.

A model set is built with real Pydantic (``create_model``, enums) and registered as
handlers, so the parser sees what a service would define. Models nest up to
``MAX_DEPTH`` levels; field types cover the kinds every SDK maps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any, Dict, List, Literal, Optional, Set, Tuple, Union

from hypothesis import strategies as st
from pydantic import BaseModel, Field, create_model

from hatch_centrifugo_sdk import Registry

MAX_DEPTH = 4
SCALARS = ("string", "integer", "number", "boolean", "datetime", "date", "time", "duration", "uuid", "decimal", "bytes", "any")
HASHABLE = ("string", "integer", "boolean", "date", "uuid", "decimal")
# Wire names: plain, reserved in some language, and ones that need an alias or quoting.
WIRE_NAMES = (
    "id", "name", "value", "user_id", "userId", "type", "class", "from", "list", "items", "data", "url", "http_url",
    "x", "y2", "camelCase", "with-dash", "dotted.name", "default", "func", "map", "string", "model_config", "Self",
)
STRING_VALUES = ("on", "off", "dark-blue", "dark_blue", "x1", "", "ÿes")
INT_VALUES = (0, 1, 2, -1, 7)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
ZONES = st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8))])
UNION_VARIANTS = (("scalar", "integer"), ("scalar", "string"), ("scalar", "boolean"), ("list", ("scalar", "integer")), "model")
MODES = ("required", "nullable", "optional_none", "default", "nullable_default")


@dataclass
class FieldSpec:
    wire: str
    type: tuple[Any, ...]
    mode: str
    description: str


@dataclass
class ModelSpec:
    name: str
    fields: list[FieldSpec] = field(default_factory=list)


@dataclass
class ModelSet:
    """The specs, and the Pydantic classes and handlers built from them."""

    enums: list[tuple[str, tuple[Any, ...]]]
    models: list[ModelSpec]
    params: int  # index of the params model
    result: int
    registry: Registry = field(default_factory=Registry)
    classes: list[type[BaseModel]] = field(default_factory=list)
    enum_classes: list[type[Enum]] = field(default_factory=list)

    def describe(self) -> str:
        enums = "".join(f"  enum {n} = {v!r}\n" for n, v in self.enums)
        models = "".join(
            f"  model {m.name}: " + ", ".join(f"{f.wire!r} {f.mode} {f.type!r}" for f in m.fields) + "\n" for m in self.models
        )
        return f"params {self.models[self.params].name}, result {self.models[self.result].name}\n{enums}{models}"


@st.composite
def type_specs(draw: Any, depth: int, ctx: dict[str, Any], hashable: bool = False) -> tuple[Any, ...]:
    if hashable:
        kinds = ["scalar", "enum", "literal"]
    else:
        kinds = ["scalar"] * 4 + ["enum", "literal", "list", "set", "dict", "nullable", "tuple", "union"]
        kinds += ["model"] * 2 * (depth < MAX_DEPTH)
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return ("scalar", draw(st.sampled_from(HASHABLE if hashable else SCALARS)))
    if kind == "enum":
        if not ctx["enums"] or draw(st.booleans()):
            pool = STRING_VALUES if draw(st.booleans()) else INT_VALUES
            values = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True)))
            ctx["enums"].append((f"E{len(ctx['enums'])}", values))
        return ("enum", draw(st.integers(0, len(ctx["enums"]) - 1)))
    if kind == "literal":
        pool = STRING_VALUES if draw(st.booleans()) else INT_VALUES
        return ("literal", tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))))
    if kind == "set":
        return ("set", draw(type_specs(depth, ctx, hashable=True)))
    if kind == "tuple":
        return ("tuple", tuple(draw(st.lists(type_specs(depth, ctx), min_size=1, max_size=3))))
    if kind == "union":
        # Variants of distinct JSON shapes, so a value decodes back to the variant it came from.
        variants = UNION_VARIANTS if depth < MAX_DEPTH else UNION_VARIANTS[:-1]
        shapes = draw(st.lists(st.sampled_from(variants), min_size=2, max_size=3, unique=True))
        return ("union", tuple(("model", draw(model_specs(depth + 1, ctx))) if v == "model" else v for v in shapes))
    if kind in ("list", "dict", "nullable"):
        return (kind, draw(type_specs(depth, ctx)))
    return ("model", draw(model_specs(depth + 1, ctx)))


@st.composite
def model_specs(draw: Any, depth: int, ctx: dict[str, Any]) -> int:
    """A new model (its fields drawn first, so nested models come before it); returns its index."""
    wires = draw(st.lists(st.sampled_from(WIRE_NAMES), max_size=5, unique=True))
    fields = [
        FieldSpec(wire, draw(type_specs(depth, ctx)), draw(st.sampled_from(MODES)), draw(st.one_of(st.just(""), TEXT)))
        for wire in wires
    ]
    ctx["models"].append(ModelSpec(f"M{len(ctx['models'])}", fields))
    return len(ctx["models"]) - 1


@st.composite
def model_sets(draw: Any) -> ModelSet:
    ctx: dict[str, Any] = {"enums": [], "models": []}
    params = draw(model_specs(1, ctx))
    result = draw(model_specs(1, ctx))
    return build(ModelSet(ctx["enums"], ctx["models"], params, result))


def build(spec: ModelSet) -> ModelSet:
    for name, values in spec.enums:
        members = [(f"V{i}", v) for i, v in enumerate(values)]
        spec.enum_classes.append(Enum(name, members, type=str) if isinstance(values[0], str) else IntEnum(name, members))
    for model in spec.models:
        definitions: dict[str, Any] = {}
        for i, f in enumerate(model.fields):
            tp = python_type(f.type, spec)
            extra = {"alias": f.wire, "description": f.description or None}
            if f.mode == "required":
                definitions[f"f{i}"] = (tp, Field(..., **extra))
            elif f.mode == "nullable":
                definitions[f"f{i}"] = (Optional[tp], Field(..., **extra))
            elif f.mode == "optional_none" or f.type[0] in ("model", "any"):
                definitions[f"f{i}"] = (Optional[tp], Field(None, **extra))
            elif f.type[0] in ("list", "set", "dict"):
                # "nullable_default": Optional[T] with a non-null default, where null and left out differ.
                factory = {"list": list, "set": set, "dict": dict}[f.type[0]]
                definitions[f"f{i}"] = (Optional[tp] if f.mode == "nullable_default" else tp, Field(default_factory=factory, **extra))
            elif (default := default_of(f.type, spec)) is not None:
                definitions[f"f{i}"] = (Optional[tp] if f.mode == "nullable_default" else tp, Field(default, **extra))
            else:
                definitions[f"f{i}"] = (Optional[tp], Field(None, **extra))
        spec.classes.append(create_model(model.name, **definitions))

    async def handler(conn: Any, params: Any) -> Any:
        raise NotImplementedError

    handler.__annotations__ = {"params": spec.classes[spec.params], "return": spec.classes[spec.result]}
    spec.registry.rpc("random.call")(handler)
    return spec


def default_of(t: tuple[Any, ...], spec: ModelSet) -> Any:
    """A non-null default for an optional field of type ``t``, where an obvious one exists."""
    if t[0] == "enum":
        return spec.enum_classes[t[1]](spec.enums[t[1]][1][0])
    if t[0] == "literal":
        return t[1][0]
    if t[0] == "scalar":
        return {"string": "d", "integer": 3, "number": 0.5, "boolean": True, "date": dt.date(2024, 2, 29)}.get(t[1])
    return None


def python_type(t: tuple[Any, ...], spec: ModelSet) -> Any:
    kind = t[0]
    if kind == "scalar":
        return {
            "string": str, "integer": int, "number": float, "boolean": bool, "datetime": dt.datetime, "date": dt.date,
            "time": dt.time, "duration": dt.timedelta, "uuid": uuid.UUID, "decimal": Decimal, "bytes": bytes, "any": Any,
        }[t[1]]
    if kind == "enum":
        return spec.enum_classes[t[1]]
    if kind == "literal":
        return Literal[t[1]]
    if kind == "list":
        return List[python_type(t[1], spec)]  # type: ignore[misc]
    if kind == "set":
        return Set[python_type(t[1], spec)]  # type: ignore[misc]
    if kind == "dict":
        return Dict[str, python_type(t[1], spec)]  # type: ignore[misc]
    if kind == "nullable":
        return Optional[python_type(t[1], spec)]
    if kind == "tuple":
        return Tuple[tuple(python_type(i, spec) for i in t[1])]  # type: ignore[misc]
    if kind == "union":
        return Union[tuple(python_type(v, spec) for v in t[1])]  # type: ignore[misc]
    return spec.classes[t[1]]


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def value_of(t: tuple[Any, ...], spec: ModelSet, params: bool) -> st.SearchStrategy[Any]:
    """Python values for a field of type ``t``; ``params``: some optional fields are left out."""
    kind = t[0]
    if kind == "scalar":
        return {
            "string": TEXT,
            "integer": st.integers(-(2**53) + 1, 2**53 - 1),
            "number": st.floats(allow_nan=False, allow_infinity=False),
            "boolean": st.booleans(),
            "datetime": st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=ZONES),
            "date": st.dates(),
            "time": st.times(),
            "duration": st.timedeltas(-dt.timedelta(days=999), dt.timedelta(days=999)),
            "uuid": st.uuids(),
            "decimal": st.decimals(allow_nan=False, allow_infinity=False),
            "bytes": st.text("abc xyz-é", max_size=6).map(str.encode),
            "any": ANY_JSON,
        }[t[1]]
    if kind == "enum":
        return st.sampled_from(spec.enums[t[1]][1])
    if kind == "literal":
        return st.sampled_from(t[1])
    if kind in ("list", "set"):
        return st.lists(value_of(t[1], spec, params), max_size=3)
    if kind == "dict":
        return st.dictionaries(TEXT, value_of(t[1], spec, params), max_size=3)
    if kind == "nullable":
        return st.none() | value_of(t[1], spec, params)
    if kind == "tuple":
        return st.tuples(*(value_of(i, spec, params) for i in t[1]))
    if kind == "union":
        return st.one_of(*(value_of(v, spec, params) for v in t[1]))
    return model_value(t[1], spec, params)


@st.composite
def model_value(draw: Any, index: int, spec: ModelSet, params: bool) -> dict[str, Any]:
    """A model's value by wire names; an explicit null only where the field admits it."""
    out: dict[str, Any] = {}
    for f in spec.models[index].fields:
        required = f.mode in ("required", "nullable")
        if params and not required and draw(st.booleans()):
            continue  # left out
        if f.mode != "required" and f.mode != "default" and draw(st.integers(0, 3)) == 0:
            out[f.wire] = None
        else:
            out[f.wire] = draw(value_of(f.type, spec, params))
    return out
