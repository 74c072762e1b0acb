"""Registry → :class:`Api`, through Pydantic's JSON schema.

Params models are read in validation mode (what the service accepts), result models in
serialization mode (what it sends). Pydantic resolves nesting into ``$defs``; each def
becomes one named model or enum, every other schema an anonymous type expression.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .kinds import ScalarKind
from .names import type_name
from ..runtime.registry import Handler, Registry, field_location
from .diagnose import SchemaError, locate_def, schema_failure, schema_hook_failure, walk_models
from .model import (
    CONSTRAINT_TEXT,
    Api,
    Array,
    Channel,
    ChannelHistory,
    EnumModel,
    Field,
    Literal,
    Map,
    Method,
    NO_DEFAULT,
    Nullable,
    ObjectModel,
    Ref,
    Scalar,
    Tuple,
    TypeRef,
    Union,
)

__all__ = ["SchemaError", "parse_api"]

_STRING_FORMATS: dict[str, ScalarKind] = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "duration": "duration",
    "uuid": "uuid",
    "binary": "bytes",
}


class _Schema(GenerateJsonSchema):
    """Pydantic's generator with changes that make SDK types exact and names readable.

    Decimal: Pydantic describes it as ``number | string``, which cannot be told apart
    from a real union; on the wire (JSON mode) a Decimal is a string, so say so (with
    its limits). It also records which class and mode each definition comes from.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sources: dict[Any, tuple[str, str]] = {}  # Pydantic's unique def ref → (core ref, mode)
        self._classes: dict[str, Any] = {}  # core ref → the model class
        # final def name → the (dotted class path, mode) pairs it stands for: what _assign_names reads
        self.origins: dict[str, set[tuple[str, str]]] = {}

    def decimal_schema(self, schema: Any) -> Any:
        limits = {"maxDigits": "max_digits", "decimalPlaces": "decimal_places", "minimum": "ge",
                  "exclusiveMinimum": "gt", "maximum": "le", "exclusiveMaximum": "lt", "multipleOf": "multiple_of"}
        out = {"type": "string", "format": "decimal"}
        out.update({key: _json_number(schema[name]) for key, name in limits.items() if schema.get(name) is not None})
        return out

    def enum_schema(self, schema: Any) -> Any:
        # The members' names are part of every SDK's API (Priority.LOW): keep them beside the values.
        out = super().enum_schema(schema)
        members = schema.get("members", ())
        if "enum" in out and [m.value for m in members] == out["enum"]:
            out["x-member-names"] = [m.name for m in members]
        return out

    def model_schema(self, schema: Any) -> Any:
        self._classes[schema.get("ref", "")] = schema["cls"]
        return super().model_schema(schema)

    def get_defs_ref(self, core_mode_ref: Any) -> Any:
        defs_ref = super().get_defs_ref(core_mode_ref)
        self._sources[defs_ref] = core_mode_ref
        return defs_ref

    def _build_definitions_remapping(self) -> Any:
        remapping = super()._build_definitions_remapping()
        for unique, (core_ref, mode) in self._sources.items():
            if core_ref in self._classes:
                path = _class_path(self._classes[core_ref])
            else:  # "pkg.mod.Color:123" → "pkg.mod.Color", as Pydantic strips ids
                path = "".join(part.rsplit(":", 1)[0] for part in re.split(r"([\][,])", core_ref))
            self.origins.setdefault(remapping.defs_remapping.get(unique, unique), set()).add((path, mode))
        return remapping

    def field_is_required(self, field: Any, total: bool) -> bool:
        # A result always carries every field (defaults included), so in results a
        # defaulted field is required: SDKs then type it as always present.
        if self.mode == "serialization":
            return not field.get("serialization_exclude")
        return super().field_is_required(field, total)


def _class_path(tp: Any) -> str:
    """``pkg.mod.Page[app.tasks.Task,builtins.int]``: a class with its module, and its type arguments'."""
    meta = getattr(tp, "__pydantic_generic_metadata__", None) or {}
    if meta.get("origin") is not None:
        return f"{_class_path(meta['origin'])}[{','.join(_class_path(a) for a in meta['args'])}]"
    if isinstance(tp, type):
        return f"{tp.__module__}.{tp.__qualname__}"
    return re.sub(r"[^\w.]+", "_", repr(tp)).strip("_")  # list[int] and other forms: one word


class _Unmappable(Exception):
    """A schema no SDK type expresses; ``parse_api`` turns it into a located SchemaError."""

    def __init__(self, def_name: str, field: str | None, rule: str, fix: str) -> None:
        super().__init__(rule)
        self.def_name, self.field, self.rule, self.fix = def_name, field, rule, fix


