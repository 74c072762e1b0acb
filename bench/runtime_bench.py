"""Runtime benchmark: the dispatcher against a hand-written endpoint, and SDK calls against raw clients.

    python bench/runtime_bench.py [--rounds 5] [--requests 20000] [--calls 2000] [--languages python,typescript,go]

1. Both ASGI apps of bench_apps.py under uvicorn on loopback, loaded in turn by load.py
   (16 keep-alive connections, bounded in requests and seconds): throughput, p50/p99.
2. Through a real Centrifugo proxying to the dispatcher: each generated SDK's call against
   its raw client's ``rpc()`` with the same payload, calls one at a time: p50/p99.
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


def endpoint_bench(rounds: int, requests: int, seconds: float, work: Path) -> dict[str, Any]:
    secret = secrets.token_hex(16)
    apps = {"dispatcher (RpcProxyApp)": "bench_apps:dispatcher_app", "hand-written ASGI": "bench_apps:handwritten_app"}
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    with ExitStack() as stack:
        ports = dict(zip(apps, free_ports(len(apps))))
        for name, app in apps.items():
            stack.enter_context(run_service(
                app, port=ports[name], log=work / f"{app.split(':')[1]}.log", app_dir=BENCH,
                env={"CENTRIFUGO_PROXY_SECRET": secret},
            ))
        for method in PAYLOADS:
            body_file = work / f"{method}.json"
            body_file.write_bytes(proxy_body(method))
            answers = {name: _post(ports[name], body_file.read_bytes(), secret) for name in apps}
            if len(set(answers.values())) != 1:
                raise RuntimeError(f"the two endpoints answer {method} differently: {answers}")
            for round_ in range(rounds):
                order = list(apps) if round_ % 2 == 0 else list(reversed(apps))
                for name in order:
                    argv = [sys.executable, str(BENCH / "load.py"), str(ports[name]), "/centrifugo/rpc", str(body_file),
                            f"{PROXY_SECRET_HEADER}={secret}", "--requests", str(requests), "--seconds", str(seconds)]
                    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds * 3 + 60, check=True)
                    result = json.loads(done.stdout)
                    if result["errors"]:
                        raise RuntimeError(f"{name}: {result['errors']} failed requests")
                    results.setdefault(method, {}).setdefault(name, []).append(result)
                print(f"  endpoint {method}: round {round_ + 1}/{rounds}", file=sys.stderr, flush=True)
    return results


def _post(port: int, body: bytes, secret: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/centrifugo/rpc", data=body, headers={PROXY_SECRET_HEADER: secret}, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        return bytes(response.read())


def endpoint_report(results: dict[str, Any], rounds: int, requests: int) -> list[str]:
    lines = [
        f"### Dispatcher vs hand-written endpoint (uvicorn, 1 worker, loopback; load.py with 16 connections, "
        f"{requests} requests per run after 1000 warm-up; medians of {rounds} alternating runs)",
        "",
    ]
    rows = []
    checks = []
    for method, by_app in results.items():
        base = median(r["throughput"] for r in by_app["hand-written ASGI"])
        for name, runs in by_app.items():
            throughput = median(r["throughput"] for r in runs)
            rows.append([method, name, f"{throughput:,.0f}", f"{median(r['p50_ms'] for r in runs):.2f}",
                         f"{median(r['p99_ms'] for r in runs):.2f}", f"{throughput / base:.2f}x"])
        ratio = median(r["throughput"] for r in by_app["dispatcher (RpcProxyApp)"]) / base
        checks.append(f"- dispatcher throughput >= 0.9x hand-written, {method}: {verdict(ratio >= 0.9, ratio, '>= 0.9x')}")
    lines += [table(["method", "endpoint", "requests/s", "p50 ms", "p99 ms", "throughput vs hand-written"], rows), ""]
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


def e2e_bench(languages: list[str], calls: int, work: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    sdks = build_sdks(work / "sdk")
    clients = prepare_clients(sdks, languages, work)
    results: dict[str, Any] = {}
    with run_stack("bench_apps:dispatcher_app", app_dir=BENCH, workdir=work) as stack:
        token = stack.token("42")
        for language, (argv, cwd, env) in clients.items():
            for method in PAYLOADS:
                done = subprocess.run([*argv, stack.ws_url, token, method, str(calls)], cwd=cwd, capture_output=True,
                                      text=True, timeout=600, env={**os.environ, **env})
                if done.returncode != 0:
                    raise RuntimeError(f"{language} client failed:\n{done.stderr[-3000:]}")
                results.setdefault(language, {})[method] = json.loads(done.stdout)
                print(f"  e2e {language} {method} done", file=sys.stderr, flush=True)
    return results, sdks


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Latency lists → the percentiles kept in the results file."""
    out: dict[str, Any] = {}
    for language, by_method in results.items():
        for method, kinds in by_method.items():
            for kind, values in kinds.items():
                ordered = sorted(values)
                out.setdefault(language, {}).setdefault(method, {})[kind] = {
                    "calls": len(ordered), **{f"p{q}_ms": percentile(ordered, q / 100) for q in (50, 90, 99)},
                }
    return out


def e2e_report(results: dict[str, Any], calls: int) -> list[str]:
    lines = [
        f"### Through Centrifugo: generated SDK call vs raw client rpc() (same payload; {calls} sequential calls "
        "each after 200 warm-up, in alternating blocks of 100 on two connections)",
        "",
    ]
    rows, checks = [], []
    for language, by_method in results.items():
        for method, kinds in by_method.items():
            stats = {}
            for kind in ("raw", "sdk"):
                values = sorted(kinds[kind])
                stats[kind] = (percentile(values, 0.5), percentile(values, 0.99))
            p50, p99 = stats["sdk"][0] / stats["raw"][0], stats["sdk"][1] / stats["raw"][1]
            extra_us = (stats["sdk"][0] - stats["raw"][0]) * 1000
            rows.append([language, method, f"{stats['raw'][0]:.3f}", f"{stats['sdk'][0]:.3f}", f"{p50:.2f}x", f"{extra_us:+.0f}",
                         f"{stats['raw'][1]:.3f}", f"{stats['sdk'][1]:.3f}", f"{p99:.2f}x"])
            checks.append(f"- {language} SDK p50 <= 1.05x raw client, {method}: {verdict(p50 <= 1.05, p50, '<= 1.05x')}")
    lines += [table(["language", "method", "raw p50 ms", "SDK p50 ms", "p50 ratio", "SDK extra p50 µs", "raw p99 ms", "SDK p99 ms", "p99 ratio"],
                    rows), ""]
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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound of one load run")
    parser.add_argument("--calls", type=int, default=2000, help="end-to-end calls of each kind per language and method")
    parser.add_argument("--languages", default="python,typescript,go")
    args = parser.parse_args()
    started = time.time()
    languages = [x for x in args.languages.split(",") if x]
    lines = ["## Runtime benchmark", "", "Machine:", machine_lines(), ""]
    data: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="sdk-runtime-bench-") as tmp:
        work = Path(tmp)
        data["endpoint"] = endpoint_bench(args.rounds, args.requests, args.seconds, work)
        lines += endpoint_report(data["endpoint"], args.rounds, args.requests)
        e2e, sdks = e2e_bench(languages, args.calls, work)
        lines += e2e_report(e2e, args.calls)
        data["e2e"] = summarise(e2e)
        data["sizes"] = sizes(sdks)
        lines += sizes_report(data["sizes"])
    lines.append(f"Whole run took {time.time() - started:.0f} s.")
    text = "\n".join(lines)
    print(text)
    save("runtime", data, text)


if __name__ == "__main__":
    main()
