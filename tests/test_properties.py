"""Property-based tests: random model sets (nesting up to 4 levels) through all three SDKs.

For each generated model set: the parser reads it, all three renderers render it, and
random params and results round-trip through the Python SDK in-process (the SDK's
encoding must decode, in the service's model, to an equal value with the same fields
present). Then, once per batch of model sets: ``mypy --strict`` over every Python SDK,
``tsc --strict`` over every TypeScript SDK with the random wire forms typed as its
interfaces, ``go vet`` and ``go build`` over every Go SDK, and a Go program that decodes
and re-encodes every random wire form, which the service's model must find unchanged.

Fast run (part of ``make test``): ``HYPOTHESIS_PROFILE`` unset, 25 model sets.
Large run: ``HYPOTHESIS_PROFILE=large .venv/bin/pytest tests/test_properties.py``, 300.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any, Literal, Tuple, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.typescript import names as ts_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.conformance.random_models import ModelSet, model_sets, model_value
from tests.conformance.sdks import Sdks, go, go_workspace, import_python, mypy_strict, output, render_sdks, run, ts_project, tsc_strict, write_python

settings.register_profile(
    "fast", max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
settings.register_profile("large", max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
BATCH = 60  # model sets per checker run


class Example:
    """One model set, its SDKs, and the wire forms drawn for it."""

    def __init__(self, index: int, spec: ModelSet) -> None:
        self.spec = spec
        self.api = parse_api(spec.registry)
        self.sdks = render_sdks(f"prop{index}", self.api)
        self.method = self.api.methods[0]
        self.wires: list[tuple[str, Any]] = []  # (API model name, wire form)

    def service_model(self, api_name: str) -> type[BaseModel]:
        """The service's Pydantic model behind an API model name of the method."""
        return self.spec.classes[self.spec.params if api_name == self.method.params else self.spec.result]


def presence(value: Any) -> Any:
    """Which fields a decoded value has set, all the way down; a null where the default is null
    counts as left out (the model cannot tell them apart)."""
    if isinstance(value, BaseModel):
        shape = {}
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            if item is None and info.default is None and not info.is_required():
                continue
            shape[name] = (name in value.model_fields_set, presence(item))
        return shape
    if isinstance(value, (list, tuple)):
        return [presence(v) for v in value]
    if isinstance(value, dict):
        return {k: presence(v) for k, v in value.items()}
    return None


def same_decoding(model: type[BaseModel], wire: Any, expected: Any) -> str:
    """"" when ``wire`` decodes, in the service's ``model``, like the ``expected`` wire form."""
    try:
        got, want = model.model_validate(wire), model.model_validate(expected)
    except Exception as exc:  # noqa: BLE001 - reported with the example
        return f"the service cannot decode {wire!r}: {exc}"
    if got != want or presence(got) != presence(want):
        return f"decodes differently: {wire!r}, want {expected!r}"
    return ""


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[Example]:
    """Every model set the run generates, checked in-process as it is drawn."""
    python_root = tmp_path_factory.mktemp("props-python")
    names = itertools.count()  # every draw (shrinking included) gets a fresh package name
    examples: list[Example] = []

    @settings(PROFILE)
    @given(spec=model_sets(), data=st.data())
    def draw(spec: ModelSet, data: st.DataObject) -> None:
        example = Example(next(names), spec)
        write_python([example.sdks], python_root)
        sdk = import_python(python_root, example.sdks.python_package)
        for api_name, index, params in ((example.method.params, spec.params, True), (example.method.result, spec.result, False)):
            service = example.service_model(api_name)
            sdk_model = getattr(sdk, py_names.python_type(api_name))
            for _ in range(2):
                value = data.draw(model_value(index, spec, params))
                wire = service.model_validate(value).model_dump(mode="json", by_alias=True, exclude_unset=params)
                again = sdk_model.model_validate(wire).model_dump(mode="json", by_alias=True, exclude_unset=params)
                problem = same_decoding(service, again, wire)
                assert not problem, f"Python SDK: {problem}\n{spec.describe()}"
                example.wires.append((api_name, wire))
        examples.append(example)

    draw()
    return examples


