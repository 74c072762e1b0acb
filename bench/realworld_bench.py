"""Real-world benchmark: the full real-world service of tests/fixtures/realworld.

    python bench/realworld_bench.py [--repeat 3]

One handler per result model: openai's ChatCompletion, ChatCompletionChunk and
responses.Response, and every githubkit webhook model with an example in
@octokit/webhooks-examples that githubkit accepts (tests/js must be installed: `make node-tools`).
The service is written as a real one would be (imports of the installed models, decorated
handlers) so that importing it costs what importing a real service costs.

Measures, each in a fresh interpreter and interleaved round by round: the floor (import +
JSON schema of every model), the whole hook (generate(), no verification) and `check`; the
Go module's size and compile time; and decoding a ~29 KB webhook and a Response with 10
output items in Python (the SDK's pydantic models) and Go (the SDK's decoder). Runs with the
project's own virtualenv. Writes bench/results/realworld.{md,json}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, machine, machine_lines, median, save, table, verdict  # noqa: E402
from build_bench import worker  # noqa: E402

sys.path.insert(0, str(REPO))

from hatch_centrifugo_sdk.build.targets.python import names as py_names  # noqa: E402
from hatch_centrifugo_sdk.build.targets.go import names as go_names  # noqa: E402
from hatch_centrifugo_sdk.dispatch import Dispatcher  # noqa: E402
from tests.fixtures.realworld.payloads import webhook_payloads  # noqa: E402
from tests.fixtures.realworld.service import full, method_name  # noqa: E402

MODULE = "realworld_service"
GO_DECODE = """\
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	sdk "example.com/bench/synthsdk"
)

// Decodes each file's JSON into its SDK type N times with the SDK's decoder; prints µs per decode.
func main() {
	out := map[string]float64{}
	for _, c := range []struct {
		name string
		new  func() any
	}{CASES} {
		raw, err := os.ReadFile(c.name + ".json")
		if err != nil {
			panic(err)
		}
		best := 0.0
		for round := 0; round < 5; round++ {
			n := 2000
			start := time.Now()
			for i := 0; i < n; i++ {
				if err := fastjson.Unmarshal(raw, c.new()); err != nil {
					panic(err)
				}
			}
			perOp := float64(time.Since(start).Microseconds()) / float64(n)
			if round == 0 || perOp < best {
				best = perOp
			}
		}
		out[c.name] = best
	}
	again, _ := json.Marshal(out)
	fmt.Println(string(again))
}
"""


def write_service(root: Path) -> dict[str, Any]:
    """The service's source as a team would write it, and its pyproject.toml; returns what it holds."""
    _, by_method = full()
    models = {method: group[0].model for method, group in by_method.items()}
    lines = ['"""Handlers returning openai\'s and githubkit\'s own models."""', "",
             "from pydantic import BaseModel, Field", "", "from hatch_centrifugo_sdk import websocket_rpc"]
    for method, model in sorted(models.items()):
        public = "githubkit_schemas.v2026_03_10.models" if model.__module__.startswith("githubkit") else model.__module__
        lines.append(f"from {public} import {model.__name__}")
    lines += ["", "", "class PayloadParams(BaseModel):",
              '    name: str = Field(..., description="The payload to answer with")', ""]
    for method, model in sorted(models.items()):
        lines += ["", f'@websocket_rpc("{method}")',
                  f"async def {method.replace('.', '_')}(conn, params: PayloadParams) -> {model.__name__}:",
                  f'    """Answers a {model.__name__}."""', "    raise NotImplementedError", ""]
    package = root / "src" / MODULE
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("\n".join(lines))
    (root / "pyproject.toml").write_text(
        '[project]\nname = "realworld-service"\nversion = "1.0.0"\n\n'
        f'[tool.hatch.build.hooks.centrifugo-sdk]\nmodules = ["{MODULE}"]\n'
        '[tool.hatch.build.hooks.centrifugo-sdk.go]\nmodule = "example.com/bench/synthsdk"\n'
    )
    payloads = sum(len(g) for g in by_method.values())
    return {"handlers": len(models), "payloads": payloads, "refused_examples": len(webhook_payloads()[1])}


