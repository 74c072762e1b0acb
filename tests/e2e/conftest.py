"""The real stack for end-to-end tests: the sample service's packaged SDKs, Centrifugo, the service.

One stack serves every language's tests in a session; each test makes its own data
(its own user ids), so tests do not depend on each other.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any, ContextManager, Iterator, Sequence

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_service"
sys.path.insert(0, str(REPO / "tests"))

from stack import Stack, run_stack  # noqa: E402

from hatch_centrifugo_sdk.build.pipeline import Artifact, Project, generate  # noqa: E402
from hatch_centrifugo_sdk.build.config import PLUGIN_NAME, parse_config  # noqa: E402
from hatch_centrifugo_sdk.ir.model import Channel, api_from_json  # noqa: E402


@pytest.fixture(scope="session")
def sample_sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """language → path of the sample service's packaged SDK (wheel, tarball, module dir)."""
    pyproject = tomllib.loads((SAMPLE / "pyproject.toml").read_text())
    prefix = f"tool.hatch.build.hooks.{PLUGIN_NAME}"
    config = parse_config(
        pyproject["tool"]["hatch"]["build"]["hooks"][PLUGIN_NAME], project_name="sample-service", prefix=prefix
    )
    out = tmp_path_factory.mktemp("sample-dist") / "sdk"
    project = Project(SAMPLE, pyproject["project"]["name"], pyproject["project"]["version"])
    artifacts: list[Artifact] = generate(project, config, out)
    return {"api.json": out / "api.json", **{a.language: out / a.path for a in artifacts}}


@pytest.fixture(scope="session")
def sample_channels(sample_sdks: dict[str, Path]) -> tuple[Channel, ...]:
    """The sample's channels as its build describes them (api.json): what Centrifugo is configured with."""
    return api_from_json(json.loads(sample_sdks["api.json"].read_text())).channels


def run_sample(workdir: Path, channels: Sequence[Channel] = (), **options: Any) -> ContextManager[Stack]:
    """The sample service under uvicorn behind a real Centrifugo, its database in ``workdir``;
    ``channels`` configured (subscribed through the sample app's SubscribeProxyApp)."""
    return run_stack(
        "sample_service.app:app",
        app_dir=SAMPLE / "src",
        workdir=workdir,
        health_path="/health",
        env={"SAMPLE_SERVICE_DB": str(workdir / "sample.sqlite3")},
        channels=channels,
        subscribe_path="/centrifugo/subscribe",
        **options,
    )


@pytest.fixture(scope="session")
def sample_stack(tmp_path_factory: pytest.TempPathFactory, sample_channels: tuple[Channel, ...]) -> Iterator[Stack]:
    with run_sample(tmp_path_factory.mktemp("stack"), sample_channels) as stack:
        yield stack
