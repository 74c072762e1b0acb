"""``verify = true`` for the Go SDK: gofmt -l, go vet and go build on the module folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ...render import SdkInfo
from ...toolchains import ToolchainError
from ...verify import VerificationError, run
from .options import GoOptions


def go_binary() -> Path | None:
    found = shutil.which("go")
    return Path(found) if found else None


def verify(module_dir: Path, sdk: SdkInfo[GoOptions]) -> None:
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
    run([str(go), "vet", "./..."], module_dir, "go vet", env)
    run([str(go), "build", "./..."], module_dir, "go build", env)