def parse_api(handlers: Iterable[Handler], channels: Iterable[Any] | None = None) -> Api:
    """The API of ``handlers`` and of ``channels`` (``runtime.channels.Channel``s; by default a
    registry's own, so a service's ``system.api_version`` hashes what the build hashes)."""
    if channels is None:
        channels = handlers.channels() if isinstance(handlers, Registry) else ()
    declared = sorted(channels, key=lambda c: c.name)
    handlers = sorted(handlers, key=lambda h: h.method)
    # Event models are diagnosed as results are: a stand-in handler per model names the channel.
    sources = handlers + [
        Handler(f"channel {c.name}", c.publish, m, m, False, None) for c in declared for m in c.event_models
    ]
    walk_models(sources)  # refuses unresolvable forward references and open generics, by field
    keys: list[tuple[Any, Any, Any]] = []
    for h in handlers:
        keys.append((h.params_model, "validation", h.params_model.__pydantic_core_schema__))
        keys.append((h.result_model, "serialization", h.result_model.__pydantic_core_schema__))
    for c in declared:
        keys.append((("channel", c.name), "serialization", c.adapter.core_schema))
    try:
        generator = _Schema(ref_template="#/$defs/{model}")
        refs, definitions = generator.generate_definitions(keys)
    except Exception as exc:  # PydanticSchemaGenerationError, PydanticInvalidForJsonSchema, ...
        raise schema_failure(sources, exc, _Schema) from None
    defs: dict[str, Any] = {str(name): schema for name, schema in definitions.items()}
    names = _assign_names(defs, generator.origins)
    converter = _Converter(defs, names)

    methods = []
    for h in handlers:
        params = names[_ref_name(refs[(h.params_model, "validation")]["$ref"])]
        result = names[_ref_name(refs[(h.result_model, "serialization")]["$ref"])]
        methods.append(Method(h.method, params, result, h.doc, h.requires_auth))
    events = {c.name: converter.type(refs[(("channel", c.name), "serialization")], (c.name, "")) for c in declared}

    models: list[ObjectModel] = []
    enums: list[EnumModel] = []
    converted: set[str] = set()
    for def_name in sorted(defs, key=lambda d: (names[d], d)):
        if names[def_name] in converted:  # one model in both modes with one form: converted once
            continue
        converted.add(names[def_name])
        try:
            item = converter.definition(def_name)
        except _Unmappable as exc:
            raise _located(sources, defs, exc) from None
        if isinstance(item, EnumModel):
            enums.append(item)
        else:
            models.append(item)
    by_name = {names[d]: d for d in sorted(defs)}

    def locate(model: str, field: str | None) -> str:
        return _place(sources, defs, by_name.get(model, model), field)[0]

    return Api(
        tuple(methods), tuple(models), tuple(enums), locator=locate,
        channels=tuple(_channel(c, events[c.name]) for c in declared),
    )


def _channel(c: Any, event: TypeRef) -> Channel:
    history = ChannelHistory(c.history.size, c.history.ttl, c.history.recover) if c.history else None
    return Channel(c.name, c.pattern, c.params, event, c.description, c.access, c.user_param, history)


def _place(handlers: list[Handler], defs: dict[str, Any], def_name: str, field: str | None) -> tuple[str, Any]:
    """(file:line, class) of a schema definition, or of its field named by wire name."""
    where, cls = locate_def(handlers, def_name, defs.get(def_name, {}).get("title"))
    if field is not None and cls is not None and issubclass(cls, BaseModel):  # the schema names fields by alias
        attribute = next((n for n, f in cls.model_fields.items() if field in (n, f.alias, f.serialization_alias)), field)
        where = field_location(cls, attribute)
    return where, cls