def batches(examples: list[Example]) -> list[list[Example]]:
    return [examples[i : i + BATCH] for i in range(0, len(examples), BATCH)]


def spec_kinds(t: tuple[Any, ...], spec: ModelSet) -> tuple[set[str], int]:
    """The kinds a field type uses and the model nesting depth under it."""
    kind = t[0]
    if kind == "scalar":
        return {t[1]}, 0
    if kind in ("list", "set", "dict", "nullable"):
        kinds, depth = spec_kinds(t[1], spec)
        return {kind} | kinds, depth
    if kind == "model":
        kinds, depth = model_kinds(t[1], spec)
        return {"model"} | kinds, depth + 1
    if kind in ("tuple", "union"):
        kinds, depth = {kind}, 0
        for item in t[1]:
            more, deeper = spec_kinds(item, spec)
            kinds, depth = kinds | more, max(depth, deeper)
        return kinds, depth
    return {kind}, 0


def model_kinds(index: int, spec: ModelSet) -> tuple[set[str], int]:
    kinds: set[str] = set()
    depth = 0
    for f in spec.models[index].fields:
        more, deeper = spec_kinds(f.type, spec)
        kinds |= more | {f.mode}
        depth = max(depth, deeper)
    return kinds, depth


def test_generated_model_sets_nest_and_vary(collected: list[Example]) -> None:
    """The strategies reach what they promise (fails if generation degenerates)."""
    assert len(collected) == PROFILE.max_examples
    kinds: set[str] = set()
    depth = 0
    for e in collected:
        for root in (e.spec.params, e.spec.result):
            more, deeper = model_kinds(root, e.spec)
            kinds |= more
            depth = max(depth, deeper + 1)
    assert depth == 4
    assert kinds >= {
        "model", "enum", "literal", "list", "set", "dict", "nullable", "tuple", "union", "required", "optional_none", "default",
        "nullable_default",
    }, kinds
    assert len(kinds & {"string", "integer", "number", "datetime", "date", "time", "duration", "uuid", "decimal", "bytes", "any"}) >= 8, kinds


def test_python_sdks_pass_mypy_strict(collected: list[Example], tmp_path: Path) -> None:
    for i, batch in enumerate(batches(collected)):
        root = write_python([e.sdks for e in batch], tmp_path / f"batch{i}")
        done = mypy_strict(root, [e.sdks.python_package for e in batch], tmp_path / "mypy-cache")
        assert done.returncode == 0, output(done) + _specs(batch, done.stdout)


def _specs(batch: list[Example], text: str) -> str:
    """The specs of the examples a checker's output names."""
    named = [e for e in batch if e.sdks.name in text or e.sdks.go_package in text]
    return "\n".join(e.spec.describe() for e in named[:3])


def test_typescript_sdks_pass_tsc_strict_with_the_random_wire_forms(collected: list[Example], tmp_path: Path) -> None:
    for i, batch in enumerate(batches(collected)):
        app = ts_project([e.sdks for e in batch], tmp_path / f"batch{i}")
        sources = {}
        for e in batch:
            lines = [f'import type * as sdk from "{e.sdks.npm_package}";']
            lines += [
                f"export const v{n}: sdk.{ts_names.ts_type(name)} = {json.dumps(wire, ensure_ascii=False)};"
                for n, (name, wire) in enumerate(e.wires)
            ]
            sources[f"{e.sdks.name}.mts"] = "\n".join(lines) + "\n"
        done = tsc_strict(app, sources)
        assert done.returncode == 0, output(done) + _specs(batch, done.stdout)


