"""The service side of the conformance vectors: models covering every field kind, and handlers.

Each handler answers with what it received (the params as it decoded them, in a result
model) and which wire names the caller sent. An SDK that encodes a value wrongly, drops
an explicit null or sends a default it was not given gets a different answer, so calling
through the real Centrifugo compares each SDK's encoding with the service's decoding.

``service:app`` serves these handlers; ``vectors.json`` holds the expected wire forms.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Annotated, Dict, List, Literal, Optional, Set, Union

from pydantic import BaseModel, ConfigDict, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.channels import channel
from hatch_centrifugo_sdk.runtime.connection import Connection

registry = Registry()


class Color(str, Enum):
    """A string enum; one value needs quoting as an identifier."""

    RED = "red"
    DARK_BLUE = "dark-blue"


class Level(IntEnum):
    LOW = 1
    HIGH = 2


class Point(BaseModel):
    x: int
    y: int = 0


class Shape(BaseModel):
    """Nests models three levels deep: Kinds → Shape → Point."""

    name: str
    points: List[Point]
    origin: Optional[Point] = None


class Presence(BaseModel):
    """Required, optional with a default, required but nullable: three different things on the wire."""

    required: str
    with_default: int = 7
    nullable_default: Optional[int] = Field(10, description="Missing means 10, null means no value")
    required_nullable: Optional[str]
    optional_none: Optional[str] = None


class Kinds(BaseModel):
    """Enums, literals, nested models, collections, formatted strings and aliases."""

    model_config = ConfigDict(populate_by_name=True)

    color: Color
    level: Level
    kind: Literal["task", "bug"]
    stamp: dt.datetime
    day: dt.date
    ident: uuid.UUID
    amount: Decimal
    tags: List[str]
    unique: Set[int]
    scores: Dict[str, float]
    layers: Dict[str, List[Shape]]
    shape: Shape
    colors: List[Color] = []
    first_name: str = Field(alias="first-name")
    class_: int = Field(0, alias="class")


class Formats(BaseModel):
    """What Pydantic writes as it is: a datetime without a time zone (naive) keeps that form,
    bytes are UTF-8 text."""

    naive: dt.datetime
    aware: dt.datetime
    blob: bytes


class PresenceSeen(BaseModel):
    """What the service decoded, and which wire names the caller sent."""

    params: Presence
    sent: List[str]


class Numbers(BaseModel):
    """Integers past 2**53: exact in Python and Go, rounded by a JavaScript number (the TypeScript SDK's)."""

    big: int
    bigs: List[int]
    safe: int = Field(0, ge=-(2**53 - 1), le=2**53 - 1)


class NumbersSeen(BaseModel):
    params: Numbers
    sent: List[str]


class KindsSeen(BaseModel):
    params: Kinds
    sent: List[str]


class FormatsSeen(BaseModel):
    params: Formats
    sent: List[str]


def sent_names(model: BaseModel) -> list[str]:
    """The wire names of the fields the caller sent, sorted."""
    fields = type(model).model_fields
    return sorted(fields[name].alias or name for name in model.model_fields_set)


@registry.rpc("presence.check")
async def presence_check(conn: Connection, params: Presence) -> PresenceSeen:
    """Answers with the params as decoded and the names that were sent."""
    return PresenceSeen(params=params, sent=sent_names(params))


@registry.rpc("kinds.echo")
async def kinds_echo(conn: Connection, params: Kinds) -> KindsSeen:
    """Answers with the params as decoded and the names that were sent."""
    return KindsSeen(params=params, sent=sent_names(params))


@registry.rpc("formats.echo")
async def formats_echo(conn: Connection, params: Formats) -> FormatsSeen:
    """Answers with the params as decoded and the names that were sent."""
    return FormatsSeen(params=params, sent=sent_names(params))


@registry.rpc("numbers.echo")
async def numbers_echo(conn: Connection, params: Numbers) -> NumbersSeen:
    """Answers with the params as decoded and the names that were sent."""
    return NumbersSeen(params=params, sent=sent_names(params))


# A channel: its events are a union told apart by ``kind``; vectors.json's "events" hold one
# per variant and one with a tag this API does not know (a newer service's).


class ItemAdded(BaseModel):
    kind: Literal["added"] = "added"
    name: str
    tags: List[str]
    count: int


class ItemRemoved(BaseModel):
    kind: Literal["removed"] = "removed"
    id: int
    reason: Optional[str] = None


item_events = channel(
    "items.events:{room}", Annotated[Union[ItemAdded, ItemRemoved], Field(discriminator="kind")],
    subscribe="public", registry=registry,
)
