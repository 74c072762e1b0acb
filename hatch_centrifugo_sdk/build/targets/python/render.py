"""Api → the source tree of an installable Python SDK: a hatchling project with a typed package.

The generated modules import the standard library and Pydantic under private aliases
(``_dt``, ``_pd``, ...): a field may well be called ``date`` or ``uuid``, and inside a class
body that name would shadow the type. Builtin types keep their plain names;
``naming.python_model_fields`` renames the rare field that would shadow one of them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from . import names as naming
from ....runtime.errors import ERROR_CODES, ErrorCode
from ....ir.kinds import ScalarTable, assert_never
from ....ir.model import (
    Api,
    Array,
    Channel,
    EnumModel,
    Field,
    Literal,
    Map,
    Method,
    Nullable,
    ObjectModel,
    Ref,
    Scalar,
    Tuple,
    TypeRef,
    Union,
    describe_constraints,
    walk,
)
from ... import text as text_rules
from ...render import SdkInfo, render_template
from .options import PythonOptions

DEPENDENCIES = ("centrifuge-python>=0.7,<0.8", "pydantic>=2.6,<3")

# IR scalar kind → (annotation in the SDK's code, as the README shows it).
_SCALARS: ScalarTable[tuple[str, str]] = {
    "string": ("str", "str"),
    "integer": ("int", "int"),
    "number": ("float", "float"),
    "boolean": ("bool", "bool"),
    "any": ("_t.Any", "Any"),
    "datetime": ("_dt.datetime", "datetime"),
    "date": ("_dt.date", "date"),
    "time": ("_dt.time", "time"),
    "duration": ("_dt.timedelta", "timedelta"),
    "uuid": ("_uuid.UUID", "UUID"),
    "decimal": ("_decimal.Decimal", "Decimal"),
    "bytes": ("_Utf8Bytes", "bytes"),  # the wire carries UTF-8 text: see models.py.j2
}

# The Python types a JSON value of each kind may have to be written as a literal of it; the
# other kinds (strings the models parse) are left to validation.
_LITERAL_TYPES: ScalarTable[tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float), "any": (),
    "datetime": (), "date": (), "time": (), "duration": (), "uuid": (), "decimal": (), "bytes": (),
}
# The README's sample value per kind; ``...`` where none is obvious.
_EXAMPLES: ScalarTable[str] = {
    "string": '"text"', "integer": "1", "number": "1.0", "boolean": "True", "any": "...",
    "datetime": "...", "date": "...", "time": "...", "duration": "...", "uuid": "...", "decimal": "...",
    "bytes": "...",
}

# The SDK module each template becomes, inside the import package.
_MODULES = ("__init__.py", "_version.py", "api.py", "client.py", "errors.py", "models.py", "subscriptions.py")


def render(api: Api, sdk: SdkInfo[PythonOptions]) -> dict[str, str]:
    """The complete project: ``pyproject.toml``, ``README.md`` and the import package."""
    context = _context(api, sdk)
    files = {
        "pyproject.toml": render_template("python", "pyproject.toml.j2", **context),
        "README.md": render_template("python", "README.md.j2", **context),
        f"{sdk.options.import_name}/py.typed": "",
    }
    for module in _MODULES:
        files[f"{sdk.options.import_name}/{module}"] = render_template("python", f"{module}.j2", **context)
    if sdk.changelog is not None:  # inside the package: a wheel carries only the package
        files[f"{sdk.options.import_name}/CHANGELOG.md"] = sdk.changelog
    if sdk.metadata.license_text is not None:  # license-files puts it in the wheel's .dist-info
        files["LICENSE"] = sdk.metadata.license_text
    return dict(sorted(files.items()))


# ---------------------------------------------------------------------------
# What the templates show


@dataclass(frozen=True)
class FieldView:
    attr: str  # the Python attribute
    wire: str
    annotation: str
    doc_type: str  # the annotation as the README shows it
    value: str | None  # the default as a plain ``= value``, when no Field(...) is needed
    field_args: tuple[str, ...]  # Field(...) arguments; empty when none are needed
    comment: str  # a one-line comment above the field ("Constraints: ..."), or ""
    required: bool
    default_json: str  # for the README: the JSON default, "" when there is none
    description: str


@dataclass(frozen=True)
class ModelView:
    name: str
    docstring: str  # a complete, indented string literal, or ""
    description: str
    fields: tuple[FieldView, ...]
    open: bool = False  # extra="allow": undeclared members are kept


@dataclass(frozen=True)
class EnumView:
    name: str
    bases: str
    docstring: str
    description: str
    members: tuple[tuple[str, str], ...]  # (member name, value literal)


@dataclass(frozen=True)
class MethodView:
    name: str
    wire: str
    wire_literal: str
    params: str
    result: str
    docstring: str
    description: str
    requires_auth: bool


@dataclass(frozen=True)
class ChannelView:
    name: str  # the APIClient member, named as a method would be
    pattern: str
    params: tuple[str, ...]
    channel_expr: str  # a Python f-string building the Centrifugo channel from the parameters
    event: str  # the event's annotation: a model, or a union of models
    adapter: str  # the TypeAdapter's type (the union with its discriminator)
    tag: str  # the tag field's literal, "None" without one
    docstring: str


@dataclass(frozen=True)
class ErrorView:
    cls: str
    code: int
    temporary: bool
    meaning: str
    docstring: str


def _context(api: Api, sdk: SdkInfo[PythonOptions]) -> dict[str, Any]:
    types = _Types(api)
    models = [_model_view(m, types) for m in api.models]
    lenient = sorted(types.lenient_used)
    enums = [_enum_view(e) for e in api.enums]
    methods = [_method_view(m) for m in api.methods]
    channels = [_channel_view(c, types) for c in api.channels]
    errors = [_error_view(e) for e in ERROR_CODES]
    errors_by_code = {e.code: e for e in errors}
    type_names = sorted([m.name for m in models] + [e.name for e in enums])
    meta = sdk.metadata
    description = meta.describe(f"Typed Python client for the {sdk.service_name} RPC API, called through Centrifugo")
    urls = [("Homepage", meta.homepage), ("Repository", meta.repository)]
    example = methods[0] if methods else None
    return {
        "sdk": sdk,
        "toml": {
            "name": _toml_string(sdk.options.package),
            "version": _toml_string(sdk.version),
            "description": _toml_string(description),
            "dependencies": [_toml_string(d) for d in DEPENDENCIES],
            "package": _toml_string(sdk.options.import_name),
            "license": _toml_string(meta.license) if meta.license else None,
            "license_file": meta.license_text is not None,
            "authors": [
                ", ".join(f"{key} = {_toml_string(value)}" for key, value in (("name", name), ("email", email)) if value)
                for name, email in meta.authors
            ],
            "keywords": [_toml_string(k) for k in meta.keywords],
            "urls": [(_toml_string(label), _toml_string(url)) for label, url in urls if url],
        },
        "description": description,
        "dependencies": DEPENDENCIES,
        "models": models,
        "enums": enums,
        "methods": methods,
        "channels": channels,
        "errors": errors,
        "timeout_error": errors_by_code[1],
        "closed_error": errors_by_code[2],
        "token_error": errors_by_code[5],
        "payload_error": errors_by_code[413],
        "max_params_bytes": sdk.max_params_bytes,
        "type_names": type_names,
        "error_exports": sorted(["RpcError", *(e.cls for e in errors)]),
        "exports": sorted(
            [*naming.PYTHON_SDK_EXPORTS, *(e.cls for e in errors)]
            + type_names
        ),
        "stdlib_imports": types.stdlib_imports(),
        "utf8_bytes": "bytes" in _kinds_used(api),
        "lenient_enums": [(naming.python_type(e), _lenient_alias(e)) for e in lenient],
        "api_types": sorted(
            {m.params for m in methods} | {m.result for m in methods}
            | {naming.python_type(r.name) for c in api.channels for r in walk(c.event) if isinstance(r, Ref)}
        ),
        "example_method": example,
        "example_call": _example_call(api, example, types) if example else "",
        "cell": _table_cell,
        "py_literal": _py,
    }


def _model_view(model: ObjectModel, types: _Types) -> ModelView:
    attrs = naming.python_model_fields([f.name for f in model.fields], types.class_names)
    lenient = model.name in types.received
    return ModelView(
        naming.python_type(model.name),
        _docstring(model.description, "    "),
        model.description,
        tuple(_field_view(f, attr, types, lenient) for f, attr in zip(model.fields, attrs)),
        model.open,
    )


def _lenient_alias(enum: str) -> str:
    """The annotation of an enum in results: unknown values become pseudo-members."""
    return f"_{naming.python_type(enum)}OrUnknown"


def _field_view(field: Field, attr: str, types: _Types, lenient: bool = False) -> FieldView:
    annotation = types.code(field.type, lenient)
    doc_type = types.doc(field.type)
    args: list[str] = []
    value: str | None = None
    if not field.required:
        if field.has_default and field.default is not None:
            value, factory = _default(field.default, field.type, types)
            if factory:
                args.append(f"default_factory={factory}")
        else:
            # Optional without a default of its own: absent stays absent (exclude_unset),
            # and the attribute reads None.
            value = "None"
            if not _admits_none(field.type):
                annotation, doc_type = f"{annotation} | None", f"{doc_type} | None"
    if attr != field.name:
        args += [f"validation_alias={_py(field.name)}", f"serialization_alias={_py(field.name)}"]
    if field.description:
        args.append(f"description={_py(field.description)}")
    if args and value is not None:
        args.insert(0, f"default={value}")
        value = None
    return FieldView(
        attr,
        field.name,
        annotation,
        doc_type,
        value,
        tuple(args),
        _comment(describe_constraints(field.constraints)),
        field.required,
        json.dumps(field.default, ensure_ascii=False) if field.has_default else "",
        field.description,
    )


def _default(default: Any, t: TypeRef, types: _Types) -> tuple[str | None, str | None]:
    """(plain default, default_factory) for a non-null JSON default of type ``t``."""
    if default == [] and isinstance(default, list) or default == {} and isinstance(default, dict):
        inner = t.inner if isinstance(t, Nullable) else t
        if isinstance(default, dict):
            return None, "dict"
        return None, types.collection(inner) if isinstance(inner, Array) else "list"
    literal = types.literal(default, t)
    if literal is not None:
        return literal, None
    # Dates, decimals, models, ...: the JSON default, validated as the server would.
    target = types.code(t.inner if isinstance(t, Nullable) else t)
    text = json.dumps(default, ensure_ascii=False, sort_keys=True)
    return None, f"lambda: _pd.TypeAdapter[{target}]({target}).validate_json({_py(text)})"


def _admits_none(t: TypeRef) -> bool:
    return isinstance(t, Nullable) or t == Scalar("any")


def _enum_view(enum: EnumModel) -> EnumView:
    if all(isinstance(v, str) for v in enum.values):
        bases = "str, _enum.Enum"
    elif all(type(v) is int for v in enum.values):
        bases = "_enum.IntEnum"
    else:
        bases = "_enum.Enum"
    members = naming.unique(naming.python_enum_member(n) for n in enum.member_names(naming.enum_member))
    return EnumView(
        naming.python_type(enum.name),
        bases,
        _docstring(enum.description, "    "),
        enum.description,
        tuple(zip(members, (_py(v) for v in enum.values))),
    )


def _method_view(method: Method) -> MethodView:
    return MethodView(
        naming.python_method(method.name),
        method.name,
        _py(method.name),
        naming.python_type(method.params),
        naming.python_type(method.result),
        _docstring(method.description, "        "),
        method.description,
        method.requires_auth,
    )


def _channel_view(channel: Channel, types: _Types) -> ChannelView:
    rest = channel.pattern.partition(":")[2]
    for param in channel.params:  # fixed text is letters, digits and _ . - / | = @ +: safe in an f-string
        rest = rest.replace("{" + param + "}", "{_subs.channel_param('" + param + "', " + param + ")}")
    about = channel.description or f"Events of the channel {channel.pattern}."
    discriminator = channel.event.discriminator if isinstance(channel.event, Union) else None
    return ChannelView(
        naming.python_method(channel.name),
        channel.pattern,
        channel.params,
        ("f" if channel.params else "") + _py(f"{channel.name}:{rest}"),
        types.doc(channel.event),
        types.code(channel.event, lenient=True),
        _py(discriminator) if discriminator else "None",
        _docstring(f"{about}\n\nA typed subscription to {channel.pattern} (not yet subscribed).", "        "),
    )


def _error_view(error: ErrorCode) -> ErrorView:
    return ErrorView(
        naming.python_error_class(error.name),
        error.code,
        error.temporary,
        error.meaning,
        _docstring(f"Code {error.code}: {error.meaning}", "    "),
    )


def _example_call(api: Api, method: MethodView, types: _Types) -> str:
    """``Params(a="text", n=1)``: the required fields of the first method's params, with sample values."""
    wire_params = next(m.params for m in api.methods if m.name == method.wire)
    model = api.model(wire_params)
    attrs = naming.python_model_fields([f.name for f in model.fields], types.class_names)
    args = [f"{attr}={types.example(f.type)}" for f, attr in zip(model.fields, attrs) if f.required]
    return f"{method.params}({', '.join(args)})"


