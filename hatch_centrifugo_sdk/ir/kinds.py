"""The closed sets of type kinds every renderer must handle, and the checks that make missing one
a type error (``mypy --strict``) rather than a silently wrong SDK.

A new scalar kind goes into :data:`ScalarKind` and :class:`ScalarTable`: every renderer's table
then lacks a key. A new kind of type goes into ``model.TypeRef``: every dispatch over it that
ends in :func:`assert_never` then fails to type-check where it does not handle the new kind.
"""

from __future__ import annotations

import sys
from typing import Generic, Literal, NoReturn, TypeVar, get_args

if sys.version_info >= (3, 11):
    from typing import TypedDict
else:  # a generic TypedDict before 3.11; typing_extensions is pydantic's own dependency
    from typing_extensions import TypedDict

# "any" is only produced for an explicit ``Any`` in a model.
ScalarKind = Literal[
    "string", "integer", "number", "boolean", "any", "datetime", "date", "time", "duration", "uuid", "decimal", "bytes"
]
SCALAR_KINDS: tuple[ScalarKind, ...] = get_args(ScalarKind)

T = TypeVar("T")


class ScalarTable(TypedDict, Generic[T]):
    """One value per scalar kind: a renderer's table of them, complete or not type-checked."""

    string: T
    integer: T
    number: T
    boolean: T
    any: T
    datetime: T
    date: T
    time: T
    duration: T
    uuid: T
    decimal: T
    bytes: T


def assert_never(value: NoReturn, /) -> NoReturn:
    """The end of an exhaustive dispatch: reached only by a kind the dispatch does not handle
    (``typing.assert_never`` is Python 3.11+)."""
    raise AssertionError(f"unhandled kind of type: {value!r}")
