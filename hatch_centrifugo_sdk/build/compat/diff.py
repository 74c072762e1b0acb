"""``diff_apis``: every difference between two API models, classified by :mod:`.rules`.

The comparison walks from each method that both APIs have, params in the "params"
direction and results in the "result" direction, through every type constructor
(Ref, Array, Map, Tuple, Union, Nullable) into the models and enums reachable from
there. Old and new types are compared side by side, so a params or result model that
was renamed is still compared field by field; each (old type, new type, direction)
pair is compared once, which also ends recursion through self-referencing models.
"""

from __future__ import annotations

import json
import typing

from ...ir.model import (
    NO_DEFAULT,
    Api,
    Array,
    Channel,
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
from .rules import Change, sort_key

Direction = typing.Literal["params", "result"]


def diff_apis(old: Api, new: Api) -> list[Change]:
    """Changes from ``old`` to ``new``: most severe first, then by path; no duplicates."""
    differ = _Differ(old, new)
    differ.run()
    return sorted(differ.changes.values(), key=sort_key)


def describe(t: TypeRef) -> str:
    """A type in a neutral notation for reports: ``list[Tag]``, ``integer | null``."""
    if isinstance(t, Scalar):
        return t.kind
    if isinstance(t, Ref):
        return t.name
    if isinstance(t, Array):
        return f"{'set' if t.unique else 'list'}[{describe(t.item)}]"
    if isinstance(t, Tuple):
        return f"tuple[{', '.join(describe(i) for i in t.items)}]"
    if isinstance(t, Map):
        return f"map[string, {describe(t.value)}]"
    if isinstance(t, Literal):
        return " | ".join(_value(v) for v in t.values)
    if isinstance(t, Union):
        return " | ".join(describe(v) for v in t.variants)
    return f"{describe(t.inner)} | null"


def _value(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)


def _code(text: str) -> str:
    return f"`{text}`"


class _Differ:
    def __init__(self, old: Api, new: Api) -> None:
        self.old = old
        self.new = new
        self.changes: dict[tuple[str, str, str], Change] = {}
        self.compared: set[tuple[str, str, Direction]] = set()

    def add(self, rule: str, path: str, message: str) -> None:
        change = Change.of(rule, path, message)
        self.changes.setdefault((change.rule, change.path, change.message), change)

    # -- methods ---------------------------------------------------------------

    def run(self) -> None:
        old = {m.name: m for m in self.old.methods}
        new = {m.name: m for m in self.new.methods}
        for name in sorted(old.keys() | new.keys()):
            path = f"method {name}"
            if name not in new:
                self.add("method-removed", path, "removed; old clients that call it get an error")
            elif name not in old:
                self.add("method-added", path, "added")
            else:
                self.method(old[name], new[name], path)
        old_channels = {c.name: c for c in self.old.channels}
        new_channels = {c.name: c for c in self.new.channels}
        for name in sorted(old_channels.keys() | new_channels.keys()):
            path = f"channel {name}"
            if name not in new_channels:
                self.add("channel-removed", path, "removed; old clients that subscribe to it are refused")
            elif name not in old_channels:
                self.add("channel-added", path, "added")
            else:
                self.channel(old_channels[name], new_channels[name], path)

    def channel(self, old: Channel, new: Channel, path: str) -> None:
        if old.pattern != new.pattern:
            self.add(
                "channel-pattern-changed", path,
                f"pattern {_code(old.pattern)} is now {_code(new.pattern)}; old clients subscribe to other channels",
            )
        strict_old, strict_new = _ACCESS_RANK.get(old.access, 3), _ACCESS_RANK.get(new.access, 3)
        if (old.access, old.user_param) != (new.access, new.user_param):
            if strict_new > strict_old or strict_new == strict_old:
                self.add(
                    "channel-access-narrowed", path,
                    f"who may subscribe changed from {old.access!r} to {new.access!r}; old subscribers may be refused",
                )
            else:
                self.add("channel-access-widened", path, f"who may subscribe changed from {old.access!r} to {new.access!r}")
        old_recover = bool(old.history and old.history.recover)
        new_recover = bool(new.history and new.history.recover)
        if old_recover and not new_recover:
            self.add("channel-recovery-dropped", path, "no longer recovers missed events; old clients rely on it")
        elif new_recover and not old_recover:
            self.add("channel-recovery-added", path, "now recovers the events a reconnecting subscriber missed")
        elif old.history != new.history:
            self.add("channel-history-changed", path, "history size or lifetime changed")
        if old.description != new.description:
            self.add("description-changed", path, "description changed")
        self.type(old.event, new.event, "result", f"{path} event")

    def method(self, old: Method, new: Method, path: str) -> None:
        if new.requires_auth and not old.requires_auth:
            self.add("method-auth-required", path, "now requires an authenticated connection")
        elif old.requires_auth and not new.requires_auth:
            self.add("method-auth-dropped", path, "no longer requires an authenticated connection")
        if old.description != new.description:
            self.add("description-changed", path, "description changed")
        self.named(old.params, new.params, "params", f"{path} params")
        self.named(old.result, new.result, "result", f"{path} result")

    # -- named types -----------------------------------------------------------

    def named(self, old_name: str, new_name: str, direction: Direction, path: str) -> None:
        """Compare two named types met at ``path``; their kinds are known to match."""
        if old_name != new_name:
            self.add(
                "type-renamed", path,
                f"type {_code(old_name)} is now {_code(new_name)}; code that names the type must change",
            )
        key = (old_name, new_name, direction)
        if key in self.compared:
            return
        self.compared.add(key)
        old, new = self.old.lookup(old_name), self.new.lookup(new_name)
        if isinstance(old, EnumModel) and isinstance(new, EnumModel):
            self.enum(old, new, direction)
        elif isinstance(old, ObjectModel) and isinstance(new, ObjectModel):
            self.model(old, new, direction)

    def enum(self, old: EnumModel, new: EnumModel, direction: Direction) -> None:
        path = f"enum {new.name}"
        if old.description != new.description:
            self.add("description-changed", path, "description changed")
        self.values(old.values, new.values, direction, path)

    def values(self, old: tuple[object, ...], new: tuple[object, ...], direction: Direction, path: str) -> None:
        for v in old:
            if v not in new:
                tail = "; old clients may still send it" if direction == "params" else " (no longer sent)"
                self.add(_rule(direction, "enum-value-removed"), path, f"value {_code(_value(v))} removed{tail}")
        for v in new:
            if v not in old:
                tail = "" if direction == "params" else "; old clients must tolerate values they do not know"
                self.add(_rule(direction, "enum-value-added"), path, f"value {_code(_value(v))} added{tail}")

    def model(self, old: ObjectModel, new: ObjectModel, direction: Direction) -> None:
        path = f"model {new.name}"
        if old.description != new.description:
            self.add("description-changed", path, "description changed")
        old_fields = {f.name: f for f in old.fields}
        new_fields = {f.name: f for f in new.fields}
        for name in sorted(old_fields.keys() | new_fields.keys()):
            where = f"{path}.field {name}"
            if name not in new_fields:
                self.field_removed(direction, where)
            elif name not in old_fields:
                self.field_added(new_fields[name], direction, where)
            else:
                self.field(old_fields[name], new_fields[name], direction, where)

    # -- fields ----------------------------------------------------------------

    def field_removed(self, direction: Direction, path: str) -> None:
        if direction == "params":
            self.add(
                "params-field-removed", path,
                "removed; old clients still send it, and the service now ignores or rejects it",
            )
        else:
            self.add("result-field-removed", path, "removed; old clients expect it")

    def field_added(self, field: Field, direction: Direction, path: str) -> None:
        if direction == "result":
            self.add("result-field-added", path, "added")
        elif field.required:
            self.add("params-field-added-required", path, "added as required; old clients do not send it")
        else:
            self.add("params-field-added-optional", path, "added as optional")

    def field(self, old: Field, new: Field, direction: Direction, path: str) -> None:
        if old.required != new.required:
            if direction == "params":
                if new.required:
                    self.add("params-field-now-required", path, "now required; old clients may leave it out")
                else:
                    self.add("params-field-now-optional", path, "now optional")
            elif new.required:
                self.add("result-field-now-required", path, "now always present")
            else:
                self.add("result-field-now-optional", path, "may now be missing; old clients rely on its presence")
        if old.default != new.default:
            self.add("default-changed", path, f"default {_default(old)} is now {_default(new)}")
        if old.description != new.description:
            self.add("description-changed", path, "description changed")
        self.type(old.type, new.type, direction, path)

    # -- type expressions ------------------------------------------------------

    def type(self, old: TypeRef, new: TypeRef, direction: Direction, path: str) -> None:
        if isinstance(old, Nullable) or isinstance(new, Nullable):
            self.nullable(old, new, direction, path)
        elif isinstance(old, Union) or isinstance(new, Union):
            self.union(old, new, direction, path)
        elif isinstance(old, Ref) and isinstance(new, Ref) and self.same_kind(old, new):
            self.named(old.name, new.name, direction, path)
        elif isinstance(old, Array) and isinstance(new, Array):
            if old.unique != new.unique:
                # Every set is a list, not the other way round.
                self.shift(old, new, direction, path, widened=not new.unique)
            self.type(old.item, new.item, direction, f"{path}[]")
        elif isinstance(old, Map) and isinstance(new, Map):
            self.type(old.value, new.value, direction, f"{path}{{}}")
        elif isinstance(old, Tuple) and isinstance(new, Tuple) and len(old.items) == len(new.items):
            for i, (o, n) in enumerate(zip(old.items, new.items)):
                self.type(o, n, direction, f"{path}[{i}]")
        elif isinstance(old, Literal) and isinstance(new, Literal):
            self.values(old.values, new.values, direction, path)
        elif old == new:
            pass
        elif _contains(new, old):
            self.shift(old, new, direction, path, widened=True)
        elif _contains(old, new):
            self.shift(old, new, direction, path, widened=False)
        else:
            self.add("type-changed", path, f"type {_code(describe(old))} is now {_code(describe(new))}")

    def same_kind(self, old: Ref, new: Ref) -> bool:
        return type(self.old.lookup(old.name)) is type(self.new.lookup(new.name))

    def nullable(self, old: TypeRef, new: TypeRef, direction: Direction, path: str) -> None:
        old_inner = old.inner if isinstance(old, Nullable) else old
        new_inner = new.inner if isinstance(new, Nullable) else new
        if isinstance(old, Nullable) != isinstance(new, Nullable):
            self.shift(old, new, direction, path, widened=isinstance(new, Nullable))
        self.type(old_inner, new_inner, direction, path)

    def union(self, old: TypeRef, new: TypeRef, direction: Direction, path: str) -> None:
        old_variants = {describe(v): v for v in (old.variants if isinstance(old, Union) else (old,))}
        new_variants = {describe(v): v for v in (new.variants if isinstance(new, Union) else (new,))}
        shared = old_variants.keys() & new_variants.keys()
        old_tag = old.discriminator if isinstance(old, Union) else None
        new_tag = new.discriminator if isinstance(new, Union) else None
        if not shared or (old_tag and new_tag and old_tag != new_tag):
            self.add("type-changed", path, f"type {_code(describe(old))} is now {_code(describe(new))}")
            return
        for key in sorted(old_variants.keys() - shared):
            tail = "; old clients may still send it" if direction == "params" else " (no longer sent)"
            self.add(_rule(direction, "variant-removed"), path, f"union variant {_code(key)} removed{tail}")
        for key in sorted(new_variants.keys() - shared):
            tail = "" if direction == "params" else "; old clients cannot read it"
            self.add(_rule(direction, "variant-added"), path, f"union variant {_code(key)} added{tail}")
        for key in sorted(shared):
            self.type(old_variants[key], new_variants[key], direction, path)

    def shift(self, old: TypeRef, new: TypeRef, direction: Direction, path: str, *, widened: bool) -> None:
        """A type that now holds more values (``widened``) or fewer."""
        change = f"type {_code(describe(old))} is now {_code(describe(new))}"
        if direction == "params":
            if widened:
                self.add("params-type-widened", path, f"{change}: accepts more")
            else:
                self.add("params-type-narrowed", path, f"{change}: values old clients send may be rejected")
        elif widened:
            self.add("result-type-widened", path, f"{change}: may hold values old clients cannot read")
        else:
            self.add("result-type-narrowed", path, f"{change}: holds fewer kinds of value")


# Who may subscribe, from the most to the least permissive; "custom" is the service's own rule.
_ACCESS_RANK = {"public": 0, "authenticated": 1, "user": 2, "custom": 2}


def _rule(direction: Direction, rule: str) -> str:
    return f"{direction}-{rule}"


def _contains(wide: TypeRef, narrow: TypeRef) -> bool:
    """Every value of ``narrow`` is a value of ``wide`` (leaf types only; equal types excluded)."""
    if wide == Scalar("any"):
        return True
    if isinstance(wide, Scalar) and isinstance(narrow, Scalar):
        return (narrow.kind, wide.kind) == ("integer", "number")
    if isinstance(wide, Scalar) and isinstance(narrow, Literal):
        return all(_scalar_kind(v) in _KINDS_WITHIN.get(wide.kind, ()) for v in narrow.values)
    return False


def _scalar_kind(v: object) -> str:
    if isinstance(v, bool):
        return "boolean"
    return "integer" if isinstance(v, int) else "string" if isinstance(v, str) else "number"


_KINDS_WITHIN = {"string": {"string"}, "integer": {"integer"}, "number": {"integer", "number"}, "boolean": {"boolean"}}


def _default(f: Field) -> str:
    return "none" if f.default is NO_DEFAULT else _code(_value(f.default))
