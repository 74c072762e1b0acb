"""Node provisioning for verification: nodeenv, for real, from a loopback mirror.

The mirror serves a Node release archive laid out as Node's downloads are, made from
this machine's own node and npm, so nodeenv runs its real download-and-unpack path.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest

from hatch_centrifugo_sdk.build.targets.typescript import node as toolchains


def _node_archive(dest: Path, version: str) -> None:
    node = Path(shutil.which("node") or "")
    npm_root = Path(subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, check=True).stdout.strip()) / "npm"
    top = f"node-v{version}-linux-x64"
    with tarfile.open(dest, "w:gz") as tar:
        tar.add(node.resolve(), f"{top}/bin/node")
        tar.add(npm_root, f"{top}/lib/node_modules/npm")
        link = tarfile.TarInfo(f"{top}/bin/npm")
        link.type, link.linkname = tarfile.SYMTYPE, "../lib/node_modules/npm/bin/npm-cli.js"
        tar.addfile(link, io.BytesIO())


@pytest.fixture
def node_mirror(tmp_path: Path):
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("the mirror is made from a local node and npm")
    version = toolchains.NODE_VERSION
    release = tmp_path / "mirror" / f"v{version}"
    release.mkdir(parents=True)
    _node_archive(release / f"node-v{version}-linux-x64.tar.gz", version)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "mirror"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_without_node_on_path_nodeenv_provisions_one(node_mirror: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python_only = tmp_path / "path"
    python_only.mkdir()
    monkeypatch.setenv("PATH", str(python_only))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    bin_dir = toolchains.node_bin_dir(mirror=node_mirror)

    assert bin_dir == tmp_path / "cache" / "hatch-centrifugo-sdk" / f"node-{toolchains.NODE_VERSION}" / "bin"
    version = subprocess.run([str(bin_dir / "node"), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"v{toolchains.NODE_VERSION}"
    npm = subprocess.run(
        [str(bin_dir / "node"), str(bin_dir / "npm"), "--version"], capture_output=True, text=True, check=True
    )
    assert npm.stdout.strip()
    # Second call: the cached Node is reused, no download (the mirror is gone).
    assert toolchains.node_bin_dir(mirror="http://127.0.0.1:9") == bin_dir


def test_node_on_path_is_used_as_is() -> None:
    if not shutil.which("node"):
        pytest.skip("no node on PATH")
    assert toolchains.node_bin_dir() == Path(shutil.which("node") or "").parent


def test_unreachable_mirror_fails_with_a_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(toolchains.ToolchainError, match="fix: put node and npm on PATH"):
        toolchains.node_bin_dir(mirror="http://127.0.0.1:9")
    assert not (tmp_path / "cache" / "hatch-centrifugo-sdk" / f"node-{toolchains.NODE_VERSION}").exists()
