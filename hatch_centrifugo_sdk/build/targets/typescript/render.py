"""The TypeScript/JavaScript SDK: ESM + CommonJS JavaScript with hand-written-quality ``.d.ts``.

No TypeScript compiler runs at build time: the templates emit the JavaScript and the
declarations directly, and the tests check both with ``tsc --strict`` and ``node``.
This module maps IR types to TypeScript type expressions and prepares every value the
templates show; the templates hold the layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import names as naming
from ....runtime.errors import ERROR_CODES
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
from .options import TypeScriptOptions

LANGUAGE = "typescript"
CENTRIFUGE_RANGE = "^5.8.0"
DEFAULT_TIMEOUT_MS = 10_000

# Every other kind is a string on the wire; its format goes into the doc comment (_notes).
_SCALARS: ScalarTable[str] = {
    "string": "string", "integer": "number", "number": "number", "boolean": "boolean", "any": "unknown",
    "datetime": "string", "date": "string", "time": "string", "duration": "string", "uuid": "string",
    "decimal": "string", "bytes": "string",
}
# Kinds sent as JSON strings; the note tells the reader what the string holds.
_STRING_FORMATS = {
    "datetime": "ISO 8601 date-time, e.g. 2024-01-31T12:00:00Z",
    "date": "ISO 8601 date, e.g. 2024-01-31",
    "time": "ISO 8601 time, e.g. 12:00:00",
    "duration": "ISO 8601 duration, e.g. PT1M30S",
    "uuid": "UUID",
    "decimal": "decimal number as a string, e.g. 9.99",
    "bytes": "bytes as sent by the service's JSON encoding",
}
_EXAMPLES = {
    "string": '"example"',
    "integer": "1",
    "number": "1.5",
    "boolean": "true",
    "any": "null",
    "datetime": '"2024-01-31T12:00:00Z"',
    "date": '"2024-01-31"',
    "time": '"12:00:00"',
    "duration": '"PT1M30S"',
    "uuid": '"123e4567-e89b-12d3-a456-426614174000"',
    "decimal": '"9.99"',
    "bytes": '"example"',
}


def render(api: Api, sdk: SdkInfo[TypeScriptOptions]) -> dict[str, str]:
    """The npm package tree, paths relative to the package root."""
    context = _context(api, sdk)
    files = {"README.md": render_template(LANGUAGE, "README.md.j2", **context), "package.json": package_json(sdk)}
    # Three modules per format: the client imports centrifuge; types and errors do not, so a
    # page that only needs ErrorCode or the types does not bundle the client.
    for part in PARTS:
        for esm, js, dts, ext in ((True, ".js", ".d.ts", "js"), (False, ".cjs", ".d.cts", "cjs")):
            files[part + js] = render_template(LANGUAGE, "index.js.j2", esm=esm, part=part, **context)
            files[part + dts] = render_template(LANGUAGE, "index.d.ts.j2", part=part, ext=ext, **context)
    if sdk.changelog is not None:
        files["CHANGELOG.md"] = sdk.changelog
    if sdk.metadata.license_text is not None:
        files["LICENSE"] = sdk.metadata.license_text
    return dict(sorted(files.items()))


PARTS = ("index", "types", "errors")


def _package_files(extra: list[str]) -> list[str]:
    return sorted([*extra, "README.md", *(part + ext for part in PARTS for ext in (".cjs", ".d.cts", ".d.ts", ".js"))])


# The oldest Node the SDK is tested on (it needs the ws package there; 22 has a global WebSocket).
NODE_ENGINES = ">=20"


def package_json(sdk: SdkInfo[TypeScriptOptions]) -> str:
    """The manifest, keys in a fixed order; ESM and CommonJS each get their own declarations."""
    meta = sdk.metadata
    manifest: dict[str, object] = {
        "name": sdk.options.package,
        "version": sdk.version,
        "description": meta.describe(f"Typed client for the {sdk.service_name} RPC API over Centrifugo"),
        "keywords": list(meta.keywords),
    }
    if meta.license:
        manifest["license"] = meta.license
    if meta.authors:
        name, email = meta.authors[0]
        manifest["author"] = {k: v for k, v in (("name", name), ("email", email)) if v}
        if len(meta.authors) > 1:
            manifest["contributors"] = [{k: v for k, v in (("name", n), ("email", e)) if v} for n, e in meta.authors[1:]]
    if meta.homepage:
        manifest["homepage"] = meta.homepage
    if meta.repository:
        manifest["repository"] = {"type": "git", "url": meta.repository}
    extra = (["CHANGELOG.md"] if sdk.changelog is not None else []) + (["LICENSE"] if meta.license_text is not None else [])
    manifest.update({
        "type": "module",
        "main": "./index.cjs",
        "module": "./index.js",
        "types": "./index.d.ts",
        "exports": {
            **{
                "." if part == "index" else f"./{part}": {
                    "import": {"types": f"./{part}.d.ts", "default": f"./{part}.js"},
                    "require": {"types": f"./{part}.d.cts", "default": f"./{part}.cjs"},
                }
                for part in PARTS
            },
            "./package.json": "./package.json",
        },
        "files": _package_files(extra),
        "sideEffects": False,
        "engines": {"node": NODE_ENGINES},
        "dependencies": {"centrifuge": CENTRIFUGE_RANGE},
    })
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


# Types ------------------------------------------------------------------------


def type_expr(t: TypeRef) -> str:
    """The TypeScript type of a JSON value described by ``t``."""
    if isinstance(t, Scalar):
        return _SCALARS[t.kind]
    if isinstance(t, Ref):
        return naming.ts_type(t.name)
    if isinstance(t, Array):
        item = type_expr(t.item)
        return f"({item})[]" if _is_union(t.item) else f"{item}[]"
    if isinstance(t, Tuple):
        return "[" + ", ".join(type_expr(i) for i in t.items) + "]"
    if isinstance(t, Map):
        return f"Record<string, {type_expr(t.value)}>"
    if isinstance(t, Literal):
        return " | ".join(_dedupe(js_literal(v) for v in t.values))
    if isinstance(t, Union):
        return " | ".join(_dedupe(type_expr(v) for v in t.variants))
    if isinstance(t, Nullable):
        inner = type_expr(t.inner)
        return inner if inner == "unknown" else f"{inner} | null"
    assert_never(t)


def _is_union(t: TypeRef) -> bool:
    return isinstance(t, (Union, Nullable)) or (isinstance(t, Literal) and len(t.values) > 1)


def _dedupe(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def js_literal(value: Any) -> str:
    """A JSON value as JavaScript source (valid as a type too, for scalars)."""
    return json.dumps(value, ensure_ascii=False)


def _notes(t: TypeRef) -> list[str]:
    """What the TypeScript type cannot say: string formats and unique items, in order of appearance."""
    notes: list[str] = []
    for node in walk(t):
        if isinstance(node, Scalar) and node.kind in _STRING_FORMATS:
            notes.append(f"Format: {_STRING_FORMATS[node.kind]}.")
        elif isinstance(node, Array) and node.unique:
            notes.append("Items are unique.")
    return _dedupe(notes)


# Documentation ----------------------------------------------------------------


def doc_lines(text: str) -> list[str]:
    """Lines safe inside a ``/** */`` comment."""
    return text_rules.block_comment_lines(text, "*/", "*\\/")


def one_line(text: str) -> str:
    """A description for a Markdown table cell: whitespace runs as one space, ``|`` escaped."""
    return text_rules.markdown_cell(text, flatten=text_rules.collapse_whitespace)


@dataclass(frozen=True)
class Property:
    key: str  # as written in an interface: the wire name, quoted when needed
    wire: str
    type: str
    optional: bool
    doc: list[str]
    description: str


@dataclass(frozen=True)
class Interface:
    name: str
    doc: list[str]
    description: str
    properties: list[Property]
    open: bool = False  # extra="allow": an index signature admits undeclared members


@dataclass(frozen=True)
class Enum:
    name: str
    doc: list[str]
    description: str
    members: list[tuple[str, str]]  # (member name, JavaScript literal)


@dataclass(frozen=True)
class Operation:
    name: str  # the APIClient method
    wire: str
    params: str
    result: str
    params_optional: bool  # every field optional: ``params`` may be left out
    doc: list[str]
    description: str
    requires_auth: bool


def _property(f: Field) -> Property:
    doc = doc_lines(f.description)
    notes = _notes(f.type) + doc_lines(" ".join(describe_constraints(f.constraints).split()))
    if notes and doc:
        doc.append("")
    doc += notes
    if f.has_default:
        doc.append("@default " + js_literal(f.default).replace("*/", "*\\/"))
    summary = one_line(" ".join([f.description.strip(), *notes]))
    return Property(naming.ts_property(f.name), f.name, type_expr(f.type), not f.required, doc, summary)


def _interface(m: ObjectModel) -> Interface:
    return Interface(
        naming.ts_type(m.name), doc_lines(m.description), one_line(m.description), [_property(f) for f in m.fields], m.open
    )


def _enum(e: EnumModel) -> Enum:
    members = naming.unique(naming.ts_enum_member(n) for n in e.member_names(naming.enum_member))
    doc = doc_lines(e.description)
    # The SDK does not validate results: a value added by a newer service arrives as sent.
    doc += [""] * bool(doc) + [UNKNOWN_ENUM_NOTE]
    return Enum(
        naming.ts_type(e.name),
        doc,
        one_line(e.description),
        list(zip(members, (js_literal(v) for v in e.values))),
    )


UNKNOWN_ENUM_NOTE = "A newer service may send a value not listed here; it arrives unchanged, so keep a default branch."


def _operation(api: Api, m: Method) -> Operation:
    params = api.model(m.params)
    doc = doc_lines(m.description)
    auth = " (needs an authenticated connection)" if m.requires_auth else ""
    doc += [""] if doc else []
    doc += [f"Calls `{m.name}`{auth}.", "@throws {RpcError} when the call fails; see {@link ErrorCode}."]
    return Operation(
        naming.ts_method(m.name),
        m.name,
        naming.ts_type(m.params),
        naming.ts_type(m.result),
        not any(f.required for f in params.fields),
        doc,
        m.description.strip(),
        m.requires_auth,
    )


# The README's usage example ---------------------------------------------------


def example_value(api: Api, t: TypeRef, seen: frozenset[str] = frozenset()) -> str:
    """A JavaScript value of type ``t`` that type-checks: only required fields, no cycles."""
    if isinstance(t, Scalar):
        return _EXAMPLES[t.kind]
    if isinstance(t, Ref):
        target = api.lookup(t.name)
        if isinstance(target, EnumModel):
            return js_literal(target.values[0])
        return example_object(api, target, seen | {t.name})
    if isinstance(t, Array):
        return "[]"
    if isinstance(t, Tuple):
        return "[" + ", ".join(example_value(api, i, seen) for i in t.items) + "]"
    if isinstance(t, Map):
        return "{}"
    if isinstance(t, Literal):
        return js_literal(t.values[0])
    if isinstance(t, Union):
        plain = [v for v in t.variants if not (isinstance(v, Ref) and v.name in seen)]
        return example_value(api, (plain or list(t.variants))[0], seen)
    if isinstance(t, Nullable):
        return "null"
    raise TypeError(f"not a type: {t!r}")


def example_object(api: Api, model: ObjectModel, seen: frozenset[str] = frozenset()) -> str:
    entries = [f"{naming.ts_property(f.name)}: {example_value(api, f.type, seen)}" for f in model.fields if f.required]
    return "{ " + ", ".join(entries) + " }" if entries else "{}"


# Everything the templates show ------------------------------------------------


@dataclass(frozen=True)
class ChannelView:
    name: str  # the APIClient method, named as a method would be
    pattern: str
    params: list[str]
    channel_expr: str  # JavaScript building the Centrifugo channel from ``params``
    event: str  # the event's TypeScript type
    tags: str  # a JavaScript array of the known tag values, "null" when the event has no tag field
    tag: str  # the tag field's name as a JavaScript string, "null" without one
    doc: list[str]


def _channel(api: Api, c: Channel) -> ChannelView:
    parts: list[str] = []
    for segment in re.split(r"(\{[a-z][a-z0-9_]*\})", c.pattern):
        if segment.startswith("{") and segment[1:-1] in c.params:
            parts.append(f"channelParam({js_literal(segment[1:-1])}, params[{js_literal(segment[1:-1])}])")
        elif segment:
            parts.append(js_literal(segment))
    discriminator = c.event.discriminator if isinstance(c.event, Union) else None
    tags = "null"
    if discriminator is not None and isinstance(c.event, Union):
        values: list[str] = []
        for variant in c.event.variants:
            model = api.lookup(variant.name) if isinstance(variant, Ref) else None
            tag_field = next((f for f in model.fields if f.name == discriminator), None) if isinstance(model, ObjectModel) else None
            if tag_field is not None and isinstance(tag_field.type, Literal):
                values += [js_literal(v) for v in tag_field.type.values]
        tags = "[" + ", ".join(values) + "]"
    doc = doc_lines(c.description) + [""] * bool(c.description) + [
        f"A typed subscription to `{c.pattern}` (not yet subscribed: call `subscribe()`).",
        "Events this SDK does not know (a newer service's variants) go to `onUnknown`.",
    ]
    return ChannelView(
        naming.ts_method(c.name), c.pattern, list(c.params), " + ".join(parts), type_expr(c.event), tags,
        js_literal(discriminator) if discriminator else "null", doc,
    )


def _context(api: Api, sdk: SdkInfo[TypeScriptOptions]) -> dict[str, Any]:
    operations = [_operation(api, m) for m in api.methods]
    enums = [_enum(e) for e in api.enums]
    # CommonJS exports per module: (name, value); the index re-exports the other two modules'.
    type_values = [*naming.TS_TYPES_VALUES, *(e.name for e in enums)]
    error_values = list(naming.TS_ERRORS_VALUES)
    exports = {
        "types": [(n, n) for n in type_values],
        "errors": [(n, n) for n in error_values],
        "index": [(n, f"errors.{n}") for n in error_values] + [(n, f"types.{n}") for n in type_values]
        + [(n, n) for n in naming.TS_CLIENT_VALUES]
        + [("TypedSubscription", "TypedSubscription")] * bool(api.channels),
    }
    example = None
    if api.methods:
        # Show a call that passes something: the first method with a required parameter.
        shown = next((i for i, op in enumerate(operations) if not op.params_optional), 0)
        params = api.model(api.methods[shown].params)
        example = {"method": operations[shown].name, "params": example_object(api, params)}
    return {
        "sdk": sdk,
        "header": f"Generated by hatch-centrifugo-sdk from {sdk.service_name} {sdk.service_version}. Do not edit.",
        "api_hash": js_literal(sdk.api_hash),
        "sdk_version": js_literal(sdk.version),
        "service_version": js_literal(sdk.service_version),
        "package_name": sdk.options.package,
        "centrifuge_range": CENTRIFUGE_RANGE,
        "default_timeout_ms": DEFAULT_TIMEOUT_MS,
        "max_params_bytes": sdk.max_params_bytes,
        "errors": [
            {
                "name": e.name,
                "code": e.code,
                "temporary": e.temporary,
                "side": e.side,
                "doc": doc_lines(e.meaning) + (["Temporary: the same call may succeed later."] if e.temporary else []),
                "meaning": one_line(e.meaning),
            }
            for e in ERROR_CODES
        ],
        "temporary": {e.name: js_literal(e.temporary) for e in ERROR_CODES},
        "exports": exports,
        "enums": enums,
        "unknown_enum_note": UNKNOWN_ENUM_NOTE,
        "interfaces": [_interface(m) for m in api.models],
        "type_names": sorted({naming.ts_type(m.name) for m in api.models} | {e.name for e in enums}),
        "operations": operations,
        "channels": [_channel(api, c) for c in api.channels],
        "example": example,
        "js": js_literal,
        "cell": one_line,
    }
