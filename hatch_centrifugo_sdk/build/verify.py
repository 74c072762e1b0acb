"""Optional build-time verification of the packaged SDKs with each language's own toolchain.

Only runs with ``verify = true`` (or ``"strict"``): generation itself needs none of this.
Each check works on the packaged artifact, as a consumer would install it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

from ..runtime.errors import UserError
from .render import SdkInfo
from .toolchains import ToolchainError, go_binary, node_bin_dir

TYPESCRIPT = "typescript@5.9.3"
NODE_TYPES = "@types/node@20"


# What each language's verification runs, as the build announces it.
CHECKS = {
    "python": "byte-compiling every module",
    "typescript": "npm install, tsc --strict, node",
    "go": "gofmt -l, go vet, go build",
}


class VerificationError(UserError, RuntimeError):
    pass


def verify(language: str, artifact: Path, sdk: SdkInfo, *, strict: bool, warn: Callable[[str], None]) -> None:
    checks = {"python": _python, "typescript": _typescript, "go": _go}
    try:
        checks[language](artifact, sdk)
    except ToolchainError as exc:
        if strict:
            raise VerificationError(f"{language} SDK not verified: {exc}") from None
        warn(f"{language} SDK not verified: {exc}")


def _run(cmd: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise VerificationError(f"{what} failed:\n{(result.stdout + result.stderr).strip()[-4000:]}")


def _python(wheel: Path, sdk: SdkInfo) -> None:
    # Byte-compiles every module: the build environment has neither mypy nor the SDK's
    # dependencies (the tests run mypy --strict on installed SDKs).
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(n for n in zf.namelist() if n.endswith(".py")):
            try:
                compile(zf.read(name), f"{wheel.name}/{name}", "exec")
            except SyntaxError as exc:
                raise VerificationError(f"Python SDK does not compile: {exc}") from None


def _typescript(tarball: Path, sdk: SdkInfo) -> None:
    bin_dir = node_bin_dir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="sdk-verify-ts-") as tmp:
        work = Path(tmp)
        (work / "package.json").write_text(json.dumps({"name": "sdk-verify", "private": True, "type": "module"}))
        _run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(tarball), TYPESCRIPT, NODE_TYPES],
            work, "npm install of the SDK tarball", env,
        )
        (work / "check.mts").write_text(
            f'import * as sdk from "{sdk.package_name}";\n'
            "export const client: typeof sdk.APIClient = sdk.APIClient;\n"
        )
        (work / "tsconfig.json").write_text(json.dumps({
            "compilerOptions": {
                "strict": True, "noEmit": True, "skipLibCheck": False, "module": "nodenext",
                "moduleResolution": "nodenext", "target": "es2022", "types": ["node"],
            },
            "files": ["check.mts"],
        }))
        _run([str(bin_dir / "node"), "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], work, "tsc --strict", env)
        _run(
            [str(bin_dir / "node"), "--input-type=module", "-e", f'await import("{sdk.package_name}");'],
            work, "loading the ESM build in node", env,
        )


def _go(module_dir: Path, sdk: SdkInfo) -> None:
    go = go_binary()
    if go is None:
        raise ToolchainError("no `go` on PATH")
    env = {**os.environ, "GOFLAGS": "-mod=readonly"}
    gofmt = go.with_name("gofmt")
    listed = subprocess.run([str(gofmt if gofmt.exists() else "gofmt"), "-l", "."], cwd=module_dir, capture_output=True, text=True)
    unformatted = listed.stdout.split()
    if listed.returncode != 0 or unformatted:
        problem = f"{', '.join(unformatted)} is not gofmt-formatted" if unformatted else listed.stderr.strip()
        raise VerificationError(f"gofmt -l failed: {problem}")
    _run([str(go), "vet", "./..."], module_dir, "go vet", env)
    _run([str(go), "build", "./..."], module_dir, "go build", env)