# ---------------------------------------------------------------------------
# Types


class _Types:
    """IR type → Python annotation, default literal or sample value, within one Api."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.class_names = frozenset(
            [naming.python_type(m.name) for m in api.models] + [naming.python_type(e.name) for e in api.enums]
        )
        self._enums = {e.name: e for e in api.enums}
        self.received = _received_models(api)
        self.lenient_used: set[str] = set()  # enums whose lenient alias models.py declares

    def code(self, t: TypeRef, lenient: bool = False) -> str:
        """``lenient``: the type of a field of a model the SDK receives, where enums take unknown values."""
        return self._annotation(t, code=True, lenient=lenient)

    def doc(self, t: TypeRef) -> str:
        return self._annotation(t, code=False)

    def _annotation(self, t: TypeRef, code: bool, lenient: bool = False) -> str:
        def sub(inner: TypeRef) -> str:
            return self._annotation(inner, code, lenient)

        if isinstance(t, Scalar):
            return _SCALARS[t.kind][0 if code else 1]
        if isinstance(t, Ref):
            if code and lenient and t.name in self._enums:
                self.lenient_used.add(t.name)
                return _lenient_alias(t.name)
            return naming.python_type(t.name)
        if isinstance(t, Array):
            return f"{self.collection(t)}[{sub(t.item)}]"
        if isinstance(t, Tuple):
            return f"tuple[{', '.join(sub(i) for i in t.items) or '()'}]"
        if isinstance(t, Map):
            return f"dict[str, {sub(t.value)}]"
        if isinstance(t, Literal):
            return f"{'_t.' if code else ''}Literal[{', '.join(_py(v) for v in t.values)}]"
        if isinstance(t, Union):
            union = " | ".join(sub(v) for v in t.variants)
            if t.discriminator and code:
                return f"_t.Annotated[{union}, _pd.Field(discriminator={_py(t.discriminator)})]"
            return union
        if isinstance(t, Nullable):
            return f"{sub(t.inner)} | None"
        assert_never(t)

    def collection(self, t: Array) -> str:
        # A set of models or lists cannot be built (they are unhashable): keep a list.
        return "set" if t.unique and self._hashable(t.item) else "list"

    def _hashable(self, t: TypeRef) -> bool:
        if isinstance(t, Scalar):
            return t.kind != "any"
        if isinstance(t, Ref):
            return t.name in self._enums
        if isinstance(t, Literal):
            return True
        if isinstance(t, Nullable):
            return self._hashable(t.inner)
        if isinstance(t, Tuple):
            return all(self._hashable(i) for i in t.items)
        if isinstance(t, Union):
            return all(self._hashable(v) for v in t.variants)
        if isinstance(t, (Array, Map)):
            return False  # Python's list and dict are unhashable
        assert_never(t)

    def literal(self, value: Any, t: TypeRef) -> str | None:
        """A Python expression of type ``t`` for the JSON ``value``; None where only validation can build it."""
        if isinstance(t, Nullable):
            return "None" if value is None else self.literal(value, t.inner)
        if isinstance(t, Scalar):
            if t.kind == "any":
                return _json_literal(value)
            fits = type(value) in _LITERAL_TYPES[t.kind] and _json_literal(value) is not None
            return _py(value) if fits else None
        if isinstance(t, Literal):
            return _py(value) if any(type(v) is type(value) and v == value for v in t.values) else None
        if isinstance(t, Ref):
            enum = self._enums.get(t.name)
            if enum is None:
                return None
            members = naming.unique(naming.python_enum_member(n) for n in enum.member_names(naming.enum_member))
            for v, member in zip(enum.values, members):
                if type(v) is type(value) and v == value:
                    return f"{naming.python_type(enum.name)}.{member}"
            return None
        if isinstance(t, Array):
            items = _complete([self.literal(v, t.item) for v in value]) if isinstance(value, list) else None
            if items is None:
                return None
            if self.collection(t) == "set":
                return "{" + ", ".join(items) + "}" if items else "set()"
            return "[" + ", ".join(items) + "]"
        if isinstance(t, Tuple):
            if not isinstance(value, list) or len(value) != len(t.items):
                return None
            items = _complete([self.literal(v, i) for v, i in zip(value, t.items)])
            if items is None:
                return None
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if isinstance(t, Map):
            return _dict_literal(value, lambda v: self.literal(v, t.value)) if isinstance(value, dict) else None
        if isinstance(t, Union):
            for variant in t.variants:
                literal = self.literal(value, variant)
                if literal is not None:
                    return literal
            return None
        assert_never(t)

    def example(self, t: TypeRef) -> str:
        """A sample value for the README's usage example; ``...`` where none is obvious."""
        if isinstance(t, Nullable):
            return "None"
        if isinstance(t, Scalar):
            return _EXAMPLES[t.kind]
        if isinstance(t, Literal):
            return _py(t.values[0])
        if isinstance(t, Ref):
            enum = self._enums.get(t.name)
            if enum is None:
                return "..."  # a model: its fields are the reader's to fill
            member = naming.python_enum_member(enum.member_names(naming.enum_member)[0])
            return f"{naming.python_type(enum.name)}.{member}"
        if isinstance(t, Array):
            return "set()" if self.collection(t) == "set" else "[]"
        if isinstance(t, Map):
            return "{}"
        if isinstance(t, (Tuple, Union)):
            return "..."
        assert_never(t)

    def stdlib_imports(self) -> list[str]:
        """The aliased standard-library imports models.py needs, sorted."""
        used = _kinds_used(self.api)
        typed = bool(used & {"any", "bytes"}) or _uses(self.api, (Literal, Union)) or self.lenient_used
        imports = {"import typing as _t"} if typed else set()
        if used & {"datetime", "date", "time", "duration"}:
            imports.add("import datetime as _dt")
        if "uuid" in used:
            imports.add("import uuid as _uuid")
        if "decimal" in used:
            imports.add("import decimal as _decimal")
        if self.api.enums:
            imports.add("import enum as _enum")
        return sorted(imports)


