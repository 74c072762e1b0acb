"""Registry → :class:`Api`, through Pydantic's JSON schema.

Params models are read in validation mode (what the service accepts), result models in
serialization mode (what it sends). Pydantic resolves nesting into ``$defs``; each def
becomes one named model or enum, every other schema an anonymous type expression.
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ..naming import type_name
from ..registry import Handler, field_location
from .diagnose import SchemaError, locate_def, schema_failure, walk_models
from .model import (
    Api,
    Array,
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

_STRING_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "duration": "duration",
    "uuid": "uuid",
    "binary": "bytes",
}


class _Schema(GenerateJsonSchema):
    """Pydantic's generator with two changes that make SDK types exact.

    Decimal: Pydantic describes it as ``number | string``, which cannot be told apart
    from a real union; on the wire (JSON mode) a Decimal is a string, so say so.
    """

    def decimal_schema(self, schema: Any) -> Any:
        return {"type": "string", "format": "decimal"}

    def field_is_required(self, field: Any, total: bool) -> bool:
        # A result always carries every field (defaults included), so in results a
        # defaulted field is required: SDKs then type it as always present.
        if self.mode == "serialization":
            return not field.get("serialization_exclude")
        return super().field_is_required(field, total)


class _Unmappable(Exception):
    """A schema no SDK type expresses; ``parse_api`` turns it into a located SchemaError."""

    def __init__(self, def_name: str, field: str | None, rule: str, fix: str) -> None:
        super().__init__(rule)
        self.def_name, self.field, self.rule, self.fix = def_name, field, rule, fix


def parse_api(handlers: Iterable[Handler]) -> Api:
    handlers = sorted(handlers, key=lambda h: h.method)
    walk_models(handlers)  # refuses unresolvable forward references and open generics, by field
    keys: list[tuple[Any, Any]] = []
    for h in handlers:
        keys.append((h.params_model, "validation"))
        keys.append((h.result_model, "serialization"))
    try:
        refs, schema = models_json_schema(
            keys, ref_template="#/$defs/{model}", schema_generator=_Schema
        )
    except Exception as exc:  # PydanticSchemaGenerationError, PydanticInvalidForJsonSchema, ...
        raise schema_failure(handlers, exc, _Schema) from None
    defs: dict[str, Any] = schema.get("$defs", {})
    names = _assign_names(defs)
    converter = _Converter(defs, names)

    methods = []
    for h in handlers:
        params = names[_ref_name(refs[(h.params_model, "validation")]["$ref"])]
        result = names[_ref_name(refs[(h.result_model, "serialization")]["$ref"])]
        methods.append(Method(h.method, params, result, h.doc, h.requires_auth))

    models: list[ObjectModel] = []
    enums: list[EnumModel] = []
    for def_name in sorted(defs, key=lambda d: names[d]):
        try:
            item = converter.definition(def_name)
        except _Unmappable as exc:
            raise _located(handlers, defs, exc) from None
        (enums if isinstance(item, EnumModel) else models).append(item)
    return Api(tuple(methods), tuple(models), tuple(enums))


def _located(handlers: list[Handler], defs: dict[str, Any], exc: _Unmappable) -> SchemaError:
    where, cls = locate_def(handlers, exc.def_name, defs[exc.def_name].get("title"))
    model = cls.__name__ if cls is not None else exc.def_name
    if exc.field is None:
        return SchemaError(where, f"model {model!r}", exc.rule, exc.fix)
    if cls is not None and issubclass(cls, BaseModel):  # the schema names fields by alias; the class by attribute
        attribute = next((n for n, f in cls.model_fields.items() if exc.field in (n, f.alias, f.serialization_alias)), exc.field)
        where = field_location(cls, attribute)
    return SchemaError(where, f"model {model!r}, field {exc.field!r}", exc.rule, exc.fix)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _assign_names(defs: dict[str, Any]) -> dict[str, str]:
    """Schema def name → the identifier every SDK uses, unique and readable.

    A model is named after its class (the schema title). Where several defs share a
    title (same class name in two modules, or a model whose input and output forms
    differ), each keeps Pydantic's qualified def name ("pkg__mod__Task", "Task-Input").
    """
    by_title: dict[str, list[str]] = {}
    for def_name in sorted(defs):
        by_title.setdefault(type_name(defs[def_name].get("title") or def_name), []).append(def_name)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for title, group in sorted(by_title.items()):
        for def_name in group:
            base = title if len(group) == 1 else type_name(def_name)
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}{n}", n + 1
            taken.add(candidate)
            names[def_name] = candidate
    return names


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
            return EnumModel(name, tuple(s["enum"]), description)
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
                )
            )
        return ObjectModel(name, tuple(fields), description)

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
            fmt = s.get("format")
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
