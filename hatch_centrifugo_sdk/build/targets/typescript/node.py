"""The Node toolchain the TypeScript SDK's verification (never generation) needs.

It uses the `node`/`npm` on PATH and, when there is none, provisions a private Node with
nodeenv into the user cache (once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ...toolchains import ToolchainError, cache_dir

NODE_VERSION = "20.20.2"  # what nodeenv provisions when no node is on PATH


def node_bin_dir(*, mirror: str | None = None) -> Path:
    """The folder holding `node` and `npm`: from PATH, else a nodeenv-provisioned one.

    ``mirror`` (or ``HATCH_CENTRIFUGO_SDK_NODE_MIRROR``) is passed to nodeenv's
    ``--mirror`` for machines that reach Node's downloads through a mirror.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm and Path(node).parent == Path(npm).parent:
        return Path(node).parent
    env_dir = cache_dir() / f"node-{NODE_VERSION}"
    bin_dir = env_dir / "bin"
    if (bin_dir / "node").exists() and (bin_dir / "npm").exists():
        return bin_dir
    mirror = mirror or os.environ.get("HATCH_CENTRIFUGO_SDK_NODE_MIRROR")
    tmp_dir = env_dir.with_name(env_dir.name + ".partial")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "nodeenv", "--prebuilt", f"--node={NODE_VERSION}", "--quiet"]
    if mirror:
        cmd.append(f"--mirror={mirror}")
    result = subprocess.run([*cmd, str(tmp_dir)], capture_output=True, text=True)
    if result.returncode != 0 or not (tmp_dir / "bin" / "node").exists():
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise ToolchainError(
            f"no node on PATH and nodeenv could not provision Node {NODE_VERSION}: "
            f"{(result.stderr or result.stdout).strip()[-500:]}\n"
            "  fix: put node and npm on PATH, or set HATCH_CENTRIFUGO_SDK_NODE_MIRROR to a Node download mirror"
        )
    shutil.rmtree(env_dir, ignore_errors=True)
    os.replace(tmp_dir, env_dir)  # a half-provisioned Node never looks finished
    return bin_dir