def _received_models(api: Api) -> set[str]:
    """Models reachable from a method's result: what the SDK decodes from the service."""
    found: set[str] = set()
    stack = [m.result for m in api.methods]
    stack += [r.name for c in api.channels for r in walk(c.event) if isinstance(r, Ref)]  # events are received too
    while stack:
        name = stack.pop()
        if name in found or not isinstance(api.lookup(name), ObjectModel):
            continue
        found.add(name)
        stack += [r.name for f in api.model(name).fields for r in walk(f.type) if isinstance(r, Ref)]
    return found


def _all_types(api: Api) -> list[TypeRef]:
    return [x for m in api.models for f in m.fields for x in walk(f.type)]


def _kinds_used(api: Api) -> set[str]:
    return {t.kind for t in _all_types(api) if isinstance(t, Scalar)}


def _uses(api: Api, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(t, kinds) for t in _all_types(api))


def _json_literal(value: Any) -> str | None:
    """A Python literal equal to a JSON value (None for a non-finite float)."""
    if value is None or isinstance(value, (bool, int, str)):
        return _py(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, list):
        items = _complete([_json_literal(v) for v in value])
        return None if items is None else "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        return _dict_literal(value, _json_literal)
    return None


def _complete(items: list[str | None]) -> list[str] | None:
    """The literals, or None if any value had none."""
    done = [i for i in items if i is not None]
    return done if len(done) == len(items) else None


