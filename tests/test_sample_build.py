"""`hatch build` and `python -m build` of the sample service emit the three SDKs, identically."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from builds import FRONT_ENDS, copy_sample, run_build, sdk_digests

EXPECTED = {
    "python": "sample_service_sdk-1.3.0-py3-none-any.whl",
    "typescript": "sample-service-sdk-1.3.0.tgz",
    "go": "go-servicesdk-v1.3.0",
}


@pytest.fixture(scope="module")
def builds(isolated_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each front end builds its own copy of the sample service; returns each dist/."""
    out = {}
    for front_end in FRONT_ENDS:
        project = copy_sample(tmp_path_factory.mktemp("sample") / "sample_service")
        result = run_build(project, front_end, isolated_env)
        assert result.returncode == 0, f"{front_end} failed:\n{result.stdout}\n{result.stderr}"
        out[front_end] = project / "dist"
    return out


def test_hatch_build_emits_three_artifacts_and_manifest(builds: dict[str, Path]) -> None:
    dist = builds["hatch build"]
    sdk = dist / "sdk"
    assert sorted(p.name for p in sdk.iterdir()) == sorted(
        [*EXPECTED.values(), "api.json", "asyncapi.json", "sdk-manifest.json", ".source-key.json"]
    )
    # The SDKs never sit at the top of dist/, where `hatch publish` would upload them.
    assert sorted(p.name for p in dist.iterdir()) == [
        "sample_service-1.3.0-py3-none-any.whl",
        "sample_service-1.3.0.tar.gz",
        "sdk",
    ]
    manifest = json.loads((sdk / "sdk-manifest.json").read_text())
    api = json.loads((sdk / "api.json").read_text())
    assert manifest["service"] == {"name": "sample-service", "version": "1.3.0"}
    assert manifest["api_hash"] == api["api_hash"]
    by_language = {a["language"]: a for a in manifest["artifacts"]}
    assert {k: v["path"] for k, v in by_language.items()} == EXPECTED
    assert by_language["python"]["package"] == "sample-service-sdk"
    assert by_language["typescript"]["package"] == "@sample/service-sdk"
    assert by_language["go"]["package"] == "example.com/sample/servicesdk"
    assert {a["version"] for a in manifest["artifacts"]} == {"1.3.0"}
    for artifact in manifest["artifacts"]:
        path = sdk / artifact["path"]
        if path.is_file():
            assert artifact["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {m["name"] for m in api["methods"]} >= {"tasks.get_stats", "todos.create", "todos.list"}


@pytest.mark.parametrize("front_end", ["python -m build", "python -m build --wheel", "uv build"])
def test_every_front_end_gives_byte_identical_artifacts(builds: dict[str, Path], front_end: str) -> None:
    assert sdk_digests(builds[front_end]) == sdk_digests(builds["hatch build"])


def test_rebuild_is_byte_identical(builds: dict[str, Path], isolated_env: dict[str, str]) -> None:
    project = builds["hatch build"].parent
    before = sdk_digests(project / "dist")
    shutil.rmtree(project / "dist")
    for path in project.rglob("*.py"):  # new mtimes must not leak into the artifacts
        path.touch()
    result = run_build(project, "hatch build", isolated_env)
    assert result.returncode == 0, result.stderr
    assert sdk_digests(project / "dist") == before


def test_failing_build_keeps_previous_artifacts(
    builds: dict[str, Path], isolated_env: dict[str, str], tmp_path: Path
) -> None:
    project = copy_sample(tmp_path / "sample_service")
    shutil.copytree(builds["hatch build"] / "sdk", project / "dist" / "sdk")
    before = sdk_digests(project / "dist")
    handlers = project / "src" / "sample_service" / "handlers" / "todos.py"
    handlers.write_text(
        handlers.read_text()
        + '\n\n@websocket_rpc("todos.sync_one")\ndef sync_one(conn, params: DeleteTodoParams) -> SuccessResult:\n    ...\n'
    )
    result = run_build(project, "hatch build", isolated_env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "todos.py:" in output and "must be async" in output
    assert "Traceback" not in output
    assert sdk_digests(project / "dist") == before
    assert not list((project / "dist").glob(".sdk-*"))
