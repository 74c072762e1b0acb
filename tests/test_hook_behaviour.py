"""How the hook behaves inside real builds: cleaning, reuse, once per build, pip and editable installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from builds import copy_sample, run_build, sdk_digests


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample_service")


def test_hatch_build_clean_keeps_the_services_artifacts(sample: Path, isolated_env: dict[str, str]) -> None:
    env = {**isolated_env, "HATCH_BUILD_CLEAN": "true"}
    for _ in range(2):
        result = run_build(sample, "hatch build", env)
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in (sample / "dist").iterdir()) == [
            "sample_service-1.3.0-py3-none-any.whl",
            "sample_service-1.3.0.tar.gz",
            "sdk",
        ]
        assert len(sdk_digests(sample / "dist")) == 6  # three SDKs, api.json, asyncapi.json, the manifest
    # The hook ran once per `hatch build` (with the wheel), not once per target.
    assert result.stderr.count("generating python, typescript, go SDKs") == 1, result.stderr
    # ... and printed the checklist's warnings, as `python -m hatch_centrifugo_sdk check` does.
    assert "todos.py:" in result.stderr and "field 'completed': has no description" in result.stderr


def test_unchanged_rebuild_reuses_the_artifacts(sample: Path, isolated_env: dict[str, str]) -> None:
    first = run_build(sample, "hatch build", isolated_env)
    assert first.returncode == 0, first.stderr
    before = {p: p.stat().st_mtime_ns for p in (sample / "dist" / "sdk").iterdir()}
    verbose = {**isolated_env, "HATCH_VERBOSE": "1"}  # shows the hook's steps
    again = run_build(sample, "hatch build", verbose)
    assert again.returncode == 0, again.stderr
    assert "sources, options and plugin unchanged: reusing the artifacts" in again.stderr
    assert "import handlers and read models" not in again.stderr  # reused without importing them
    assert {p: p.stat().st_mtime_ns for p in (sample / "dist" / "sdk").iterdir()} == before

    # A source change that leaves the API as it was: the handlers are imported, the artifacts reused.
    storage = sample / "src" / "sample_service" / "storage.py"
    storage.write_text(storage.read_text() + "\n# a comment changes the sources, not the API\n")
    same_api = run_build(sample, "hatch build", verbose)
    assert same_api.returncode == 0, same_api.stderr
    assert "import handlers and read models" in same_api.stderr
    assert "options and plugin unchanged: reusing the artifacts" in same_api.stderr
    assert "sources, options" not in same_api.stderr
    assert {p.name for p in (sample / "dist" / "sdk").iterdir()} == {p.name for p in before}

    # A changed API is rebuilt, and says nothing about reuse.
    handlers = sample / "src" / "sample_service" / "handlers" / "tasks.py"
    handlers.write_text(handlers.read_text().replace('description="Task title"', 'description="The task title"', 1))
    changed = run_build(sample, "hatch build", isolated_env)
    assert changed.returncode == 0, changed.stderr
    assert "reusing" not in changed.stderr
    assert any(p.stat().st_mtime_ns != before.get(p) for p in (sample / "dist" / "sdk").iterdir())


def test_a_damaged_artifact_is_not_reused(sample: Path, isolated_env: dict[str, str]) -> None:
    assert run_build(sample, "hatch build", isolated_env).returncode == 0
    tarball = sample / "dist" / "sdk" / "sample-service-sdk-1.3.0.tgz"
    good = tarball.read_bytes()
    tarball.write_bytes(b"damaged")
    result = run_build(sample, "hatch build", isolated_env)
    assert result.returncode == 0, result.stderr
    assert "reusing" not in result.stderr
    assert tarball.read_bytes() == good


def test_pip_builds_make_no_sdks(sample: Path, isolated_env: dict[str, str], tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), "-v", str(sample)],
        env=isolated_env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in wheels.iterdir()] == ["sample_service-1.3.0-py3-none-any.whl"]
    assert "built by pip, SDKs not generated" in result.stdout + result.stderr
    assert not (sample / "dist").exists()


def test_editable_installs_make_no_sdks(sample: Path, isolated_env: dict[str, str], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", str(sample)],
        env=isolated_env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (sample / "dist").exists()
    assert not list(tmp_path.rglob("sdk-manifest.json"))


def test_hatch_clean_removes_the_sdk_outputs(sample: Path, isolated_env: dict[str, str]) -> None:
    from builds import HATCH

    assert run_build(sample, "hatch build", isolated_env).returncode == 0
    assert (sample / "dist" / "sdk" / "sdk-manifest.json").is_file()
    (sample / "dist" / ".sdk-new-0a1b2c3d").mkdir()  # left by killed builds
    (sample / "dist" / ".sdk-old-0a1b2c3d" / "previous").mkdir(parents=True)
    result = subprocess.run([str(HATCH), "clean"], cwd=sample, env=isolated_env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (sample / "dist" / "sdk").exists()
    assert not list((sample / "dist").glob(".sdk-*"))


def test_an_upgraded_dependency_changes_the_environment_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Part of the source key: the no-import reuse must not survive an upgrade, which can change the models."""
    from hatch_centrifugo_sdk.build import reuse

    site = tmp_path / "site-packages"
    (site / "models_dep-1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    fingerprints = []
    for version in ("1.0", "1.1"):
        (site / f"models_dep-{version}.dist-info").mkdir(exist_ok=True)
        if version != "1.0":
            (site / "models_dep-1.0.dist-info").rmdir()
        reuse._environment_fingerprint.cache_clear()
        fingerprints.append(reuse._environment_fingerprint())
    reuse._environment_fingerprint.cache_clear()
    assert "models_dep-1.0.dist-info" in fingerprints[0].splitlines()
    assert "models_dep-1.1.dist-info" in fingerprints[1].splitlines()
    assert "pydantic-" in fingerprints[0]  # the real environment is in it too


def test_the_build_tunes_the_cycle_collector_and_always_restores_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook shares hatchling's process: its collector settings must not outlive the build, failed or not."""
    import gc

    from hatch_centrifugo_sdk.build import pipeline as build
    from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config

    during = []

    def failing_load(project: build.Project, config: object) -> None:
        during.append(gc.get_threshold())
        raise RuntimeError("handlers failed to import")

    monkeypatch.setattr(build, "load_api", failing_load)
    raw = {"modules": ["app.rpc"], "lock": False, "languages": ["python"]}
    config = parse_config(raw, project_name="svc", prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")
    before = gc.get_threshold()
    with pytest.raises(RuntimeError, match="handlers failed"):
        build.generate(build.Project(tmp_path, "svc", "1.0.0"), config, tmp_path / "sdk")
    assert during == [(200_000, 30, 30)] != [before]
    assert gc.get_threshold() == before
    assert not (tmp_path / "sdk").exists()


REBUILD = """
import sys
from pathlib import Path

from hatch_centrifugo_sdk.build import pipeline as build
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config

root = Path(sys.argv[1])
config = parse_config({"modules": ["svc_rpc"], "languages": ["python"]}, project_name="svc",
                      prefix=f"tool.hatch.build.hooks.{PLUGIN_NAME}")
build.generate(build.Project(root, "svc", "1.0.0"), config, root / "dist" / "sdk", log=print, info=print)
"""


def test_the_first_rebuild_after_a_release_reuses_at_once(tmp_path: Path) -> None:
    """Recording a release writes the lock and the changelog, which are part of the source key:
    the key kept for the next build must be the one after they were written."""
    root = tmp_path / "svc"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "svc"\nversion = "1.0.0"\n')
    (root / "svc_rpc.py").write_text(
        "from pydantic import BaseModel\nfrom hatch_centrifugo_sdk import websocket_rpc\n\n\n"
        "class Ping(BaseModel):\n    n: int\n\n\n"
        '@websocket_rpc("ping")\nasync def ping(conn, params: Ping) -> Ping:\n    """Ping."""\n    return params\n'
    )
    runs = [
        subprocess.run([sys.executable, "-c", REBUILD, str(root)], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert "recorded the release in sdk-api.lock.json" in runs[0].stdout
    assert "sources, options and plugin unchanged: reusing" in runs[1].stdout, runs[1].stdout
    assert "import handlers and read models" not in runs[1].stdout


def test_editable_true_writes_the_sdks_into_the_projects_dist(
    sample: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    # pip builds the editable wheel in a folder it deletes: with `editable = true` the SDKs go
    # to the project's own dist/<output>, as `hatch build` would put them.
    pyproject = sample / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        '[tool.hatch.build.hooks.centrifugo-sdk]\n', '[tool.hatch.build.hooks.centrifugo-sdk]\neditable = true\n', 1
    ))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", str(sample)],
        env=isolated_env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sdk_digests(sample / "dist")) == 6  # three SDKs, api.json, asyncapi.json, the manifest


def test_python_m_build_errors_name_the_users_file(sample: Path, isolated_env: dict[str, str]) -> None:
    # python -m build builds the wheel from an unpacked sdist in a temp folder: the error
    # must still point at the file the user edits.
    handlers = sample / "src" / "sample_service" / "handlers" / "todos.py"
    handlers.write_text(
        handlers.read_text()
        + '\n\n@websocket_rpc("todos.sync_one")\ndef sync_one(conn, params: DeleteTodoParams) -> SuccessResult:\n    ...\n'
    )
    result = run_build(sample, "python -m build", isolated_env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{handlers}:" in output and "must be async" in output, output
