"""The sample service's release workflow points at what the build really emits."""

from __future__ import annotations

import glob
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from builds import REPO, copy_sample, run_build

WORKFLOW = REPO / "sample_service" / ".github" / "workflows" / "release.yml"
JQ_CALL = re.compile(r"\$\(jq -r '([^']+)' ([^)]+)\)")
JQ_ARTIFACT = re.compile(r'^\.artifacts\[\] \| select\(\.language == "(\w+)"\) \| \.(\w+)$')


def jq(expression: str, manifest: dict) -> str:
    """The two jq filter shapes the workflow uses, evaluated; anything else fails the test."""
    if expression == ".service.version":
        return str(manifest["service"]["version"])
    match = JQ_ARTIFACT.match(expression)
    assert match, f"unexpected jq filter in the workflow: {expression}"
    (value,) = [a[match.group(2)] for a in manifest["artifacts"] if a["language"] == match.group(1)]
    return str(value)


@pytest.fixture(scope="module")
def built(isolated_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("release") / "sample_service")
    result = run_build(project, "python -m build", isolated_env)
    assert result.returncode == 0, result.stderr
    return project


def steps() -> dict[str, str]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads the key `on` as true
    (job,) = workflow["jobs"].values()
    return {step["name"]: step["run"] for step in job["steps"] if "run" in step}


def resolve(script: str, project: Path) -> str:
    manifest = json.loads((project / "dist" / "sdk" / "sdk-manifest.json").read_text())
    for expression, path in JQ_CALL.findall(script):
        assert path == "dist/sdk/sdk-manifest.json"
    return JQ_CALL.sub(lambda m: jq(m.group(1), manifest), script)


def test_workflow_builds_once_with_python_build() -> None:
    build = steps()["Build the service and its SDKs (once)"]
    assert "python -m build\n" in build
    assert sum("python -m build" in run for run in steps().values()) == 1


def test_every_published_file_is_one_the_build_emits(built: Path) -> None:
    run = steps()
    service = shlex.split(run["Publish the service to PyPI"])[-2:]
    assert [Path(p).name for pattern in service for p in glob.glob(pattern, root_dir=built)] == [
        "sample_service-1.3.0-py3-none-any.whl",
        "sample_service-1.3.0.tar.gz",
    ]
    for step, expected in (
        ("Publish the Python SDK to PyPI", "dist/sdk/sample_service_sdk-1.3.0-py3-none-any.whl"),
        ("Publish the npm package", "dist/sdk/sample-service-sdk-1.3.0.tgz"),
    ):
        target = shlex.split(resolve(run[step], built))[-1]
        assert target == expected and (built / target).is_file()
    go = resolve(run["Publish the Go module (a commit and tag in the SDK's repository)"], built)
    assert 'dir="dist/sdk/go-servicesdk-v1.3.0"' in go and (built / "dist/sdk/go-servicesdk-v1.3.0/go.mod").is_file()
    assert 'version="v1.3.0"' in go


def test_the_tag_check_compares_with_the_built_version(built: Path) -> None:
    check = resolve(steps()["Check that the tag is the version that was built"], built)
    assert check == 'test "1.3.0" = "${GITHUB_REF_NAME#v}"'


def test_the_go_step_replaces_the_sdk_repository_but_keeps_its_git_and_licence(built: Path, tmp_path: Path) -> None:
    go = resolve(steps()["Publish the Go module (a commit and tag in the SDK's repository)"], built)
    # The step's own file handling, run on a checkout of the SDK's repository from the last release.
    handling = "\n".join(line for line in go.splitlines() if line.strip().startswith(("dir=", "find ", "cp ")))

    def publish(module_has_licence: bool) -> Path:
        work = tmp_path / f"licence-{module_has_licence}"
        shutil.copytree(built / "dist", work / "dist")
        module = next((work / "dist" / "sdk").glob("go-*"))
        if not module_has_licence:
            (module / "LICENSE").unlink()
        checkout = work / "go-sdk"
        (checkout / ".git").mkdir(parents=True)
        (checkout / "LICENSE").write_text("the repository's licence\n")
        (checkout / "removed.go").write_text("package servicesdk\n")
        subprocess.run(["bash", "-euo", "pipefail", "-c", handling], cwd=work, check=True)
        names = sorted(p.name for p in checkout.iterdir())
        assert ".git" in names and "removed.go" not in names and "go.mod" in names
        return checkout / "LICENSE"

    assert publish(True).read_text() == (built / "LICENSE").read_text()  # the build ships the service's
    assert publish(False).read_text() == "the repository's licence\n"  # else the repository keeps its own
