"""Makes the service importable without installing it, and gives each test its own database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from sample_service import storage  # noqa: E402  (needs SRC on sys.path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[storage.Database]:
    with storage.using_database(tmp_path / "sample.sqlite3") as database:
        yield database


# -- publishing ----------------------------------------------------------------
# Handlers publish their events through Centrifugo's server API. The tests run a real
# Centrifugo when one is at hand (CENTRIFUGO_BIN, `centrifugo` on PATH, or the repository's
# pinned build) and read what was published back from its channel history; without one they
# fall back to a recording publisher, so the service's tests still run on a bare checkout.

import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from typing import Any  # noqa: E402

from hatch_centrifugo_sdk import default_registry  # noqa: E402
from hatch_centrifugo_sdk.centrifugo import centrifugo_config  # noqa: E402
from hatch_centrifugo_sdk.channels import Channel, Publisher, configure_publisher  # noqa: E402

from sample_service.handlers import tasks, todos  # noqa: E402,F401  (registers the channels)

REPO_SCRIPT = SRC.parent.parent / "scripts" / "centrifugo.sh"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _centrifugo_binary() -> str | None:
    found = os.environ.get("CENTRIFUGO_BIN") or shutil.which("centrifugo")
    if found:
        return found
    if REPO_SCRIPT.is_file():
        built = subprocess.run([str(REPO_SCRIPT)], capture_output=True, text=True)
        return built.stdout.strip() or None if built.returncode == 0 else None
    return None


class CentrifugoEvents:
    """A real Centrifugo the handlers publish to; ``events(channel)`` reads its history back."""

    def __init__(self, api_url: str, api_key: str) -> None:
        self.publisher = Publisher(api_url, api_key)

    def events(self, channel: str) -> list[dict[str, Any]]:
        request = urllib.request.Request(
            f"{self.publisher.api_url}/history", method="POST",
            data=json.dumps({"channel": channel, "limit": 1000}).encode(),
            headers={"X-API-Key": self.publisher.api_key, "Content-Type": "application/json"},
        )
        with _DIRECT.open(request, timeout=5) as response:
            reply = json.loads(response.read())
        return [p["data"] for p in reply["result"].get("publications", [])]


class RecordingPublisher(Publisher):
    """The test double used only when no Centrifugo binary is available: keeps what was published."""

    def __init__(self) -> None:
        super().__init__("http://centrifugo.invalid/api", "unused")
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.publisher = self

    async def publish(self, channel: Channel[Any], event: Any, **params: str) -> None:
        self.published.append((channel.channel_name(**params), json.loads(channel.serialize(event))))

    def events(self, channel: str) -> list[dict[str, Any]]:
        return [data for name, data in self.published if name == channel]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def centrifugo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentrifugoEvents | RecordingPublisher]:
    binary = _centrifugo_binary()
    if binary is None:
        yield RecordingPublisher()
        return
    workdir = tmp_path_factory.mktemp("centrifugo")
    port, api_key = _free_port(), secrets.token_hex(16)
    config = centrifugo_config(
        port=port, proxy_endpoint="http://127.0.0.1:9/unused", proxy_secret=secrets.token_hex(16),
        token_secret=secrets.token_hex(16), api_key=api_key, channels=default_registry.channels(),
        subscribe_endpoint="http://127.0.0.1:9/unused",
    )
    (workdir / "config.json").write_text(json.dumps(config))
    with open(workdir / "centrifugo.log", "wb") as log:
        process = subprocess.Popen([binary, "--config", str(workdir / "config.json")], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with _DIRECT.open(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((workdir / "centrifugo.log").read_text()) from None
                time.sleep(0.05)
        yield CentrifugoEvents(f"http://127.0.0.1:{port}/api", api_key)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def publisher(centrifugo: CentrifugoEvents | RecordingPublisher) -> Iterator[CentrifugoEvents | RecordingPublisher]:
    """Every test's handlers publish to the session's Centrifugo (or the recording double)."""
    configure_publisher(centrifugo.publisher)
    yield centrifugo
    configure_publisher(None)
