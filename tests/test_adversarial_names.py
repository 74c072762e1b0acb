"""The adversarial corpus (tests/conformance/adversarial.json) in all three SDKs.

Each category of the corpus becomes one API: field names as the fields of one model, model
names as models, method names as methods, texts as descriptions and docstrings of fields,
models, enums and methods, enum values as a string enum and a literal. Every SDK of every
category must pass its language's strict checker; the Python SDK must also keep each text
exactly, and every name must reach the wire unchanged.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any, List, Literal, Optional

import pytest
from pydantic import BaseModel, Field, create_model

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.typescript import names as ts_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.build.pipeline import check_type_names
from hatch_centrifugo_sdk.build.discovery import check_method_names
from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.conformance.sdks import (
    Sdks, go, go_workspace, import_python, mypy_strict, output, render_sdks, run, ts_project, tsc_strict, write_python,
)
from tests.conformance.vectors import HERE

CORPUS: dict[str, Any] = json.loads((HERE / "adversarial.json").read_text(encoding="utf-8"))
CATEGORIES = ("field_names", "model_names", "method_names", "texts", "enum_values")
FIELD_TYPES = (str, int, Optional[str], List[int])


# Results are a separate model: a model used both ways splits into ``…Input`` and ``…Output``.
OK = create_model("Ok", ok=(bool, ...))


def _handler(registry: Registry, method: str, params: type[BaseModel], result: type[BaseModel] = OK, doc: str = "") -> None:
    async def handler(conn: Any, p: Any) -> Any:
        return p

    handler.__annotations__ = {"p": params, "return": result}
    handler.__doc__ = doc or None
    registry.rpc(method)(handler)


def field_names_api() -> Registry:
    registry = Registry()
    fields: dict[str, Any] = {
        f"f{i}": (FIELD_TYPES[i % len(FIELD_TYPES)], Field(alias=name)) for i, name in enumerate(CORPUS["field_names"])
    }
    model = create_model("Fields", **fields)
    _handler(registry, "fields.echo", model)
    return registry


def model_names_api() -> Registry:
    registry = Registry()
    nested = {
        f"m{i}": (create_model(name, value=(int, 0)), ...) for i, name in enumerate(CORPUS["model_names"])
    }
    root = create_model("Models", **nested)
    _handler(registry, "models.get", root)
    return registry


def method_names_api() -> Registry:
    registry = Registry()
    params = create_model("Params", value=(Optional[int], None))
    result = create_model("Result", value=(int, ...))
    for method in CORPUS["method_names"]:
        _handler(registry, method, params, result)
    return registry


def texts_api() -> Registry:
    registry = Registry()
    texts = CORPUS["texts"]
    color = Enum("Color", [("RED", "red")], type=str)  # type: ignore[misc]
    color.__doc__ = "\n".join(texts)
    documented = [create_model(f"Doc{i}", __doc__=text, value=(int, Field(0, description=text))) for i, text in enumerate(texts)]
    fields: dict[str, Any] = {f"t{i}": (str, Field(description=text)) for i, text in enumerate(texts)}
    fields.update({f"d{i}": (model, ...) for i, model in enumerate(documented)})
    fields["color"] = (color, Field(color("red"), description=texts[0]))
    root = create_model("Texts", **fields)
    for i, text in enumerate(texts):
        _handler(registry, f"texts.m{i}", root, doc=text)
    return registry


def enum_values_api() -> Registry:
    registry = Registry()
    values = CORPUS["enum_values"]
    enum = Enum("Value", [(f"V{i}", v) for i, v in enumerate(values)], type=str)  # type: ignore[misc]
    model = create_model(
        "Values",
        one=(enum, ...),
        many=(List[enum], []),  # type: ignore[valid-type]
        literal=(Literal[tuple(values)], values[0]),  # type: ignore[valid-type]
    )
    _handler(registry, "values.echo", model)
    return registry


REGISTRIES = {
    "field_names": field_names_api,
    "model_names": model_names_api,
    "method_names": method_names_api,
    "texts": texts_api,
    "enum_values": enum_values_api,
}


def test_corpus_covers_every_hazard() -> None:
    assert sum(len(CORPUS[c]) for c in CATEGORIES) >= 50
    texts = "".join(CORPUS["texts"]) + "".join(CORPUS["enum_values"])
    for piece in ("*/", '"""', "`", "\\", "\n", "%", "{{", "}}"):
        assert piece in texts, piece
    assert any(ord(c) > 127 for c in texts)
    # Reserved words and builtins of each language, as field, model and method names.
    names = {c: {n for n in CORPUS[c]} for c in ("field_names", "model_names", "method_names")}
    for reserved in (py_names.PYTHON_RESERVED, ts_names.TS_RESERVED, go_names.GO_RESERVED):
        assert names["field_names"] & reserved and names["method_names"] & reserved
        assert {n.lower() for n in names["model_names"]} & {r.lower() for r in reserved}


