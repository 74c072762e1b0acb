"""Channels benchmark: typed subscriptions against raw clients' subscriptions, and fan-out.

    python bench/channels_bench.py [--publications 2000] [--languages python,typescript,go]
                                   [--subscribers 1000] [--rounds 20]

The sample service behind a real Centrifugo, its channel ``todos.events:{user_id}`` (history and
recovery on, subscriptions checked by the service's subscribe proxy):

1. Per SDK: publications sent one at a time through Centrifugo's server API, each stamped with its
   send time inside the event, received through the SDK's typed subscription or the raw client's
   subscription on the same channel, in alternating blocks (one kind subscribed at a time): p50/p99.
2. Fan-out: one publication to many raw centrifuge-go subscriptions (one connection each, as
   Centrifugo allows one subscription per channel per connection), all in one process: time until
   all received, p50/p99 of a delivery.

Writes bench/results/channels.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, REPO, Consumer, machine, machine_lines, percentile, prepare_consumers, save, table, verdict  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from stack import run_stack  # noqa: E402

from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config  # noqa: E402
from hatch_centrifugo_sdk.build.pipeline import Project, generate  # noqa: E402
from hatch_centrifugo_sdk.ir.model import api_from_json  # noqa: E402

SAMPLE = REPO / "sample_service"
CLIENTS = BENCH / "clients"
GO_MODULE = "example.com/sample/servicesdk"


def build_sdks(out: Path) -> dict[str, Path]:
    pyproject = tomllib.loads((SAMPLE / "pyproject.toml").read_text())
    config = parse_config(pyproject["tool"]["hatch"]["build"]["hooks"][PLUGIN_NAME], project_name="sample-service",
                          prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")
    project = Project(SAMPLE, pyproject["project"]["name"], pyproject["project"]["version"])
    artifacts = generate(project, config, out)
    return {"api.json": out / "api.json", **{a.language: out / a.path for a in artifacts}}


def prepare_clients(sdks: dict[str, Path], languages: list[str], work: Path) -> dict[str, Consumer]:
    """language → (argv prefix, cwd, extra env) of a consumer ready to run; "fanout" is the Go consumer's other mode."""
    ready = prepare_consumers(
        sdks, {*languages, "go"}, work, python=CLIENTS / "channels_python.py", typescript=CLIENTS / "channels_ts.mjs",
        go=CLIENTS / "channels_go", go_module=GO_MODULE,
    )
    go, project, _ = ready.pop("go")
    if "go" in languages:
        ready["go"] = ([*go, "latency"], project, {})
    ready["fanout"] = ([*go, "fanout"], project, {})
    return ready


def run_client(client: tuple[list[str], Path, dict[str, str]], args: list[str], what: str) -> Any:
    argv, cwd, env = client
    done = subprocess.run([*argv, *args], cwd=cwd, capture_output=True, text=True, timeout=1200, env={**os.environ, **env})
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(languages: list[str], publications: int, subscribers: int, rounds: int, work: Path) -> dict[str, Any]:
    sdks = build_sdks(work / "sdk")
    clients = prepare_clients(sdks, languages, work)
    channels = api_from_json(json.loads(sdks["api.json"].read_text())).channels
    results: dict[str, Any] = {"latency": {}}
    with run_stack("sample_service.app:app", app_dir=SAMPLE / "src", workdir=work, health_path="/health",
                   env={"SAMPLE_SERVICE_DB": str(work / "sample.sqlite3")}, channels=channels,
                   subscribe_path="/centrifugo/subscribe") as stack:
        for language in languages:
            user = f"bench-{language}"
            common = [stack.ws_url, stack.token(user), user, stack.api_url, stack.api_key]
            results["latency"][language] = run_client(clients[language], [*common, str(publications)], f"{language} client")
            print(f"  latency {language} done", file=sys.stderr, flush=True)
        if subscribers:
            user = "bench-fanout"
            common = [stack.ws_url, stack.token(user), user, stack.api_url, stack.api_key]
            results["fanout"] = run_client(clients["fanout"], [*common, str(rounds), str(subscribers)], "fan-out client")
            print("  fan-out done", file=sys.stderr, flush=True)
    return results


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"count": len(ordered), **{f"p{q}_ms": percentile(ordered, q / 100) for q in (50, 90, 99)}, "max_ms": ordered[-1]}


