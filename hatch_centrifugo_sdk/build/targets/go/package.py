"""The Go SDK ships as a module directory: the rendered files, written as they are.

Go modules are consumed from version control or a ``replace`` directive, not as an archive,
so there is nothing to pack. The directory must be new (or empty): a stale file left from
another version would become part of the module.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Mapping


def write_module(files: Mapping[str, str], out_dir: Path) -> Path:
    """Write ``files`` (relative POSIX path → text) under ``out_dir`` and return ``out_dir``."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty; the Go module is written into a new directory")
    for name in sorted(files):
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"{name!r} is not a relative path inside the module")
        path = out_dir.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name].encode("utf-8"))  # bytes: "\n" line ends on every OS
        path.chmod(0o644)
    out_dir.mkdir(parents=True, exist_ok=True)  # even for no files, the caller gets a directory
    return out_dir
