"""The API model keeps what the SDKs need to carry every model: readable names for
colliding and generic classes, one model per form, constraints, and refusals that name
the model and field. The languages' own checks of these live in tests/test_<lang>_sdk.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, List, Optional, TypeVar

import pytest
from pydantic import BaseModel, Field, RootModel, WithJsonSchema

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.ir import api_from_json
from hatch_centrifugo_sdk.ir.model import Api, describe_constraints
from hatch_centrifugo_sdk.ir.parser import SchemaError, parse_api

T = TypeVar("T")


def model(module: str, class_name: str, **fields: Any) -> type[BaseModel]:
    """A model class as if declared in ``module``: Pydantic qualifies colliding names by it."""
    namespace = {"__module__": module, "__qualname__": class_name, "__annotations__": fields}
    return type(class_name, (BaseModel,), namespace)


TasksTask = model("app.tasks", "Task", title=str)
TodosTask = model("app.todos", "Task", done=bool)
OtherTask = model("lib.tasks", "Task", size=int)


class Page(BaseModel, Generic[T]):
    items: List[T]
    total: int


def api_of(*methods: tuple[str, type[BaseModel], type[BaseModel]]) -> Api:
    registry = Registry()
    for name, params, result in methods:

        async def handler(conn, params):  # type: ignore[no-untyped-def]
            return params

        handler.__annotations__ = {"params": params, "return": result}
        registry.rpc(name)(handler)
    return parse_api(registry)


def names(api: Api) -> list[str]:
    return [m.name for m in api.models] + [e.name for e in api.enums]


def test_same_class_name_in_two_modules_takes_the_module_name() -> None:
    Holder = model("app.views", "Holder", task=TasksTask, todo=TodosTask)
    api = api_of(("things.get", Holder, Page[TasksTask]))
    assert names(api) == ["Holder", "PageTask", "TasksTask", "TodosTask"]  # one Page: no need to qualify
    assert api.model("Holder").fields[0].type.name == "TasksTask"  # type: ignore[union-attr]
    # Registration order and a second run change nothing.
    again = api_of(("things.get", Holder, Page[TasksTask]))
    assert again == api and again.hash == api.hash


def test_more_module_components_where_the_last_ones_collide() -> None:
    Holder = model("app.views", "Holder", mine=TasksTask, theirs=OtherTask)
    assert names(api_of(("things.get", Holder, Holder))) == ["AppTasksTask", "Holder", "LibTasksTask"]


def test_generic_arguments_of_one_name_are_qualified() -> None:
    Holder = model("app.views", "Holder", tasks=Page[TasksTask], todos=Page[TodosTask])
    assert names(api_of(("things.get", Holder, Holder))) == ["Holder", "PageTasksTask", "PageTodosTask", "TasksTask", "TodosTask"]


def test_a_model_with_one_form_in_params_and_results_is_one_model() -> None:
    Leaf = model("app.tree", "Leaf", name=str)
    Defaulted = type("Defaulted", (BaseModel,), {"__annotations__": {"name": str}, "name": "x"})

    class Both(BaseModel):
        leaf: Leaf  # type: ignore[valid-type]
        defaulted: Defaulted  # type: ignore[valid-type]

    # Leaf reads the same both ways; Defaulted's default makes "name" required only in results.
    assert names(api_of(("things.get", Both, Both))) == ["BothInput", "BothOutput", "DefaultedInput", "DefaultedOutput", "Leaf"]


class Limits(BaseModel):
    count: Annotated[int, Field(ge=1, le=10)]
    code: Optional[Annotated[str, Field(min_length=2, pattern=r"^[A-Z]+$")]] = None
    tags: List[Annotated[str, Field(max_length=5)]] = Field(default_factory=list, max_length=3)
    plain: int = 0


def test_constraints_reach_the_model_and_survive_api_json() -> None:
    api = api_of(("limits.set", Limits, Limits))
    fields = {f.name: f.constraints for f in api.model("LimitsInput").fields}
    assert fields == {
        "count": (("minimum", 1), ("maximum", 10)),
        "code": (("minLength", 2), ("pattern", "^[A-Z]+$")),
        "tags": (("maxItems", 3), ("items.maxLength", 5)),
        "plain": (),
    }
    assert describe_constraints(fields["tags"]) == "Constraints: at most 3 items; each item: at most 5 characters."
    assert describe_constraints(fields["code"]) == 'Constraints: at least 2 characters; matches the pattern "^[A-Z]+$".'
    loaded = api_from_json(api.to_json())
    assert loaded == api and loaded.hash == api.hash


def test_an_api_without_constraints_keeps_its_form() -> None:
    Plain = model("app.plain", "Plain", n=int)
    field = api_of(("plain.get", Plain, Plain)).to_json()["models"][0]["fields"][0]
    assert "constraints" not in field


class Ids(RootModel[List[int]]):
    pass


class Odd(BaseModel):
    either: Annotated[int, WithJsonSchema({"type": ["integer", "string"]})]


class HasRoot(BaseModel):
    ids: Ids


@pytest.mark.parametrize(
    ("holder", "subject"),
    [(Odd, "model 'Odd', field 'either'"), (HasRoot, "model 'Ids'")],
)
def test_what_no_sdk_can_map_fails_naming_model_and_field(holder: type[BaseModel], subject: str) -> None:
    with pytest.raises(SchemaError) as failure:
        api_of(("things.get", holder, holder))
    assert subject in str(failure.value)
