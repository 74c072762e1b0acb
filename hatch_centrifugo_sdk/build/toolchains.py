"""What every target's toolchain finder shares: its error and the user cache it provisions into.

Generation is pure Python. Only ``verify = true`` runs a language's toolchain; each target
finds its own (targets/typescript/node.py: Node, provisioned when missing; Go: `go` on PATH).
"""

from __future__ import annotations

import os
from pathlib import Path


class ToolchainError(RuntimeError):
    pass


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hatch-centrifugo-sdk"
