"""``python -m hatch_centrifugo_sdk dev``: Centrifugo and the service's ASGI app, for local development.

Both run as child processes on loopback until Ctrl-C; the service gets the proxy secret in
``CENTRIFUGO_PROXY_SECRET`` (what ``RpcProxyApp.from_env`` reads), Centrifugo's server API in
``CENTRIFUGO_API_URL`` and ``CENTRIFUGO_API_KEY`` (what publishing reads), and Centrifugo a config
from :func:`centrifugo_config` with the project's channels subscribed through the service. Tokens for the given users go to ``<workdir>/tokens.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..runtime.centrifugo import centrifugo_config, make_token

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0


class DevServerError(Exception):
    """A process did not start; the message says which and shows its log's end."""


def find_centrifugo(given: str | None) -> str:
    found = given or os.environ.get("CENTRIFUGO_BIN") or shutil.which("centrifugo")
    if not found or not Path(found).is_file():
        raise DevServerError(
            f"no Centrifugo binary {'at ' + repr(given) if given else 'on PATH'}; install Centrifugo v6 "
            "(https://centrifugal.dev/docs/getting-started/installation) or pass --centrifugo PATH"
        )
    return found


@contextlib.contextmanager
def _process(name: str, argv: Sequence[str], log: Path, ready: Any, env: dict[str, str] | None = None) -> Iterator[None]:
    with open(log, "wb") as out:
        process = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
                raise DevServerError(f"{name} did not start (log {log}):\n{tail}")
            time.sleep(0.1)
        yield
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _http_ok(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, whatever HTTP_PROXY says
    try:
        with opener.open(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


def run(
    app: str,
    *,
    centrifugo: str,
    workdir: Path,
    port: int = 8000,
    app_port: int = 9000,
    rpc_path: str = "/centrifugo/rpc",
    app_dir: Path | None = None,
    allowed_origins: Sequence[str] = (),
    max_params_bytes: int,
    namespaces: Sequence[str] = (),
    users: Sequence[str] = ("alice", "bob"),
    env: dict[str, str] | None = None,
    channels: Sequence[Any] = (),
    subscribe_path: str = "/centrifugo/subscribe",
) -> None:
    """Run both until SIGINT/SIGTERM; print the WebSocket URL and a token per user."""
    workdir.mkdir(parents=True, exist_ok=True)
    token_secret, api_key, proxy_secret = (secrets.token_hex(16) for _ in range(3))
    config = centrifugo_config(
        port=port, address=LOOPBACK, proxy_endpoint=f"http://{LOOPBACK}:{app_port}{rpc_path}",
        proxy_secret=proxy_secret, token_secret=token_secret, api_key=api_key,
        allowed_origins=allowed_origins, max_params_bytes=max_params_bytes, namespaces=namespaces,
        channels=channels,
        subscribe_endpoint=f"http://{LOOPBACK}:{app_port}{subscribe_path}" if channels else None,
    )
    config_path = workdir / "centrifugo.json"
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    uvicorn = [sys.executable, "-m", "uvicorn", app, "--host", LOOPBACK, "--port", str(app_port)]
    if app_dir is not None:
        uvicorn += ["--app-dir", str(app_dir)]
    service_env = {
        **os.environ, **(env or {}), "CENTRIFUGO_PROXY_SECRET": proxy_secret,
        "CENTRIFUGO_API_URL": f"http://{LOOPBACK}:{port}/api", "CENTRIFUGO_API_KEY": api_key,
    }
    with contextlib.ExitStack() as stack:
        stack.enter_context(_process("the service (uvicorn)", uvicorn, workdir / "service.log", lambda: _port_open(app_port), service_env))
        stack.enter_context(_process(
            "Centrifugo", [centrifugo, "--config", str(config_path)], workdir / "centrifugo.log",
            lambda: _http_ok(f"http://{LOOPBACK}:{port}/health"),
        ))
        url = f"ws://{LOOPBACK}:{port}/connection/websocket"
        tokens = {user: make_token(token_secret, user, 24 * 3600) for user in users}
        (workdir / "tokens.json").write_text(json.dumps({"url": url, "tokens": tokens}, indent=2) + "\n")
        print(f"Centrifugo   {url}  (config {config_path})")
        print(f"service      http://{LOOPBACK}:{app_port}{rpc_path}  (logs in {workdir})")
        for user, token in tokens.items():
            print(f"token for {user}: {token}")
        print(f"URL and tokens are also in {workdir / 'tokens.json'}. Ctrl-C stops both.", flush=True)
        # Blocked only now: the children must not inherit a mask that hides SIGTERM from them.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
