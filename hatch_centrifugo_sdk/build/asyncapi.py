"""The API model as an AsyncAPI 3.0 document (``asyncapi.json``): RPC methods and channels.

AsyncAPI describes the application's side. The service *receives* each RPC request on the
client's connection and replies with the result (an operation with ``action: receive`` and a
``reply``); it *sends* the events of each channel, which clients receive (``action: send``).
Channel addresses are the Centrifugo patterns (``todos.events:{user_id}``) with their
parameters; payloads are JSON Schemas of the models in their wire form.
"""

from __future__ import annotations

from typing import Any

from ..ir.model import (
    Api,
    Array,
    EnumModel,
    Literal,
    Map,
    Nullable,
    ObjectModel,
    Ref,
    Scalar,
    Tuple,
    TypeRef,
    Union,
)

ASYNCAPI_VERSION = "3.0.0"

_FORMATS = {"datetime": "date-time", "date": "date", "time": "time", "duration": "duration", "uuid": "uuid"}
_STRING_KINDS = {"string", "datetime", "date", "time", "duration", "uuid", "decimal", "bytes"}
# Keywords of the API model's constraints that JSON Schema knows (maxDigits, decimalPlaces are Pydantic's).
_SCHEMA_KEYWORDS = {
    "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "minProperties", "maxProperties",
}


def asyncapi_document(api: Api, *, title: str, version: str) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of ``api`` for the service ``title`` at ``version``."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}

    def message(name: str) -> dict[str, str]:
        messages.setdefault(name, {"name": name, "payload": {"$ref": f"#/components/schemas/{name}"}})
        return {"$ref": f"#/components/messages/{name}"}

    for method in api.methods:
        key = "rpc." + method.name
        channels[key] = {
            "address": method.name,
            "title": f"RPC {method.name}",
            "description": "Called over the client's Centrifugo connection; Centrifugo proxies it to the service.",
            "messages": {"params": message(method.params), "result": message(method.result)},
        }
        operations[key] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": method.description.split("\n\n")[0] or f"RPC {method.name}",
            "messages": [{"$ref": f"#/channels/{key}/messages/params"}],
            "reply": {
                "channel": {"$ref": f"#/channels/{key}"},
                "messages": [{"$ref": f"#/channels/{key}/messages/result"}],
            },
            **({"description": method.description} if method.description else {}),
        }
    for channel in api.channels:
        variants = channel.event.variants if isinstance(channel.event, Union) else (channel.event,)
        names = [v.name for v in variants if isinstance(v, Ref)]
        entry: dict[str, Any] = {
            "address": channel.pattern,
            "title": channel.name,
            "messages": {name: message(name) for name in names},
        }
        if channel.description:
            entry["description"] = channel.description
        if channel.params:
            entry["parameters"] = {p: {"description": _param_description(channel.user_param, p)} for p in channel.params}
        channels[channel.name] = entry
        operations["publish." + channel.name] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel.name}"},
            "summary": f"Events published on {channel.pattern}; who may subscribe: {_access(channel.access)}.",
            "messages": [{"$ref": f"#/channels/{channel.name}/messages/{name}"} for name in names],
        }
    schemas: dict[str, Any] = {m.name: _model_schema(m) for m in api.models}
    schemas.update({e.name: _enum_schema(e) for e in api.enums})
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": title, "version": version},
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())), "messages": dict(sorted(messages.items()))},
    }


def _param_description(user_param: str | None, param: str) -> str:
    return "the subscriber's own user id" if param == user_param else f"the {param} the channel is for"


def _access(access: str) -> str:
    return {
        "public": "anyone, anonymous connections too",
        "authenticated": "any authenticated connection",
        "user": "only the user the channel names",
    }.get(access, "the service decides")


def _model_schema(model: ObjectModel) -> dict[str, Any]:
    properties = {}
    for f in model.fields:
        schema = type_schema(f.type)
        if f.description:
            schema["description"] = f.description
        if f.has_default:
            schema["default"] = f.default
        schema.update({k: v for k, v in f.constraints if k in _SCHEMA_KEYWORDS})
        properties[f.name] = schema
    out: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in model.fields if f.required]
    if required:
        out["required"] = required
    if not model.open:
        out["additionalProperties"] = False
    if model.description:
        out["description"] = model.description
    return out


def _enum_schema(enum: EnumModel) -> dict[str, Any]:
    out: dict[str, Any] = {"type": enum.value_kind, "enum": list(enum.values)}
    if enum.description:
        out["description"] = enum.description
    return out


def type_schema(t: TypeRef) -> dict[str, Any]:
    """A JSON Schema (draft 7, AsyncAPI's default schema format) of one type of the API model."""
    if isinstance(t, Scalar):
        if t.kind == "any":
            return {}
        if t.kind in _STRING_KINDS:
            return {"type": "string", **({"format": _FORMATS[t.kind]} if t.kind in _FORMATS else {})}
        return {"type": t.kind}
    if isinstance(t, Ref):
        return {"$ref": f"#/components/schemas/{t.name}"}
    if isinstance(t, Array):
        return {"type": "array", "items": type_schema(t.item), **({"uniqueItems": True} if t.unique else {})}
    if isinstance(t, Tuple):
        items = [type_schema(i) for i in t.items]
        return {"type": "array", "items": items, "minItems": len(items), "maxItems": len(items)}
    if isinstance(t, Map):
        return {"type": "object", "additionalProperties": type_schema(t.value)}
    if isinstance(t, Literal):
        return {"enum": list(t.values)}
    if isinstance(t, Union):
        return {"oneOf": [type_schema(v) for v in t.variants]}
    if isinstance(t, Nullable):
        return {"oneOf": [type_schema(t.inner), {"type": "null"}]}
    raise TypeError(f"not a type: {t!r}")
