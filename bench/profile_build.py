"""Where one build stage spends its time, on a synthetic service: cProfile's top functions.

    python bench/profile_build.py METHODS STAGE [--top 25]

STAGE: load (import + parse_api), render-python, render-typescript, render-go, or
rebuild (generate() into an output it already built, nothing changed).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_worker import config  # noqa: E402
from synth import write_service  # noqa: E402

from hatch_centrifugo_sdk.build.pipeline import Project, generate, load_api, sdk_infos  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("methods", type=int)
    parser.add_argument("stage", choices=["load", "render-python", "render-typescript", "render-go", "rebuild"])
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sdk-profile-") as tmp:
        root = Path(tmp)
        cfg = config(write_service(args.methods, root))
        project = Project(root, "synth", "1.0.0")
        profile = cProfile.Profile()
        if args.stage == "load":
            profile.enable()
            load_api(project, cfg)
        elif args.stage == "rebuild":
            generate(project, cfg, root / "sdk")
            profile.enable()
            generate(project, cfg, root / "sdk")
        else:
            api = load_api(project, cfg)
            language = args.stage.split("-", 1)[1]
            render = importlib.import_module(f"hatch_centrifugo_sdk.build.targets.{language}.render").render
            sdk = sdk_infos(project, cfg, api.hash)[language]
            profile.enable()
            start = time.perf_counter()
            render(api, sdk)
            print(f"{args.stage}: {time.perf_counter() - start:.2f} s (under cProfile)")
        profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(args.top)
    print(text.getvalue())


if __name__ == "__main__":
    main()