def wire_forms() -> dict[str, tuple[str, str]]:
    """payload name → (method, the JSON text the service answers)."""
    registry, by_method = full()
    dispatcher = Dispatcher(registry, proxy_secret="s")
    out = {}
    for method, group in by_method.items():
        for p in group:
            body = json.dumps({"client": "c", "user": "u", "method": method, "data": {"name": p.name}}).encode()
            reply = asyncio.run(dispatcher.dispatch(body, {"X-Centrifugo-Proxy-Secret": "s"}))
            out[p.name] = (method, json.dumps(json.loads(reply.body)["result"]["data"], ensure_ascii=False, separators=(",", ":")))
    return out


def go_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "GOFLAGS": "-mod=mod", "GOCACHE": str(cache)}


def go_module_measures(module: Path, work: Path, repeat: int) -> dict[str, Any]:
    sizes = {p.name: p.stat().st_size for p in sorted(module.iterdir()) if p.is_file()}
    cache = work / "gocache"
    env = go_env(cache)
    # Dependencies compiled once: what is timed is the SDK package itself.
    deps = subprocess.run(["go", "build", "github.com/centrifugal/centrifuge-go", "github.com/segmentio/encoding/json"],
                          cwd=module, env=env, capture_output=True, text=True)
    assert deps.returncode == 0, deps.stderr
    compile_s = []
    package = (module / "version.go").read_text().split("package ", 1)[1].split()[0]
    for round_ in range(repeat):
        # A file whose text changes each round: the package is compiled again, its dependencies come from the cache.
        (module / "zz_round.go").write_text(f"package {package}\n\nconst benchRound = {round_ + 1}\n")
        start = time.perf_counter()
        done = subprocess.run(["go", "build", "."], cwd=module, env=env, capture_output=True, text=True)
        compile_s.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    (module / "zz_round.go").unlink()
    return {"bytes": sizes, "compile_s": compile_s}


def decode_measures(sdk: Path, wire: dict[str, tuple[str, str]], work: Path) -> dict[str, Any]:
    api = json.loads((sdk / "api.json").read_text())
    results = {m["name"]: m["result"] for m in api["api"]["methods"]} if "api" in api else {m["name"]: m["result"] for m in api["methods"]}
    webhook = min((n for n in wire if not n.startswith("openai/")), key=lambda n: abs(len(wire[n][1].encode()) - 29_000))
    chosen = {"webhook": webhook, "response": "openai/response"}
    # Python: the SDK's models from its wheel.
    wheel = next(sdk.glob("*.whl"))
    pyroot = work / "pysdk"
    zipfile.ZipFile(wheel).extractall(pyroot)
    sys.path.insert(0, str(pyroot))
    import synth_sdk  # type: ignore[import-not-found]

    out: dict[str, Any] = {}
    for label, name in chosen.items():
        method, text = wire[name]
        model = getattr(synth_sdk, py_names.python_type(results[method]))
        loops = 200
        best = min(timeit.repeat(lambda: model.model_validate_json(text), number=loops, repeat=5)) / loops
        out[label] = {"payload": name, "model": results[method], "bytes": len(text.encode()), "python_us": best * 1e6}
    # Go: the SDK's decoder, in a program inside a copy of the module.
    module = next(p for p in sdk.iterdir() if p.is_dir() and p.name.startswith("go-"))
    gomod = work / "godecode"
    shutil.copytree(module, gomod)
    prog = gomod / "cmd" / "decode"
    prog.mkdir(parents=True)
    cases = ", ".join(f'{{"{label}", func() any {{ return new(sdk.{go_names.go_type(out[label]["model"])}) }}}}' for label in chosen)
    (prog / "main.go").write_text(GO_DECODE.replace("CASES", cases))
    for label, name in chosen.items():
        (prog / f"{label}.json").write_text(wire[name][1])
    subprocess.run(["go", "build", "-o", "decode", "."], cwd=prog, env=go_env(work / "gocache"), check=True)
    timings = json.loads(subprocess.run(["./decode"], cwd=prog, capture_output=True, text=True, check=True).stdout)
    for label in chosen:
        out[label]["go_us"] = timings[label]
    return out


