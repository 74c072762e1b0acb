"""The TypeScript SDK's naming rules: types, methods, properties, enum members."""

from __future__ import annotations

import json
import re

from ...naming import avoid, camel, enum_member, unique

__all__ = ["enum_member", "unique"]  # the shared rules the renderer uses too


# What the SDK's fixed modules declare. The values are also CommonJS exports, per module
# (the renderer lists them): types.js's, errors.js's and the client's in index.js.
TS_TYPES_VALUES = ("API_HASH", "SDK_VERSION", "SERVICE_VERSION", "compareApi")
TS_ERRORS_VALUES = ("ErrorCode", "RpcError")
TS_CLIENT_VALUES = ("CentrifugoRPCClient", "APIClient")
TS_SDK_NAMES = frozenset(
    TS_TYPES_VALUES + TS_ERRORS_VALUES + TS_CLIENT_VALUES
    + ("ApiVersionCheck", "ApiRelation", "CentrifugoRPCClientOptions", "CallOptions")  # types only
    + ("TypedSubscription", "UnknownEvent", "SubscriptionHandlers")  # declared with channels
)

TS_RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else enum export extends
    false finally for function if import in instanceof new null return super switch this throw
    true try typeof var void while with yield let static implements interface package private
    protected public await any boolean number string symbol never unknown object undefined bigint
    type of as async declare keyof readonly require module namespace abstract constructor get set
    Array Record Promise Error Date Map Set Object String Number Boolean Symbol Function JSON Math
    Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType WebSocket TypeError
    Centrifuge""".split()
) | TS_SDK_NAMES


def ts_type(name: str) -> str:
    return avoid(name, TS_RESERVED, "Model")


def ts_method(wire: str) -> str:
    return avoid(camel(wire), TS_RESERVED | {"call", "rpc", "connect", "close", "checkApiVersion"}, "_")


_TS_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def ts_property(wire: str) -> str:
    """The property key as written in an interface: the wire name, quoted when needed."""
    return wire if _TS_IDENT.match(wire) else json.dumps(wire, ensure_ascii=False)


def ts_enum_member(name: str) -> str:
    """A member name as a key of the TypeScript const object: kept when it is an ASCII identifier."""
    return name if _TS_IDENT.match(name) else enum_member(name)

