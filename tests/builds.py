"""Building a copy of the sample service with each front end, for the build tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HATCH = Path(sys.executable).with_name("hatch")
UV = Path(sys.executable).with_name("uv")  # installed with hatch

FRONT_ENDS = {
    "hatch build": lambda: [str(HATCH), "build"],
    "python -m build": lambda: [sys.executable, "-m", "build"],
    "python -m build --wheel": lambda: [sys.executable, "-m", "build", "--wheel"],
    "uv build": lambda: [str(UV), "build"],
}


def copy_sample(dest: Path) -> Path:
    shutil.copytree(
        REPO / "sample_service",
        dest,
        ignore=shutil.ignore_patterns("dist", "*.sqlite3", "__pycache__", ".pytest_cache"),
    )
    return dest


def run_build(project: Path, front_end: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(FRONT_ENDS[front_end](), cwd=project, env=env, capture_output=True, text=True)


def hatchling_build(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m hatchling build`` (what ``hatch build`` runs) of the wheel, with this checkout's plugin."""
    return subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", *args],
        cwd=project, env=env or build_env(), capture_output=True, text=True, timeout=120,
    )


def build_env(epoch: int = 1700000000, **extra: str) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), **extra}


def digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return hashlib.sha256(
        b"".join(p.relative_to(path).as_posix().encode() + p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())
    ).hexdigest()


def sdk_digests(dist: Path) -> dict[str, str]:
    """Digest of every output in dist/sdk; dotfiles are the hook's cache, not outputs."""
    return {p.name: digest(p) for p in sorted((dist / "sdk").iterdir()) if not p.name.startswith(".")}


