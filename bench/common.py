"""Shared by the benchmarks: the machine they ran on, medians, plain-text tables, result files."""

from __future__ import annotations

import json
import os
import platform
import statistics
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"


def machine() -> dict[str, str]:
    """What the numbers were measured on; printed above every table."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pydantic": version("pydantic"),
        "load average at start": load,
    }


def machine_lines(measured: dict[str, str] | None = None) -> str:
    """The machine as measured now, or as recorded with earlier results."""
    return "\n".join(f"  {key}: {value}" for key, value in (measured or machine()).items())


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (readable as plain text too), columns padded to their widest cell."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |"

    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def verdict(ok: bool, factor: float, target: str, unit: str = "x") -> str:
    return f"{'PASS' if ok else 'MISS'} ({factor:.2f}{unit}; target {target})"


def save(name: str, data: object, text: str) -> None:
    """Keep the raw numbers (JSON) and the printed report (Markdown) of a run."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(text + "\n", encoding="utf-8")


# (argv prefix, cwd, extra environment) of a consumer program ready to run.
Consumer = tuple[list[str], Path, dict[str, str]]


def prepare_consumers(
    sdks: dict[str, Path], languages: Iterable[str], work: Path, *, python: Path, typescript: Path, go: Path,
    go_module: str,
) -> dict[str, Consumer]:
    """Each SDK installed from its artifact, with the driver program given for its language
    (``go`` is the folder of a main.go requiring ``go_module``), built where it must be."""
    import shutil
    import subprocess
    import sys

    ready: dict[str, Consumer] = {}
    if "python" in languages:
        target = work / "py"
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(sdks["python"])],
                       check=True, capture_output=True)
        ready["python"] = ([sys.executable, str(python)], work, {"PYTHONPATH": str(target)})
    if "typescript" in languages:
        project = work / "ts"
        project.mkdir()
        (project / "package.json").write_text('{"name": "bench-consumer", "private": true, "type": "module"}')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(sdks["typescript"]),
                        "ws@8.23.0", "centrifuge@5.8.0"], cwd=project, check=True, capture_output=True, timeout=600)
        shutil.copy(typescript, project / "main.mjs")
        ready["typescript"] = (["node", "main.mjs"], project, {})
    if "go" in languages:
        project = work / "go"
        project.mkdir()
        (project / "go.mod").write_text(
            f"module benchconsumer\n\ngo 1.25.0\n\nrequire {go_module} v0.0.0\n\nreplace {go_module} => {sdks['go'].resolve()}\n"
        )
        shutil.copy(go / "main.go", project / "main.go")
        for argv in (["go", "mod", "tidy"], ["go", "build", "-o", "consumer", "."]):
            done = subprocess.run(argv, cwd=project, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)}: {done.stderr}")
        ready["go"] = ([str(project / "consumer")], project, {})
    return ready
