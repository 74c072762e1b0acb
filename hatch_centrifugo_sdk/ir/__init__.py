"""The language-neutral model of an API: plain immutable data, built once, rendered thrice."""

from .model import (
    Api,
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
)

__all__ = [
    "Api",
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
]
