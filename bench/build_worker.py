"""One build measurement in a fresh interpreter (cold imports, its own peak memory).

    python bench/build_worker.py MODE SERVICE_ROOT OUT_DIR MODULE [MODULE...]

Prints one JSON object: seconds per stage, peak RSS and RSS before the timed part.
Modes: floor, floor-tuned (the floor under the hook's collector thresholds), pipeline,
generate, generate-verify, dmcg (datamodel-code-generator on the floor's schema), check
(``python -m hatch_centrifugo_sdk check`` on SERVICE_ROOT's pyproject.toml).
pydantic and hatchling are imported before any timing: under ``hatch build`` both are
loaded before the hook runs.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import hatchling.builders.wheel  # noqa: F401  (loaded by hatch before any hook runs)
import pydantic  # noqa: F401

from hatch_centrifugo_sdk.build.pipeline import Project, collector_tuned, generate, load_api, sdk_infos
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config

from hatch_centrifugo_sdk.build.targets import target

LANGUAGES = ("python", "typescript", "go")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def config(modules: list[str], verify: bool = False):  # type: ignore[no-untyped-def]
    raw = {
        "modules": modules,
        "lock": False,
        "changelog": False,
        "verify": verify,
        "python": {"package": "synth-sdk", "import-name": "synth_sdk"},
        "typescript": {"package": "@bench/synth-sdk"},
        "go": {"module": "example.com/bench/synthsdk", "package": "synthsdk"},
    }
    return parse_config(raw, project_name="synth", prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")


def floor(root: Path, out: Path, modules: list[str]) -> dict[str, float]:
    """What any generator must do: import the handlers and compute every model's JSON schema."""
    import importlib

    from pydantic.json_schema import models_json_schema

    from hatch_centrifugo_sdk.runtime.registry import default_registry

    sys.path.insert(0, str(root / "src"))
    start = time.perf_counter()
    for name in modules:
        importlib.import_module(name)
    imported = time.perf_counter()
    keys = [(h.params_model, "validation") for h in default_registry]
    keys += [(h.result_model, "serialization") for h in default_registry]
    _, schema = models_json_schema(keys, ref_template="#/$defs/{model}")
    done = time.perf_counter()
    # The peers' input: the same models as one JSON schema document (written after timing).
    out.mkdir(parents=True, exist_ok=True)
    (out / "schema.json").write_text(json.dumps({"title": "Api", **schema}, indent=1, sort_keys=True))
    return {"import": imported - start, "schema": done - imported, "total": done - start}


def pipeline(root: Path, out: Path, modules: list[str]) -> dict[str, float]:
    """The hook's stages one by one, as build.generate runs them (collector tuned)."""
    cfg = config(modules)
    project = Project(root, "synth", "1.0.0")
    times: dict[str, float] = {}
    start = time.perf_counter()
    api = load_api(project, cfg)
    times["load_api"] = time.perf_counter() - start
    infos = sdk_infos(project, cfg, api.hash)
    for language in LANGUAGES:
        render, package = target(language).render, target(language).package
        t0 = time.perf_counter()
        files = render(api, infos[language])
        t1 = time.perf_counter()
        package(files, out / language)
        times[f"render_{language}"] = t1 - t0
        times[f"package_{language}"] = time.perf_counter() - t1
    # handlers → three rendered SDK trees
    times["trees"] = times["load_api"] + sum(times[f"render_{language}"] for language in LANGUAGES)
    times["total"] = time.perf_counter() - start
    return times


def whole(root: Path, out: Path, modules: list[str], verify: bool) -> dict[str, float]:
    project = Project(root, "synth", "1.0.0")
    cfg = config(modules, verify)
    start = time.perf_counter()
    generate(project, cfg, out)
    return {"total": time.perf_counter() - start}


def dmcg(root: Path, out: Path, modules: list[str]) -> dict[str, float]:
    """datamodel-code-generator: Pydantic v2 models from the floor's JSON schema."""
    from datamodel_code_generator import DataModelType, InputFileType, generate as dm_generate

    schema = out / "schema.json"
    target = out / "dmcg_models.py"
    start = time.perf_counter()
    dm_generate(
        schema.read_text(),
        input_file_type=InputFileType.JsonSchema,
        output=target,
        output_model_type=DataModelType.PydanticV2BaseModel,
        disable_timestamp=True,
    )
    return {"total": time.perf_counter() - start}


def check(root: Path) -> dict[str, float]:
    import contextlib
    import io

    from hatch_centrifugo_sdk.build.cli import main as cli

    printed = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        status = cli(["check", "--project", str(root)])
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"check failed: {printed.getvalue()}")
    return {"total": elapsed, "warnings": float(printed.getvalue().count("warning: "))}


def main() -> None:
    mode, root, out, *modules = sys.argv[1:]
    root_path, out_path = Path(root), Path(out)
    before = rss_mib()
    if mode == "floor":
        times = floor(root_path, out_path, modules)
    elif mode == "floor-tuned":
        with collector_tuned():
            times = floor(root_path, out_path, modules)
    elif mode == "pipeline":
        with collector_tuned():
            times = pipeline(root_path, out_path, modules)
    elif mode in ("generate", "generate-verify"):
        times = whole(root_path, out_path, modules, verify=mode == "generate-verify")
    elif mode == "check":
        times = check(root_path)
    elif mode == "dmcg":
        times = dmcg(root_path, out_path, modules)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"seconds": times, "rss_before_mib": before, "peak_rss_mib": rss_mib()}))


if __name__ == "__main__":
    main()
