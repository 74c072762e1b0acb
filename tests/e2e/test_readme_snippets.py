"""The README's "Calling a method from each SDK" snippets, run as written against the real stack.

For each language the README gives a program (its first line names its file) and a shell
block that installs the SDK from ``sample_service/dist/sdk`` and runs it. Both are taken from
the README verbatim and run in a fresh folder that holds the packaged SDKs at that path;
only ``TOKEN`` and ``CENTRIFUGO_URL`` come from the environment, as the README says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stack import Stack

REPO = Path(__file__).resolve().parents[2]
SECTION = "### Calling a method from each SDK"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)
FIRST_LINE_FILE = re.compile(r"^(?:#|//) (\S+\.\w+)$")
RUN_TIMEOUT = 600


def section(readme: str, heading: str) -> str:
    start = readme.index(heading)
    following = re.search(r"^##", readme[start + len(heading):], re.M)
    return readme[start : start + len(heading) + (following.start() if following else len(readme))]


def snippets() -> dict[str, tuple[str, str, str]]:
    """language → (file name, program, shell block), in the README's order: program, then its shell block."""
    blocks = FENCE.findall(section((REPO / "README.md").read_text(), SECTION))
    found: dict[str, tuple[str, str, str]] = {}
    for (language, program), (shell, commands) in zip(blocks[::2], blocks[1::2]):
        assert shell == "sh", f"the {language} program must be followed by the sh block that runs it"
        name = FIRST_LINE_FILE.match(program.splitlines()[0])
        assert name, f"the {language} program's first line must name its file, e.g. '// main.go'"
        found[language] = (name.group(1), program, commands)
    return found


def test_the_section_has_a_program_per_language() -> None:
    assert sorted(snippets()) == ["go", "python", "ts"]


@pytest.mark.parametrize("language", ["python", "ts", "go"])
def test_readme_snippet_runs_as_written(
    language: str, sample_sdks: dict[str, Path], sample_stack: Stack, tmp_path: Path
) -> None:
    if language == "go" and shutil.which("go") is None:
        pytest.fail("the Go toolchain (go on PATH) is needed to test the README's Go snippet")
    name, program, commands = snippets()[language]
    # The README's paths are relative to the repository root: give them the packaged SDKs.
    (tmp_path / "sample_service" / "dist").mkdir(parents=True)
    (tmp_path / "sample_service" / "dist" / "sdk").symlink_to(sample_sdks["python"].parent, target_is_directory=True)
    (tmp_path / name).write_text(program)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TOKEN": sample_stack.token("alice"),
        "CENTRIFUGO_URL": sample_stack.ws_url,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    assert done.returncode == 0, f"{commands}\n{done.stdout}\n{done.stderr}"
    lines = done.stdout.strip().splitlines()
    # The program prints the stats it got and, last, the handler's message for the missing task.
    assert any("total" in line.lower() and "alice" in line for line in lines), done.stdout
    assert lines[-1].endswith("Task 999 not found"), done.stdout
