"""The real stack for tests: a service under uvicorn and Centrifugo proxying RPC to it.

Both run as subprocesses on free loopback ports and are stopped on exit::

    with run_stack("my_service.app:app", app_dir=src, workdir=tmp) as stack:
        client = Client(stack.ws_url, token=stack.token("42"), proxy=None)

The service gets the proxy secret in ``CENTRIFUGO_PROXY_SECRET`` (what
``RpcProxyApp.from_env`` reads); Centrifugo's config comes from ``centrifugo_config``
and passes ``centrifugo checkconfig --strict`` before Centrifugo starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from hatch_centrifugo_sdk.centrifugo import centrifugo_config, make_token

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0


def centrifugo_binary() -> Path:
    """The pinned Centrifugo binary; the script builds it on first use (minutes, once)."""
    out = subprocess.run([str(REPO / "scripts" / "centrifugo.sh")], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (all held open while picking, so none repeats)."""
    with contextlib.ExitStack() as held:
        socks = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind((LOOPBACK, 0))
        return [int(sock.getsockname()[1]) for sock in socks]


class ManagedProcess:
    """A subprocess logging to a file, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, name: str, argv: Sequence[str], log: Path, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.argv = list(argv)
        self.log = log
        self.env = dict(env) if env is not None else None
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready: Callable[[], bool], timeout: float = START_TIMEOUT) -> None:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} not ready after {timeout:g}s:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> ManagedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def http_ok(url: str) -> bool:
    # No proxy: the servers are on loopback whatever HTTP_PROXY says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Stack:
    """Addresses and secrets of a running stack."""

    centrifugo_port: int
    service_port: int
    token_secret: str
    api_key: str
    proxy_secret: str
    centrifugo: ManagedProcess
    service: ManagedProcess

    @property
    def ws_url(self) -> str:
        return f"ws://{LOOPBACK}:{self.centrifugo_port}/connection/websocket"

    @property
    def api_url(self) -> str:
        return f"http://{LOOPBACK}:{self.centrifugo_port}/api"

    @property
    def service_url(self) -> str:
        return f"http://{LOOPBACK}:{self.service_port}"

    def token(self, user: str, ttl_seconds: int = 3600) -> str:
        """A connection token for ``user`` ("" connects anonymously)."""
        return make_token(self.token_secret, user, ttl_seconds)


@contextlib.contextmanager
def run_service(
    app: str,
    *,
    port: int,
    log: Path,
    app_dir: Path | None = None,
    factory: bool = False,
    env: Mapping[str, str] | None = None,
    health_path: str | None = None,
    uvicorn_args: Sequence[str] = (),
) -> Iterator[ManagedProcess]:
    """``uvicorn app`` on loopback; ready when ``health_path`` answers 200 (or the port accepts)."""
    argv = [sys.executable, "-m", "uvicorn", app, "--host", LOOPBACK, "--port", str(port), "--no-access-log"]
    argv += uvicorn_args
    if app_dir is not None:
        argv += ["--app-dir", str(app_dir)]
    if factory:
        argv.append("--factory")
    with ManagedProcess("service", argv, log, {**os.environ, **(env or {})}) as service:
        if health_path is None:
            service.start(lambda: port_open(port))
        else:
            service.start(lambda: http_ok(f"http://{LOOPBACK}:{port}{health_path}"))
        yield service


@contextlib.contextmanager
def run_redis(workdir: Path) -> Iterator[str]:
    """A redis-server of its own on a free loopback port, nothing persisted; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is missing: `make test` installs it (apt-get install redis-server)")
    (port,) = free_ports(1)
    argv = [binary, "--port", str(port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    with ManagedProcess("redis", argv, workdir / f"redis-{port}.log") as redis:
        redis.start(lambda: port_open(port))
        yield f"redis://{LOOPBACK}:{port}/0"


@contextlib.contextmanager
def run_centrifugo(config: dict[str, object], *, workdir: Path) -> Iterator[ManagedProcess]:
    """Centrifugo with ``config`` (checked strictly first); ready when ``/health`` answers."""
    binary = str(centrifugo_binary())
    config_path = workdir / "centrifugo.json"
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True))
    check = subprocess.run([binary, "checkconfig", "--strict", "-c", str(config_path)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"centrifugo checkconfig --strict rejected the config:\n{check.stdout}{check.stderr}")
    port = config["http_server"]["port"]  # type: ignore[index]
    argv = [binary, "--config", str(config_path)]
    with ManagedProcess("centrifugo", argv, workdir / "centrifugo.log") as centrifugo:
        centrifugo.start(lambda: http_ok(f"http://{LOOPBACK}:{port}/health"))
        yield centrifugo


@contextlib.contextmanager
def run_stack(
    app: str,
    *,
    app_dir: Path | None = None,
    factory: bool = False,
    workdir: Path | None = None,
    rpc_path: str = "/centrifugo/rpc",
    env: Mapping[str, str] | None = None,
    health_path: str | None = None,
    proxy_timeout: str = "5s",
    allowed_origins: Sequence[str] = (),
    channels: Sequence[object] = (),
    subscribe_path: str = "/centrifugo/subscribe",
) -> Iterator[Stack]:
    """The service ``app`` (uvicorn's ``module:attr``) behind a fresh Centrifugo.

    ``channels`` (declared channels or an API model's) get their namespaces, subscribed through
    the service's subscribe proxy at ``subscribe_path``; the service can publish through the
    server API (``CENTRIFUGO_API_URL``, ``CENTRIFUGO_API_KEY``).
    """
    with contextlib.ExitStack() as cleanup:
        if workdir is None:
            workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="centrifugo-stack-")))
        service_port, centrifugo_port = free_ports(2)
        token_secret, api_key, proxy_secret = (secrets.token_hex(16) for _ in range(3))
        service = cleanup.enter_context(
            run_service(
                app,
                port=service_port,
                log=workdir / "service.log",
                app_dir=app_dir,
                factory=factory,
                env={
                    **(env or {}), "CENTRIFUGO_PROXY_SECRET": proxy_secret,
                    "CENTRIFUGO_API_URL": f"http://{LOOPBACK}:{centrifugo_port}/api", "CENTRIFUGO_API_KEY": api_key,
                },
                health_path=health_path,
            )
        )
        config = centrifugo_config(
            port=centrifugo_port,
            address=LOOPBACK,
            proxy_endpoint=f"http://{LOOPBACK}:{service_port}{rpc_path}",
            proxy_secret=proxy_secret,
            token_secret=token_secret,
            api_key=api_key,
            proxy_timeout=proxy_timeout,
            allowed_origins=allowed_origins,
            channels=channels,
            subscribe_endpoint=f"http://{LOOPBACK}:{service_port}{subscribe_path}" if channels else None,
        )
        centrifugo = cleanup.enter_context(run_centrifugo(config, workdir=workdir))
        yield Stack(centrifugo_port, service_port, token_secret, api_key, proxy_secret, centrifugo, service)
