"""Runtime benchmark: the dispatcher against a hand-written endpoint, and SDK calls against raw clients.

    python bench/runtime_bench.py [--rounds 7] [--runs 5] [--requests 20000] [--calls 2000]
                                  [--languages python,typescript,go]

1. Both ASGI apps of bench_apps.py under uvicorn on loopback, loaded in turn by load.py
   (16 keep-alive connections, bounded in requests and seconds): throughput, p50/p99, the
   dispatcher with a fresh idempotency key per request and without keys.
2. Through a real Centrifugo proxying to the dispatcher: each generated SDK's call (retries
   on, keys sent) against its raw client's ``rpc()`` with the same payload, calls one at a
   time: p50/p99.

Every ratio is the median of interleaved runs (rounds) with its range: one run says little
on a machine whose speed drifts between runs minutes apart.
3. The sizes of the packaged SDKs and their dependencies.

Writes bench/results/runtime.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, REPO, Consumer, machine, machine_lines, median, percentile, prepare_consumers, save, table, verdict  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from stack import free_ports, run_service, run_stack  # noqa: E402

from hatch_centrifugo_sdk.build.pipeline import Project, generate  # noqa: E402
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config  # noqa: E402
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER  # noqa: E402

PAYLOADS = {
    "tasks.get_stats": {"user_id": "u-1", "include_completed": True},
    "tasks.list": {"user_id": "u-1", "limit": 20},
}
CLIENTS = BENCH / "clients"
GO_MODULE = "example.com/bench/benchsdk"


def proxy_body(method: str) -> bytes:
    """What Centrifugo posts for one client RPC."""
    request = {"client": "5f1c", "transport": "websocket", "protocol": "json", "encoding": "json",
               "user": "42", "method": method, "data": PAYLOADS[method]}
    return json.dumps(request, separators=(",", ":")).encode()


# ---------------------------------------------------------------------------
# 1. dispatcher vs hand-written endpoint

# The endpoints, loaded in turn in each round; ratios are taken against the hand-written one.
HANDWRITTEN = "hand-written ASGI"
KEYED = "dispatcher, fresh key per call (deduplicated)"
UNKEYED = "dispatcher, no key"
ENDPOINTS = {KEYED: "bench_apps:dispatcher_app", UNKEYED: "bench_apps:dispatcher_app", HANDWRITTEN: "bench_apps:handwritten_app"}


def keyed_body(method: str) -> bytes:
    """A proxy request whose params carry a key where the SDKs put it (load.py renews it per request)."""
    request = json.loads(proxy_body(method))
    request["data"] = {"$idempotency_key": "0" * 32, **request["data"]}
    return json.dumps(request, separators=(",", ":")).encode()


def endpoint_bench(rounds: int, requests: int, seconds: float, work: Path) -> dict[str, Any]:
    """Each round starts the servers afresh and loads every endpoint once, in a rotated order.

    Fresh servers each round: a process's memory layout makes it a percent or two faster or
    slower than an identical one, which would bias every round alike if the same processes
    served them all. The hand-written endpoint gets the keyed requests too (it ignores the
    key, as Pydantic ignores unknown fields).
    """
    secret = secrets.token_hex(16)
    apps = sorted(set(ENDPOINTS.values()))
    names = list(ENDPOINTS)
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    for method in PAYLOADS:
        bodies = {KEYED: work / f"{method}.keyed.json", UNKEYED: work / f"{method}.json"}
        bodies[KEYED].write_bytes(keyed_body(method))
        bodies[UNKEYED].write_bytes(proxy_body(method))
        bodies[HANDWRITTEN] = bodies[KEYED]
        for round_ in range(rounds):
            with ExitStack() as stack:
                ports = dict(zip(apps, free_ports(len(apps))))
                servers = {
                    app: stack.enter_context(run_service(
                        app, port=ports[app], log=work / f"{app.split(':')[1]}.log", app_dir=BENCH,
                        env={"CENTRIFUGO_PROXY_SECRET": secret},
                    ))
                    for app in apps
                }
                if round_ == 0:
                    answers = {name: _post(ports[app], bodies[name].read_bytes(), secret) for name, app in ENDPOINTS.items()}
                    if len(set(answers.values())) != 1:
                        raise RuntimeError(f"the endpoints answer {method} differently: {answers}")
                shift = round_ % len(names)
                for name in names[shift:] + names[:shift]:
                    argv = [sys.executable, str(BENCH / "load.py"), str(ports[ENDPOINTS[name]]), "/centrifugo/rpc",
                            str(bodies[name]), f"{PROXY_SECRET_HEADER}={secret}", "--requests", str(requests),
                            "--seconds", str(seconds)]
                    if bodies[name] == bodies[KEYED]:
                        argv.append("--fresh-keys")
                    server = servers[ENDPOINTS[name]].process
                    assert server is not None
                    cpu_before = cpu_seconds(server.pid)
                    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds * 3 + 60, check=True)
                    result = json.loads(done.stdout)
                    # Warm-up included: load.py's requests of both its runs.
                    result["server_cpu_us"] = (cpu_seconds(server.pid) - cpu_before) / (result["requests"] + 1000) * 1e6
                    if result["errors"]:
                        raise RuntimeError(f"{name}: {result['errors']} failed requests")
                    results.setdefault(method, {}).setdefault(name, []).append(result)
            print(f"  endpoint {method}: round {round_ + 1}/{rounds}", file=sys.stderr, flush=True)
    return results


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux): unlike throughput, it does not
    move when another process takes the other core for a while."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post(port: int, body: bytes, secret: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/centrifugo/rpc", data=body, headers={PROXY_SECRET_HEADER: secret}, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        return bytes(response.read())


def spread(values: list[float]) -> str:
    """The median, then the range of the runs it was taken from."""
    return f"{median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def endpoint_report(results: dict[str, Any], rounds: int, requests: int) -> list[str]:
    lines = [
        f"### Dispatcher vs hand-written endpoint (uvicorn, 1 worker, loopback; load.py with 16 connections, "
        f"{requests} requests per run after 1000 warm-up; {rounds} rounds, each starting the servers afresh "
        "and loading every endpoint once in a rotated order)",
        "",
        "Each ratio is taken within a round (throughput against the hand-written endpoint's in the same "
        "round), then the median of the rounds, with their range in brackets. The keyed requests carry a "
        "key never sent before, as SDK calls do: the dispatcher checks its store, runs the handler and "
        "keeps the outcome each time. The hand-written endpoint gets the same keyed requests.",
        "",
    ]
    rows = []
    checks = []
    for method, by_name in results.items():
        base = by_name[HANDWRITTEN]
        for name, runs in by_name.items():
            ratios = [run["throughput"] / hand["throughput"] for run, hand in zip(runs, base)]
            rows.append([method, name, f"{median(r['throughput'] for r in runs):,.0f}",
                         f"{median(r['p50_ms'] for r in runs):.2f}", f"{median(r['p99_ms'] for r in runs):.2f}",
                         f"{median(r['server_cpu_us'] for r in runs):.0f}", spread(ratios)])
            if name == KEYED:
                ratio = median(ratios)
                checks.append(f"- dispatcher with deduplication >= 0.95x hand-written (median of {len(ratios)} rounds), "
                              f"{method}: {verdict(ratio >= 0.95, ratio, '>= 0.95x')}")
    lines += [table(["method", "endpoint", "requests/s", "p50 ms", "p99 ms", "server CPU µs/request",
                     "throughput vs hand-written"], rows), ""]
    return lines + checks + [""]


# ---------------------------------------------------------------------------
# 2. SDK vs raw client through Centrifugo


def build_sdks(out: Path) -> dict[str, Path]:
    raw = {
        "modules": ["bench_service"],
        "lock": False,
        "changelog": False,
        "python": {"package": "bench-service-sdk", "import-name": "bench_service_sdk"},
        "typescript": {"package": "@bench/service-sdk"},
        "go": {"module": GO_MODULE, "package": "benchsdk"},
    }
    config = parse_config(raw, project_name="bench-service", prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")
    artifacts = generate(Project(BENCH, "bench-service", "1.0.0"), config, out)
    return {a.language: out / a.path for a in artifacts}


def prepare_clients(sdks: dict[str, Path], languages: list[str], work: Path) -> dict[str, Consumer]:
    """language → (argv prefix, cwd, extra env) of a consumer ready to run."""
    return prepare_consumers(
        sdks, languages, work, python=CLIENTS / "e2e_python.py", typescript=CLIENTS / "e2e_ts.mjs",
        go=CLIENTS / "go_consumer", go_module=GO_MODULE,
    )


def e2e_bench(languages: list[str], calls: int, runs: int, work: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """``runs`` runs of every (language, method) driver, interleaved: run 1 of each, then run 2 of each..."""
    sdks = build_sdks(work / "sdk")
    clients = prepare_clients(sdks, languages, work)
    results: dict[str, Any] = {}
    with run_stack("bench_apps:dispatcher_app", app_dir=BENCH, workdir=work) as stack:
        token = stack.token("42")
        for run in range(runs):
            for language, (argv, cwd, env) in clients.items():
                for method in PAYLOADS:
                    done = subprocess.run([*argv, stack.ws_url, token, method, str(calls)], cwd=cwd, capture_output=True,
                                          text=True, timeout=600, env={**os.environ, **env})
                    if done.returncode != 0:
                        raise RuntimeError(f"{language} client failed:\n{done.stderr[-3000:]}")
                    results.setdefault(language, {}).setdefault(method, []).append(json.loads(done.stdout))
            print(f"  e2e: run {run + 1}/{runs} done", file=sys.stderr, flush=True)
    return results, sdks


KINDS = ("sdk", "raw", "raw_bare")


def run_stats(run: dict[str, list[float]]) -> dict[str, float]:
    """One driver run's latencies → its percentiles and ratios."""
    out: dict[str, float] = {}
    for kind in KINDS:
        ordered = sorted(run[kind])
        for q in (50, 90, 99):
            out[f"{kind}_p{q}_ms"] = percentile(ordered, q / 100)
    out["calls"] = len(run["sdk"])
    out["p50_ratio"] = out["sdk_p50_ms"] / out["raw_p50_ms"]
    out["p99_ratio"] = out["sdk_p99_ms"] / out["raw_p99_ms"]
    out["key_p50_ratio"] = out["raw_p50_ms"] / out["raw_bare_p50_ms"]
    out["sdk_bare_p50_ratio"] = out["sdk_p50_ms"] / out["raw_bare_p50_ms"]
    return out


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Latency lists → the percentiles and ratios of each run, kept in the results file."""
    return {language: {method: [run_stats(run) for run in runs] for method, runs in by_method.items()}
            for language, by_method in results.items()}


def e2e_report(summary: dict[str, Any], calls: int) -> list[str]:
    runs = len(next(iter(next(iter(summary.values())).values())))
    lines = [
        f"### Through Centrifugo: generated SDK call vs raw client rpc() ({runs} runs of each driver, interleaved; "
        f"a run is {calls} sequential calls of each kind after 200 warm-up, in blocks of 100 whose order rotates)",
        "",
        "Kinds of call: **SDK** (its defaults: retries on (2), a fresh idempotency key per call), **raw** (the raw "
        "client's rpc() sending the same wire form: the params with a fresh key first), **bare** (the raw client "
        "sending the params alone). The dispatcher deduplicates every keyed call (stores its outcome). "
        "\"SDK/raw\" is what the SDK adds on the client; \"raw/bare\" is what keys cost end to end (Centrifugo "
        "forwarding the longer params, the dispatcher's store). Each ratio is taken within a run, then the median "
        "of the runs, with their range in brackets; latencies are medians of the runs' percentiles.",
        "",
    ]
    rows, checks = [], []
    for language, by_method in summary.items():
        for method, stats in by_method.items():
            p50 = {kind: median(s[f"{kind}_p50_ms"] for s in stats) for kind in KINDS}
            rows.append([
                language, method, f"{p50['raw_bare']:.3f}", f"{p50['raw']:.3f}", f"{p50['sdk']:.3f}",
                spread([s["p50_ratio"] for s in stats]), f"{(p50['sdk'] - p50['raw']) * 1000:+.0f}",
                spread([s["key_p50_ratio"] for s in stats]), spread([s["sdk_bare_p50_ratio"] for s in stats]),
                spread([s["p99_ratio"] for s in stats]),
            ])
            ratio = median(s["p50_ratio"] for s in stats)
            checks.append(f"- {language} SDK p50 <= 1.05x raw client (median of {len(stats)} runs), {method}: "
                          f"{verdict(ratio <= 1.05, ratio, '<= 1.05x')}")
    lines += [table(["language", "method", "bare p50 ms", "raw p50 ms", "SDK p50 ms", "SDK/raw p50",
                     "SDK extra p50 µs", "raw/bare p50", "SDK/bare p50", "SDK/raw p99"], rows), ""]
    return lines + checks + [""]


# ---------------------------------------------------------------------------
# 3. sizes


def sizes(sdks: dict[str, Path]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "python" in sdks:
        with zipfile.ZipFile(sdks["python"]) as wheel:
            meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            requires = [line.split(":", 1)[1].strip() for line in wheel.read(meta).decode().splitlines()
                        if line.startswith("Requires-Dist:")]
        out["python"] = {"file": sdks["python"].name, "bytes": sdks["python"].stat().st_size, "dependencies": requires}
    if "typescript" in sdks:
        with tarfile.open(sdks["typescript"]) as tgz:
            manifest = json.loads(tgz.extractfile("package/package.json").read())  # type: ignore[union-attr]
        deps = [f"{k}@{v}" for k, v in sorted(manifest.get("dependencies", {}).items())]
        deps += [f"{k}@{v} (peer)" for k, v in sorted(manifest.get("peerDependencies", {}).items())]
        out["typescript"] = {"file": sdks["typescript"].name, "bytes": sdks["typescript"].stat().st_size, "dependencies": deps}
    if "go" in sdks:
        module = sdks["go"]
        go_mod = (module / "go.mod").read_text()
        required = re.findall(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)\s*(//\s*indirect)?\s*$", go_mod, re.M)
        direct = [f"{path} {version}" for path, version, indirect in required if not indirect]
        indirect = sum(1 for *_, mark in required if mark)
        total = sum(p.stat().st_size for p in module.rglob("*") if p.is_file())
        out["go"] = {"file": module.name + "/", "bytes": total, "dependencies": [*direct, f"(+{indirect} indirect)"]}
    return out


def sizes_report(found: dict[str, Any]) -> list[str]:
    rows = [[lang, v["file"], f"{v['bytes'] / 1024:.1f}", ", ".join(v["dependencies"])] for lang, v in found.items()]
    return ["### Packaged SDK sizes (this benchmark's 2-method service)", "",
            table(["language", "artifact", "KiB", "dependencies"], rows), ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9, help="rounds of the endpoint benchmark (at least 5)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each end-to-end driver (at least 5)")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound of one load run")
    parser.add_argument("--calls", type=int, default=2000, help="end-to-end calls of each kind per language and method")
    parser.add_argument("--languages", default="python,typescript,go")
    parser.add_argument("--only", choices=("endpoint", "e2e"), help="run one part of the benchmark")
    args = parser.parse_args()
    started = time.time()
    languages = [x for x in args.languages.split(",") if x]
    lines = ["## Runtime benchmark", "", "Machine:", machine_lines(), ""]
    data: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="sdk-runtime-bench-") as tmp:
        work = Path(tmp)
        if args.only != "e2e":
            data["endpoint"] = endpoint_bench(args.rounds, args.requests, args.seconds, work)
            lines += endpoint_report(data["endpoint"], args.rounds, args.requests)
        if args.only != "endpoint":
            e2e, sdks = e2e_bench(languages, args.calls, args.runs, work)
            data["e2e"] = summarise(e2e)
            lines += e2e_report(data["e2e"], args.calls)
            data["sizes"] = sizes(sdks)
            lines += sizes_report(data["sizes"])
    lines.append(f"Whole run took {time.time() - started:.0f} s.")
    text = "\n".join(lines)
    print(text)
    save("runtime", data, text)


if __name__ == "__main__":
    main()
