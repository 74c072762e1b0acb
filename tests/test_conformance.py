"""Conformance vectors (tests/conformance/vectors.json): one set of inputs and expected wire
forms, held against the service and against each SDK, offline and through the real Centrifugo.

- The service: Pydantic builds each params model from the values and encodes exactly the
  wire form; decodes the wire form to an equal model with the same fields set; the
  dispatcher answers exactly the result wire form; rejected params get 422.
- Python: the wheel in a fresh venv builds params from values (wire form as expected) and
  decodes results to the expected typed values.
- TypeScript: every wire form type-checks against the generated interfaces (tsc --strict),
  every rejected one does not.
- Go: a consumer decodes every wire form, finds the expected field values (by reflection,
  tests/conformance/go/check.go) and encodes the same wire form again.
- Through Centrifugo: each SDK calls the service with every case and gets the expected result, and
  receives each channel event published as the vectors give it: a known variant as its model (TypeScript:
  its JSON), a tag it does not know as its unknown case with the tag and the JSON.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
from pydantic import BaseModel

from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.typescript import names as ts_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.dispatch import Dispatcher
from hatch_centrifugo_sdk.ir.model import Array, Literal, Map, Nullable, Ref, Scalar
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.targets.python.package import build_wheel
from tests.conformance import models
from tests.conformance.sdks import (
    Sdks, go, go_workspace, import_python, output, render_sdks, run, ts_project, tsc_strict, write_python,
)
from tests.conformance.vectors import (
    HERE, Case, EventCase, Rejected, load_cases, load_events, load_rejected, rename_enums, to_python,
)
from tests.stack import Stack, run_stack

REPO = HERE.parents[1]
CASES = load_cases()
REJECTED = load_rejected()
EVENT_CHANNEL, EVENTS = load_events()
API = parse_api(models.registry)
CHANNEL = next(c for c in API.channels if c.name == EVENT_CHANNEL)
METHODS = {m.name: m for m in API.methods}
SERVICE_MODELS = {h.method: (h.params_model, h.result_model) for h in models.registry}

def case_params(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.name) for c in cases]


def service_values(case: Case) -> dict[str, Any]:
    return to_python(case.params_values)


# The service -----------------------------------------------------------------------------


def test_vectors_cover_every_required_kind() -> None:
    """The vectors' models hold each kind the issue lists; a kind dropped from them fails here."""
    seen: set[str] = set()

    def walk(t: Any, required: bool, nullable: bool) -> None:
        if isinstance(t, Nullable):
            seen.add("required-nullable" if required else "optional-nullable")
            walk(t.inner, required, True)
        elif isinstance(t, Array):
            seen.add("set" if t.unique else "list")
            walk(t.item, required, nullable)
        elif isinstance(t, Map):
            seen.add("dict")
            walk(t.value, required, nullable)
        elif isinstance(t, Literal):
            seen.add("literal")
        elif isinstance(t, Scalar):
            seen.add(t.kind)
        elif isinstance(t, Ref):
            target = API.lookup(t.name)
            seen.add(f"{getattr(target, 'value_kind', 'object')} ref")

    for model in API.models:
        for f in model.fields:
            seen.add("required" if f.required else "optional-with-default" if f.has_default else "optional")
            walk(f.type, f.required, False)
    aliases = {f.alias for m in (models.Kinds, models.Presence) for f in m.model_fields.values() if f.alias}
    assert aliases == {"first-name", "class"}
    assert any(aliases <= set(c.params_values) for c in CASES)
    past_2_53 = [c.name for c in CASES if any(abs(v) > 2**53 for v in _ints(c.result_wire))]
    assert past_2_53 and all("typescript" in c.lossy for c in CASES if c.name in past_2_53)
    assert seen >= {
        "required", "optional-with-default", "required-nullable", "string ref", "integer ref", "object ref", "literal",
        "list", "set", "dict", "datetime", "date", "uuid", "decimal", "bytes", "string", "integer", "number",
    }, seen


