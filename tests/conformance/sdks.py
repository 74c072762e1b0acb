"""Render an API's three SDKs and judge them with each language's own tools, in batches.

Many generated SDKs share one checker run: Python packages side by side for one
``mypy --strict``, npm packages in one ``node_modules`` for one ``tsc --strict``, Go
packages as sub-packages of one module for one ``go vet`` and ``go build``. The SDK code
is exactly what the renderers produce; only the Go ``go.mod`` is shared by the batch.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.build.targets.python.package import write_tree
from hatch_centrifugo_sdk.build.render import SdkInfo
from hatch_centrifugo_sdk.build.targets.python.options import PythonOptions
from hatch_centrifugo_sdk.build.targets.typescript.options import TypeScriptOptions
from hatch_centrifugo_sdk.build.targets.go.options import GoOptions
from hatch_centrifugo_sdk.build.targets.go import render as go_renderer
from hatch_centrifugo_sdk.build.targets.python import render as python_renderer
from hatch_centrifugo_sdk.build.targets.typescript import render as ts_renderer

REPO = Path(__file__).resolve().parents[2]
JS_TOOLS = REPO / "tests" / "js"
GO_MODULE = "example.com/proof"
TSCONFIG = {
    "strict": True,
    "exactOptionalPropertyTypes": True,
    "noUncheckedIndexedAccess": True,
    "skipLibCheck": False,
    "noEmit": True,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "types": ["node"],
}


@dataclass(frozen=True)
class Sdks:
    """One API's three rendered SDKs, under one short name (a valid identifier in every language)."""

    name: str
    api: Api
    python: dict[str, str]
    typescript: dict[str, str]
    go: dict[str, str]

    @property
    def python_package(self) -> str:
        return f"{self.name}_sdk"

    @property
    def npm_package(self) -> str:
        return f"{self.name}-sdk"

    @property
    def go_package(self) -> str:
        return self.name.replace("_", "")

    @property
    def go_import(self) -> str:
        return f"{GO_MODULE}/{self.go_package}"


def render_sdks(name: str, api: Api) -> Sdks:
    """All three SDKs of ``api``; ``name`` is lowercase letters, digits and underscores."""

    def info(options: PythonOptions | TypeScriptOptions | GoOptions) -> SdkInfo[Any]:
        return SdkInfo(f"{name}-service", "1.0.0", api.hash, "1.0.0", options)

    go_package = name.replace("_", "")
    return Sdks(
        name,
        api,
        python_renderer.render(api, info(PythonOptions(f"{name}-sdk", f"{name}_sdk"))),
        ts_renderer.render(api, info(TypeScriptOptions(f"{name}-sdk"))),
        go_renderer.render(api, info(GoOptions(f"{GO_MODULE}/{go_package}", go_package))),
    )


def run(cmd: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def output(done: subprocess.CompletedProcess[str]) -> str:
    return f"{' '.join(map(str, done.args))} exited with {done.returncode}:\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"


# Python ---------------------------------------------------------------------------------


def write_python(batch: list[Sdks], root: Path) -> Path:
    """The import packages side by side under ``root`` (what a wheel installs)."""
    for sdks in batch:
        write_tree({p: t for p, t in sdks.python.items() if p.startswith(f"{sdks.python_package}/")}, root)
    return root


def mypy_strict(root: Path, packages: list[str], cache: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over the packages in ``root``; ``python`` supplies pydantic and centrifuge."""
    return run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", python, "--cache-dir", str(cache),
         "--no-error-summary", *(a for p in packages for a in ("-p", p))],
        root,
        env={**os.environ, "MYPYPATH": str(root)},
    )


def import_python(root: Path, package: str) -> object:
    """Import a generated package from ``root`` in this process (its models need only pydantic)."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return importlib.import_module(package)


# TypeScript -----------------------------------------------------------------------------


def node_tools() -> Path:
    """tests/js/node_modules (typescript, centrifuge, ws, @types), installed by `npm ci` when stale."""
    modules = JS_TOOLS / "node_modules"
    stamp = modules / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < (JS_TOOLS / "package-lock.json").stat().st_mtime:
        done = run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], JS_TOOLS)
        assert done.returncode == 0, output(done)
    return modules


def ts_project(batch: list[Sdks], root: Path) -> Path:
    """``root/app`` with each SDK in its node_modules as npm would unpack it; the tools resolve from ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "node_modules").symlink_to(node_tools(), target_is_directory=True)
    app = root / "app"
    for sdks in batch:
        write_tree(sdks.typescript, app / "node_modules" / sdks.npm_package)
    (app / "package.json").write_text(json.dumps({"name": "proof", "private": True, "type": "module"}))
    return app


def tsc_strict(app: Path, sources: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    for name, text in sources.items():
        (app / name).write_text(text, encoding="utf-8")
    (app / "tsconfig.json").write_text(json.dumps({"compilerOptions": TSCONFIG, "files": sorted(sources)}, indent=2))
    tsc = app.parent / "node_modules" / "typescript" / "bin" / "tsc"
    return run(["node", str(tsc), "-p", "tsconfig.json", "--pretty", "false"], app)


# Go -------------------------------------------------------------------------------------


def go_env() -> dict[str, str]:
    assert shutil.which("go"), "the Go toolchain (go on PATH) is needed"
    return {**os.environ, "GOFLAGS": "-mod=mod"}


def go_workspace(batch: list[Sdks], root: Path, extra: Mapping[str, str] = {}) -> Path:
    """One module holding each SDK's package as a sub-package (``example.com/proof/<name>``),
    plus ``extra`` files; go.mod and go.sum are the SDKs' own, under the workspace's path."""
    first = batch[0].go
    (root / "go.mod").parent.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(first["go.mod"].replace(f"module {batch[0].go_import}\n", f"module {GO_MODULE}\n", 1))
    (root / "go.sum").write_text(first["go.sum"])
    for sdks in batch:
        write_tree({p: t for p, t in sdks.go.items() if p.endswith(".go")}, root / sdks.go_package)
    write_tree(dict(extra), root)
    return root


def go(root: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run(["go", *args], root, env=env or go_env())
