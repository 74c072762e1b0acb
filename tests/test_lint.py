"""The checklist's warnings on model sets nobody here wrote: only the project's own models are
linted, repeats are summarised, a kind can be silenced, and fields are located exactly."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi.openapi.models import Contact  # an installed distribution's models, without descriptions
from pydantic import BaseModel, Field, create_model

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, ConfigError, parse_config
from hatch_centrifugo_sdk.build.lint import SHOWN_PER_KIND, lint, summarise
from hatch_centrifugo_sdk.runtime.registry import field_location

TABLE = f"tool.hatch.build.hooks.{PLUGIN_NAME}"


class Own(BaseModel):
    described: int = Field(description="Has one")
    bare: int
    contact: Contact = Field(description="Third-party model: its fields are not ours to document")


def registry_of(params: type[BaseModel], doc: str | None = "Documented.") -> Registry:
    registry = Registry()

    async def handler(conn: Any, params: Any) -> Any:
        return params

    handler.__annotations__ = {"params": params, "return": params}
    handler.__doc__ = doc
    registry.rpc("things.get")(handler)
    return registry


def test_only_the_projects_own_models_are_linted() -> None:
    warnings = lint(registry_of(Own))
    assert [w.subject for w in warnings] == ["model 'Own', field 'bare'"]
    assert warnings[0].file == __file__ and warnings[0].line == inspect.getsourcelines(Own)[1] + 2


def test_repeated_warnings_are_summarised_with_the_key_that_silences_them() -> None:
    Wide = create_model("Wide", **{f"f{i}": (int, ...) for i in range(SHOWN_PER_KIND + 5)})  # type: ignore[call-overload]
    warnings = lint(registry_of(Wide, doc=None))
    assert len(warnings) == SHOWN_PER_KIND + 6
    lines = summarise(warnings, TABLE)
    assert len(lines) == SHOWN_PER_KIND + 2  # the docstring warning, ten fields, one summary
    assert lines[-1] == (
        f'5 more field-description warnings like these; {TABLE}.silence-warnings = ["field-description"] silences them'
    )
    silenced = lint(registry_of(Wide, doc=None), silence=["field-description"])
    assert [w.kind for w in silenced] == ["handler-docstring"]


def test_silence_warnings_takes_only_known_kinds() -> None:
    config = parse_config({"modules": ["m"], "languages": ["python"], "silence-warnings": ["field-description"]},
                          project_name="svc", prefix=TABLE)
    assert config.silence_warnings == ("field-description",)
    with pytest.raises(ConfigError, match=r"silence-warnings\[0\]: 'descriptions' is not one of 'handler-docstring'"):
        parse_config({"modules": ["m"], "silence-warnings": ["descriptions"]}, project_name="svc", prefix=TABLE)


def outer() -> type[BaseModel]:
    @staticmethod  # type: ignore[misc]
    def unused() -> None: ...

    class Nested(BaseModel):
        if True:
            hidden: int = 0

        shown: str

    return Nested


def test_fields_are_located_as_inspect_would_find_them() -> None:
    nested = outer()
    lines, first = inspect.getsourcelines(nested)
    for name in ("hidden", "shown"):
        offset = next(i for i, text in enumerate(lines) if text.strip().startswith(f"{name}:"))
        assert field_location(nested, name) == f"{__file__}:{first + offset}"
    assert field_location(Own, "bare") == f"{__file__}:{inspect.getsourcelines(Own)[1] + 2}"


class Counts(BaseModel):
    """Ints a JavaScript number holds exactly only when their bounds say so."""

    bounded: int = Field(ge=-(2**53 - 1), le=2**53 - 1, description="Safe in every SDK")
    unsigned: int = Field(ge=0, lt=2**53, description="Safe too")
    id: int = Field(description="Unbounded: 2**63-1 fits Python and Go, not a JavaScript number")
    too_wide: int = Field(ge=0, le=2**63 - 1, description="Bounded, but past 2**53")
    many: list[int | None] = Field(description="Unbounded items")
    flag: bool = Field(description="Not an int")


def test_unbounded_int_fields_are_named_when_the_typescript_sdk_is_built() -> None:
    warnings = lint(registry_of(Counts), typescript=True)
    assert [(w.subject, w.kind) for w in warnings] == [
        (f"model 'Counts', field '{name}'", "unsafe-integer") for name in ("id", "too_wide", "many")
    ]
    assert str(warnings[0]) == (
        f"{__file__}:{inspect.getsourcelines(Counts)[1] + 5}: model 'Counts', field 'id': an int without bounds within "
        "±(2**53-1): the TypeScript SDK reads it as a JavaScript number, which rounds larger values "
        "(9007199254740993 arrives as 9007199254740992); bound it with Field(ge=-(2**53-1), le=2**53-1) or send "
        "larger values as str"
    )
    assert lint(registry_of(Counts)) == []  # no TypeScript SDK: nothing is rounded
    assert lint(registry_of(Counts), silence=["unsafe-integer"], typescript=True) == []


def test_unbounded_ints_of_installed_models_are_counted_once_per_distribution() -> None:
    """A third-party model's int fields cannot be bounded by the project: one line per distribution
    says how many there are (locating each field would parse the distribution's source files)."""
    from openai.types import CompletionUsage

    class Usage(BaseModel):
        usage: CompletionUsage = Field(description="openai's own model")
        count: int = Field(description="Ours", ge=0, le=2**53 - 1)

    registry = registry_of(Usage)
    warnings = lint(registry, typescript=True)
    assert [(w.subject, w.kind) for w in warnings] == [("models installed from 'openai'", "unsafe-integer")]
    handler = next(iter(registry))
    assert str(warnings[0]).startswith(
        f"{handler.location}: models installed from 'openai': 13 int fields without bounds within ±(2**53-1) "
        "(e.g. model 'CompletionTokensDetails', field 'accepted_prediction_tokens'): the TypeScript SDK reads them "
        "as JavaScript numbers, which round values above 2**53"
    )