def _ints(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [i for v in value.values() for i in _ints(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ints(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


@pytest.mark.parametrize("case", case_params(CASES))
def test_service_decodes_the_wire_form_to_the_model_of_the_values(case: Case) -> None:
    params_model, _ = SERVICE_MODELS[case.method]
    built = params_model(**{_attr(params_model, k): v for k, v in service_values(case).items()})
    assert built.model_dump(mode="json", by_alias=True, exclude_unset=True) == case.params_wire
    decoded = params_model.model_validate(case.params_wire)
    assert decoded == built
    assert decoded.model_fields_set == built.model_fields_set  # missing stays missing, null stays null


def _attr(model: type[BaseModel], wire: str) -> str:
    return next(name for name, f in model.model_fields.items() if (f.alias or name) == wire)


def _dispatch(method: str, params: dict[str, Any]) -> dict[str, Any]:
    dispatcher = Dispatcher(models.registry, proxy_secret="s")
    body = json.dumps({"client": "c", "user": "u", "method": method, "data": params}).encode()
    reply = asyncio.run(dispatcher.dispatch(body, {"X-Centrifugo-Proxy-Secret": "s"}))
    assert reply.status == 200
    return dict(json.loads(reply.body))


@pytest.mark.parametrize("case", case_params(CASES))
def test_service_answers_the_result_wire_form(case: Case) -> None:
    assert _dispatch(case.method, case.params_wire) == {"result": {"data": case.result_wire}}


@pytest.mark.parametrize("rejected", [pytest.param(r, id=r.name) for r in REJECTED])
def test_service_refuses_the_rejected_params(rejected: Rejected) -> None:
    assert _dispatch(rejected.method, rejected.wire)["error"]["code"] == 422


# The SDKs, built once ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdks() -> Sdks:
    return render_sdks("conformance", API)


def python_given(sdks: Sdks) -> dict[str, Any]:
    return {
        "package": sdks.python_package,
        "types": {t.name: py_names.python_type(t.name) for t in (*API.models, *API.enums)},
        "methods": {m.name: py_names.python_method(m.name) for m in API.methods},
        "cases": [
            {"name": c.name, "method": c.method, "params_type": METHODS[c.method].params,
             "result_type": METHODS[c.method].result,
             "params": {"values": c.params_values, "wire": c.params_wire},
             "result": {"values": c.result_values, "wire": c.result_wire}}
            for c in CASES
        ],
        "rejected": [{"name": r.name, "params_type": METHODS[r.method].params, "wire": r.wire} for r in REJECTED],
    }


@pytest.fixture(scope="module")
def venv_python(sdks: Sdks, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the SDK wheel (its dependencies from the index)."""
    root = tmp_path_factory.mktemp("conformance-venv")
    wheel = build_wheel(sdks.python, root / "dist")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    done = run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], root)
    assert done.returncode == 0, output(done)
    return python


def run_python_check(python: Path, given: dict[str, Any], mode: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [str(python), str(HERE / "python_sdk_check.py"), mode],
        input=json.dumps(given), capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def python_offline(venv_python: Path, sdks: Sdks) -> dict[str, list[str]]:
    return run_python_check(venv_python, python_given(sdks), "decode")


@pytest.mark.parametrize("name", [c.name for c in CASES] + [r.name for r in REJECTED])
def test_python_sdk_encodes_and_decodes_the_vectors(python_offline: dict[str, list[str]], name: str) -> None:
    assert python_offline[name] == []


@pytest.fixture(scope="module")
def ts_app(sdks: Sdks, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ts_project([sdks], tmp_path_factory.mktemp("conformance-ts"))


def ts_sources(sdks: Sdks) -> dict[str, str]:
    head = f'import type * as sdk from "{sdks.npm_package}";\n\n'
    sources = {}
    for i, c in enumerate(CASES):
        method = METHODS[c.method]
        sources[f"case_{i}.mts"] = (
            f"// {c.name}\n{head}"
            f"export const params: sdk.{ts_names.ts_type(method.params)} = {json.dumps(c.params_wire, ensure_ascii=False)};\n"
            f"export const result: sdk.{ts_names.ts_type(method.result)} = {json.dumps(c.result_wire, ensure_ascii=False)};\n"
        )
    for i, e in enumerate(EVENTS):
        if e.variant is not None:
            sources[f"event_{i}.mts"] = (
                f"// {e.name}\n{head}export const event: sdk.{ts_names.ts_type(e.variant)} = "
                f"{json.dumps(e.wire, ensure_ascii=False)};\n"
            )
    for i, r in enumerate(REJECTED):
        sources[f"rejected_{i}.mts"] = (
            f"{head}// @ts-expect-error {r.name}\n"
            f"export const params: sdk.{ts_names.ts_type(METHODS[r.method].params)} = {json.dumps(r.wire, ensure_ascii=False)};\n"
        )
    return sources


def test_typescript_types_accept_every_wire_form_and_reject_the_rest(ts_app: Path, sdks: Sdks) -> None:
    done = tsc_strict(ts_app, ts_sources(sdks))
    assert done.returncode == 0, output(done)


def unknown_enum_values() -> tuple[dict[str, Any], dict[str, Any]]:
    """A result from a newer service: enum values this SDK has never heard of (wire form, values)."""
    case = next(c for c in CASES if c.method == "kinds.echo")
    wire = json.loads(json.dumps(case.result_wire))
    values = json.loads(json.dumps(case.result_values))
    for target, color, level in ((wire["params"], "green", 3), (values["params"], {"$enum": ["Color", "green"]}, {"$enum": ["Level", 3]})):
        target.update(color=color, level=level, colors=[color])
    return wire, values


def test_python_sdk_reads_unknown_enum_values(sdks: Sdks, tmp_path: Path) -> None:
    wire, _ = unknown_enum_values()
    sdk = import_python(write_python([sdks], tmp_path), sdks.python_package)
    result = getattr(sdk, py_names.python_type(METHODS["kinds.echo"].result)).model_validate(wire)
    assert result.model_dump(mode="json", by_alias=True) == wire  # kept, not dropped or replaced


def test_python_sdk_refuses_bytes_that_are_not_utf8_when_the_model_is_built(sdks: Sdks, tmp_path: Path) -> None:
    """bytes travel as UTF-8 text (Pydantic's default), so other bytes cannot be sent: the model says so
    when it is built, not with a UnicodeDecodeError when the call encodes it."""
    sdk = import_python(write_python([sdks], tmp_path), sdks.python_package)
    params = getattr(sdk, py_names.python_type(METHODS["formats.echo"].params))
    stamp = dt.datetime(2000, 1, 1)
    assert params(naive=stamp, aware=stamp, blob="✓".encode()).blob == "✓".encode()
    with pytest.raises(pydantic.ValidationError, match=r"blob\n.*bytes are sent as UTF-8 text.*base64"):
        params(naive=stamp, aware=stamp, blob=b"\xff\xfe")


def go_cases(rename: Any) -> list[dict[str, Any]]:
    wire, values = unknown_enum_values()
    entries = [{"name": "unknown enum values", "type": METHODS["kinds.echo"].result, "wire": wire,
                "expected": rename_enums(values, rename)}]
    for c in CASES:
        method = METHODS[c.method]
        entries.append({"name": f"{c.name} / params", "type": method.params, "wire": c.params_wire,
                        "expected": rename_enums(c.params_values, rename)})
        entries.append({"name": f"{c.name} / result", "type": method.result, "wire": c.result_wire,
                        "expected": rename_enums(c.result_values, rename)})
    return entries


def go_generated(sdks: Sdks) -> str:
    """gen.go: SDK types by API model name, SDK calls by method name."""
    lines = [
        "// Written by the conformance test: the SDK's types and calls, by their names in the API model.",
        "package main", "", "import (", '\t"context"', '\t"encoding/json"', '\t"reflect"', "", f'\tsdk "{sdks.go_import}"', ")", "",
        "var newValue = map[string]func() any{",
        *(f'\t"{m.name}": func() any {{ return new(sdk.{go_names.go_type(m.name)}) }},' for m in API.models),
        "}", "",
        "type call func(ctx context.Context, raw []byte) (any, error)", "",
        "func calls(ctx context.Context, url, token string) (map[string]call, func(), error) {",
        "\tclient := sdk.NewClient(url, sdk.Config{Token: token})",
        "\tif err := client.Connect(ctx); err != nil {", "\t\treturn nil, nil, err", "\t}",
        "\tapi := sdk.NewAPI(client)",
        "\treturn map[string]call{",
    ]
    for m in API.methods:
        lines += [
            f'\t\t"{m.name}": func(ctx context.Context, raw []byte) (any, error) {{',
            f"\t\t\tvar params sdk.{go_names.go_type(m.params)}",
            "\t\t\tif err := json.Unmarshal(raw, &params); err != nil {", "\t\t\t\treturn nil, err", "\t\t\t}",
            f"\t\t\treturn api.{go_names.go_method(m.name)}(ctx, params)",
            "\t\t},",
        ]
    lines += ["\t}, func() { client.Close() }, nil", "}", ""]
    method = go_names.go_method(CHANNEL.name)
    params = ", ".join(f"{go_names.go_field(p)}: room" for p in CHANNEL.params)
    lines += [
        "func subscribeEvents(ctx context.Context, url, token, room string, deliver func(map[string]any)) (func(), error) {",
        "\tclient := sdk.NewClient(url, sdk.Config{Token: token})",
        "\tif err := client.Connect(ctx); err != nil {", "\t\treturn nil, err", "\t}",
        f"\tsubscription, err := sdk.NewAPI(client).{method}(sdk.{method}Params{{{params}}}, sdk.{method}Handlers{{",
        f"\t\tOnEvent: func(event sdk.{method}Event) {{",
        '\t\t\tdeliver(map[string]any{"known": true, "type": reflect.TypeOf(event).Name(), "data": event})',
        "\t\t},",
        "\t\tOnUnknown: func(event sdk.UnknownEvent) {",
        '\t\t\tdeliver(map[string]any{"known": false, "tag": event.Tag, "data": event.Data})',
        "\t\t},",
        "\t})",
        "\tif err == nil {", "\t\terr = subscription.Subscribe(ctx)", "\t}",
        "\tif err != nil {", "\t\tclient.Close()", "\t\treturn nil, err", "\t}",
        "\treturn client.Close, nil",
        "}", "",
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def go_program(sdks: Sdks, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go consumer, vetted and built once; returns the binary."""
    root = go_workspace(
        [sdks], tmp_path_factory.mktemp("conformance-go"),
        {"check.go": (HERE / "go" / "check.go").read_text(), "gen.go": go_generated(sdks)},
    )
    for args in (("vet", "./..."), ("build", "-o", "proof", ".")):
        done = go(root, *args)
        assert done.returncode == 0, output(done)
    return root / "proof"


@pytest.fixture(scope="module")
def go_offline(go_program: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cases = tmp_path_factory.mktemp("go-cases") / "cases.json"
    cases.write_text(json.dumps(go_cases(go_names.go_type)))
    done = run([str(go_program), "decode", str(cases)], go_program.parent)
    assert done.returncode == 0, output(done)
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("case", case_params(CASES))
def test_go_sdk_decodes_and_encodes_the_vectors(go_offline: dict[str, Any], case: Case) -> None:
    params, result = go_offline[f"{case.name} / params"], go_offline[f"{case.name} / result"]
    assert params["problems"] == [] and result["problems"] == []
    assert result["wire"] == case.result_wire
    assert params["wire"] == case.params_wire


def test_go_sdk_reads_unknown_enum_values(go_offline: dict[str, Any]) -> None:
    report = go_offline["unknown enum values"]
    assert report["problems"] == []
    assert report["wire"] == unknown_enum_values()[0]


# Through the real Centrifugo -----------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with run_stack("tests.conformance.service:app", app_dir=REPO, workdir=tmp_path_factory.mktemp("conformance-stack"),
                   channels=API.channels) as s:
        yield s


def _address(stack: Stack) -> dict[str, str]:
    return {"url": stack.ws_url, "token": stack.token("conformance")}


@pytest.fixture(scope="module")
def python_online(venv_python: Path, sdks: Sdks, stack: Stack) -> dict[str, list[str]]:
    return run_python_check(venv_python, {**python_given(sdks), **_address(stack)}, "call")


@pytest.mark.parametrize("case", case_params(CASES))
def test_python_sdk_through_centrifugo(python_online: dict[str, list[str]], case: Case) -> None:
    assert python_online[case.name] == []


TS_CALLER = """\
import * as sdk from "SDK";
import WebSocket from "ws";
import { readFileSync } from "node:fs";

const given = JSON.parse(readFileSync(0, "utf8"));
const rpc = new sdk.CentrifugoRPCClient({ url: given.url, token: given.token, websocket: WebSocket, timeout: 10000 });
await rpc.connect();
const api = new sdk.APIClient(rpc);
const out = {};
for (const c of given.cases) {
  // The wire form as a program holds it: parsed from JSON text.
  const params = JSON.parse(JSON.stringify(c.params));
  try {
    out[c.name] = { result: await api[given.methods[c.method]](params) };
  } catch (error) {
    out[c.name] = { error: `${error.code}: ${error.message}` };
  }
}
rpc.close();
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def ts_online(ts_app: Path, sdks: Sdks, stack: Stack) -> dict[str, Any]:
    (ts_app / "call.mjs").write_text(TS_CALLER.replace("SDK", sdks.npm_package))
    given = {
        **_address(stack),
        "methods": {m.name: ts_names.ts_method(m.name) for m in API.methods},
        "cases": [{"name": c.name, "method": c.method, "params": c.params_wire} for c in CASES],
    }
    done = subprocess.run(["node", "call.mjs"], cwd=ts_app, input=json.dumps(given), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def as_doubles(value: Any) -> Any:
    """The value with every int as the nearest double: what a JavaScript number holds."""
    return json.loads(json.dumps(value), parse_int=float)


@pytest.mark.parametrize("case", case_params(CASES))
def test_typescript_sdk_through_centrifugo(ts_online: dict[str, Any], case: Case) -> None:
    if "typescript" in case.lossy:  # ints past 2**53: the nearest double, as the README and the build warn
        assert ts_online[case.name] != {"result": case.result_wire}
        assert as_doubles(ts_online[case.name]) == as_doubles({"result": case.result_wire})
    else:
        assert ts_online[case.name] == {"result": case.result_wire}


@pytest.fixture(scope="module")
def go_online(go_program: Path, stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cases = tmp_path_factory.mktemp("go-calls") / "cases.json"
    cases.write_text(json.dumps([
        {"name": c.name, "method": c.method, "wire": c.params_wire, "expected": rename_enums(c.result_values, go_names.go_type)}
        for c in CASES
    ]))
    done = subprocess.run([str(go_program), "call", str(cases)], input=json.dumps({"URL": stack.ws_url, "Token": stack.token("conformance")}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("case", case_params(CASES))
def test_go_sdk_through_centrifugo(go_online: dict[str, Any], case: Case) -> None:
    assert go_online[case.name]["problems"] == []
    assert go_online[case.name]["wire"] == case.result_wire


# Channel events, through the real Centrifugo ---------------------------------------------------
# Each SDK subscribes to a room of its own, publishes every event's wire form through the server
# API, and reports each delivery: a known variant with its type and its encoding again, an unknown
# tag with the tag and the JSON as published. All three must match the vectors.


def events_given(stack: Stack, room: str) -> dict[str, Any]:
    return {
        **_address(stack), "api_url": stack.api_url, "api_key": stack.api_key,
        "channel_name": CHANNEL.channel_name(**{p: room for p in CHANNEL.params}), "params": {p: room for p in CHANNEL.params},
        "events": [{"name": e.name, "wire": e.wire} for e in EVENTS],
    }


def expected_delivery(event: EventCase, type_name: Any) -> dict[str, Any]:
    if event.variant is None:
        return {"known": False, "tag": event.tag, "data": event.wire}
    known: dict[str, Any] = {"known": True, "data": event.wire}
    if type_name is not None:
        known["type"] = type_name(event.variant)
    return known


def event_params(events: list[EventCase]) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in events]


def test_event_vectors_hold_each_variant_and_an_unknown_tag() -> None:
    from hatch_centrifugo_sdk.ir.model import Union as IrUnion

    assert isinstance(CHANNEL.event, IrUnion)
    assert {e.variant for e in EVENTS} == {v.name for v in CHANNEL.event.variants} | {None}


@pytest.fixture(scope="module")
def python_events(venv_python: Path, sdks: Sdks, stack: Stack) -> dict[str, Any]:
    given = {**events_given(stack, "python"), "package": sdks.python_package, "types": {}, "channel": py_names.python_method(CHANNEL.name)}
    done = subprocess.run([str(venv_python), str(HERE / "python_sdk_check.py"), "events"], input=json.dumps(given),
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(HERE)})
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("event", event_params(EVENTS))
def test_python_sdk_delivers_the_channel_events(python_events: dict[str, Any], event: EventCase) -> None:
    assert python_events[event.name] == expected_delivery(event, py_names.python_type)


TS_EVENTS = """\
import * as sdk from "SDK";
import WebSocket from "ws";
import { readFileSync } from "node:fs";

const given = JSON.parse(readFileSync(0, "utf8"));
const rpc = new sdk.CentrifugoRPCClient({ url: given.url, token: given.token, websocket: WebSocket, timeout: 10000 });
await rpc.connect();
const delivered = [];
const subscription = new sdk.APIClient(rpc)[given.channel](given.params, {
  onEvent(event) { delivered.push({ known: true, data: event }); },
  onUnknown(event) { delivered.push({ known: false, tag: event.tag, data: event.data }); },
});
await subscription.subscribe();
for (const c of given.events) {
  const response = await fetch(`${given.api_url}/publish`, {
    method: "POST", headers: { "X-API-Key": given.api_key, "Content-Type": "application/json" },
    body: JSON.stringify({ channel: given.channel_name, data: c.wire }),
  });
  if (!response.ok) throw new Error(`publish: HTTP ${response.status}`);
}
const deadline = Date.now() + 10000;  // a bound for a hang
while (delivered.length < given.events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
rpc.close();
console.log(JSON.stringify(Object.fromEntries(given.events.map((c, i) => [c.name, delivered[i] ?? null]))));
"""


@pytest.fixture(scope="module")
def ts_events(ts_app: Path, sdks: Sdks, stack: Stack) -> dict[str, Any]:
    (ts_app / "events.mjs").write_text(TS_EVENTS.replace("SDK", sdks.npm_package))
    given = {**events_given(stack, "typescript"), "channel": ts_names.ts_method(CHANNEL.name)}
    done = subprocess.run(["node", "events.mjs"], cwd=ts_app, input=json.dumps(given), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("event", event_params(EVENTS))
def test_typescript_sdk_delivers_the_channel_events(ts_events: dict[str, Any], event: EventCase) -> None:
    assert ts_events[event.name] == expected_delivery(event, None)  # TypeScript's events are their JSON: no class


@pytest.fixture(scope="module")
def go_events(go_program: Path, stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cases = tmp_path_factory.mktemp("go-events") / "cases.json"
    cases.write_text(json.dumps([{"name": e.name, "wire": e.wire} for e in EVENTS]))
    given = events_given(stack, "go")
    stdin = {"URL": given["url"], "Token": given["token"], "APIURL": given["api_url"], "APIKey": given["api_key"],
             "Channel": given["channel_name"], "Room": "go"}
    done = subprocess.run([str(go_program), "events", str(cases)], input=json.dumps(stdin), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("event", event_params(EVENTS))
def test_go_sdk_delivers_the_channel_events(go_events: dict[str, Any], event: EventCase) -> None:
    assert go_events[event.name] == expected_delivery(event, go_names.go_type)
