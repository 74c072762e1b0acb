"""Reusing a previous build's artifacts, at two levels.

The source key hashes every input readable without importing the handlers (sources, options,
installed distributions, the plugin): when it matches the one the output folder records, the
build reuses the artifacts without importing anything. Otherwise the build imports the
handlers, and the build key (the API, the SDKs' versions and options, the plugin) decides:
the manifest records it, and a match reuses the artifacts as they are. Either way only
artifacts whose bytes still match the manifest's sha256 are reused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ir import Api
from .config import Config
from .render import SdkInfo

if TYPE_CHECKING:
    from .pipeline import Project


@dataclass(frozen=True)
class Artifact:
    language: str
    path: str  # relative to the output folder
    package: str
    version: str
    sha256: str


def build_key(api: Api, infos: dict[str, SdkInfo[Any]], config: Config, changelog: str = "") -> str:
    """Everything the artifacts' bytes depend on, hashed: the reuse key of a rebuild."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for part in (
        api.hash,
        repr(sorted(infos.items())),
        repr(config.verify),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        version("hatchling"),
        changelog,
    ):
        digest.update(part.encode() + b"\0")
    digest.update(_plugin_fingerprint().encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _plugin_fingerprint() -> str:
    """The plugin's own code and templates: a changed template must not reuse stale artifacts."""
    package = Path(__file__).resolve().parent.parent
    templates = (p for p in package.glob("build/targets/*/templates/**/*") if p.is_file())
    files = sorted([*package.rglob("*.py"), *templates])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Not an artifact: the key of the sources that produced the folder (it may differ between
# front ends, which see different file sets), kept out of the manifest for that reason.
CACHE_FILE = ".source-key.json"
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "dist", "build", "venv"})


def source_key(project: Project, config: Config) -> str:
    """Every input of a build that can be read without importing the handlers, hashed.

    The project's Python sources, pyproject.toml, lock and changelog, the options, the
    installed distributions (the handlers' dependencies among them) and the plugin itself.
    """
    digest = hashlib.sha256()
    for part in (repr(config), project.name, project.version, os.environ.get("SOURCE_DATE_EPOCH", "")):
        digest.update(part.encode() + b"\0")
    digest.update(_environment_fingerprint().encode() + _plugin_fingerprint().encode())
    root = project.root
    extra = {name for name in ("pyproject.toml", config.lock, config.changelog) if name}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if name.endswith(".py") or relative in extra:
                digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _environment_fingerprint() -> str:
    """The installed distributions' names and versions, as their metadata folders are named
    (``name-version.dist-info``) on the import path. Reading each one's METADATA instead
    took most of a no-change rebuild."""
    folders: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or a folder that does not exist
            continue
        folders.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return "\n".join(sorted(folders))


def cached_source_key(out_dir: Path) -> str | None:
    try:
        return str(json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))["source_key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def reusable(out_dir: Path, key: str | None = None) -> list[Artifact] | None:
    """The previous build's artifacts if they are all intact (and its key is ``key``, when given)."""
    try:
        previous = json.loads((out_dir / "sdk-manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if key is not None and previous.get("build_key") != key:
        return None
    artifacts = [Artifact(**entry) for entry in previous["artifacts"]]
    for a in artifacts:  # only intact artifacts are reused
        path = out_dir / a.path
        if not path.exists() or sha256_of(path) != a.sha256:
            return None
    return artifacts


def sha256_of(path: Path) -> str:
    """sha256 of a file; for a directory, of its sorted listing of ``<sha256>  <path>`` lines."""
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(path).as_posix()}\n"
        for p in sorted(path.rglob("*"))
        if p.is_file()
    ]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def write_source_key(folder: Path, key: str) -> None:
    """Record the source key that produced ``folder``'s artifacts (beside them, not in the manifest)."""
    (folder / CACHE_FILE).write_text(json.dumps({"source_key": key}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
