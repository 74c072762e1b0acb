"""`python -m hatch_centrifugo_sdk check` and `generate`, run as a developer runs them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builds import copy_sample

HOOK = "tool.hatch.build.hooks.centrifugo-sdk"

HANDLERS = '''
from pydantic import BaseModel, Field

from hatch_centrifugo_sdk import websocket_rpc


class StatsParams(BaseModel):
    user_id: str = Field(description="Whose tasks")
    verbose: bool = False  # <- field


class StatsResult(BaseModel):
    total: int = Field(description="Number of tasks")


@websocket_rpc("tasks.get_stats")
async def get_stats(conn, params: StatsParams) -> StatsResult:
    """Count a user's tasks."""
    return StatsResult(total=0)


@websocket_rpc("tasks.reset")  # <- handler
async def reset(conn, params: StatsParams) -> StatsResult:
    return StatsResult(total=0)


async def forgotten(conn, params: StatsParams) -> StatsResult:  # <- unregistered
    """Never decorated."""
    return StatsResult(total=0)
'''


def write_project(root: Path, handlers: str = HANDLERS, table: str = HOOK, extra: str = "", project: str = "") -> Path:
    (root / "svc").mkdir(parents=True)
    (root / "svc" / "__init__.py").write_text('__version__ = "2.3.0"\n')
    (root / "svc" / "handlers.py").write_text(textwrap.dedent(handlers).lstrip())
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [project]
            name = "svc"
            {project or 'version = "1.0.0"'}

            [{table}]
            modules = ["svc.handlers"]
            {extra}
            [{table}.go]
            module = "example.com/acme/svc-sdk"
            """
        )
    )
    return root


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hatch_centrifugo_sdk", *args], cwd=cwd, capture_output=True, text=True
    )


def line_of(path: Path, marker: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), start=1) if marker in text)


def test_check_warns_about_docs_and_unregistered_handlers(tmp_path: Path) -> None:
    project = write_project(tmp_path / "svc")
    result = run("check", cwd=project)
    assert result.returncode == 0, result.stderr
    handlers = project / "svc" / "handlers.py"
    assert result.stdout.splitlines() == [
        f"warning: {handlers}:{line_of(handlers, '<- field')}: model 'StatsParams', field 'verbose': "
        "has no description; the SDKs show Field(description=...) as its documentation",
        f"warning: {handlers}:{line_of(handlers, 'total: int')}: model 'StatsResult', field 'total': an int without "
        "bounds within ±(2**53-1): the TypeScript SDK reads it as a JavaScript number, which rounds larger values "
        "(9007199254740993 arrives as 9007199254740992); bound it with Field(ge=-(2**53-1), le=2**53-1) or send "
        "larger values as str",
        f"warning: {handlers}:{line_of(handlers, '<- handler')}: handler 'reset' ('tasks.reset'): "
        "has no docstring; the SDKs show it as the method's documentation",
        f"warning: {handlers}:{line_of(handlers, '<- unregistered')}: function 'forgotten': looks like a handler "
        'but is not registered, so no SDK has it; decorate it with @websocket_rpc("...") if clients should call it',
        "2 handlers in svc.handlers: no errors, 4 warnings",
    ]


def test_check_fails_on_a_broken_handler_with_one_line(tmp_path: Path) -> None:
    broken = HANDLERS.replace("async def get_stats", "def get_stats")
    project = write_project(tmp_path / "svc", broken)
    result = run("check", "--project", str(project), cwd=tmp_path)
    assert result.returncode == 1
    handlers = project / "svc" / "handlers.py"
    line = line_of(handlers, '@websocket_rpc("tasks.get_stats")')
    assert result.stderr == (
        f"error: {handlers}:{line}: handler 'get_stats' ('tasks.get_stats'): handlers must be async; "
        "fix: declare it as 'async def get_stats(conn, params: ...) -> ...'\n"
    )
    assert result.stdout == ""


def test_check_reports_every_broken_handler_at_once(tmp_path: Path) -> None:
    broken = HANDLERS.replace("async def get_stats", "def get_stats").replace(
        "async def reset(conn, params: StatsParams) -> StatsResult:", "async def reset(conn, params):"
    )
    project = write_project(tmp_path / "svc", broken)
    result = run("check", cwd=project)
    assert result.returncode == 1
    handlers = project / "svc" / "handlers.py"
    errors = result.stderr.splitlines()
    assert len(errors) == 2, result.stderr
    first = line_of(handlers, '@websocket_rpc("tasks.get_stats")')
    assert errors[0].startswith(f"error: {handlers}:{first}: ")
    assert "handlers must be async" in errors[0]
    assert errors[1].startswith(f"error: {handlers}:{line_of(handlers, '<- handler')}: handler 'reset'"), errors[1]
    assert "has no type hint" in errors[1]
    assert "Traceback" not in result.stderr


def test_check_reads_the_wheel_targets_table_and_reports_config_errors(tmp_path: Path) -> None:
    table = "tool.hatch.build.targets.wheel.hooks.centrifugo-sdk"
    project = write_project(tmp_path / "svc", table=table, extra='languages = ["python", "rust"]\n')
    result = run("check", cwd=project)
    assert result.returncode == 1
    assert f"{table}.languages[1]: 'rust' is not one of 'python', 'typescript', 'go'" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_sample_service(tmp_path: Path) -> None:
    result = run("check", "--project", str(copy_sample(tmp_path / "sample_service")), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no errors" in result.stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample service's Python and Go sources, generated twice into the same folder."""
    root = tmp_path_factory.mktemp("generate")
    project = copy_sample(root / "sample_service")
    for _ in range(2):
        result = run("generate", "--out", str(root / "out"), "--lang", "python", "--lang", "go", cwd=project)
        assert result.returncode == 0, result.stderr
    return root / "out"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generate_writes_only_the_asked_languages(generated: Path) -> None:
    assert sorted(p.name for p in generated.iterdir()) == ["go", "python"]
    python = snapshot(generated / "python")
    assert "sample_service_sdk/models.py" in python and "pyproject.toml" in python
    assert b'SDK_VERSION = "1.3.0"' in python["sample_service_sdk/_version.py"]
    go = snapshot(generated / "go")
    assert go["go.mod"].startswith(b"module example.com/sample/servicesdk\n")
    assert not list(generated.rglob("*.whl")) and not list(generated.rglob("*.tgz"))


def test_generate_is_deterministic_and_replaces_stale_files(generated: Path, tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "sample_service")
    before = snapshot(generated / "python")
    (generated / "python" / "stale.py").write_text("# from an older API\n")
    result = run("generate", "--out", str(generated), "--lang", "python", cwd=project)
    assert result.returncode == 0, result.stderr
    assert snapshot(generated / "python") == before


def test_generate_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    project = write_project(tmp_path / "svc")
    mine = tmp_path / "out" / "python" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("keep me")
    result = run("generate", "--out", str(tmp_path / "out"), "--lang", "python", cwd=project)
    assert result.returncode == 1
    assert "was not written by generate" in result.stderr
    assert mine.read_text() == "keep me"


def test_generate_takes_a_dynamic_version_from_hatch(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "svc",
        project='dynamic = ["version"]\n[tool.hatch.version]\npath = "svc/__init__.py"',
    )
    result = run("generate", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["go", "python", "typescript"]
    assert 'SDK_VERSION = "2.3.0"' in (out / "python" / "svc_sdk" / "_version.py").read_text()
    assert '"version": "2.3.0"' in (out / "typescript" / "package.json").read_text()
    # Go's rule: major version 2 lives at the /v2 module path.
    assert (out / "go" / "go.mod").read_text().startswith("module example.com/acme/svc-sdk/v2\n")
