"""An npm package tarball, byte-identical for identical input.

Laid out as `npm pack` lays it out: ``package/<path>`` file entries only, mode 0644,
owner 0:0 with empty names, one fixed mtime, and a gzip header without name or time.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from pathlib import Path
from typing import Mapping

# The date npm itself stamps on every entry of a packed tarball (1985-10-26T08:15:00Z).
NPM_MTIME = 499162500


def tarball_name(package_name: str, version: str) -> str:
    """``@scope/name`` version V → ``scope-name-V.tgz``, as `npm pack` names it."""
    return f"{package_name.lstrip('@').replace('/', '-')}-{version}.tgz"


def tarball_bytes(files: Mapping[str, str]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            data = files[path].encode("utf-8")
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(data)
            info.mode = 0o644
            info.mtime = NPM_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def pack_tarball(files: Mapping[str, str], out_dir: Path) -> Path:
    """Write ``files`` (paths relative to the package root) as ``<name>-<version>.tgz`` in ``out_dir``."""
    if "package.json" not in files:
        raise ValueError("an npm package needs a package.json")
    manifest = json.loads(files["package.json"])
    target = Path(out_dir) / tarball_name(manifest["name"], manifest["version"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(tarball_bytes(files))
    os.replace(partial, target)  # never a half-written tarball under the final name
    return target
