"""`centrifugo-config` and `dev`: a user's own service behind Centrifugo, without this repository's scripts."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from centrifuge import Client, PublicationContext, SubscriptionEventHandler

from stack import REPO, centrifugo_binary, free_ports, port_open


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hatch_centrifugo_sdk", *args], cwd=cwd, capture_output=True, text=True)


def test_centrifugo_config_is_what_centrifugo_accepts(tmp_path: Path) -> None:
    out = tmp_path / "deploy" / "centrifugo.json"
    result = cli(
        "centrifugo-config", "--project", str(REPO / "sample_service"),
        "--proxy-endpoint", "http://service:9000/centrifugo/rpc", "--proxy-secret", "s3cret",
        "--allowed-origin", "https://app.example.com", "--address", "", "--port", "8100",
        "--namespace", "chat", "--out", str(out), cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(out.read_text())
    assert config["rpc"]["proxy"]["endpoint"] == "http://service:9000/centrifugo/rpc"
    assert config["rpc"]["proxy"]["http"]["static_headers"] == {"X-Centrifugo-Proxy-Secret": "s3cret"}
    assert config["client"]["allowed_origins"] == ["https://app.example.com"]
    assert config["http_server"] == {"address": "", "port": 8100}
    assert config["channel"] == {"namespaces": [{"name": "chat"}]}
    assert config["websocket"]["message_size_limit"] == 1_048_576 + 65_536  # the sample's max-params-bytes
    # Secrets not given are generated and printed once, for the service and the token issuer.
    assert "generated CENTRIFUGO_TOKEN_SECRET=" in result.stdout and "CENTRIFUGO_PROXY_SECRET" not in result.stdout
    check = subprocess.run([str(centrifugo_binary()), "checkconfig", "--strict", "-c", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_dev_runs_centrifugo_and_the_app_until_interrupted(tmp_path: Path) -> None:
    port, app_port = free_ports(2)
    workdir = tmp_path / "dev"
    env = {**os.environ, "SAMPLE_SERVICE_DB": str(tmp_path / "db.sqlite3")}
    process = subprocess.Popen(
        [sys.executable, "-m", "hatch_centrifugo_sdk", "dev", "sample_service.app:app",
         "--app-dir", str(REPO / "sample_service" / "src"), "--centrifugo", str(centrifugo_binary()),
         "--port", str(port), "--app-port", str(app_port), "--workdir", str(workdir), "--user", "carol",
         "--project", str(REPO / "sample_service")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (workdir / "tokens.json").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "dev did not start"
            time.sleep(0.1)
        given = json.loads((workdir / "tokens.json").read_text())

        async def call() -> tuple[object, object]:
            client = Client(given["url"], token=given["tokens"]["carol"])
            published: asyncio.Queue[object] = asyncio.Queue()

            class Feed(SubscriptionEventHandler):  # type: ignore[misc]
                async def on_publication(self, ctx: PublicationContext) -> None:
                    await published.put(ctx.pub.data)

            # The project's channels: subscribed through the app's subscribe proxy, published by its handlers.
            feed = client.new_subscription("tasks.feed:all", events=Feed())
            await client.connect()
            try:
                await feed.subscribe()
                reply = await client.rpc("tasks.get_stats", {"user_id": "carol"})
                created = await client.rpc("tasks.create", {"user_id": "carol", "title": "t"})
                return reply.data, (created.data, await asyncio.wait_for(published.get(), 10))
            finally:
                await client.disconnect()

        stats, (created, event) = asyncio.run(call())
        assert stats == {"total": 0, "completed": 0, "pending": 0, "user_id": "carol"}
        assert event == created
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "token for carol: " in out
    assert not port_open(port) and not port_open(app_port)  # both children stopped
