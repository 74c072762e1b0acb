"""Each SDK carries what its registry shows: licence, description, links, authors, keywords.

Taken from the service's [project] table (the sample declares them) and overridable per SDK.
"""

from __future__ import annotations

import email.parser
import json
import shutil
import subprocess
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from builds import REPO, copy_sample
from hatch_centrifugo_sdk.build.pipeline import Project, generate
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, ConfigError, parse_config

LICENSE = (REPO / "sample_service" / "LICENSE").read_text()


def build(project: Path, out: Path, **overrides: object) -> dict[str, Path]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    raw = dict(pyproject["tool"]["hatch"]["build"]["hooks"][PLUGIN_NAME])
    raw.update(lock=False, changelog=False)
    for table, values in overrides.items():
        raw[table] = {**raw.get(table, {}), **values}  # type: ignore[dict-item]
    config = parse_config(raw, project_name="sample-service", prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")
    artifacts = generate(Project(project, "sample-service", "1.2.0"), config, out)
    return {a.language: out / a.path for a in artifacts}


@pytest.fixture(scope="module")
def sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = copy_sample(tmp_path_factory.mktemp("meta") / "sample_service")
    return build(project, project / "dist" / "sdk")


def test_the_wheel_has_the_services_licence_authors_keywords_and_urls(sdks: dict[str, Path]) -> None:
    with zipfile.ZipFile(sdks["python"]) as wheel:
        (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode())
        assert wheel.read(metadata_name.replace("METADATA", "licenses/LICENSE")).decode() == LICENSE
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author-email"] == "Sample Team <team@example.com>"
    assert metadata["Keywords"] == "centrifugo,rpc,sdk,tasks,todos"  # hatchling sorts them
    assert metadata.get_all("Project-URL") == [
        "Homepage, https://example.com/sample-service",
        "Repository, https://github.com/example/sample-service",
    ]
    assert metadata["Summary"] == (
        "Typed Python client for the sample-service RPC API, called through Centrifugo: "
        "A small task and todo service whose RPC handlers clients call through Centrifugo"
    )


def test_the_npm_package_has_licence_engines_repository_and_a_license_file(sdks: dict[str, Path]) -> None:
    with tarfile.open(sdks["typescript"]) as tgz:
        manifest = json.loads(tgz.extractfile("package/package.json").read())  # type: ignore[union-attr]
        assert tgz.extractfile("package/LICENSE").read().decode() == LICENSE  # type: ignore[union-attr]
    assert manifest["license"] == "MIT"
    assert manifest["engines"] == {"node": ">=20"}
    assert manifest["repository"] == {"type": "git", "url": "https://github.com/example/sample-service"}
    assert manifest["homepage"] == "https://example.com/sample-service"
    assert manifest["author"] == {"name": "Sample Team", "email": "team@example.com"}
    assert manifest["keywords"] == ["tasks", "todos", "centrifugo", "rpc", "sdk"]
    assert "LICENSE" in manifest["files"]


def test_the_go_module_has_a_licence_and_a_package_doc_go_doc_shows(sdks: dict[str, Path]) -> None:
    module = sdks["go"]
    assert (module / "LICENSE").read_text() == LICENSE
    if shutil.which("go") is None:
        pytest.fail("the Go toolchain (go on PATH) is needed to read the package doc")
    doc = subprocess.run(["go", "doc"], cwd=module, capture_output=True, text=True, timeout=300)
    assert doc.returncode == 0, doc.stderr
    assert doc.stdout.splitlines()[:3] == [
        'package servicesdk // import "example.com/sample/servicesdk"',
        "",
        "Package servicesdk is the typed Go client of the sample-service RPC API,",
    ]


def test_each_sdk_can_override_the_services_metadata(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample_service")
    sdks = build(
        project, tmp_path / "sdk",
        typescript={"description": "Browser and Node client", "keywords": ["tasks-client"], "license": "Apache-2.0"},
        go={"repository": "https://github.com/example/servicesdk-go"},
    )
    with tarfile.open(sdks["typescript"]) as tgz:
        manifest = json.loads(tgz.extractfile("package/package.json").read())  # type: ignore[union-attr]
    assert (manifest["description"], manifest["keywords"], manifest["license"]) == (
        "Browser and Node client", ["tasks-client", "centrifugo", "rpc", "sdk"], "Apache-2.0",
    )
    assert "https://github.com/example/servicesdk-go" in (sdks["go"] / "README.md").read_text()


def test_a_metadata_override_that_is_not_a_url_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"modules": ["m"], "go": {"module": "example.com/a/b", "repository": "github.com/a/b"}},
                     project_name="svc", prefix="hook")
    assert caught.value.problems == ["hook.go.repository: 'github.com/a/b' is not an http(s) URL"]