def _dict_literal(value: dict[str, Any], literal: Callable[[Any], str | None]) -> str | None:
    values = _complete([literal(v) for _, v in sorted(value.items())])
    if values is None:
        return None
    return "{" + ", ".join(f"{_py(k)}: {v}" for k, v in zip(sorted(value), values)) + "}"


# ---------------------------------------------------------------------------
# Text that must survive any input


def _docstring(text: str, indent: str) -> str:
    """A triple-quoted literal showing ``text`` exactly, whatever it contains; "" for no text."""
    if not text:
        return ""
    escaped = "".join(_escape_doc_char(c, text[i + 1 : i + 2]) for i, c in enumerate(text))
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"""{escaped}"""'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{indent}"""'


def _escape_doc_char(c: str, following: str) -> str:
    # A quote is escaped only where it could join others (or the closing quotes) into """.
    if c == "\\" or c == '"' and following in ('"', ""):
        return "\\" + c
    if c == "\n" or c == "\t" or (ord(c) >= 32 and ord(c) != 127):
        return c
    return f"\\x{ord(c):02x}"


def _py(value: Any) -> str:
    """A Python literal of a JSON scalar; strings double-quoted, escaped where needed."""
    if not isinstance(value, str):
        return repr(value)
    return '"' + "".join(_escape_str_char(c) for c in value) + '"'


def _escape_str_char(c: str) -> str:
    if c in '\\"':
        return "\\" + c
    return c if c.isprintable() else repr(c)[1:-1]


def _comment(text: str) -> str:
    """Text for one ``#`` comment line: whitespace runs as one space, control characters escaped."""
    return text_rules.show_controls(text_rules.collapse_whitespace(text))


def _table_cell(text: str) -> str:
    """Text that stays inside one Markdown table cell: line breaks as ``<br>``, control characters
    and backslashes shown as written."""
    return text_rules.markdown_cell(text, flatten=text_rules.html_breaks, escape_backslashes=True)


def _toml_string(text: str) -> str:
    # A JSON string (non-ASCII kept, no surrogate escapes) is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)
