"""Loading the conformance vectors and reading their tagged values.

A vector's values are JSON with tags for what JSON cannot say: ``{"$datetime": ...}``,
``$date``, ``$uuid``, ``$decimal``, ``$bytes`` (UTF-8 text), ``{"$set": [...]}`` and ``{"$enum": [name, value]}``
(``name`` is the enum's name in the API model). Each SDK's test turns them into its own
language's values.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
VECTORS = HERE / "vectors.json"
TAGS = ("$datetime", "$date", "$uuid", "$decimal", "$bytes", "$set", "$enum")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    params_values: dict[str, Any]
    params_wire: dict[str, Any]
    result_wire: dict[str, Any]
    result_values: dict[str, Any]
    lossy: dict[str, str] = field(default_factory=dict)  # SDK → how it knowingly differs (see the case)


@dataclass(frozen=True)
class Rejected:
    name: str
    method: str
    wire: dict[str, Any]


@dataclass(frozen=True)
class EventCase:
    name: str
    wire: dict[str, Any]
    variant: str | None  # the model in the API model; None: a tag the SDKs do not know
    tag: Any = None  # an unknown event's tag


def load_events(path: Path = VECTORS) -> tuple[str, list[EventCase]]:
    """The channel's name and its event cases."""
    events = json.loads(path.read_text(encoding="utf-8"))["events"]
    return events["channel"], [EventCase(c["name"], c["wire"], c["variant"], c.get("tag")) for c in events["cases"]]


def load_cases(path: Path = VECTORS) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Case(c["name"], c["method"], c["params"]["values"], c["params"]["wire"], c["result"]["wire"], c["result"]["values"],
             c.get("lossy", {}))
        for c in data["cases"]
    ]


def load_rejected(path: Path = VECTORS) -> list[Rejected]:
    return [Rejected(r["name"], r["method"], r["wire"]) for r in json.loads(path.read_text(encoding="utf-8"))["rejected"]]


def tag_of(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in TAGS:
            return key, inner
    return None


def to_python(value: Any, enum: Callable[[str, Any], Any] = lambda name, v: v) -> Any:
    """Tagged JSON → Python values; ``enum(name, value)`` builds an enum member."""
    tagged = tag_of(value)
    if tagged is not None:
        tag, inner = tagged
        if tag == "$datetime":
            return dt.datetime.fromisoformat(inner.replace("Z", "+00:00"))
        if tag == "$date":
            return dt.date.fromisoformat(inner)
        if tag == "$uuid":
            return uuid.UUID(inner)
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$bytes":
            return inner.encode("utf-8")
        if tag == "$set":
            return {to_python(i, enum) for i in inner}
        return enum(inner[0], inner[1])
    if isinstance(value, dict):
        return {k: to_python(v, enum) for k, v in value.items()}
    if isinstance(value, list):
        return [to_python(v, enum) for v in value]
    return value


def rename_enums(value: Any, rename: Callable[[str], str]) -> Any:
    """The same tagged JSON with every ``$enum`` name passed through ``rename`` (an SDK's type name)."""
    tagged = tag_of(value)
    if tagged is not None and tagged[0] == "$enum":
        return {"$enum": [rename(tagged[1][0]), tagged[1][1]]}
    if isinstance(value, dict):
        return {k: rename_enums(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [rename_enums(v, rename) for v in value]
    return value
