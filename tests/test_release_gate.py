"""The build's release gate: the lock file, the version check and the changelog shipped in every SDK."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path
from typing import Optional

import pytest
from pydantic import BaseModel, Field, create_model

from builds import copy_sample, run_build
from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.config import parse_config
from hatch_centrifugo_sdk.ir.parser import parse_api
from hatch_centrifugo_sdk.build.release_gate import ReleaseCheckError, check_release, record_release

CONFIG = parse_config(
    {"modules": ["svc"], "go": {"module": "example.com/acme/svc"}}, project_name="svc", prefix="tool.hatch.build.hooks.centrifugo-sdk"
)


class StatsParams(BaseModel):
    user_id: str = Field(..., description="User")


class StatsResult(BaseModel):
    total: int


# The same model a release later, with one optional field more.
StatsParamsV2 = create_model(
    "StatsParams", user_id=(str, Field(..., description="User")), limit=(Optional[int], None)
)


def _api(params: type[BaseModel], *extra_methods: str):
    registry = Registry()

    async def stats(conn, params: params) -> StatsResult:  # type: ignore[valid-type]
        ...

    stats.__annotations__ = {"params": params, "return": StatsResult}
    registry.rpc("tasks.stats")(stats)
    for name in extra_methods:
        async def other(conn, params: StatsParams) -> StatsResult: ...

        other.__qualname__ = f"other_{name.replace('.', '_')}"
        registry.rpc(name)(other)
    return parse_api(registry)


def _release(tmp_path: Path, version: str, api, **options) -> tuple[object, list[str]]:
    warnings: list[str] = []
    config = CONFIG if not options else parse_config(
        {"modules": ["svc"], "go": {"module": "example.com/acme/svc"}, **options},
        project_name="svc", prefix="tool.hatch.build.hooks.centrifugo-sdk",
    )
    return check_release(tmp_path, config, version, api, warnings.append), warnings


def test_first_final_release_records_the_lock_and_the_changelog(tmp_path: Path) -> None:
    api = _api(StatsParams)
    notes, warnings = _release(tmp_path, "1.0.0", api)
    assert warnings == []
    assert notes.record
    assert notes.changelog == "# Changelog\n\n## 1.0.0\n\nFirst release.\n"
    assert sorted(p.name for p in record_release(notes)) == ["SDK_CHANGELOG.md", "sdk-api.lock.json"]
    lock = json.loads((tmp_path / "sdk-api.lock.json").read_text())
    assert (lock["version"], lock["api_hash"]) == ("1.0.0", api.hash)
    assert record_release(notes) == []  # nothing changes on disk the second time


def test_breaking_change_without_major_bump_fails_the_build(tmp_path: Path) -> None:
    record_release(_release(tmp_path, "1.0.0", _api(StatsParams, "tasks.list"))[0])
    with pytest.raises(ReleaseCheckError) as failure:
        _release(tmp_path, "1.1.0", _api(StatsParams))
    report = str(failure.value)
    assert "method tasks.list" in report and "1 breaking" in report
    # The same change with a major bump passes, and its changelog says what broke.
    notes, _ = _release(tmp_path, "2.0.0", _api(StatsParams))
    assert "### Breaking" in notes.changelog and "tasks.list" in notes.changelog
    assert notes.changelog.index("## 2.0.0") < notes.changelog.index("## 1.0.0")


def test_on_breaking_warning_lets_the_build_pass_with_a_warning(tmp_path: Path) -> None:
    record_release(_release(tmp_path, "1.0.0", _api(StatsParams, "tasks.list"))[0])
    notes, warnings = _release(tmp_path, "1.0.1", _api(StatsParams), **{"on-breaking": "warning"})
    assert len(warnings) == 1 and "major" in warnings[0]


def test_additive_change_in_a_patch_release_warns(tmp_path: Path) -> None:
    record_release(_release(tmp_path, "1.0.0", _api(StatsParams))[0])
    notes, warnings = _release(tmp_path, "1.0.1", _api(StatsParamsV2))
    assert len(warnings) == 1 and "minor" in warnings[0]
    assert "### Added" in notes.changelog


def test_pre_releases_compare_but_do_not_record(tmp_path: Path) -> None:
    record_release(_release(tmp_path, "1.0.0", _api(StatsParams))[0])
    lock_before = (tmp_path / "sdk-api.lock.json").read_text()
    notes, _ = _release(tmp_path, "1.1.0rc1", _api(StatsParamsV2))
    assert not notes.record and "## 1.1.0rc1" in notes.changelog
    assert record_release(notes) == []
    assert (tmp_path / "sdk-api.lock.json").read_text() == lock_before


def test_rebuilding_the_recorded_release_keeps_its_changelog(tmp_path: Path) -> None:
    record_release(_release(tmp_path, "1.0.0", _api(StatsParams))[0])
    record_release(_release(tmp_path, "1.1.0", _api(StatsParamsV2))[0])
    text = (tmp_path / "SDK_CHANGELOG.md").read_text()
    notes, _ = _release(tmp_path, "1.1.0", _api(StatsParamsV2))
    assert notes.changelog == text and "API changes since 1.0.0" in text


def test_lock_false_disables_the_gate(tmp_path: Path) -> None:
    notes, _ = _release(tmp_path, "1.0.0", _api(StatsParams), lock=False, changelog=False)
    assert record_release(notes) == [] and not list(tmp_path.iterdir())


def test_sample_build_ships_the_changelog_and_refuses_a_breaking_change(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    sample = copy_sample(tmp_path / "sample_service")
    result = run_build(sample, "hatch build", isolated_env)
    assert result.returncode == 0, result.stderr
    sdk = sample / "dist" / "sdk"
    changelog = (sample / "SDK_CHANGELOG.md").read_text()
    with zipfile.ZipFile(sdk / "sample_service_sdk-1.3.0-py3-none-any.whl") as wheel:
        assert wheel.read("sample_service_sdk/CHANGELOG.md").decode() == changelog
    with tarfile.open(sdk / "sample-service-sdk-1.3.0.tgz") as tgz:
        assert tgz.extractfile("package/CHANGELOG.md").read().decode() == changelog  # type: ignore[union-attr]
        assert "CHANGELOG.md" in json.loads(tgz.extractfile("package/package.json").read())["files"]  # type: ignore[union-attr]
    assert (sdk / "go-servicesdk-v1.3.0" / "CHANGELOG.md").read_text() == changelog

    # Removing a method without a major version bump fails the build, readably.
    todos = sample / "src" / "sample_service" / "handlers" / "todos.py"
    todos.write_text(todos.read_text().replace('@websocket_rpc("todos.delete", requires_auth=True)', ""))
    before = {p.name: p.read_bytes() for p in sdk.iterdir() if p.is_file()}
    failed = run_build(sample, "hatch build", isolated_env)
    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "method todos.delete" in output and "Traceback" not in output
    assert {p.name: p.read_bytes() for p in sdk.iterdir() if p.is_file()} == before
