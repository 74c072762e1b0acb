"""The plugin and runtime are held to the bar the generated Python SDK meets: ``mypy --strict``."""

from __future__ import annotations

from pathlib import Path

from tests.conformance.sdks import mypy_strict, output

REPO = Path(__file__).resolve().parent.parent


def test_plugin_passes_mypy_strict(tmp_path: Path) -> None:
    done = mypy_strict(REPO, ["hatch_centrifugo_sdk"], tmp_path / "mypy-cache")
    assert done.returncode == 0, output(done)