ROUND_TRIP = """package main

import (
	"bytes"
	"encoding/json"
	"os"

	fastjson "github.com/segmentio/encoding/json"
)

// Decodes each {"type", "wire"} into its SDK type and prints what encoding it again gives.
// Client.Call decodes with segmentio's decoder, callers with encoding/json: both must agree.
func main() {
	var cases []struct {
		Type string          `json:"type"`
		Wire json.RawMessage `json:"wire"`
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		panic(err)
	}
	out := []any{}
	for _, c := range cases {
		value := newValue[c.Type]()
		if err := json.Unmarshal(c.Wire, value); err != nil {
			out = append(out, map[string]string{"error": err.Error()})
			continue
		}
		encoded, err := json.Marshal(value)
		if err != nil {
			out = append(out, map[string]string{"error": err.Error()})
			continue
		}
		fast := newValue[c.Type]()
		if err := fastjson.Unmarshal(c.Wire, fast); err != nil {
			out = append(out, map[string]string{"error": "segmentio decoder: " + err.Error()})
			continue
		}
		if again, err := json.Marshal(fast); err != nil || !bytes.Equal(again, encoded) {
			out = append(out, map[string]string{"error": "segmentio decoder: decoded differently: " + string(again)})
			continue
		}
		out = append(out, json.RawMessage(encoded))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""


def go_registry(batch: list[Sdks]) -> str:
    imports = "".join(f'\t"{s.go_import}"\n' for s in batch)
    entries = "".join(
        f'\t"{s.go_package}.{m.name}": func() any {{ return new({s.go_package}.{go_names.go_type(m.name)}) }},\n'
        for s in batch
        for m in s.api.models
    )
    return f"package main\n\nimport (\n{imports})\n\nvar newValue = map[string]func() any{{\n{entries}}}\n"


def go_round_trip(batch: list[Sdks], cases: list[tuple[Sdks, str, Any]], root: Path) -> list[Any]:
    """Vet and build the batch's Go SDKs, then decode and re-encode each (sdks, model name, wire)."""
    root = go_workspace(batch, root, {"roundtrip/main.go": ROUND_TRIP, "roundtrip/registry.go": go_registry(batch)})
    for args in (("vet", "./..."), ("build", "-o", "roundtrip.bin", "./roundtrip")):
        done = go(root, *args)
        assert done.returncode == 0, output(done)
    (root / "cases.json").write_text(json.dumps([{"type": f"{s.go_package}.{n}", "wire": w} for s, n, w in cases]))
    done = run([str(root / "roundtrip.bin"), "cases.json"], root)
    assert done.returncode == 0, output(done)
    return list(json.loads(done.stdout))


def test_go_sdks_vet_build_and_round_trip_the_random_wire_forms(collected: list[Example], tmp_path: Path) -> None:
    for i, batch in enumerate(batches(collected)):
        cases = [(e, name, wire) for e in batch for name, wire in e.wires]
        try:
            encoded_all = go_round_trip([e.sdks for e in batch], [(e.sdks, n, w) for e, n, w in cases], tmp_path / f"batch{i}")
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{_specs(batch, str(failure))}") from None
        problems = []
        for (e, name, wire), encoded in zip(cases, encoded_all):
            problem = f"Go could not decode: {encoded['error']}" if isinstance(encoded, dict) and set(encoded) == {"error"} else ""
            problem = problem or same_decoding(e.service_model(name), encoded, wire)
            if problem:
                problems.append(f"{name}: {problem}\n{e.spec.describe()}")
        assert not problems, "\n".join(problems[:5])


# Tuples and unions, including a discriminated one, round-trip through Go by fixed examples too.


class Circle(BaseModel):
    kind: Literal["circle"]
    radius: float


class Square(BaseModel):
    kind: Literal["square"]
    side: float


class Mixed(BaseModel):
    pair: Tuple[int, str]
    either: Union[int, str]
    shape: Union[Circle, Square] = Field(discriminator="kind")


def test_go_sdk_round_trips_tuples_and_unions(tmp_path: Path) -> None:
    registry = Registry()

    async def echo(conn: Any, params: Mixed) -> Mixed:
        return params

    registry.rpc("mixed.echo")(echo)
    sdks = render_sdks("mixed", parse_api(registry))
    wires = [
        {"pair": [1, "one"], "either": 2, "shape": {"kind": "circle", "radius": 1.5}},
        {"pair": [-3, ""], "either": "two", "shape": {"kind": "square", "side": 2.0}},
    ]
    encoded = go_round_trip([sdks], [(sdks, "Mixed", w) for w in wires], tmp_path)
    assert [same_decoding(Mixed, e, w) for e, w in zip(encoded, wires)] == ["", ""]
