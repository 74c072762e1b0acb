"""Every naming rule of every SDK, in one place: word splitting, cases, reserved words.

Renderers never invent names; they ask here, so the three SDKs stay predictable and a
collision is found once, before anything is written.
"""

from __future__ import annotations

import builtins
import keyword
import re
from typing import Callable, Iterable

from ..ir.names import cap, camel, snake, type_name, words
from ..runtime.errors import ERROR_CODES

__all__ = ["camel", "snake", "type_name", "words"]  # the neutral rules, re-exported for the targets

# Go's common initialisms (golint's list, plus a few API staples).
GO_INITIALISMS = frozenset(
    """acl api ascii cpu css dns eof guid html http https id ip json lhs qps ram rhs rpc sla
    smtp sql ssh tcp tls ttl udp ui uid uuid uri url utf8 vm xml xmpp xsrf xss""".split()
)


def go_pascal(text: str) -> str:
    out = "".join(w.upper() if w.lower() in GO_INITIALISMS else cap(w.lower() if w.isupper() else w) for w in words(text))
    return out if out and not out[0].isdigit() else f"X{out}"


# ---------------------------------------------------------------------------
# Reserved names per language: keywords, builtins, and the names the SDK itself uses.

PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
PYTHON_SDK_NAMES = frozenset(
    """Any Optional List Dict Literal Union Annotated Field BaseModel ConfigDict RootModel
    datetime date time timedelta UUID Decimal Enum IntEnum StrEnum TYPE_CHECKING
    APIClient CentrifugoRPCClient RpcError API_HASH SDK_VERSION SERVICE_VERSION ApiVersionCheck
    Relation compare_api annotations""".split()
)
# Attributes of pydantic.BaseModel that a field must not shadow.
PYDANTIC_ATTRS = frozenset(
    """copy dict json parse_obj parse_raw parse_file from_orm construct schema schema_json validate
    update_forward_refs fields model_config model_fields model_computed_fields""".split()
)

