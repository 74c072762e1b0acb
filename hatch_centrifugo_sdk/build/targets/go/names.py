"""The Go SDK's naming rules: exported identifiers with Go's initialisms, constants, reserved words."""

from __future__ import annotations

from ...naming import avoid, cap, enum_member, unique, words

__all__ = ["enum_member", "unique"]  # the shared rules the renderer uses too


# Go's common initialisms (golint's list, plus a few API staples).
GO_INITIALISMS = frozenset(
    """acl api ascii cpu css dns eof guid html http https id ip json lhs qps ram rhs rpc sla
    smtp sql ssh tcp tls ttl udp ui uid uuid uri url utf8 vm xml xmpp xsrf xss""".split()
)


def go_pascal(text: str) -> str:
    out = "".join(w.upper() if w.lower() in GO_INITIALISMS else cap(w.lower() if w.isupper() else w) for w in words(text))
    return out if out and not out[0].isdigit() else f"X{out}"


# Top-level identifiers the SDK's fixed templates declare: a type is renamed away from them
# (go_type) and the renderer refuses any other declaration of one.
GO_SDK_NAMES = (
    "API", "Client", "Config", "ErrUnauthorized", "NewAPI", "NewClient", "RPCError", "APIHash", "SDKVersion",
    "ServiceVersion", "APIRelation", "APIRelationSame", "APIRelationClientOlder", "APIRelationClientNewer",
    "APIRelationDifferent", "APIVersionCheck", "CompareAPI", "Nullable", "Some", "Null", "MaxParamsBytes", "Ptr",
    "DateTime", "IdempotencyKeyMember", "CallOption", "WithRetries", "WithIdempotencyKey",
    "Subscription", "SubscriptionHandlers", "UnknownEvent",
)

GO_RESERVED = frozenset(
    """break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var
    any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
    rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close
    complex copy delete imag len make max min new panic print println real recover
    context json errors fmt time centrifuge sync
    Option""".split()  # Option: no longer declared, still avoided so that no type's name changes
) | frozenset(GO_SDK_NAMES)


def go_type(name: str) -> str:
    return avoid(go_pascal(name) if name else "Model", GO_RESERVED, "Model")


def go_method(wire: str) -> str:
    return avoid(go_pascal(wire), frozenset({"Call", "RPC", "Connect", "Close", "CheckAPIVersion"}), "Method")


def go_field(wire: str) -> str:
    return go_pascal(wire) if words(wire) else "Field"


def go_const(prefix: str, value: str | int) -> str:
    """A Go constant for one enum or literal value: ``Color`` + ``"dark-blue"`` → ``ColorDarkBlue``.

    Numbers: ``Level`` + ``2`` → ``LevelValue2``, ``-1`` → ``LevelMinus1``.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return f"{prefix}Minus{-value}"
    return prefix + go_pascal(enum_member(value))


def go_error_const(name: str) -> str:
    """The Go constant of a shared error code: ``INVALID_PARAMS`` → ``CodeInvalidParams``."""
    return "Code" + go_pascal(name)

