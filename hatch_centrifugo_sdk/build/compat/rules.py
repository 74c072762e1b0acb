"""The compatibility rules: one table says how severe each kind of change is.

Severity is judged for clients built against the previous release:

- params are sent by clients, so the new server must accept everything an old client
  may send (widening is safe, narrowing breaks);
- results are read by clients, so an old client must be able to read everything the
  new server may send (narrowing is safe, widening breaks).

A type that is reachable from both params and results is judged both ways; the SDKs'
type names are public API too, so renaming a type breaks code that names it even when
the wire form is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["breaking", "additive", "none"]
KINDS: tuple[Kind, ...] = ("breaking", "additive", "none")

RULES: dict[str, Kind] = {
    "method-removed": "breaking",
    "method-added": "additive",
    "method-auth-required": "breaking",
    "method-auth-dropped": "none",
    "type-renamed": "breaking",
    "type-changed": "breaking",
    "params-field-added-required": "breaking",
    "params-field-added-optional": "additive",
    # An old client still sends it: pydantic ignores or rejects it (the model's
    # `extra` setting), either way the client's intent is lost.
    "params-field-removed": "breaking",
    "params-field-now-required": "breaking",
    "params-field-now-optional": "additive",
    "params-type-widened": "additive",
    "params-type-narrowed": "breaking",
    "params-enum-value-added": "additive",
    "params-enum-value-removed": "breaking",
    "params-variant-added": "additive",
    "params-variant-removed": "breaking",
    "result-field-added": "additive",
    "result-field-removed": "breaking",
    "result-field-now-optional": "breaking",
    "result-field-now-required": "additive",
    "result-type-widened": "breaking",
    "result-type-narrowed": "additive",
    # Additive under the SDK contract that readers tolerate unknown enum values.
    "result-enum-value-added": "additive",
    "result-enum-value-removed": "additive",
    # Unlike an enum value, an unknown variant has no representation an old client
    # could fall back to: it cannot read the value at all.
    "result-variant-added": "breaking",
    "result-variant-removed": "additive",
    # Channels carry data to clients as results do: their events are judged in the "result" direction.
    "channel-removed": "breaking",
    "channel-added": "additive",
    "channel-pattern-changed": "breaking",
    "channel-access-narrowed": "breaking",
    "channel-access-widened": "none",
    "channel-recovery-dropped": "breaking",
    "channel-recovery-added": "additive",
    "channel-history-changed": "none",
    "default-changed": "none",
    "description-changed": "none",
}


@dataclass(frozen=True)
class Change:
    """One difference between two APIs.

    ``path`` names where: ``method tasks.list``, ``method tasks.list params``,
    ``model TaskItem.field status`` (``[]`` marks a list item, ``{}`` a map value,
    ``[2]`` a tuple item), ``enum Color``.
    """

    kind: Kind
    rule: str
    path: str
    message: str

    @classmethod
    def of(cls, rule: str, path: str, message: str) -> Change:
        return cls(RULES[rule], rule, path, message)

    @property
    def line(self) -> str:
        return f"{self.path}: {self.message}"


def sort_key(change: Change) -> tuple[int, str, str, str]:
    return (KINDS.index(change.kind), change.path, change.rule, change.message)
