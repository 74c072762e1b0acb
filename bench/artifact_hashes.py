"""sha256 of every SDK artifact of the sample, the Django example, the real-world fixture and
two synthetic services, each built by ``python -m hatchling build`` with this checkout's plugin.

    python bench/artifact_hashes.py > before.txt   # ... change the plugin ...
    python bench/artifact_hashes.py | diff before.txt -

A refactoring must leave the output unchanged. The manifest's ``build_key`` (which hashes the
plugin's own code) and the hook's cache file are left out; every other file is listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from synth import write_service  # noqa: E402

SYNTH_TABLE = """
[tool.hatch.build.hooks.centrifugo-sdk]
modules = {modules}
lock = false
changelog = false
[tool.hatch.build.hooks.centrifugo-sdk.python]
package = "synth-sdk"
import-name = "synth_sdk"
[tool.hatch.build.hooks.centrifugo-sdk.typescript]
package = "@bench/synth-sdk"
[tool.hatch.build.hooks.centrifugo-sdk.go]
module = "example.com/bench/synthsdk"
package = "synthsdk"
"""

REALWORLD_MODULE = """\
from hatch_centrifugo_sdk import default_registry
from tests.fixtures.realworld.service import all_payloads, register

register(default_registry, all_payloads())
"""


def pyproject(name: str, table: str, packages: str) -> str:
    return (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "{name}"\nversion = "1.0.0"\ndependencies = ["pydantic"]\n\n'
        f'[tool.hatch.build.targets.wheel]\npackages = ["{packages}"]\n{table}'
    )


def projects(tmp: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    ignore = shutil.ignore_patterns("dist", "*.sqlite3", "__pycache__", ".pytest_cache")
    out["sample"] = Path(shutil.copytree(REPO / "sample_service", tmp / "sample", ignore=ignore))
    out["django"] = Path(shutil.copytree(REPO / "django_example", tmp / "django", ignore=ignore))
    for size in (10, 100):
        root = tmp / f"synth{size}"
        modules = write_service(size, root)
        (root / "pyproject.toml").write_text(
            pyproject(f"synth{size}", SYNTH_TABLE.format(modules=json.dumps(modules)), f"src/synth{size}")
        )
        out[f"synth{size}"] = root
    root = tmp / "realworld"
    (root / "src" / "realworld_service").mkdir(parents=True)
    (root / "src" / "realworld_service" / "__init__.py").write_text(REALWORLD_MODULE)
    table = SYNTH_TABLE.format(modules='["realworld_service"]').replace("synth", "realworld")
    (root / "pyproject.toml").write_text(pyproject("realworld", table, "src/realworld_service"))
    out["realworld"] = root
    return out


def digests(sdk: Path) -> dict[str, str]:
    result = {}
    for path in sorted(p for p in sdk.rglob("*") if p.is_file() and p.name != ".source-key.json"):
        data = path.read_bytes()
        if path.name == "sdk-manifest.json":
            manifest = json.loads(data)
            manifest.pop("build_key", None)
            data = json.dumps(manifest, sort_keys=True).encode()
        result[path.relative_to(sdk).as_posix()] = hashlib.sha256(data).hexdigest()
    return result


def main() -> int:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(REPO)}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, root in projects(Path(tmp)).items():
            done = subprocess.run(
                [sys.executable, "-m", "hatchling", "build", "-t", "wheel"],
                cwd=root, env=env, capture_output=True, text=True,
            )
            if done.returncode:
                print(f"{name}: build failed\n{done.stdout}{done.stderr}", file=sys.stderr)
                failed = True
                continue
            for path, sha in digests(root / "dist" / "sdk").items():
                print(f"{sha}  {name}/{path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