@pytest.fixture(scope="module")
def apis() -> dict[str, Api]:
    return {category: parse_api(make()) for category, make in REGISTRIES.items()}


def test_every_name_and_text_reaches_the_api(apis: dict[str, Api]) -> None:
    assert [f.name for f in apis["field_names"].model("Fields").fields] == CORPUS["field_names"]
    assert sorted(m.name for m in apis["method_names"].methods) == sorted(CORPUS["method_names"])
    assert len(apis["model_names"].models) == len(CORPUS["model_names"]) + 2  # and Models, Ok
    assert [e.values for e in apis["enum_values"].enums] == [tuple(CORPUS["enum_values"])]
    for category, api in apis.items():
        check_method_names(list(REGISTRIES[category]()))
        check_type_names(api, ("python", "typescript", "go"))


@pytest.fixture(scope="module")
def rendered(apis: dict[str, Api]) -> dict[str, Sdks]:
    return {category: render_sdks(category, api) for category, api in apis.items()}


def _mentions(text: str, sdks: Sdks) -> list[str]:
    """The checker's output lines about one category's SDK."""
    marks = (f"{sdks.python_package}/", f"{sdks.npm_package}/", f"/{sdks.go_package}/", f"proof/{sdks.go_package}")
    return [line for line in text.splitlines() if any(m in line for m in marks)]


@pytest.fixture(scope="module")
def mypy_output(rendered: dict[str, Sdks], tmp_path_factory: pytest.TempPathFactory) -> str:
    root = write_python(list(rendered.values()), tmp_path_factory.mktemp("adversarial-python"))
    done = mypy_strict(root, [s.python_package for s in rendered.values()], tmp_path_factory.mktemp("mypy-cache"))
    return "" if done.returncode == 0 else output(done)


@pytest.fixture(scope="module")
def tsc_output(rendered: dict[str, Sdks], tmp_path_factory: pytest.TempPathFactory) -> str:
    app = ts_project(list(rendered.values()), tmp_path_factory.mktemp("adversarial-ts"))
    sources = {
        f"{s.name}.mts": f'import * as sdk from "{s.npm_package}";\nexport const client: typeof sdk.APIClient = sdk.APIClient;\n'
        for s in rendered.values()
    }
    done = tsc_strict(app, sources)
    return "" if done.returncode == 0 else output(done)


@pytest.fixture(scope="module")
def go_output(rendered: dict[str, Sdks], tmp_path_factory: pytest.TempPathFactory) -> str:
    root = go_workspace(list(rendered.values()), tmp_path_factory.mktemp("adversarial-go"))
    problems = ""
    for args in (("vet", "./..."), ("build", "./...")):
        done = go(root, *args)
        problems += "" if done.returncode == 0 else output(done)
    # The renderer writes gofmt's canonical form; doc comments of odd texts are where it could slip.
    listed = run(["gofmt", "-l", str(root)], root)
    return problems + listed.stdout + listed.stderr


@pytest.mark.parametrize("category", CATEGORIES)
def test_python_sdk_passes_mypy_strict(mypy_output: str, rendered: dict[str, Sdks], category: str) -> None:
    assert _mentions(mypy_output, rendered[category]) == [], mypy_output


@pytest.mark.parametrize("category", CATEGORIES)
def test_typescript_sdk_passes_tsc_strict(tsc_output: str, rendered: dict[str, Sdks], category: str) -> None:
    assert _mentions(tsc_output, rendered[category]) == [], tsc_output


@pytest.mark.parametrize("category", CATEGORIES)
def test_go_sdk_vets_and_builds(go_output: str, rendered: dict[str, Sdks], category: str) -> None:
    assert _mentions(go_output, rendered[category]) == [], go_output


def test_all_checkers_ran_clean(mypy_output: str, tsc_output: str, go_output: str) -> None:
    """Nothing the per-category filters could miss (a message naming no package)."""
    assert (mypy_output, tsc_output, go_output) == ("", "", "")


def test_python_sdk_keeps_every_text_and_wire_name(rendered: dict[str, Sdks], tmp_path: Path) -> None:
    write_python(list(rendered.values()), tmp_path)
    texts = import_python(tmp_path, rendered["texts"].python_package)
    fields = texts.Texts.model_fields  # type: ignore[attr-defined]
    for i, text in enumerate(CORPUS["texts"]):
        assert fields[f"t{i}"].description == (text.strip() or None), i
    names = import_python(tmp_path, rendered["field_names"].python_package)
    model = names.Fields  # type: ignore[attr-defined]
    assert [f.serialization_alias or n for n, f in model.model_fields.items()] == CORPUS["field_names"]
    values = import_python(tmp_path, rendered["enum_values"].python_package)
    assert [v.value for v in values.Value] == CORPUS["enum_values"]  # type: ignore[attr-defined]
