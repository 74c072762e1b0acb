"""Nothing a user has is deleted: the output folder is checked, replaced atomically, and its failures are one line.

The builds here run ``python -m hatchling build`` (what ``hatch build`` runs) with this
checkout's plugin, in a copy of the sample service.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builds import build_env, copy_sample, hatchling_build

KEY = "tool.hatch.build.hooks.centrifugo-sdk.output"


def set_output(project: Path, output: str) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("modules = [", f"output = {json.dumps(output)}\nmodules = [", 1))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def the_line(result: subprocess.CompletedProcess[str], marker: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if marker in line]
    assert len(lines) == 1, output
    return lines[0]


def complete_output(sdk: Path) -> dict[str, object]:
    """The manifest of ``sdk``, after checking that every artifact it lists is there, intact."""
    from hatch_centrifugo_sdk.build.reuse import sha256_of as _sha256

    manifest = json.loads((sdk / "sdk-manifest.json").read_text())
    assert manifest["artifacts"]
    for artifact in manifest["artifacts"]:
        assert _sha256(sdk / artifact["path"]) == artifact["sha256"], artifact["path"]
    assert json.loads((sdk / "api.json").read_text())["api_hash"] == manifest["api_hash"]
    return manifest


def stale(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.glob(".sdk-*"))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    project = copy_sample(tmp_path / "sample_service")
    (project / "dist").mkdir()
    (project / "dist" / "sample_service-1.1.0-py3-none-any.whl").write_bytes(b"an older release")
    (project / "dist" / "sample_service-1.3.0.tar.gz").write_bytes(b"the sdist")
    return project


# output, the rule in the message, and how the refusal is set up
REFUSED = {
    "the project's parent": ("..", "contains the project"),
    "the build's output folder": (".", "is the build's output folder"),
    "home holding the project": ("~", "contains the project"),
    "a folder of the user's": ("{tmp}/keep", "is a folder the hook did not make"),
    "the project's sources": ("../src", "is a folder the hook did not make"),
    "a file": ("../README.md", "is a file, not a folder"),
    "above a custom build folder": ("..", "contains the build's output folder"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_output_whose_replacement_deletes_user_files_is_refused_before_any_work(
    case: str, sample: Path, tmp_path: Path
) -> None:
    output, rule = REFUSED[case]
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("mine")
    set_output(sample, output.format(tmp=tmp_path))
    args = ("-d", str(tmp_path / "out" / "wheels")) if case == "above a custom build folder" else ()
    before = snapshot(tmp_path)
    result = hatchling_build(sample, *args, env=build_env(HOME=str(tmp_path)))
    line = the_line(result, f"{KEY}: ")
    assert rule in line and "; fix: " in line, line
    assert "generating" not in result.stderr  # refused before any work
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("sdk-manifest.json"))


def test_tilde_and_empty_folders_are_accepted(sample: Path, tmp_path: Path) -> None:
    (tmp_path / "home" / "sdks").mkdir(parents=True)
    set_output(sample, "~/sdks")
    result = hatchling_build(sample, env=build_env(HOME=str(tmp_path / "home")))
    assert result.returncode == 0, result.stderr
    complete_output(tmp_path / "home" / "sdks")
    assert sorted(p.name for p in (sample / "dist").iterdir()) == [
        "sample_service-1.1.0-py3-none-any.whl", "sample_service-1.3.0-py3-none-any.whl", "sample_service-1.3.0.tar.gz",
    ]


def test_the_output_folder_has_the_modes_the_umask_gives(sample: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    assert hatchling_build(sample).returncode == 0
    sdk = sample / "dist" / "sdk"
    assert stat.S_IMODE(sdk.stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((sdk / "go-servicesdk-v1.3.0").stat().st_mode) == 0o777 & ~umask


def test_clean_removes_stale_folders_and_refuses_a_bad_output(sample: Path, tmp_path: Path) -> None:
    assert hatchling_build(sample).returncode == 0
    (sample / "dist" / ".sdk-new-0a1b2c3d").mkdir()
    (sample / "dist" / ".sdk-old-0a1b2c3d" / "previous").mkdir(parents=True)
    result = hatchling_build(sample, "--clean-only")
    assert result.returncode == 0, result.stderr
    # (hatchling's own wheel clean deletes every wheel there)
    assert sorted(p.name for p in (sample / "dist").iterdir()) == ["sample_service-1.3.0.tar.gz"]
    set_output(sample, "..")
    before = snapshot(tmp_path)
    assert "contains the project" in the_line(hatchling_build(sample, "--clean-only"), f"{KEY}: ")
    assert snapshot(tmp_path) == before


# Runs the build, announcing each step of the swap on stdout and pausing after it, so that a
# kill can land between steps; FALLBACK=1 takes away the one-step exchange.
SWAP_WATCHER = """
import os, sys, time
from pathlib import Path
pause = float(os.environ.get("SWAP_PAUSE", "0"))
real_replace = os.replace
def replace(src, dst, **kw):
    real_replace(src, dst, **kw)
    if Path(src).name.startswith(".sdk") or Path(dst).name in ("sdk", "previous"):
        print("SWAP-STEP", flush=True)
        time.sleep(pause)
