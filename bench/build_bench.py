"""Build-side benchmark: the hook against its floor and against peer generators.

    python bench/build_bench.py [--sizes 10,100,1000,5000] [--repeat N] [--verify-sizes 100]

For each synthetic service size every measurement runs in a fresh interpreter (cold
imports, its own peak RSS), interleaved round by round so that ratios compare runs made
under the same conditions; tables show medians. Writes bench/results/build.{md,json}
and bench/results/build_time.png.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, RESULTS, machine, machine_lines, median, save, table, verdict  # noqa: E402
from synth import write_service  # noqa: E402

WORKER = BENCH / "build_worker.py"
JSON2TS = BENCH / "json2ts_worker.mjs"
LANGUAGES = ("python", "typescript", "go")
TIMEOUT = 1800


def run_json(argv: list[str], cwd: Path | None = None) -> dict[str, Any]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def worker(mode: str, root: Path, out: Path, modules: list[str]) -> dict[str, Any]:
    return run_json([sys.executable, str(WORKER), mode, str(root), str(out), *modules])


def measure_size(methods: int, repeat: int, verify_runs: int, work: Path) -> dict[str, Any]:
    root = work / f"svc{methods}"
    modules = write_service(methods, root)
    schema_dir = work / f"schema{methods}"
    runs: dict[str, list[dict[str, Any]]] = {}

    def record(name: str, result: dict[str, Any]) -> None:
        runs.setdefault(name, []).append(result)

    for round_ in range(repeat):
        record("floor", worker("floor", root, schema_dir, modules))
        record("floor_tuned", worker("floor-tuned", root, work / f"tuned{methods}", modules))
        record("pipeline", worker("pipeline", root, work / f"pipe{methods}-{round_}", modules))
        out = work / f"gen{methods}-{round_}" / "sdk"
        record("generate", worker("generate", root, out, modules))
        record("rebuild", worker("generate", root, out, modules))  # same output, nothing changed
        record("dmcg", worker("dmcg", root, schema_dir, []))
        for fmt in ("true", "false"):
            record(f"json2ts_format_{fmt}", run_json(
                ["node", str(JSON2TS), str(schema_dir / "schema.json"), str(schema_dir / f"json2ts-{fmt}.ts"), fmt]
            ))
        print(f"  {methods} methods: round {round_ + 1}/{repeat} done", file=sys.stderr, flush=True)
    for round_ in range(verify_runs):
        record("generate_verify", worker("generate-verify", root, work / f"ver{methods}-{round_}" / "sdk", modules))
    sdk = work / f"gen{methods}-0" / "sdk"
    return {"methods": methods, "runs": runs, "artifacts": artifact_sizes(sdk), "models": count_models(sdk), "machine": machine()}


def artifact_sizes(sdk: Path) -> dict[str, int]:
    sizes = {}
    for path in sorted(sdk.iterdir()):
        if path.suffix == ".whl":
            sizes["wheel"] = path.stat().st_size
        elif path.suffix == ".tgz":
            sizes["npm tarball"] = path.stat().st_size
        elif path.is_dir():
            sizes["go module dir"] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return sizes


def count_models(sdk: Path) -> dict[str, int]:
    api = json.loads((sdk / "api.json").read_text())
    return {k: len(api.get(k, [])) for k in ("methods", "models", "enums")}


def med(size: dict[str, Any], name: str, key: str = "total") -> float:
    runs = size["runs"].get(name, [])
    return median(r["seconds"][key] for r in runs) if runs else math.nan


def med_rss(size: dict[str, Any], name: str) -> float:
    runs = size["runs"].get(name, [])
    return median(r["peak_rss_mib"] for r in runs) if runs else math.nan


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f}"


def report(sizes: list[dict[str, Any]], started: float | None) -> str:
    measured = sizes[0].get("machine") if sizes else None
    out = [
        "## Build benchmark",
        "",
        "Medians of interleaved rounds (" + ", ".join(f"{s['methods']} methods: {len(s['runs']['floor'])}" for s in sizes)
        + "), every measurement in a fresh interpreter. Machine:",
        machine_lines(measured),
        "",
    ]
    cols = [f"{s['methods']} methods" for s in sizes]
    stages = [
        ("floor: import handlers + JSON schema of every model", "floor", "total"),
        ("  of which import", "floor", "import"),
        ("floor, collector tuned as the hook tunes it", "floor_tuned", "total"),
        ("load_api (import + parse_api)", "pipeline", "load_api"),
        *[(f"render {lang}", "pipeline", f"render_{lang}") for lang in LANGUAGES],
        *[(f"package {lang}", "pipeline", f"package_{lang}") for lang in LANGUAGES],
        ("three SDK trees (load_api + 3 renders)", "pipeline", "trees"),
        ("generate(), no verification (cold)", "generate", "total"),
        ("generate(), nothing changed (rebuild)", "rebuild", "total"),
        ("generate(), verify=True", "generate_verify", "total"),
    ]
    rows = []
    for label, name, key in stages:
        row: list[object] = [label]
        for s in sizes:
            value, floor_ = med(s, name, key), med(s, "floor")
            row.append("n/a" if math.isnan(value) else f"{ms(value)} ms ({value / floor_:.2f}x)")
        rows.append(row)
    out += ["### Time per stage (ms, and ratio to the floor)", "", table(["stage", *cols], rows), ""]

    mem_rows = [
        [label, *[f"{med_rss(s, name):.0f}" for s in sizes]]
        for label, name in (
            ("floor", "floor"), ("pipeline (all stages)", "pipeline"), ("generate()", "generate"),
            ("rebuild", "rebuild"), ("datamodel-code-generator", "dmcg"), ("json-schema-to-typescript", "json2ts_format_true"),
        )
    ]
    rss0 = median(r["rss_before_mib"] for s in sizes for r in s["runs"]["floor"])
    out += [
        f"### Peak RSS (MiB; the Python interpreter with pydantic and hatchling loaded is {rss0:.0f} MiB)",
        "",
        table(["process", *cols], mem_rows),
        "",
    ]

    peer_rows = []
    for s in sizes:
        py_render, py_all = med(s, "pipeline", "render_python"), med(s, "pipeline", "render_python") + med(s, "pipeline", "package_python")
        ts_render, ts_all = med(s, "pipeline", "render_typescript"), med(s, "pipeline", "render_typescript") + med(s, "pipeline", "package_typescript")
        dm, jf, jn = med(s, "dmcg"), med(s, "json2ts_format_true"), med(s, "json2ts_format_false")
        peer_rows.append([
            s["methods"], ms(dm), ms(py_render), ms(py_all), f"{dm / py_render:.1f}x / {dm / py_all:.1f}x",
            ms(jf), ms(jn), ms(ts_render), ms(ts_all), f"{jf / ts_render:.1f}x / {jn / ts_render:.1f}x",
        ])
    out += [
        "### Peers on the same models (ms; each timed in-process, interpreter/Node start-up excluded)",
        "",
        table(
            ["methods", "datamodel-codegen", "our Python render", "+ wheel", "peer / ours (render / +wheel)",
             "json2ts (formatted)", "json2ts (format: false)", "our TS render", "+ tarball",
             "peer / our render (formatted / not)"],
            peer_rows,
        ),
        "",
        "datamodel-code-generator 0.89 with its defaults (Pydantic v2 output, black + isort formatting) on the floor's "
        "schema; json-schema-to-typescript 16 `compile()` with `unreachableDefinitions: true` so every model becomes a type.",
        "",
    ]

    linear_rows = []
    for label, name, key in (
        ("floor", "floor", "total"), ("three SDK trees", "pipeline", "trees"), ("generate()", "generate", "total"),
    ):
        linear_rows.append([label, *[f"{med(s, name, key) / s['methods'] * 1e6:,.0f}" for s in sizes]])
    out += ["### Cost per method (µs)", "", table(["stage", *cols], linear_rows), ""]
    out += targets(sizes)
    art_rows = [[s["methods"], *(f"{s['artifacts'].get(k, 0) / 1024:,.0f}" for k in ("wheel", "npm tarball", "go module dir"))]
                for s in sizes]
    out += ["### Artifact sizes (KiB)", "", table(["methods", "wheel", "npm tarball", "Go module dir"], art_rows), ""]
    models = ", ".join(f"{s['methods']}: {s['models']['models']} models + {s['models']['enums']} enums" for s in sizes)
    out += [f"Synthetic services: {models}.", ""]
    if started is not None:
        out += [f"Whole run took {time.time() - started:.0f} s.", ""]
    return "\n".join(out)


def targets(sizes: list[dict[str, Any]]) -> list[str]:
    by = {s["methods"]: s for s in sizes}
    lines = ["### Targets", ""]
    k = by.get(1000) or sizes[-1]
    n = k["methods"]
    floor_ = med(k, "floor")
    trees = med(k, "pipeline", "trees") / floor_
    lines.append(f"- three SDK trees, {n} methods, <= 2x floor: {verdict(trees <= 2, trees, '<= 2x')}")
    hook = med(k, "generate") / floor_
    lines.append(f"- whole hook without verification, {n} methods, <= 3x floor: {verdict(hook <= 3, hook, '<= 3x')}")
    tuned = med(k, "generate") / med(k, "floor_tuned")
    lines.append(f"- (for reference: the whole hook against the tuned floor, {n} methods: {tuned:.2f}x)")
    big = sizes[-1]
    if len(sizes) >= 2:
        small = sizes[-2]
        # log-log slope between the two largest sizes: 1.0 is linear.
        for label, name in (("the floor's", "floor"), ("the tuned floor's", "floor_tuned")):
            slope = math.log(med(big, name) / med(small, name)) / math.log(big["methods"] / small["methods"])
            lines.append(f"- (for reference: {label} own log-log slope, {small['methods']} -> {big['methods']}: {slope:.2f})")
        for label, name, key in (("generate()", "generate", "total"), ("three SDK trees", "pipeline", "trees")):
            slope = math.log(med(big, name, key) / med(small, name, key)) / math.log(big["methods"] / small["methods"])
            lines.append(
                f"- {label} grows linearly ({small['methods']} -> {big['methods']} methods, log-log slope <= 1.1): "
                f"{verdict(slope <= 1.1, slope, 'slope <= 1.1', unit='')}"
            )
    for s in sizes:
        rebuild = med(s, "rebuild") / med(s, "generate")
        lines.append(f"- no-change rebuild, {s['methods']} methods, <= 0.2x cold: {verdict(rebuild <= 0.2, rebuild, '<= 0.2x')}")
    py = med(k, "dmcg") / (med(k, "pipeline", "render_python") + med(k, "pipeline", "package_python"))
    lines.append(f"- Python part (render + wheel) >= 10x faster than datamodel-code-generator, {n} methods: "
                 f"{verdict(py >= 10, py, '>= 10x')}")
    return lines + [""]


def plot(sizes: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = [s["methods"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for label, name, key, style in (
        ("floor (import + JSON schema)", "floor", "total", "k--"),
        ("three SDK trees", "pipeline", "trees", "b-o"),
        ("generate() (3 packaged SDKs)", "generate", "total", "g-o"),
        ("no-change rebuild", "rebuild", "total", "c-^"),
        ("datamodel-code-generator (Python only)", "dmcg", "total", "r-s"),
        ("json-schema-to-typescript (TS only)", "json2ts_format_true", "total", "m-s"),
    ):
        ax.plot(methods, [med(s, name, key) for s in sizes], style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("RPC methods (about 2.2 models each)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Build time against methods")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-large", type=int, default=3, help="rounds for sizes of 5000 methods and more")
    parser.add_argument("--verify-sizes", default="100", help="sizes also built with verify=True")
    parser.add_argument("--verify-repeat", type=int, default=3)
    parser.add_argument("--report-only", action="store_true", help="reprint the tables and plot of the last run")
    args = parser.parse_args()
    if args.report_only:
        data = json.loads((RESULTS / "build.json").read_text())
        for size in data["sizes"]:
            size.setdefault("machine", data["machine"])
        text = report(data["sizes"], None)
        print(text)
        save("build", data, text)
        plot(data["sizes"], RESULTS / "build_time.png")
        return
    started = time.time()
    sizes_wanted = [int(x) for x in args.sizes.split(",")]
    verify_sizes = {int(x) for x in args.verify_sizes.split(",") if x}
    results = []
    with tempfile.TemporaryDirectory(prefix="sdk-build-bench-") as tmp:
        for methods in sizes_wanted:
            print(f"{methods} methods...", file=sys.stderr, flush=True)
            runs = args.verify_repeat if methods in verify_sizes else 0
            repeat = args.repeat_large if methods >= 5000 else args.repeat
            results.append(measure_size(methods, repeat, runs, Path(tmp)))
    text = report(results, started)
    print(text)
    save("build", {"machine": machine(), "sizes": results}, text)
    plot(results, RESULTS / "build_time.png")
    print(f"plot: {(RESULTS / 'build_time.png').relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
