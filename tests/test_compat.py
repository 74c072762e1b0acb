"""Breaking-change detection: two versions of real Pydantic models, one expected verdict per rule."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, Literal, Optional, Union

import pytest
from pydantic import BaseModel, Field, create_model

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.compat import (
    RULES,
    LockError,
    check_lock,
    diff_apis,
    is_final_release,
    lock_data,
    lock_text,
    read_lock,
    release_check,
)
from hatch_centrifugo_sdk.ir import Api, ApiJsonError, api_from_json
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.runtime.registry import inspect_handler
from hatch_centrifugo_sdk.build.versions import VersionError
from tests.fixtures.kitchen_sink import registry as kitchen_sink


def api(*methods: tuple[Any, ...]) -> Api:
    """An Api of ``(method, params model, result model[, requires_auth[, doc]])`` entries."""
    registry = Registry()
    for name, params, result, *rest in methods:
        requires_auth, doc = (list(rest) + [False, None])[:2]

        async def handler(conn: Any, params: Any) -> Any:
            raise NotImplementedError

        handler.__annotations__ = {"params": params, "return": result}
        handler.__doc__ = doc
        registry.add(inspect_handler(name, handler, requires_auth=requires_auth))
    return parse_api(registry)


def model(name: str, doc: str | None = None, /, **fields: Any) -> type[BaseModel]:
    return create_model(name, __doc__=doc, **fields)


EMPTY = model("Empty")


def params(**fields: Any) -> Api:
    """One method whose params model ``Query`` has ``fields``."""
    return api(("items.get", model("Query", **fields), EMPTY))


def result(**fields: Any) -> Api:
    """One method whose result model ``Item`` has ``fields``."""
    return api(("items.get", EMPTY, model("Item", **fields)))


def both(**fields: Any) -> Api:
    """``Tag`` (``fields``) sent in params and read in the result of one method."""
    tag = model("Tag", **fields)
    return api(("tags.put", model("PutTag", tag=(tag, ...)), model("PutTagResult", tag=(tag, ...))))


def edit_result_field(base: Api, field: str, **changes: Any) -> Api:
    """``base`` through its api.json with one field of ``Item`` edited: for forms Pydantic never emits."""
    data = json.loads(json.dumps(base.to_json()))
    item = next(m for m in data["models"] if m["name"] == "Item")
    next(f for f in item["fields"] if f["name"] == field).update(changes)
    return api_from_json(data)


Color1 = Enum("Color", {"RED": "red", "BLUE": "blue"}, type=str)
Color2 = Enum("Color", {"RED": "red", "GREEN": "green"}, type=str)
Cat = model("Cat", kind=(Literal["cat"], ...), name=(str, ...))
Dog = model("Dog", kind=(Literal["dog"], ...), name=(str, ...))
Bird = model("Bird", kind=(Literal["bird"], ...))
Tag = model("Tag", name=(str, ...), color=(str, ...))
TagNoColor = model("Tag", name=(str, ...))
TagWithSize = model("Tag", name=(str, ...), color=(str, ...), size=(int, ...))
Label = model("Label", name=(str, ...), color=(str, ...))
PetUnion = Union[Cat, Dog]  # noqa: UP007 - the runtime form create_model needs
PetUnionWithBird = Union[Cat, Dog, Bird]  # noqa: UP007


def node(*extra: str) -> type[BaseModel]:
    """A self-referencing model, optionally with extra required string fields."""
    fields = {name: (str, ...) for name in extra}
    return create_model("Node", name=(str, ...), children=(list["Node"], []), **fields)  # type: ignore[call-overload]


def pet_field(union: Any) -> Any:
    return (union, Field(..., discriminator="kind"))


# (old, new, expected [(kind, rule, path)] in the diff's order). Each entry is built lazily.
CASES: dict[str, tuple[Any, Any, list[tuple[str, str, str]]]] = {
    "method removed": (
        lambda: api(("items.get", EMPTY, EMPTY), ("items.delete", EMPTY, EMPTY)),
        lambda: api(("items.get", EMPTY, EMPTY)),
        [("breaking", "method-removed", "method items.delete")],
    ),
    "method added": (
        lambda: api(("items.get", EMPTY, EMPTY)),
        lambda: api(("items.get", EMPTY, EMPTY), ("items.archive", EMPTY, EMPTY)),
        [("additive", "method-added", "method items.archive")],
    ),
    "method renamed is removal plus addition": (
        lambda: api(("items.get", EMPTY, EMPTY)),
        lambda: api(("items.fetch", EMPTY, EMPTY)),
        [("breaking", "method-removed", "method items.get"), ("additive", "method-added", "method items.fetch")],
    ),
    "method now requires auth": (
        lambda: api(("items.get", EMPTY, EMPTY)),
        lambda: api(("items.get", EMPTY, EMPTY, True)),
        [("breaking", "method-auth-required", "method items.get")],
    ),
    "method no longer requires auth": (
        lambda: api(("items.get", EMPTY, EMPTY, True)),
        lambda: api(("items.get", EMPTY, EMPTY)),
        [("none", "method-auth-dropped", "method items.get")],
    ),
    "params model renamed, same structure": (
        lambda: api(("items.get", model("Query", text=(str, ...)), EMPTY)),
        lambda: api(("items.get", model("Filter", text=(str, ...)), EMPTY)),
        [("breaking", "type-renamed", "method items.get params")],
    ),
    "result model renamed and compared structurally": (
        lambda: api(("items.get", EMPTY, model("Item", id=(int, ...)))),
        lambda: api(("items.get", EMPTY, model("Record", id=(int, ...), title=(str, ...)))),
        [
            ("breaking", "type-renamed", "method items.get result"),
            ("additive", "result-field-added", "model Record.field title"),
        ],
    ),
    "nested model renamed": (
        lambda: result(tag=(Tag, ...)),
        lambda: result(tag=(Label, ...)),
        [("breaking", "type-renamed", "model Item.field tag")],
    ),
    "params field added as required": (
        lambda: params(text=(str, ...)),
        lambda: params(text=(str, ...), owner=(str, ...)),
        [("breaking", "params-field-added-required", "model Query.field owner")],
    ),
    "params field added as optional": (
        lambda: params(text=(str, ...)),
        lambda: params(text=(str, ...), limit=(Optional[int], None)),
        [("additive", "params-field-added-optional", "model Query.field limit")],
    ),
    "params field removed": (
        lambda: params(text=(str, ...), limit=(int, 10)),
        lambda: params(text=(str, ...)),
        [("breaking", "params-field-removed", "model Query.field limit")],
    ),
    "params field renamed is removal plus addition": (
        lambda: params(text=(str, ...)),
        lambda: params(query=(str, ...)),
        [
            ("breaking", "params-field-added-required", "model Query.field query"),
            ("breaking", "params-field-removed", "model Query.field text"),
        ],
    ),
    "result field added": (
        lambda: result(id=(int, ...)),
        lambda: result(id=(int, ...), title=(str, "")),
        [("additive", "result-field-added", "model Item.field title")],
    ),
    "result field removed": (
        lambda: result(id=(int, ...), title=(str, ...)),
        lambda: result(id=(int, ...)),
        [("breaking", "result-field-removed", "model Item.field title")],
    ),
    "params field made required": (
        lambda: params(limit=(int, 10)),
        lambda: params(limit=(int, ...)),
        [
            ("breaking", "params-field-now-required", "model Query.field limit"),
            ("none", "default-changed", "model Query.field limit"),
        ],
    ),
    "params field made optional": (
        lambda: params(limit=(int, ...)),
        lambda: params(limit=(int, 10)),
        [
            ("additive", "params-field-now-optional", "model Query.field limit"),
            ("none", "default-changed", "model Query.field limit"),
        ],
    ),
    # Pydantic marks every result field required (results carry defaults too); these two
    # come from an api.json a lock may hold, edited the way another generator could write it.
    "result field made optional": (
        lambda: result(count=(int, ...)),
        lambda: edit_result_field(result(count=(int, ...)), "count", required=False),
        [("breaking", "result-field-now-optional", "model Item.field count")],
    ),
    "result field made required": (
        lambda: edit_result_field(result(count=(int, ...)), "count", required=False),
        lambda: result(count=(int, ...)),
        [("additive", "result-field-now-required", "model Item.field count")],
    ),
    "params type changed": (
        lambda: params(n=(str, ...)),
        lambda: params(n=(int, ...)),
        [("breaking", "type-changed", "model Query.field n")],
    ),
    "result type changed": (
        lambda: result(n=(int, ...)),
        lambda: result(n=(str, ...)),
        [("breaking", "type-changed", "model Item.field n")],
    ),
    "params type widened to nullable": (
        lambda: params(n=(int, ...)),
        lambda: params(n=(Optional[int], ...)),
        [("additive", "params-type-widened", "model Query.field n")],
    ),
    "params type widened integer to number": (
        lambda: params(n=(int, ...)),
        lambda: params(n=(float, ...)),
        [("additive", "params-type-widened", "model Query.field n")],
    ),
    "params type widened literal to string": (
        lambda: params(mode=(Literal["fast", "slow"], ...)),
        lambda: params(mode=(str, ...)),
        [("additive", "params-type-widened", "model Query.field mode")],
    ),
    "params type widened to any": (
        lambda: params(data=(dict[str, int], ...)),
        lambda: params(data=(Any, ...)),
        [("additive", "params-type-widened", "model Query.field data")],
    ),
    "params type narrowed from nullable": (
        lambda: params(n=(Optional[int], ...)),
        lambda: params(n=(int, ...)),
        [("breaking", "params-type-narrowed", "model Query.field n")],
    ),
    "params list made a set": (
        lambda: params(ids=(list[int], ...)),
        lambda: params(ids=(set[int], ...)),
        [("breaking", "params-type-narrowed", "model Query.field ids")],
    ),
    "params nullable dropped and inner type changed": (
        lambda: params(n=(Optional[int], ...)),
        lambda: params(n=(str, ...)),
        [
            ("breaking", "params-type-narrowed", "model Query.field n"),
            ("breaking", "type-changed", "model Query.field n"),
        ],
    ),
    "result type widened to nullable": (
        lambda: result(n=(int, ...)),
        lambda: result(n=(Optional[int], ...)),
        [("breaking", "result-type-widened", "model Item.field n")],
    ),
    "result type widened integer to number": (
        lambda: result(n=(int, ...)),
        lambda: result(n=(float, ...)),
        [("breaking", "result-type-widened", "model Item.field n")],
    ),
    "result type narrowed from nullable": (
        lambda: result(n=(Optional[int], ...)),
        lambda: result(n=(int, ...)),
        [("additive", "result-type-narrowed", "model Item.field n")],
    ),
    "result list made a set": (
        lambda: result(ids=(list[int], ...)),
        lambda: result(ids=(set[int], ...)),
        [("additive", "result-type-narrowed", "model Item.field ids")],
    ),
    "list item type changed": (
        lambda: params(ids=(list[int], ...)),
        lambda: params(ids=(list[str], ...)),
        [("breaking", "type-changed", "model Query.field ids[]")],
    ),
    "map value widened in results": (
        lambda: result(scores=(dict[str, int], ...)),
        lambda: result(scores=(dict[str, Optional[int]], ...)),
        [("breaking", "result-type-widened", "model Item.field scores{}")],
    ),
    "tuple item type changed": (
        lambda: result(pair=(tuple[int, str], ...)),
        lambda: result(pair=(tuple[int, int], ...)),
        [("breaking", "type-changed", "model Item.field pair[1]")],
    ),
    "tuple length changed": (
        lambda: result(pair=(tuple[int, str], ...)),
        lambda: result(pair=(tuple[int, str, bool], ...)),
        [("breaking", "type-changed", "model Item.field pair")],
    ),
    "params enum value removed and added": (
        lambda: params(color=(Color1, ...)),
        lambda: params(color=(Color2, ...)),
        [
            ("breaking", "params-enum-value-removed", "enum Color"),
            ("additive", "params-enum-value-added", "enum Color"),
        ],
    ),
    "result enum value removed and added": (
        lambda: result(color=(Color1, ...)),
        lambda: result(color=(Color2, ...)),
        [
            ("additive", "result-enum-value-added", "enum Color"),
            ("additive", "result-enum-value-removed", "enum Color"),
        ],
    ),
    "enum in params and results is judged both ways": (
        lambda: api(("items.get", model("Query", color=(Color1, ...)), model("Item", color=(Color1, ...)))),
        lambda: api(("items.get", model("Query", color=(Color2, ...)), model("Item", color=(Color2, ...)))),
        [
            ("breaking", "params-enum-value-removed", "enum Color"),
            ("additive", "params-enum-value-added", "enum Color"),
            ("additive", "result-enum-value-added", "enum Color"),
            ("additive", "result-enum-value-removed", "enum Color"),
        ],
    ),
    "result literal value added": (
        lambda: result(kind=(Literal["task", "bug"], ...)),
        lambda: result(kind=(Literal["task", "bug", "epic"], ...)),
        [("additive", "result-enum-value-added", "model Item.field kind")],
    ),
    "params union variant added": (
        lambda: params(pet=pet_field(PetUnion)),
        lambda: params(pet=pet_field(PetUnionWithBird)),
        [("additive", "params-variant-added", "model Query.field pet")],
    ),
    "params union variant removed": (
        lambda: params(pet=pet_field(PetUnionWithBird)),
        lambda: params(pet=pet_field(PetUnion)),
        [("breaking", "params-variant-removed", "model Query.field pet")],
    ),
    "result union variant added": (
        lambda: result(pet=pet_field(PetUnion)),
        lambda: result(pet=pet_field(PetUnionWithBird)),
        [("breaking", "result-variant-added", "model Item.field pet")],
    ),
    "result union variant removed": (
        lambda: result(pet=pet_field(PetUnionWithBird)),
        lambda: result(pet=pet_field(PetUnion)),
        [("additive", "result-variant-removed", "model Item.field pet")],
    ),
    "plain type becomes a union in results": (
        lambda: result(v=(int, ...)),
        lambda: result(v=(Union[int, str], ...)),
        [("breaking", "result-variant-added", "model Item.field v")],
    ),
    "union with no variant in common": (
        lambda: params(v=(Union[int, str], ...)),
        lambda: params(v=(Union[bool, list[int]], ...)),
        [("breaking", "type-changed", "model Query.field v")],
    ),
    "union variant model changed": (
        lambda: result(pet=pet_field(PetUnion)),
        lambda: result(pet=pet_field(Union[Cat, model("Dog", kind=(Literal["dog"], ...))])),
        [("breaking", "result-field-removed", "model Dog.field name")],
    ),
    "default changed": (
        lambda: params(limit=(int, 10)),
        lambda: params(limit=(int, 20)),
        [("none", "default-changed", "model Query.field limit")],
    ),
    "descriptions changed": (
        lambda: api(("items.get", model("Query", "Old.", n=(int, Field(description="old"))), EMPTY, False, "Old.")),
        lambda: api(("items.get", model("Query", "New.", n=(int, Field(description="new"))), EMPTY, False, "New.")),
        [
            ("none", "description-changed", "method items.get"),
            ("none", "description-changed", "model Query"),
            ("none", "description-changed", "model Query.field n"),
        ],
    ),
    "model in params and results is judged both ways": (
        lambda: both(name=(str, ...)),
        lambda: both(name=(str, ...), color=(str, ...)),
        [
            ("breaking", "params-field-added-required", "model Tag.field color"),
            ("additive", "result-field-added", "model Tag.field color"),
        ],
    ),
    "model reached only from results through a list": (
        lambda: result(tags=(list[Tag], ...)),
        lambda: result(tags=(list[TagWithSize], ...)),
        [("additive", "result-field-added", "model Tag.field size")],
    ),
    "model reached only from results loses a field": (
        lambda: result(tags=(list[Tag], ...)),
        lambda: result(tags=(list[TagNoColor], ...)),
        [("breaking", "result-field-removed", "model Tag.field color")],
    ),
    "model reached from params through an optional map": (
        lambda: params(tags=(Optional[dict[str, Tag]], None)),
        lambda: params(tags=(Optional[dict[str, TagWithSize]], None)),
        [("breaking", "params-field-added-required", "model Tag.field size")],
    ),
    "self-referencing model": (
        lambda: result(root=(node(), ...)),
        lambda: result(root=(node("owner"), ...)),
        [("additive", "result-field-added", "model Node.field owner")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rule(case: str) -> None:
    old, new, expected = CASES[case]
    changes = diff_apis(old(), new())
    assert [(c.kind, c.rule, c.path) for c in changes] == expected
    assert all(c.message for c in changes)


def test_every_rule_has_a_case() -> None:
    covered = {rule for _, _, expected in CASES.values() for _, rule, _ in expected}
    # Channel rules have their cases in test_channel_compat.py.
    assert covered == {rule for rule in RULES if not rule.startswith("channel-")}


def test_identical_apis_have_no_changes() -> None:
    a = parse_api(kitchen_sink)
    assert diff_apis(a, a) == []
    assert diff_apis(a, api_from_json(json.loads(json.dumps(a.to_json())))) == []


def test_messages_explain_the_change() -> None:
    changes = diff_apis(params(n=(Optional[int], ...), color=(Color1, ...)), params(n=(int, ...), color=(Color2, ...)))
    assert [c.line for c in changes] == [
        'enum Color: value `"blue"` removed; old clients may still send it',
        "model Query.field n: type `integer | null` is now `integer`: values old clients send may be rejected",
        'enum Color: value `"green"` added',
    ]


# -- version A and version B of one service ------------------------------------


def tasks_v1() -> Api:
    class Status(str, Enum):
        OPEN = "open"
        DONE = "done"
        ARCHIVED = "archived"

    class TaskItem(BaseModel):
        id: int
        title: str
        status: Status
        note: Optional[str] = None

    class ListParams(BaseModel):
        """Which tasks to list."""

        status: Optional[Status] = None
        limit: int = 50

    class ListResult(BaseModel):
        items: list[TaskItem]
        total: int

    class DeleteParams(BaseModel):
        id: int

    class DeleteResult(BaseModel):
        deleted: bool

    return api(
        ("tasks.list", ListParams, ListResult),
        ("tasks.delete", DeleteParams, DeleteResult, True),
    )


def tasks_v2() -> Api:
    class Status(str, Enum):
        OPEN = "open"
        DONE = "done"
        BLOCKED = "blocked"

    class TaskItem(BaseModel):
        id: int
        title: str
        status: Status
        note: str = ""
        tags: list[str] = []

    class ListParams(BaseModel):
        """Which tasks to list, newest first."""

        status: Optional[Status] = None
        limit: int = 20
        owner: str

    class ListResult(BaseModel):
        items: list[TaskItem]
        total: int

    class ArchiveParams(BaseModel):
        id: int

    class ArchiveResult(BaseModel):
        archived: bool

    return api(
        ("tasks.list", ListParams, ListResult),
        ("tasks.archive", ArchiveParams, ArchiveResult, True),
    )


def test_two_versions_of_a_service() -> None:
    changes = diff_apis(tasks_v1(), tasks_v2())
    assert [(c.kind, c.rule, c.path) for c in changes] == [
        ("breaking", "params-enum-value-removed", "enum Status"),
        ("breaking", "method-removed", "method tasks.delete"),
        ("breaking", "params-field-added-required", "model ListParams.field owner"),
        ("additive", "params-enum-value-added", "enum Status"),
        ("additive", "result-enum-value-added", "enum Status"),
        ("additive", "result-enum-value-removed", "enum Status"),
        ("additive", "method-added", "method tasks.archive"),
        ("additive", "result-type-narrowed", "model TaskItem.field note"),
        ("additive", "result-field-added", "model TaskItem.field tags"),
        ("none", "description-changed", "model ListParams"),
        ("none", "default-changed", "model ListParams.field limit"),
        ("none", "default-changed", "model TaskItem.field note"),
    ]
    # Deterministic, and the same from a stored api.json as from the models.
    stored = api_from_json(json.loads(json.dumps({"api_hash": "ignored", **tasks_v1().to_json()})))
    assert diff_apis(stored, tasks_v2()) == changes


# -- release_check ----------------------------------------------------------------


@pytest.fixture(scope="module")
def service_changes() -> list:
    return diff_apis(tasks_v1(), tasks_v2())


def only(kind: str) -> list:
    return [c for c in diff_apis(tasks_v1(), tasks_v2()) if c.kind == kind]


@pytest.mark.parametrize(
    ("kinds", "old", "new", "level"),
    [
        (("breaking",), "1.2.0", "2.0.0", "ok"),
        (("breaking",), "1.2.0", "1.3.0", "error"),
        (("breaking",), "1.2.0", "1.2.1", "error"),
        (("breaking",), "1.2.0", "1.2.0", "error"),
        (("breaking",), "1.2.0", "2.0.0rc1", "ok"),
        (("breaking",), "0.3.0", "0.4.0", "ok"),  # 0.x: a minor bump may break
        (("breaking",), "0.3.0", "0.3.1", "error"),
        (("additive",), "1.2.0", "1.3.0", "ok"),
        (("additive",), "1.2.0", "1.2.1", "warning"),
        (("additive",), "1.2.0", "1.2.0.post1", "warning"),
        (("additive",), "1.2", "1.3.0.dev2", "ok"),
        (("none",), "1.2.0", "1.2.1", "ok"),
        (("none",), "1.2.0", "1.2.0", "ok"),
        ((), "1.2.0", "1.2.0", "ok"),
        ((), "1.3.0", "1.2.0", "error"),
    ],
)
def test_release_check_levels(kinds: tuple[str, ...], old: str, new: str, level: str) -> None:
    changes = [c for kind in kinds for c in only(kind)]
    verdict = release_check(changes, old, new)
    assert verdict.level == level
    assert verdict.failed == (level == "error")
    assert len(verdict.problems) == (level != "ok")


def test_release_check_breaking_can_be_made_a_warning(service_changes: list) -> None:
    verdict = release_check(service_changes, "1.2.0", "1.3.0", on_breaking="warning")
    assert (verdict.level, verdict.failed) == ("warning", False)


def test_release_check_report(service_changes: list) -> None:
    verdict = release_check(service_changes[:4] + service_changes[-1:], "1.2.0", "1.3.0")
    assert verdict.report == (
        "SDK API changes since 1.2.0 (building 1.3.0, a minor release): 3 breaking, 1 additive, 1 other\n"
        "error: 3 breaking changes since 1.2.0 need a major release (2.0.0 or later), but 1.3.0 is a minor release\n"
        "breaking:\n"
        '  - enum Status: value `"archived"` removed; old clients may still send it [params-enum-value-removed]\n'
        "  - method tasks.delete: removed; old clients that call it get an error [method-removed]\n"
        "  - model ListParams.field owner: added as required; old clients do not send it [params-field-added-required]\n"
        "additive:\n"
        '  - enum Status: value `"blocked"` added [params-enum-value-added]\n'
        "other:\n"
        "  - model TaskItem.field note: default `null` is now `\"\"` [default-changed]\n"
    )


def test_release_check_report_names_the_0x_rule_and_warnings() -> None:
    verdict = release_check(only("breaking"), "0.3.0", "0.3.1")
    assert verdict.problems == (
        "error: 3 breaking changes since 0.3.0 need a minor release (0.4.0 or later), but 0.3.1 is a patch release",
    )
    verdict = release_check(only("additive")[:1], "1.2.0", "1.2.0")
    assert verdict.problems == (
        "warning: 1 additive change since 1.2.0 calls for a minor release (1.3.0 or later), "
        "but 1.2.0 is not a new release",
    )
    assert release_check([], "1.2.0", "1.2.0").report == "SDK API unchanged since 1.2.0 (building 1.2.0)\n"


def test_release_check_rejects_non_pep440_versions() -> None:
    with pytest.raises(VersionError, match="'one' is not a PEP 440 version"):
        release_check([], "one", "1.0.0")


# -- api.json and the lock file --------------------------------------------------


def test_api_from_json_is_the_inverse_of_to_json() -> None:
    a = parse_api(kitchen_sink)
    loaded = api_from_json(json.loads(json.dumps({"api_hash": a.hash, **a.to_json()})))
    assert loaded == a
    assert loaded.hash == a.hash


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda d: d.pop("methods"), "not an api.json document: KeyError: 'methods'"),
        (lambda d: d["models"][0]["fields"][0]["type"].update(kind="complex"), "unknown type kind 'complex'"),
        (lambda d: d["methods"][0].update(params="Nope"), "method items.get_stats refers to 'Nope'"),
        (lambda d: d["methods"][0].update(params="Color"), "'Color' is an enum, not an object model"),
    ],
)
def test_api_from_json_rejects_broken_documents(edit: Any, error: str) -> None:
    data = parse_api(kitchen_sink).to_json()
    edit(data)
    with pytest.raises(ApiJsonError, match=error):
        api_from_json(data)


def test_lock_round_trip(tmp_path: Any) -> None:
    a = parse_api(kitchen_sink)
    path = tmp_path / "sdk-api.lock.json"
    assert read_lock(path) is None
    path.write_text(lock_text("1.2.0", a), encoding="utf-8")
    assert read_lock(path) == ("1.2.0", a)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(lock_data("1.2.0", a)))
    assert list(data) == ["api", "api_hash", "version"]
    assert data["api_hash"] == a.hash
    assert lock_text("1.2.0", a) == lock_text("1.2.0", parse_api(kitchen_sink))
    assert lock_text("1.2.0", a).endswith("}\n")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("{not json", "cannot read it"),
        ('{"version": "one", "api": {}}', "'version' must be a PEP 440 version string, got 'one'"),
        ('{"version": "1.0.0", "api": {"methods": []}}', "'api': not an api.json document"),
    ],
)
def test_read_lock_rejects_broken_files(tmp_path: Any, content: str, error: str) -> None:
    path = tmp_path / "sdk-api.lock.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LockError, match=error):
        read_lock(path)


@pytest.mark.parametrize(
    ("version", "final"),
    [("1.2.0", True), ("1.2.0.post1", True), ("1.3.0rc1", False), ("1.3.0.dev4", False), ("1.3.0+g1a2b", False)],
)
def test_is_final_release(version: str, final: bool) -> None:
    assert is_final_release(version) is final


def test_check_lock_policy() -> None:
    v1, v2 = tasks_v1(), tasks_v2()
    first = check_lock(None, "1.0.0", v1)
    assert (first.changes, first.verdict, first.record) == ((), None, True)
    assert check_lock(None, "1.0.0.dev1", v1).record is False

    unchanged = check_lock(("1.2.0", v1), "1.2.0", v1)
    assert (unchanged.changes, unchanged.verdict.level, unchanged.record) == ((), "ok", True)

    unannounced = check_lock(("1.2.0", v1), "1.3.0", v2)
    assert (unannounced.verdict.level, unannounced.record) == ("error", False)
    assert unannounced.changes == tuple(diff_apis(v1, v2))

    assert check_lock(("1.2.0", v1), "1.3.0", v2, on_breaking="warning").record is True
    major = check_lock(("1.2.0", v1), "2.0.0", v2)
    assert (major.verdict.level, major.record) == ("ok", True)
    # Developing towards 2.0.0: checked against the last final release, lock left alone.
    dev = check_lock(("1.2.0", v1), "2.0.0.dev3", v2)
    assert (dev.verdict.level, dev.record) == ("ok", False)
