"""The plugin reaches a service's build environment by each route the README documents.

Before the plugin is on a package index a team uses a path or git requirement (or a local
wheelhouse through PIP_FIND_LINKS / UV_FIND_LINKS, the route the other build tests take);
these builds get neither, so only the documented requirement can provide the plugin.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from builds import REPO, copy_sample, run_build, sdk_digests

PLUGIN_FILES = ("hatch_centrifugo_sdk", "pyproject.toml", "README.md")


def plugin_copy(dest: Path) -> Path:
    """The plugin's sources as a team would check them out."""
    for name in PLUGIN_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / name)
    return dest


def require(project: Path, requirement: str) -> None:
    """Point the service's build requirement and dependency at ``requirement``, as the README says."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    with_build = requirement.replace("hatch-centrifugo-sdk", "hatch-centrifugo-sdk[build]", 1)
    text = text.replace('"hatch-centrifugo-sdk[build]"', f'"{with_build}"').replace('"hatch-centrifugo-sdk"', f'"{requirement}"')
    assert text.count(requirement) == text.count(with_build) == 1, "the sample names the plugin in requires and in dependencies"
    text += "\n[tool.hatch.metadata]\nallow-direct-references = true\n"
    pyproject.write_text(text)


@pytest.fixture
def no_wheelhouse(isolated_env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in isolated_env.items() if k not in ("PIP_FIND_LINKS", "UV_FIND_LINKS")}


def test_a_path_requirement_builds_with_python_m_build(no_wheelhouse: dict[str, str], tmp_path: Path) -> None:
    plugin = plugin_copy(tmp_path / "hatch-centrifugo-sdk")
    project = copy_sample(tmp_path / "sample_service")
    require(project, f"hatch-centrifugo-sdk @ {plugin.as_uri()}")
    result = run_build(project, "python -m build", no_wheelhouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sdk_digests(project / "dist")) == 6  # three artifacts, api.json, asyncapi.json, the manifest


def test_a_git_requirement_builds_with_hatch_build(no_wheelhouse: dict[str, str], tmp_path: Path) -> None:
    plugin = plugin_copy(tmp_path / "hatch-centrifugo-sdk")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "plugin"], ["tag", "v0.1.0"]):
        subprocess.run([*git, *argv], cwd=plugin, check=True, capture_output=True)
    project = copy_sample(tmp_path / "sample_service")
    require(project, f"hatch-centrifugo-sdk @ git+{plugin.as_uri()}@v0.1.0")
    result = run_build(project, "hatch build", no_wheelhouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sdk_digests(project / "dist")) == 6  # three artifacts, api.json, asyncapi.json, the manifest
