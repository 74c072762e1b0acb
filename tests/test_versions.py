"""SDK versions follow the service's version, whatever hatch reads it from."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hatch_centrifugo_sdk.build.versions import VersionError, go_major_suffix, to_semver


@pytest.mark.parametrize(
    ("pep440", "semver"),
    [
        ("1.2.0", "1.2.0"),
        ("1.2", "1.2.0"),
        ("3", "3.0.0"),
        ("1.2.0rc1", "1.2.0-rc.1"),
        ("1.2.0a1", "1.2.0-alpha.1"),
        ("1.2.0b2", "1.2.0-beta.2"),
        ("1.2.0.dev3", "1.2.0-dev.3"),
        ("1.2.0rc1.dev3", "1.2.0-rc.1.dev.3"),
        ("1.2.0.post2", "1.2.1-post.2"),
        ("1.2.0+abc.5", "1.2.0+abc.5"),
        ("0.1.dev4+g1a2b3c", "0.1.0-dev.4+g1a2b3c"),
        ("1.2.0+ubuntu_1", "1.2.0+ubuntu.1"),
    ],
)
def test_pep440_to_semver(pep440: str, semver: str) -> None:
    assert to_semver(pep440) == semver


@pytest.mark.parametrize(
    ("pep440", "message"),
    [
        ("1!2.0", "epoch"),
        ("1.2.3.4", "SemVer has three"),
        ("1.2.0rc1.post1", "mixes a post release"),
        ("banana", "not a PEP 440 version"),
    ],
)
def test_versions_without_semver_form_fail_with_a_fix(pep440: str, message: str) -> None:
    with pytest.raises(VersionError, match=message):
        to_semver(pep440)


def test_go_major_version_suffix() -> None:
    assert go_major_suffix("example.com/x/sdk", "1.9.0") == "example.com/x/sdk"
    assert go_major_suffix("example.com/x/sdk", "2.0.0-rc.1") == "example.com/x/sdk/v2"
    assert go_major_suffix("example.com/x/sdk/v2", "3.1.0") == "example.com/x/sdk/v3"


def test_dynamic_version_flows_into_every_sdk(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    project = tmp_path / "svc"
    pkg = project / "src" / "dyn_svc"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('__version__ = "2.0.0rc1"\n')
    (pkg / "handlers.py").write_text(textwrap.dedent('''
        from pydantic import BaseModel
        from hatch_centrifugo_sdk import websocket_rpc

        class Ping(BaseModel):
            n: int

        @websocket_rpc("system.ping")
        async def ping(conn, params: Ping) -> Ping:
            """Echo."""
            return params
    '''))
    (project / "pyproject.toml").write_text(textwrap.dedent('''
        [build-system]
        requires = ["hatchling", "hatch-centrifugo-sdk[build]"]
        build-backend = "hatchling.build"

        [project]
        name = "dyn-svc"
        dynamic = ["version"]
        dependencies = ["hatch-centrifugo-sdk", "pydantic>=2.6"]

        [tool.hatch.version]
        path = "src/dyn_svc/__init__.py"

        [tool.hatch.build.targets.wheel]
        packages = ["src/dyn_svc"]

        [tool.hatch.build.hooks.centrifugo-sdk]
        modules = ["dyn_svc.handlers"]
        go.module = "example.com/acme/dynsdk"
    '''))
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel"], cwd=project, env=isolated_env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((project / "dist" / "sdk" / "sdk-manifest.json").read_text())
    assert manifest["service"] == {"name": "dyn-svc", "version": "2.0.0rc1"}
    got = {a["language"]: (a["package"], a["version"], a["path"]) for a in manifest["artifacts"]}
    assert got == {
        "python": ("dyn-svc-sdk", "2.0.0rc1", "dyn_svc_sdk-2.0.0rc1-py3-none-any.whl"),
        "typescript": ("dyn-svc-sdk", "2.0.0-rc.1", "dyn-svc-sdk-2.0.0-rc.1.tgz"),
        "go": ("example.com/acme/dynsdk/v2", "2.0.0-rc.1", "go-dynsdk-v2.0.0-rc.1"),
    }
    go_mod = (project / "dist" / "sdk" / "go-dynsdk-v2.0.0-rc.1" / "go.mod").read_text()
    assert go_mod.startswith("module example.com/acme/dynsdk/v2\n")


def test_version_overrides_from_config() -> None:
    from hatch_centrifugo_sdk.build.pipeline import Project, sdk_infos
    from hatch_centrifugo_sdk.build.config import parse_config
    from hatch_centrifugo_sdk.build.targets import target

    def infos(options: dict) -> dict[str, str]:
        config = parse_config(
            {"modules": ["svc"], "go": {"module": "example.com/acme/svc", **options.pop("go", {})}, **options},
            project_name="svc", prefix="tool.hatch.build.hooks.centrifugo-sdk",
        )
        found = sdk_infos(Project(Path("."), "svc", "1.2.0"), config, "hash")
        return {lang: f"{target(lang).published_name(info.options)}@{info.version}" for lang, info in found.items()}

    assert infos({}) == {"python": "svc-sdk@1.2.0", "typescript": "svc-sdk@1.2.0", "go": "example.com/acme/svc@1.2.0"}
    assert infos({"version": "3.0.0rc2"}) == {
        "python": "svc-sdk@3.0.0rc2", "typescript": "svc-sdk@3.0.0-rc.2", "go": "example.com/acme/svc/v3@3.0.0-rc.2",
    }
    assert infos({"typescript": {"version": "9.9.9"}, "go": {"version": "0.4.0"}}) == {
        "python": "svc-sdk@1.2.0", "typescript": "svc-sdk@9.9.9", "go": "example.com/acme/svc@0.4.0",
    }