def _located(handlers: list[Handler], defs: dict[str, Any], exc: _Unmappable) -> SchemaError:
    where, cls = _place(handlers, defs, exc.def_name, exc.field)
    model = cls.__name__ if cls is not None else exc.def_name
    hooked = schema_hook_failure(cls, exc.field) if exc.field and isinstance(cls, type) and issubclass(cls, BaseModel) else None
    if hooked is not None:
        return SchemaError(where, f"model {model!r}, field {exc.field!r}", *hooked)
    if exc.field is None:
        return SchemaError(where, f"model {model!r}", exc.rule, exc.fix)
    return SchemaError(where, f"model {model!r}, field {exc.field!r}", exc.rule, exc.fix)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _assign_names(defs: dict[str, Any], origins: dict[str, set[tuple[str, str]]]) -> dict[str, str]:
    """Schema def name → the identifier every SDK uses: unique, readable, stable across runs.

    A model is named after its class (the schema title; ``Page[Task]`` → ``PageTask``).
    Classes of one name from different modules take the last module component(s) as a
    prefix (``tasks.Task``, ``todos.Task`` → ``TasksTask``, ``TodosTask``). A class whose
    params and result forms differ gets ``Input`` / ``Output``; when they are the same, the
    two defs Pydantic may make of it share one name (``parse_api`` converts it once).
    """
    source = {d: _source(d, origins) for d in defs}
    groups: dict[str, list[str]] = {}
    for d in sorted(defs):
        groups.setdefault(type_name(defs[d].get("title") or d), []).append(d)
    names: dict[str, str] = {}
    for title, group in sorted(groups.items()):
        qualified = _qualified_names(title, {source[d][0] for d in group})
        for d in group:
            same = [o for o in group if qualified[source[o][0]] == qualified[source[d][0]]]
            suffix = {"validation": "Input", "serialization": "Output"}.get(source[d][1], "")
            several_modes = len({source[o][1] for o in same}) > 1
            names[d] = qualified[source[d][0]] + (suffix if several_modes else "")
    twin_of = _merge_identical_modes(defs, source, names)
    taken: set[str] = set()
    for d in sorted(defs, key=lambda d: (names[d], d)):
        if d in twin_of:
            continue
        candidate, n = names[d], 2
        while candidate in taken:
            candidate, n = f"{names[d]}{n}", n + 1
        taken.add(candidate)
        names[d] = candidate
    for d, twin in twin_of.items():
        names[d] = names[twin]
    return names


def _source(def_name: str, origins: dict[str, set[tuple[str, str]]]) -> tuple[str, str]:
    """(dotted class path, mode) of a def; mode "" when it serves both modes."""
    found = origins.get(def_name) or {(def_name, "")}
    modes = {mode for _, mode in found}
    return min(path for path, _ in found), modes.pop() if len(modes) == 1 else ""


def _qualified_names(title: str, paths: set[str]) -> dict[str, str]:
    """Dotted class path → ``title``, prefixed by module components where classes of one name differ."""
    if len(paths) == 1:
        return {path: title for path in paths}
    components = {path: [c for c in re.split(r"[\][,]", path) if c] for path in paths}
    paths_by_short: dict[str, set[str]] = {}
    for parts in components.values():
        for c in parts:
            paths_by_short.setdefault(c.rsplit(".", 1)[-1], set()).add(c)
    ambiguous = {c for group in paths_by_short.values() if len(group) > 1 for c in group}
    named: dict[str, str] = {}
    for k in range(1, 1 + max(c.count(".") for parts in components.values() for c in parts)):
        named = {path: _qualify(title, parts, ambiguous, k) for path, parts in components.items()}
        if len(set(named.values())) == len(paths):
            break
    return named


def _qualify(title: str, parts: list[str], ambiguous: set[str], k: int) -> str:
    """``title`` with the last ``k`` module components of each ambiguous class in it."""
    words, prefixes = [], []
    for c in parts:
        *modules, short = c.split(".")
        words.append(" ".join([*modules[-k:], short]) if c in ambiguous else short)
        prefixes += modules[-k:] if c in ambiguous else []
    if type_name(" ".join(c.rsplit(".", 1)[-1] for c in parts)) != title:  # a title set in the config
        return type_name(" ".join(prefixes)) + title
    return type_name(" ".join(words))


def _merge_identical_modes(defs: dict[str, Any], source: dict[str, tuple[str, str]], names: dict[str, str]) -> dict[str, str]:
    """A class's Input and Output defs take one name when their schemas are the same.

    Models may refer to each other, so this starts by assuming every such pair the same
    and drops the pairs that differ until none does. Returns merged def → its twin.
    """
    by_class: dict[str, list[str]] = {}
    for d in sorted(defs):
        by_class.setdefault(source[d][0], []).append(d)
    pairs = {
        (a, b)
        for group in by_class.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if _without_mode(names[a]) and _without_mode(names[a]) == _without_mode(names[b]) and names[a] != names[b]
    }
    while True:
        assumed = dict(names)
        for a, b in pairs:
            assumed[a] = assumed[b] = _without_mode(names[a])
        differ = {(a, b) for a, b in pairs if _canonical(defs[a], assumed) != _canonical(defs[b], assumed)}
        if not differ:
            names.update(assumed)
            return {b: a for a, b in sorted(pairs)}
        pairs -= differ


