"""A real-world slice (tests/fixtures/realworld): handlers returning openai's and githubkit's own
models, fed with real payloads, built into all three SDKs; every payload the service sends is
decoded by each SDK and encoded again to exactly the same JSON.

The full set (every webhook example githubkit accepts) and its timings are in bench/realworld_bench.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, create_model

from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.typescript import names as ts_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.dispatch import Dispatcher
from hatch_centrifugo_sdk.ir.parser import parse_api
from tests.conformance.sdks import (
    Sdks, go, go_workspace, import_python, mypy_strict, output, render_sdks, run, ts_project, tsc_strict, write_python,
)
from tests.fixtures.realworld.service import SLICE_MODELS, slice_

pytest.importorskip("openai")
pytest.importorskip("githubkit")

GO_ROUND_TRIP = """\
// Decodes each payload into its SDK type with the SDK's decoder and with encoding/json, and encodes it again.
package main

import (
	"encoding/json"
	"os"

	fastjson "github.com/segmentio/encoding/json"
)

type payload struct {
	Name string          `json:"name"`
	Type string          `json:"type"`
	Wire json.RawMessage `json:"wire"`
}

func main() {
	var payloads []payload
	if err := json.NewDecoder(os.Stdin).Decode(&payloads); err != nil {
		panic(err)
	}
	out := map[string]map[string]any{}
	for _, p := range payloads {
		out[p.Name] = map[string]any{}
		for decoder, decode := range map[string]func([]byte, any) error{"sdk": fastjson.Unmarshal, "encoding/json": json.Unmarshal} {
			value := newValue[p.Type]()
			if err := decode(p.Wire, value); err != nil {
				out[p.Name][decoder] = "error: " + err.Error()
				continue
			}
			again, err := json.Marshal(value)
			if err != nil {
				out[p.Name][decoder] = "error: " + err.Error()
				continue
			}
			out[p.Name][decoder] = json.RawMessage(again)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""

TS_ROUND_TRIP = """\
// The TypeScript SDK hands back what centrifuge's JSON codec parsed: parse each payload and write it again.
import { readFileSync } from "node:fs";
const payloads = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const p of payloads) out[p.name] = JSON.stringify(JSON.parse(p.text));
console.log(JSON.stringify(out));
"""


class Service:
    def __init__(self) -> None:
        self.registry, self.by_method = slice_()
        self.api = parse_api(self.registry)
        self.results = {m.name: m.result for m in self.api.methods}
        self.wire = {p.name: (method, self._answer(method, p.name)) for method, group in self.by_method.items() for p in group}

    def _answer(self, method: str, name: str) -> str:
        """The result's JSON text exactly as the service answers it through the RPC proxy."""
        dispatcher = Dispatcher(self.registry, proxy_secret="s")
        body = json.dumps({"client": "c", "user": "u", "method": method, "data": {"name": name}}).encode()
        reply = asyncio.run(dispatcher.dispatch(body, {"X-Centrifugo-Proxy-Secret": "s"}))
        assert reply.status == 200, reply.body
        return json.dumps(json.loads(reply.body)["result"]["data"], ensure_ascii=False)


@pytest.fixture(scope="module")
def service() -> Service:
    return Service()


@pytest.fixture(scope="module")
def sdks(service: Service) -> Sdks:
    return render_sdks("realworld", service.api)


def test_the_slice_holds_each_chosen_model_and_real_payloads(service: Service) -> None:
    models = {p.model.__name__ for group in service.by_method.values() for p in group}
    assert models == set(SLICE_MODELS)
    assert len(service.wire) >= 9
    assert max(len(text) for _, text in service.wire.values()) > 29_000  # a large pull_request webhook


def test_python_sdk_decodes_every_payload_losslessly(service: Service, sdks: Sdks, tmp_path: Path) -> None:
    root = write_python([sdks], tmp_path)
    sdk = import_python(root, sdks.python_package)
    for name, (method, text) in service.wire.items():
        model = getattr(sdk, py_names.python_type(service.results[method]))
        again = model.model_validate_json(text).model_dump(mode="json", by_alias=True)
        assert again == json.loads(text), name
    done = mypy_strict(root, [sdks.python_package], tmp_path / "mypy-cache")
    assert done.returncode == 0, output(done)


def test_typescript_sdk_types_and_decodes_every_payload_losslessly(service: Service, sdks: Sdks, tmp_path: Path) -> None:
    app = ts_project([sdks], tmp_path)
    head = f'import type * as sdk from "{sdks.npm_package}";\n\n'
    sources = {
        f"payload_{i}.mts": f"// {name}\n{head}export const result: sdk.{ts_names.ts_type(service.results[method])} = {text};\n"
        for i, (name, (method, text)) in enumerate(service.wire.items())
    }
    done = tsc_strict(app, sources)
    assert done.returncode == 0, output(done)
    (app / "round_trip.mjs").write_text(TS_ROUND_TRIP)
    payloads = [{"name": name, "text": text} for name, (_, text) in service.wire.items()]
    ran = subprocess.run(["node", "round_trip.mjs"], cwd=app, input=json.dumps(payloads), capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    for name, again in json.loads(ran.stdout).items():
        assert json.loads(again) == json.loads(service.wire[name][1]), name


def go_types(sdks: Sdks) -> str:
    return "\n".join([
        "package main", "", f'import sdk "{sdks.go_import}"', "",
        "var newValue = map[string]func() any{",
        *(f'\t"{m.name}": func() any {{ return new(sdk.{go_names.go_type(m.name)}) }},' for m in sdks.api.models),
        "}", "",
    ])


def test_go_sdk_decodes_every_payload_losslessly(service: Service, sdks: Sdks, tmp_path: Path) -> None:
    root = go_workspace([sdks], tmp_path, {"main.go": GO_ROUND_TRIP, "types.go": go_types(sdks)})
    for args in (("vet", "./..."), ("build", "-o", "roundtrip", ".")):
        done = go(root, *args)
        assert done.returncode == 0, output(done)
    payloads = [{"name": name, "type": service.results[method], "wire": json.loads(text)} for name, (method, text) in service.wire.items()]
    ran = subprocess.run([str(root / "roundtrip")], input=json.dumps(payloads), capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    report: dict[str, dict[str, Any]] = json.loads(ran.stdout)
    for name, (_, text) in service.wire.items():
        for decoder, again in report[name].items():
            assert again == json.loads(text), f"{name} ({decoder})"


def test_go_readme_is_an_index_linking_each_type_to_its_declaration(sdks: Sdks) -> None:
    readme, models = sdks.go["README.md"], sdks.go["models.go"].splitlines()
    links = dict(re.findall(r"\[`(\w+)`\]\(models\.go#L(\d+)\)", readme))
    types = {go_names.go_type(m.name) for m in sdks.api.models} | {go_names.go_type(e.name) for e in sdks.api.enums}
    assert types <= set(links)
    for name, line in links.items():
        assert models[int(line) - 1].startswith(f"type {name} "), name
    # An index, not the code again: a line or so per type (the field tables made it 1.7 MB for a big API).
    assert len(readme) < 20_000 + 200 * len(types), len(readme)


def test_a_third_party_schema_hook_is_named_with_a_fix_that_builds() -> None:
    """githubkit's pull_request event wraps two of its models in a TaggedUnion whose schema is an inline
    object titled 'BaseModel': the error names the hook, where the schema came from and the concrete
    union to declare instead, and that union builds."""
    import typing

    from githubkit_schemas.latest import models as github_models
    from githubkit_schemas.latest.webhooks import PullRequestEvent

    from hatch_centrifugo_sdk import Registry
    from hatch_centrifugo_sdk.ir.diagnose import SchemaError

    class Name(BaseModel):
        name: str

    def api_with(event_type: Any) -> Any:
        holder = create_model("PullRequestHolder", event=(event_type, ...))
        registry = Registry()

        async def handler(conn: Any, params: Name) -> Any:
            """Answers an event."""

        handler.__annotations__ = {"conn": Any, "params": Name, "return": holder}
        registry.rpc("github.pull_request")(handler)
        return parse_api(registry)

    with pytest.raises(SchemaError) as failure:
        api_with(PullRequestEvent)
    message = str(failure.value)
    assert "\n" not in message
    assert re.search(
        r"model 'PullRequestHolder', field 'event': its type holds githubkit\.utils\.TaggedUnion, whose schema for "
        r"WebhookPullRequestReviewRequestRemovedOneof0 \| WebhookPullRequestReviewRequestRemovedOneof1 is an inline "
        r"object titled 'BaseModel', which SDKs cannot name; fix: declare the field as Union\[.*\] \(a plain union: two of these "
        r"models share a value of 'action'\)$", message), message
    suggested = message.split("fix: declare the field as ", 1)[1]
    union = re.match(r"Union\[([\w, ]+)\]", suggested)
    assert union, suggested
    models = [getattr(github_models, name.strip()) for name in union.group(1).split(",")]
    assert len(models) == 24 and {m.__name__ for m in models} >= {
        "WebhookPullRequestReviewRequestRemovedOneof0", "WebhookPullRequestReviewRequestRemovedOneof1", "WebhookPullRequestOpened"}
    api = api_with(typing.Union[tuple(models)])
    assert {m.name for m in api.models} >= {m.__name__ for m in models}
