"""The language-neutral model of an API: plain immutable data, built once, rendered thrice."""

from .model import (
    Api,
    ApiJsonError,
    Array,
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
    api_from_json,
)

__all__ = [
    "Api",
    "ApiJsonError",
    "Array",
    "EnumModel",
    "Field",
    "Literal",
    "Map",
    "Method",
    "Nullable",
    "ObjectModel",
    "Ref",
    "Scalar",
    "Tuple",
    "TypeRef",
    "Union",
    "api_from_json",
]