def latency_report(results: dict[str, Any], publications: int) -> list[str]:
    lines = [
        f"### Publish → delivery: typed subscription vs raw client subscription, same channel ({publications} "
        "publications of each kind, one at a time, after 100 warm-up each; alternating blocks of 100, one kind "
        "subscribed at a time; from the server API call to the subscriber's handler)",
        "",
    ]
    rows, checks = [], []
    for language, kinds in results.items():
        raw, sdk = stats(kinds["raw"]), stats(kinds["sdk"])
        p50, p99 = sdk["p50_ms"] / raw["p50_ms"], sdk["p99_ms"] / raw["p99_ms"]
        rows.append([language, f"{raw['p50_ms']:.3f}", f"{sdk['p50_ms']:.3f}", f"{p50:.2f}x",
                     f"{(sdk['p50_ms'] - raw['p50_ms']) * 1000:+.0f}", f"{raw['p99_ms']:.3f}", f"{sdk['p99_ms']:.3f}", f"{p99:.2f}x"])
        checks.append(f"- {language} typed delivery p50 <= 1.05x raw subscription: {verdict(p50 <= 1.05, p50, '<= 1.05x')}")
    lines += [table(["language", "raw p50 ms", "typed p50 ms", "p50 ratio", "typed extra p50 µs", "raw p99 ms",
                     "typed p99 ms", "p99 ratio"], rows), ""]
    return lines + checks + [""]


def fanout_report(found: dict[str, Any], subscribers: int, rounds: int) -> list[str]:
    every, all_ = stats(found["deliveries"]), stats(found["all"])
    rows = [
        ["one delivery", f"{every['p50_ms']:.2f}", f"{every['p90_ms']:.2f}", f"{every['p99_ms']:.2f}", f"{every['max_ms']:.2f}"],
        ["all delivered (per publication)", f"{all_['p50_ms']:.2f}", f"{all_['p90_ms']:.2f}", f"{all_['p99_ms']:.2f}", f"{all_['max_ms']:.2f}"],
    ]
    return [
        f"### Fan-out: one publication to {subscribers:,} subscriptions ({subscribers:,} centrifuge-go connections in one "
        f"process, same machine as Centrifugo; {rounds} publications one at a time after 2 warm-up; connecting and "
        f"subscribing all took {found['setup_s']:.1f} s)",
        "",
        table(["ms after the server API call", "p50", "p90", "p99", "max"], rows),
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publications", type=int, default=2000, help="publications of each kind per language")
    parser.add_argument("--languages", default="python,typescript,go")
    parser.add_argument("--subscribers", type=int, default=1000, help="fan-out subscriptions (0: skip the fan-out)")
    parser.add_argument("--rounds", type=int, default=20, help="fan-out publications")
    args = parser.parse_args()
    started = time.time()
    languages = [x for x in args.languages.split(",") if x]
    lines = ["## Channels benchmark", "", "Machine:", machine_lines(), ""]
    data: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="sdk-channels-bench-") as tmp:
        results = bench(languages, args.publications, args.subscribers, args.rounds, Path(tmp))
    lines += latency_report(results["latency"], args.publications)
    data["latency"] = {lang: {kind: stats(v) for kind, v in kinds.items()} for lang, kinds in results["latency"].items()}
    if "fanout" in results:
        lines += fanout_report(results["fanout"], args.subscribers, args.rounds)
        data["fanout"] = {"subscribers": args.subscribers, "setup_s": results["fanout"]["setup_s"],
                          "delivery": stats(results["fanout"]["deliveries"]), "all": stats(results["fanout"]["all"])}
    lines.append(f"Whole run took {time.time() - started:.0f} s; load average at the end: "
                 + " ".join(f"{x:.2f}" for x in os.getloadavg()) + ".")
    text = "\n".join(lines)
    print(text)
    save("channels", data, text)


if __name__ == "__main__":
    main()
