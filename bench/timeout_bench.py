"""Timeout benchmark: how close to its own timeout each SDK's call ends when nothing answers.

    python bench/timeout_bench.py [--runs 5] [--timeouts 1,3] [--languages python,typescript,go]

The sample service's SDKs (built as the end-to-end tests build them) each run a driver
(tests/e2e/proof_drivers/deadline.*) that stays connected to a real Centrifugo proxying to the
sample service, and makes ``tasks.get_stats`` calls with a timeout of T seconds and the default
retries (the client-wide default timeout is 10 s). Around each call one fault
(tests/e2e/deadlines.py): Centrifugo SIGKILLed and down throughout, Centrifugo SIGSTOPped, the
service SIGSTOPped, Centrifugo SIGKILLed and started again T/2 into the call. Each call's
elapsed time is measured by the driver; rounds interleave the scenarios and timeouts.

Targets: the three faults end with the SDK's timeout error (code 1; "may have run" only when the
call was sent, so not while Centrifugo is down) between 1.00x and 1.10x T; the call succeeds
before T when Centrifugo comes back at T/2. The machine's load matters little here: the
numbers are timeouts, not speeds.

Writes bench/results/timeout.{md,json}.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, machine, machine_lines, median, save, table, verdict  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from e2e.conftest import SAMPLE, run_sample  # noqa: E402
from e2e.deadlines import (  # noqa: E402
    CENTRIFUGO_BACK, CENTRIFUGO_DOWN, SCENARIOS, Driver, Outcome, driver_command, measure, missing_tools,
)

from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config  # noqa: E402
from hatch_centrifugo_sdk.build.pipeline import Project, generate  # noqa: E402

TICK = 0.01  # timers may fire up to a clock tick early
CEILING = 1.10


def build_sample_sdks(out: Path) -> dict[str, Path]:
    pyproject = tomllib.loads((SAMPLE / "pyproject.toml").read_text())
    prefix = f"tool.hatch.build.hooks.{PLUGIN_NAME}"
    config = parse_config(pyproject["tool"]["hatch"]["build"]["hooks"][PLUGIN_NAME], project_name="sample-service", prefix=prefix)
    project = Project(SAMPLE, pyproject["project"]["name"], pyproject["project"]["version"])
    return {a.language: out / a.path for a in generate(project, config, out)}


def run(languages: list[str], timeouts: list[float], runs: int, work: Path) -> dict[str, Any]:
    sdks = build_sample_sdks(work / "sdk")
    commands = {language: driver_command(language, sdks[language], work) for language in languages}
    results: dict[str, Any] = {}
    (work / "stack").mkdir()
    with run_sample(work / "stack") as stack:
        for language, (argv, env) in commands.items():
            with Driver(argv, stack, f"bench-{language}", env) as driver:
                driver.ready()
                for round_ in range(runs):
                    for scenario in SCENARIOS:
                        for timeout in timeouts:
                            outcome = measure(stack, driver, scenario, timeout)
                            results.setdefault(language, {}).setdefault(scenario, {}).setdefault(str(timeout), []).append(
                                asdict(outcome)
                            )
                    print(f"  {language}: round {round_ + 1}/{runs}", file=sys.stderr, flush=True)
    return results


def expected(outcome: Outcome, scenario: str) -> bool:
    """The outcome the scenario should have, whatever its timing."""
    if scenario == CENTRIFUGO_BACK:
        return outcome.ok
    sent = scenario != CENTRIFUGO_DOWN
    return not outcome.ok and outcome.code == 1 and outcome.may_have_run is sent


def describe(outcomes: list[Outcome]) -> str:
    kinds: dict[str, int] = {}
    for o in outcomes:
        kind = "ok" if o.ok else f"{o.error} {o.code}, {'may have run' if o.may_have_run else 'not sent'}"
        kinds[kind] = kinds.get(kind, 0) + 1
    return "; ".join(f"{n}x {kind}" for kind, n in kinds.items())


def report(results: dict[str, Any], runs: int) -> list[str]:
    rows, checks = [], []
    for language, by_scenario in results.items():
        for scenario, by_timeout in by_scenario.items():
            for timeout_text, raw in by_timeout.items():
                timeout = float(timeout_text)
                outcomes = [Outcome(**o) for o in raw]
                ratios = [o.elapsed / timeout for o in outcomes]
                right = all(expected(o, scenario) for o in outcomes)
                if scenario == CENTRIFUGO_BACK:
                    ok, target = right and max(ratios) < 1.0, "succeeds, < 1.00x"
                else:
                    ok = right and min(ratios) >= 1.0 - TICK / timeout and max(ratios) <= CEILING
                    target = f"timeout error, 1.00x..{CEILING:.2f}x"
                rows.append([language, scenario, f"{timeout:g}", describe(outcomes), f"{min(ratios):.3f}x",
                             f"{median(ratios):.3f}x", f"{max(ratios):.3f}x"])
                checks.append(f"- {language}, {scenario}, T = {timeout:g} s: "
                              f"{verdict(ok, max(ratios), target)}{'' if right else ' (wrong outcome)'}")
    return [
        f"### Elapsed time of a call divided by its timeout T ({runs} runs each, default retries, client-wide timeout 10 s)",
        "",
        table(["SDK", "fault", "T s", "outcomes", "min", "median", "max"], rows),
        "",
        *checks,
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="calls per SDK, fault and timeout")
    parser.add_argument("--timeouts", default="1,3", help="per-call timeouts T in seconds")
    parser.add_argument("--languages", default="python,typescript,go")
    args = parser.parse_args()
    started = time.time()
    languages = [x for x in args.languages.split(",") if x]
    for language in languages:
        missing = missing_tools(language)
        if missing:
            raise SystemExit(f"--languages: {language} {missing}")
    timeouts = [float(x) for x in args.timeouts.split(",") if x]
    lines = ["## Timeout benchmark", "", "Machine:", machine_lines(), ""]
    data: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="sdk-timeout-bench-") as tmp:
        data["calls"] = run(languages, timeouts, args.runs, Path(tmp))
    lines += report(data["calls"], args.runs)
    lines.append(f"Whole run took {time.time() - started:.0f} s.")
    text = "\n".join(lines)
    print(text)
    save("timeout", data, text)


if __name__ == "__main__":
    main()