def _without_mode(name: str) -> str:
    for suffix in ("Input", "Output"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def _canonical(schema: Any, names: dict[str, str]) -> str:
    """The schema as text, each ``$ref`` replaced by the name its target has now."""
    text = json.dumps(schema, sort_keys=True)
    return re.sub(r'"\$ref": "#/\$defs/([^"]*)"', lambda m: json.dumps(names.get(m.group(1), m.group(1))), text)


def _constraints(s: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A field's validation limits: its own, its non-null variant's, and its items' (one level)."""
    variants = [v for v in s.get("anyOf", ()) if v.get("type") != "null"]
    own = variants[0] if len(variants) == 1 else s
    implied = {"minItems", "maxItems"} if "prefixItems" in own else set()  # a tuple's length is its type
    found = [(key, own[key]) for key in CONSTRAINT_TEXT if key in own and key not in implied]
    items: dict[str, Any] = own["items"] if isinstance(own.get("items"), dict) else {}
    found += [(f"items.{key}", items[key]) for key in CONSTRAINT_TEXT if key in items]
    return tuple(found)


def _json_number(value: Any) -> Any:
    """A Decimal limit as JSON shows it: an int when whole, else a float."""
    number = float(value)
    return int(number) if number.is_integer() else number


_ONE_TYPE = (
    "use a standard type (str, int, float, bool, datetime, a model, a list or dict of those) "
    "or a union of them; remove any json_schema_extra that changes 'type'"
)


class _Converter:
    def __init__(self, defs: dict[str, Any], names: dict[str, str]) -> None:
        self.defs = defs
        self.names = names

    def definition(self, def_name: str) -> ObjectModel | EnumModel:
        s = self.defs[def_name]
        name = self.names[def_name]
        description = (s.get("description") or "").strip()
        if "enum" in s:
            return EnumModel(name, tuple(s["enum"]), description, tuple(s.get("x-member-names", ())))
        if s.get("type") != "object" or "properties" not in s and "additionalProperties" in s:
            raise _Unmappable(
                def_name,
                None,
                f"its JSON schema is of type {s.get('type')!r}, not an object with named fields, which "
                "every SDK needs for a model (a RootModel, or a model of only extra fields)",
                "use a BaseModel with named fields, e.g. 'items: list[str]' in place of a RootModel",
            )
        required = set(s.get("required", ()))
        fields = []
        for prop, ps in s.get("properties", {}).items():
            where = (def_name, prop)
            fields.append(
                Field(
                    name=prop,
                    type=self.type(ps, where),
                    required=prop in required,
                    description=(ps.get("description") or "").strip(),
                    default=ps["default"] if "default" in ps else NO_DEFAULT,
                    constraints=_constraints(ps),
                )
            )
        return ObjectModel(name, tuple(fields), description, open=s.get("additionalProperties") is True)

    def type(self, s: dict[str, Any], where: tuple[str, str]) -> TypeRef:
        if "$ref" in s:
            return Ref(self.names[_ref_name(s["$ref"])])
        if "allOf" in s and len(s["allOf"]) == 1:
            return self.type(s["allOf"][0], where)
        variants = s.get("anyOf") or s.get("oneOf")
        if variants:
            discriminator = (s.get("discriminator") or {}).get("propertyName")
            nullable = any(v.get("type") == "null" for v in variants)
            rest = [self.type(v, where) for v in variants if v.get("type") != "null"]
            inner: TypeRef = rest[0] if len(rest) == 1 else Union(tuple(rest), discriminator)
            return Nullable(inner) if nullable else inner
        if "const" in s:
            return Literal((s["const"],))
        if "enum" in s:
            return Literal(tuple(s["enum"]))
        kind = s.get("type")
        if kind is None and not (set(s) - {"title", "description", "default", "examples"}):
            return Scalar("any")
        if isinstance(kind, list):
            raise _Unmappable(*where, f"its schema has several types {kind!r}", _ONE_TYPE)
        if kind == "string":
            fmt = s.get("format", "")
            if fmt == "decimal":
                return Scalar("decimal")
            return Scalar(_STRING_FORMATS.get(fmt, "string"))
        if kind in ("integer", "number", "boolean"):
            return Scalar(kind)
        if kind == "null":
            return Nullable(Scalar("any"))
        if kind == "array":
            if "prefixItems" in s:
                return Tuple(tuple(self.type(i, where) for i in s["prefixItems"]))
            items = s.get("items", {})
            return Array(self.type(items, where), unique=bool(s.get("uniqueItems")))
        if kind == "object":
            if "properties" in s:
                raise _Unmappable(
                    *where, "its schema is an inline object, which SDKs cannot name", "declare it as a model class"
                )
            extra = s.get("additionalProperties", True)
            return Map(Scalar("any") if extra is True else self.type(extra, where))
        raise _Unmappable(*where, f"its schema {s!r} has no SDK type", _ONE_TYPE)
