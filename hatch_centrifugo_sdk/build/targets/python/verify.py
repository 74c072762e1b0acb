"""``verify = true`` for the Python SDK: every module of the wheel byte-compiles.

The build environment has neither mypy nor the SDK's dependencies (the tests run mypy
--strict on installed SDKs).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ...render import SdkInfo
from ...verify import VerificationError
from .options import PythonOptions


def verify(wheel: Path, sdk: SdkInfo[PythonOptions]) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(n for n in zf.namelist() if n.endswith(".py")):
            try:
                compile(zf.read(name), f"{wheel.name}/{name}", "exec")
            except SyntaxError as exc:
                raise VerificationError(f"Python SDK does not compile: {exc}") from None
