"""The Python SDK's naming rules: types, methods, fields, enum members, error classes.

The renderer never invents a name; it asks here, and so does the build's collision check.
"""

from __future__ import annotations

import builtins
import keyword
import re
from typing import Iterable

from ...naming import avoid, enum_member, snake, unique, words
from ....runtime.errors import ERROR_CODES

__all__ = ["enum_member", "unique"]  # the shared rules the renderer uses too


PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


# What the SDK's package exports besides the API's types and error classes (its __all__).
PYTHON_SDK_EXPORTS = (
    "APIClient", "API_HASH", "ApiVersionCheck", "CentrifugoRPCClient", "RpcError", "SDK_VERSION", "SERVICE_VERSION"
)

# Names the SDK's modules declare or import, which a type must not take.
PYTHON_SDK_NAMES = frozenset(
    """Any Optional List Dict Literal Union Annotated Field BaseModel ConfigDict RootModel
    datetime date time timedelta UUID Decimal Enum IntEnum StrEnum TYPE_CHECKING
    Relation compare_api annotations""".split()
) | frozenset(PYTHON_SDK_EXPORTS)


# Attributes of pydantic.BaseModel that a field must not shadow.
PYDANTIC_ATTRS = frozenset(
    """copy dict json parse_obj parse_raw parse_file from_orm construct schema schema_json validate
    update_forward_refs fields model_config model_fields model_computed_fields""".split()
)


def python_type(name: str) -> str:
    return avoid(name, PYTHON_RESERVED | PYTHON_SDK_NAMES | PYTHON_ERROR_CLASSES, "Model")


def python_method(wire: str) -> str:
    return avoid(snake(wire) or "call_", PYTHON_RESERVED | {"close", "connect", "call", "rpc", "check_api_version"}, "_")


_PY_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


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


def python_enum_member(name: str) -> str:
    """A Python enum's own member name as the SDK's member: kept when it is a plain public
    identifier (as every real enum's is), else neutralised as a value would be."""
    if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_"):
        return name
    return enum_member(name)


def python_error_class(code_name: str) -> str:
    """``METHOD_NOT_FOUND`` → ``MethodNotFoundError``; ``TIMEOUT`` → ``RpcTimeoutError``
    (``TimeoutError`` would shadow the builtin)."""
    name = "".join(w.capitalize() for w in words(code_name.lower()))
    name = name if name.endswith("Error") else f"{name}Error"
    return f"Rpc{name}" if name in PYTHON_RESERVED else name


PYTHON_ERROR_CLASSES = frozenset(python_error_class(e.name) for e in ERROR_CODES)

