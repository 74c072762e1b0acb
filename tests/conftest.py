"""Session-wide fixtures: the plugin as an installable wheel, for builds in isolated environments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def plugin_wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding this checkout's plugin wheel, for PIP_FIND_LINKS in isolated builds."""
    house = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "build", "-q", "--wheel", "--no-isolation", "--outdir", str(house), str(REPO)],
        check=True,
        capture_output=True,
    )
    assert list(house.glob("hatch_centrifugo_sdk-*.whl"))
    return house


@pytest.fixture(scope="session")
def build_env(plugin_wheelhouse: Path) -> dict[str, str]:
    """Environment for `hatch build` / `python -m build` of a project that uses the hook."""
    env = dict(os.environ)
    env.update(
        PIP_FIND_LINKS=str(plugin_wheelhouse),
        UV_FIND_LINKS=str(plugin_wheelhouse),
        SOURCE_DATE_EPOCH="1700000000",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    env.pop("HATCH_ENV_ACTIVE", None)
    return env


@pytest.fixture(scope="session")
def isolated_env(build_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # Fresh hatch environments and installer caches: a cached plugin wheel of the same
    # version would otherwise hide the code under test.
    env = dict(build_env)
    env["HATCH_DATA_DIR"] = str(tmp_path_factory.mktemp("hatch-data"))
    env["UV_CACHE_DIR"] = str(tmp_path_factory.mktemp("uv-cache"))
    env["PIP_NO_CACHE_DIR"] = "1"
    return env
