"""Optional build-time verification of the packaged SDKs with each language's own toolchain.

Only runs with ``verify = true`` (or ``"strict"``): generation itself needs none of this.
Each check works on the packaged artifact, as a consumer would install it; what it runs is
the target's (``targets/<language>/verify.py``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Callable

from ..runtime.errors import UserError
from .render import SdkInfo
from .toolchains import ToolchainError


class VerificationError(UserError, RuntimeError):
    pass


def verify(language: str, artifact: Path, sdk: SdkInfo[Any], *, strict: bool, warn: Callable[[str], None]) -> None:
    from .targets import target

    try:
        target(language).verify(artifact, sdk)
    except ToolchainError as exc:
        if strict:
            raise VerificationError(f"{language} SDK not verified: {exc}") from None
        warn(f"{language} SDK not verified: {exc}")


def run(cmd: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise VerificationError(f"{what} failed:\n{(result.stdout + result.stderr).strip()[-4000:]}")