os.replace = replace
try:
    from hatch_centrifugo_sdk.build import output
except ImportError:
    output = None
if output is not None:
    real_exchange = output._exchange
    def exchange(a, b):
        if os.environ.get("FALLBACK"):
            return False
        done = real_exchange(a, b)
        print("SWAP-STEP", flush=True)
        time.sleep(pause)
        return done
    output._exchange = exchange
sys.argv = ["hatchling", "build", "-t", "wheel"]
from hatchling.cli import hatchling
sys.exit(hatchling())
"""


def start_build(project: Path, epoch: int, **env: str) -> subprocess.Popen[str]:
    # Its own process group, killed as a whole, as a CI runner or a terminal would.
    return subprocess.Popen(
        [sys.executable, "-c", SWAP_WATCHER], cwd=project, env=build_env(epoch, **env),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )


def kill(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def kill_after_step(project: Path, epoch: int, step: int, **env: str) -> bool:
    """Kill the build right after its ``step``-th swap step; False if it ended before."""
    process = start_build(project, epoch, SWAP_PAUSE="5", **env)
    assert process.stdout is not None
    seen = 0
    for line in process.stdout:
        seen += line.strip() == "SWAP-STEP"
        if seen == step:
            kill(process)
            return True
    process.wait()
    return False


def test_a_build_killed_at_any_moment_leaves_a_complete_output(sample: Path) -> None:
    dist = sample / "dist"
    started = time.monotonic()
    assert hatchling_build(sample).returncode == 0
    duration = time.monotonic() - started
    complete_output(dist / "sdk")
    # Each build gets its own SOURCE_DATE_EPOCH, so that each really replaces the output.
    epoch = 1700000000
    moments = [duration * i / 10 for i in range(1, 13)]  # through the whole build, and just after it
    manifests = [complete_output(dist / "sdk")]
    for moment in moments:
        epoch += 1
        process = start_build(sample, epoch)
        time.sleep(moment)
        kill(process)
        manifests.append(complete_output(dist / "sdk"))
    # Inside the swap: right after each of its steps (there may be one only).
    for step in (2, 1):
        epoch += 1
        kill_after_step(sample, epoch, step)
        manifests.append(complete_output(dist / "sdk"))
    print(f"build {duration:.2f} s; {len({m['build_key'] for m in manifests})} distinct outputs in {len(manifests)} states")
    assert stale(dist)  # the killed builds left their folders ...
    epoch += 1
    assert hatchling_build(sample, env=build_env(epoch)).returncode == 0
    assert stale(dist) == []  # ... which the next build removed
    complete_output(dist / "sdk")
    assert sorted(p.name for p in dist.iterdir()) == [
        "sample_service-1.1.0-py3-none-any.whl", "sample_service-1.3.0-py3-none-any.whl",
        "sample_service-1.3.0.tar.gz", "sdk",
    ]


def test_without_the_one_step_exchange_a_killed_swap_is_recovered_by_the_next_build(sample: Path) -> None:
    dist = sample / "dist"
    assert hatchling_build(sample).returncode == 0
    before = complete_output(dist / "sdk")
    assert kill_after_step(sample, 1700000001, 1, FALLBACK="1")  # between the two renames
    assert not (dist / "sdk").exists()
    assert [complete_output(p) for p in dist.glob(".sdk-old-*/previous")] == [before]
    # The next build puts the previous output back before anything else (here, reusing it).
    result = hatchling_build(sample)
    assert result.returncode == 0, result.stderr
    assert complete_output(dist / "sdk") == before
    assert stale(dist) == []


def in_private_mount(command: str) -> list[str]:
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"]).returncode != 0:
        pytest.skip("needs unshare -rm (user and mount namespaces) to make a read-only folder")
    return ["unshare", "-rm", "sh", "-c", command]


@pytest.mark.parametrize("mount", ["read-only dist", "read-only previous output", "sdk is a mount point"])
def test_an_unwritable_output_is_one_line_naming_the_folder(mount: str, sample: Path) -> None:
    read_only = "mount --bind dist dist && mount -o remount,bind,ro dist"
    if mount == "read-only previous output":
        assert hatchling_build(sample).returncode == 0
        # Without its cached key the build must write into the folder, or replace it.
        (sample / "dist" / "sdk" / ".source-key.json").unlink()
    setup = read_only if mount != "sdk is a mount point" else "mkdir dist/sdk && mount -t tmpfs none dist/sdk"
    command = f"{setup} && exec {sys.executable} -m hatchling build -t wheel"
    result = subprocess.run(
        in_private_mount(command), cwd=sample, env=build_env(), capture_output=True, text=True, timeout=120
    )
    if mount == "sdk is a mount point":
        line = the_line(result, f"{KEY}: ")
        assert f"({sample / 'dist' / 'sdk'}) is a mount point" in line
    else:
        folder = sample / "dist" / ("sdk" if mount == "read-only previous output" else "")
        line = the_line(result, "cannot write the SDKs there")
        assert line.startswith(f"centrifugo-sdk: {folder}: cannot write the SDKs there (Read-only file system)"), line
    assert "; fix: " in line