TS_RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else enum export extends
    false finally for function if import in instanceof new null return super switch this throw
    true try typeof var void while with yield let static implements interface package private
    protected public await any boolean number string symbol never unknown object undefined bigint
    type of as async declare keyof readonly require module namespace abstract constructor get set
    Array Record Promise Error Date Map Set Object String Number Boolean Symbol Function JSON Math
    Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType WebSocket
    Centrifuge APIClient RpcError API_HASH SDK_VERSION SERVICE_VERSION ApiVersionCheck ApiRelation compareApi
    CentrifugoRPCClient CentrifugoRPCClientOptions CallOptions ErrorCode TypeError""".split()
)

GO_RESERVED = frozenset(
    """break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var
    any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
    rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close
    complex copy delete imag len make max min new panic print println real recover
    context json errors fmt time centrifuge sync
    Client API Config RPCError Option NewClient NewAPI ErrUnauthorized APIHash SDKVersion ServiceVersion
    APIVersionCheck CompareAPI APIRelation APIRelationSame APIRelationClientOlder APIRelationClientNewer
    APIRelationDifferent Nullable Some Null""".split()
)


def _avoid(name: str, reserved: frozenset[str], suffix: str) -> str:
    return f"{name}{suffix}" if name in reserved else name


# Types (models and enums) ------------------------------------------------------

def python_type(name: str) -> str:
    return _avoid(name, PYTHON_RESERVED | PYTHON_SDK_NAMES | PYTHON_ERROR_CLASSES, "Model")


def ts_type(name: str) -> str:
    return _avoid(name, TS_RESERVED, "Model")


def go_type(name: str) -> str:
    return _avoid(go_pascal(name) if name else "Model", GO_RESERVED, "Model")


# Methods ----------------------------------------------------------------------

def python_method(wire: str) -> str:
    return _avoid(snake(wire) or "call_", PYTHON_RESERVED | {"close", "connect", "call", "rpc", "check_api_version"}, "_")


def ts_method(wire: str) -> str:
    return _avoid(camel(wire), TS_RESERVED | {"call", "rpc", "connect", "close", "checkApiVersion"}, "_")


def go_method(wire: str) -> str:
    return _avoid(go_pascal(wire), frozenset({"Call", "RPC", "Connect", "Close", "CheckAPIVersion"}), "Method")


# Fields -----------------------------------------------------------------------

_PY_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TS_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def python_field(wire: str) -> str:
    """A valid, non-shadowing attribute name; the model keeps ``wire`` as the alias."""
    name = wire if _PY_IDENT.match(wire) else snake(wire)
    if not name or name[0].isdigit():
        name = f"f_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in PYDANTIC_ATTRS or name.startswith("model_"):
        name = f"{name}_"
    return name


# Builtin types the Python SDK's annotations name: a field called so would shadow the type
# in its class body (for Pydantic's annotation evaluation and for mypy alike).
PYTHON_ANNOTATION_BUILTINS = frozenset({"str", "int", "float", "bool", "bytes", "list", "set", "tuple", "dict"})


def python_model_fields(wires: Iterable[str], type_names: Iterable[str]) -> list[str]:
    """Attribute names for one model's fields, in order: valid, unique within the model, and
    never shadowing a type the class body names (a builtin or one of ``type_names``)."""
    # Two lookups, not one union: building the union per model made rendering quadratic.
    types = type_names if isinstance(type_names, (set, frozenset)) else frozenset(type_names)
    names = [
        f"{n}_" if n in PYTHON_ANNOTATION_BUILTINS or n in types else n for n in map(python_field, wires)
    ]
    return unique(names, lambda n, i: f"{n}_{i}")


def ts_property(wire: str) -> str:
    """The property key as written in an interface: the wire name, quoted when needed."""
    import json

    return wire if _TS_IDENT.match(wire) else json.dumps(wire, ensure_ascii=False)


def go_field(wire: str) -> str:
    return go_pascal(wire) if words(wire) else "Field"


# Enum members -----------------------------------------------------------------

def enum_member(value: str | int) -> str:
    """``"in-progress"`` → ``IN_PROGRESS``; ``2`` → ``VALUE_2``; neutral, uppercased."""
    text = snake(str(value)).upper()
    if not text or text[0].isdigit():
        text = f"VALUE_{text}" if text else "EMPTY"
    return text


def python_enum_member(name: str) -> str:
    """A Python enum's own member name as the SDK's member: kept when it is a plain public
    identifier (as every real enum's is), else neutralised as a value would be."""
    if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_"):
        return name
    return enum_member(name)


def ts_enum_member(name: str) -> str:
    """A member name as a key of the TypeScript const object: kept when it is an ASCII identifier."""
    return name if _TS_IDENT.match(name) else enum_member(name)


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


# Error classes ------------------------------------------------------------------

def python_error_class(code_name: str) -> str:
    """``METHOD_NOT_FOUND`` → ``MethodNotFoundError``; ``TIMEOUT`` → ``RpcTimeoutError``
    (``TimeoutError`` would shadow the builtin)."""
    name = "".join(w.capitalize() for w in words(code_name.lower()))
    name = name if name.endswith("Error") else f"{name}Error"
    return f"Rpc{name}" if name in PYTHON_RESERVED else name


PYTHON_ERROR_CLASSES = frozenset(python_error_class(e.name) for e in ERROR_CODES)


# Collisions -------------------------------------------------------------------

def unique(names: Iterable[str], suffix: Callable[[str, int], str] = lambda n, i: f"{n}{i}") -> list[str]:
    """Make a list of derived names unique by numbering repeats, in order (stable)."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, i = name, 2
        while candidate in seen:
            candidate, i = suffix(name, i), i + 1
        seen.add(candidate)
        out.append(candidate)
    return out