def report(data: dict[str, Any]) -> str:
    runs = data["runs"]
    floor = median(r["seconds"]["total"] for r in runs["floor"])
    hook = median(r["seconds"]["total"] for r in runs["generate"])
    check = median(r["seconds"]["total"] for r in runs["check"])
    imp = median(r["seconds"]["import"] for r in runs["floor"])
    svc = data["service"]
    go = data["go"]
    dec = data["decode"]
    lines = [
        "# Real-world benchmark", "", machine_lines(data["machine"]), "",
        f"Service: {svc['handlers']} handlers (openai's ChatCompletion, ChatCompletionChunk, responses.Response; "
        f"githubkit's webhook models), {svc['payloads']} payloads ({svc['refused_examples']} webhook examples refused by "
        f"githubkit itself); {data['models']} models in the API. Medians of {len(runs['floor'])} interleaved rounds.", "",
        table(["ms (ratio to the floor)", "time"], [
            ["floor: import + JSON schema of every model", f"{floor * 1000:,.0f} (1.00x)"],
            ["  of which import", f"{imp * 1000:,.0f}"],
            ["whole hook, no verification, cold", f"{hook * 1000:,.0f} ({hook / floor:.2f}x)"],
            ["`check`", f"{check * 1000:,.0f} ({check / floor:.2f}x)"],
        ]), "",
        "Go module:", "",
        table(["file", "bytes"], [[k, f"{v:,}"] for k, v in go["bytes"].items()]), "",
        f"Compiling the SDK package (dependencies already compiled): median {median(go['compile_s']):.2f} s "
        f"of {', '.join(f'{s:.2f}' for s in go['compile_s'])}", "",
        table(["decode", "bytes", "Python SDK (pydantic)", "Go SDK", "Go / Python"], [
            [f"{v['payload']} ({v['model']})", f"{v['bytes']:,}", f"{v['python_us']:,.0f} µs", f"{v['go_us']:,.0f} µs",
             f"{v['go_us'] / v['python_us']:.2f}x"] for v in dec.values()
        ]), "",
        "Targets:",
        f"- whole hook <= 2x the floor: {verdict(hook / floor <= 2, hook / floor, '<= 2x')}",
        f"- check <= 1.5x the floor: {verdict(check / floor <= 1.5, check / floor, '<= 1.5x')}",
        *(f"- Go decode <= Python's, {label}: {verdict(v['go_us'] <= v['python_us'], v['go_us'] / v['python_us'], '<= 1x')}"
          for label, v in dec.items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data: dict[str, Any] = {"machine": machine(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="realworld-bench-") as tmp:
        work = Path(tmp)
        root = work / "svc"
        data["service"] = write_service(root)
        for round_ in range(args.repeat):
            for mode in ("floor", "generate", "check"):
                out = work / f"{mode}-{round_}" / "sdk"
                data["runs"].setdefault(mode, []).append(worker(mode, root, out, [MODULE]))
        sdk = work / "generate-0" / "sdk"
        api = json.loads((sdk / "api.json").read_text())
        data["models"] = len((api.get("api") or api)["models"])
        module = next(p for p in sdk.iterdir() if p.is_dir() and p.name.startswith("go-"))
        data["go"] = go_module_measures(module, work, args.repeat)
        data["decode"] = decode_measures(sdk, wire_forms(), work)
    text = report(data)
    print(text)
    save("realworld", data, text)


if __name__ == "__main__":
    main()
