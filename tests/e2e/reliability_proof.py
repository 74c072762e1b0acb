"""Exactly-once creates under faults: a bounded, repeatable proof.

The sample service runs as two instances (uvicorn) sharing one SQLite database and one Redis
idempotency store, behind a round-robin HTTP balancer written here; Centrifugo proxies RPC to
the balancer. While SDK clients make ``todos.create`` calls (a unique title per logical call,
retries on), a fault thread SIGKILLs and restarts a service instance or Centrifugo at random
moments. The creates are made by each SDK in turn: the Python wheel in this process, the npm
tarball from a node script, the Go module from a program built once (``proof_drivers/``).
Afterwards the database is read: every create that returned is stored exactly once (with the id
it returned), every create that raised is stored zero times or raised with "may have run", and
no title is stored twice.

    python tests/e2e/reliability_proof.py --sdk-dir sample_service/dist/sdk --calls 1500 --seconds 90
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from stack import LOOPBACK, ManagedProcess, free_ports, http_ok, run_centrifugo, run_redis  # noqa: E402

from hatch_centrifugo_sdk.centrifugo import centrifugo_config, make_token  # noqa: E402

SAMPLE = TESTS.parent / "sample_service"
DRIVERS = Path(__file__).resolve().parent / "proof_drivers"
JS_TOOLS = TESTS / "js"
_KEY = re.compile(rb'"\$idempotency_key":"([^"]+)"')
_KEY_MEMBER = re.compile(rb'"\$idempotency_key":"[^"]+",?')


class Balancer:
    """Round-robin HTTP/1.1 proxy: one request per backend connection; a dead backend is skipped.

    ``strip_keys`` removes the idempotency key from every request it forwards: the service then
    deduplicates nothing (neither its store nor the sample's key column), which is how the proof
    shows that it can fail.
    """

    def __init__(self, port: int, backends: list[int], strip_keys: bool = False) -> None:
        self.port, self.backends, self.strip_keys = port, backends, strip_keys
        self.turn = 0
        self.requests: dict[bytes, int] = {}  # idempotency key -> requests seen
        self.in_flight = {port: 0 for port in backends}  # requests a backend is answering
        self.cut = 0  # requests whose backend was killed before it answered
        self.answer_seconds = 0.005  # how long a backend takes to answer, lately (a moving average)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
                body = await reader.readexactly(length)
                for key in _KEY.findall(body):
                    self.requests[key] = self.requests.get(key, 0) + 1
                if self.strip_keys:
                    body = _KEY_MEMBER.sub(b"", body, count=1)
                    head = re.sub(rb"(?i)(content-length:\s*)\d+", rb"\g<1>%d" % len(body), head)
                writer.write(await self._forward(head, body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _forward(self, head: bytes, body: bytes) -> bytes:
        for _ in self.backends:
            port = self.backends[self.turn % len(self.backends)]
            self.turn += 1
            try:
                reader, writer = await asyncio.open_connection(LOOPBACK, port)
            except OSError:
                continue  # not listening: the next backend
            self.in_flight[port] += 1
            started = time.monotonic()
            try:
                writer.write(head + body)
                await writer.drain()
                response_head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length:\s*(\d+)", response_head).group(1))  # type: ignore[union-attr]
                response = response_head + await reader.readexactly(length)
                self.answer_seconds = 0.9 * self.answer_seconds + 0.1 * (time.monotonic() - started)
                return response
            except (asyncio.IncompleteReadError, ConnectionError, AttributeError):
                # Killed mid-request: the request may have run, so it is not sent again here
                # (the client's retry, with its key, is what may send it again).
                self.cut += 1
                return b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n"
            finally:
                self.in_flight[port] -= 1
                writer.close()
        return b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"

    def __enter__(self) -> Balancer:
        self.thread.start()
        server = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._serve, LOOPBACK, self.port), self.loop)
        self.server = server.result(10)
        return self

    async def _shutdown(self) -> None:
        self.server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@dataclass
class Stack:
    ws_url: str
    token_secret: str
    db: Path
    services: list[ManagedProcess]
    centrifugo: ManagedProcess
    centrifugo_port: int
    balancer: Balancer
    faults: list[str] = field(default_factory=list)

    def token(self, user: str) -> str:
        return make_token(self.token_secret, user, 3600)


def sample_channels() -> tuple[object, ...]:
    """The sample's declared channels: its creates publish on them, so Centrifugo must know them."""
    import importlib

    from hatch_centrifugo_sdk import default_registry

    if str(SAMPLE / "src") not in sys.path:
        sys.path.insert(0, str(SAMPLE / "src"))
    for module in ("sample_service.handlers.tasks", "sample_service.handlers.todos"):
        importlib.import_module(module)
    return tuple(default_registry.channels())


@contextlib.contextmanager
def proof_stack(workdir: Path, instances: int = 2, strip_keys: bool = False) -> Iterator[Stack]:
    with contextlib.ExitStack() as cleanup:
        redis_url = cleanup.enter_context(run_redis(workdir))
        *service_ports, balancer_port, centrifugo_port = free_ports(instances + 2)
        token_secret, api_key, proxy_secret = (secrets.token_hex(16) for _ in range(3))
        env = {
            **os.environ,
            "CENTRIFUGO_PROXY_SECRET": proxy_secret,
            "RPC_IDEMPOTENCY_REDIS_URL": redis_url,
            "SAMPLE_SERVICE_DB": str(workdir / "sample.sqlite3"),
            # Creates publish their event through Centrifugo's server API.
            "CENTRIFUGO_API_URL": f"http://{LOOPBACK}:{centrifugo_port}/api",
            "CENTRIFUGO_API_KEY": api_key,
        }
        services = []
        for number, port in enumerate(service_ports):
            argv = [sys.executable, "-m", "uvicorn", "sample_service.app:app", "--host", LOOPBACK, "--port", str(port),
                    "--no-access-log", "--app-dir", str(SAMPLE / "src")]
            service = cleanup.enter_context(ManagedProcess(f"service{number}", argv, workdir / f"service{number}.log", env))
            service.start(lambda port=port: http_ok(f"http://{LOOPBACK}:{port}/health"))  # type: ignore[misc]
            services.append(service)
        balancer = cleanup.enter_context(Balancer(balancer_port, service_ports, strip_keys))
        config = centrifugo_config(
            port=centrifugo_port, address=LOOPBACK, proxy_endpoint=f"http://{LOOPBACK}:{balancer_port}/centrifugo/rpc",
            proxy_secret=proxy_secret, token_secret=token_secret, api_key=api_key, proxy_timeout="15s",
            channels=sample_channels(),
            subscribe_endpoint=f"http://{LOOPBACK}:{balancer_port}/centrifugo/subscribe",
        )
        centrifugo = cleanup.enter_context(run_centrifugo(config, workdir=workdir))
        ws_url = f"ws://{LOOPBACK}:{centrifugo_port}/connection/websocket"
        yield Stack(ws_url, token_secret, workdir / "sample.sqlite3", services, centrifugo, centrifugo_port, balancer)


def inject_faults(stack: Stack, stop: threading.Event, seed: int, every: tuple[float, float]) -> threading.Thread:
    """SIGKILL and restart a service instance or Centrifugo at random moments until ``stop``."""
    chooser = random.Random(seed)

    def run() -> None:
        while not stop.wait(chooser.uniform(*every)):
            victim = chooser.choice([*stack.services, stack.centrifugo])
            assert victim.process is not None
            if victim is not stack.centrifugo:
                # Preferably while it answers a request (up to 1 s): the case retries must get right.
                # At a random moment of it: before the handler's commit, or between the commit and
                # the reply (the window that runs a create twice when nothing deduplicates).
                port = stack.balancer.backends[stack.services.index(victim)]
                deadline = time.monotonic() + 1.0
                while not stack.balancer.in_flight[port] and time.monotonic() < deadline:
                    time.sleep(0.001)
                time.sleep(chooser.uniform(0.0, stack.balancer.answer_seconds))
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait()
            stack.faults.append(victim.name)
            stop.wait(chooser.uniform(0.0, 0.5))  # down for a moment
            if victim is stack.centrifugo:
                victim.start(lambda: http_ok(f"http://{LOOPBACK}:{stack.centrifugo_port}/health"))
            else:
                port = stack.balancer.backends[stack.services.index(victim)]
                victim.start(lambda: http_ok(f"http://{LOOPBACK}:{port}/health"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class Outcome:
    title: str
    todo_id: int | None  # the id a successful create returned
    may_have_run: bool = False
    error: str = ""


# (stack, user, titles, seconds): the creates, started evenly over ``seconds``, and the retries made.
CreateAll = Callable[[Stack, str, list[str], float], Awaitable[tuple[list[Outcome], int]]]
CALL_TIMEOUT = 40.0  # a call may wait out a killed instance's marker (handler timeout + lease)
RETRIES = 8


async def python_creates(
    stack: Stack, user: str, titles: list[str], seconds: float, sdk: Any
) -> tuple[list[Outcome], int]:
    retries = 0

    def count(method: str, error: Exception, retry: int) -> None:
        nonlocal retries
        retries += 1

    async with sdk.CentrifugoRPCClient(
        stack.ws_url, stack.token(user), timeout=CALL_TIMEOUT, retries=RETRIES, on_retry=count
    ) as rpc:
        api = sdk.APIClient(rpc)

        async def create(title: str, start: float) -> Outcome:
            await asyncio.sleep(start)
            try:
                result = await api.todos_create(sdk.CreateTodoParams(title=title))
            except sdk.RpcError as exc:
                return Outcome(title, None, bool(exc.may_have_run), str(exc))
            return Outcome(title, result.todo.id)

        spacing = seconds / max(len(titles), 1)
        return list(await asyncio.gather(*(create(t, n * spacing) for n, t in enumerate(titles)))), retries


def typescript_driver(tarball: Path, workdir: Path, script: str = "creates.mjs") -> list[str]:
    """The node command of a TypeScript driver, in a project that npm-installed ``tarball``."""
    app = workdir / f"ts-driver-{script}" / "app"
    app.mkdir(parents=True)
    # The SDK in the app's own node_modules; ws and centrifuge resolve from the test tools' ones.
    (app.parent / "node_modules").symlink_to(JS_TOOLS / "node_modules", target_is_directory=True)
    (app / "package.json").write_text(json.dumps({"name": "proof-driver", "private": True, "type": "module"}))
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(tarball)], app)
    shutil.copy(DRIVERS / script, app / script)
    return ["node", str(app / script)]


def go_driver(module_dir: Path, workdir: Path, source: str = "creates.go") -> list[str]:
    """A Go driver, built once against the SDK's module directory."""
    module_dir = module_dir.resolve()
    module = re.search(r"^module (\S+)$", (module_dir / "go.mod").read_text(), re.M).group(1)  # type: ignore[union-attr]
    root = workdir / f"go-driver-{source}"
    root.mkdir()
    (root / "go.mod").write_text(
        f"module example.com/proofdriver\n\ngo 1.25.0\n\nrequire {module} v0.0.0\n\nreplace {module} => {module_dir}\n"
    )
    (root / "main.go").write_text((DRIVERS / source).read_text().replace("SDK_MODULE", module))
    for argv in (["go", "mod", "tidy"], ["go", "vet", "."], ["go", "build", "-o", "driver", "."]):
        _run(argv, root)
    return [str(root / "driver")]


def _run(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def driver_creates(command: list[str]) -> CreateAll:
    """The creates of a driver program: the given JSON on its stdin, its outcomes on its stdout."""

    async def creates(stack: Stack, user: str, titles: list[str], seconds: float) -> tuple[list[Outcome], int]:
        given = {
            "url": stack.ws_url, "token": stack.token(user), "titles": titles, "seconds": seconds,
            "timeout_ms": int(CALL_TIMEOUT * 1000), "retries": RETRIES,
        }
        process = await asyncio.create_subprocess_exec(
            *command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, err = await process.communicate(json.dumps(given).encode())
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{err.decode()}")
        report = json.loads(out.decode().strip().splitlines()[-1])
        outcomes = [Outcome(o["title"], o["id"], bool(o.get("may_have_run")), o.get("error", "")) for o in report["outcomes"]]
        return outcomes, int(report["retries"])

    return creates


@dataclass(frozen=True)
class Verdict:
    calls: int
    succeeded: int
    raised: int
    may_have_run: int
    stored: int
    duplicates: int
    lost: int  # a success not stored, or stored under another id
    wrongly_stored: int  # a failure without "may have run" that is stored anyway
    errors: tuple[str, ...] = ()  # what the creates that raised said (the first few)

    @property
    def holds(self) -> bool:
        return self.duplicates == 0 and self.lost == 0 and self.wrongly_stored == 0


def verdict(db: Path, user: str, outcomes: list[Outcome]) -> Verdict:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT title, id FROM todos WHERE user_id = ?", (user,)).fetchall()
    stored: dict[str, list[int]] = {}
    for title, todo_id in rows:
        stored.setdefault(title, []).append(todo_id)
    ok = [o for o in outcomes if o.todo_id is not None]
    failed = [o for o in outcomes if o.todo_id is None]
    return Verdict(
        calls=len(outcomes),
        succeeded=len(ok),
        raised=len(failed),
        may_have_run=sum(o.may_have_run for o in failed),
        stored=len(rows),
        duplicates=sum(len(ids) - 1 for ids in stored.values()),
        lost=sum(stored.get(o.title) != [o.todo_id] for o in ok),
        wrongly_stored=sum(bool(stored.get(o.title)) and not o.may_have_run for o in failed),
        errors=tuple(o.error for o in failed[:5]),
    )


def run_proof(
    stack: Stack, language: str, creates: CreateAll, calls: int, seconds: float, seed: int, every: tuple[float, float]
) -> tuple[Verdict, dict[str, int]]:
    """``calls`` creates through one SDK while faults are injected; the verdict and the fault counts."""
    user = f"proof-{language}-{secrets.token_hex(4)}"
    titles = [f"{user}-{number}" for number in range(calls)]
    stop = threading.Event()
    faults_before = len(stack.faults)
    requests_before = sum(stack.balancer.requests.values()), len(stack.balancer.requests), stack.balancer.cut
    injector = inject_faults(stack, stop, seed, every)
    try:
        outcomes, retries = asyncio.run(creates(stack, user, titles, seconds))
    finally:
        stop.set()
        injector.join()
    faults = stack.faults[faults_before:]
    requests = sum(stack.balancer.requests.values()) - requests_before[0]
    keys = len(stack.balancer.requests) - requests_before[1]
    counts = {
        "service kills": sum(f.startswith("service") for f in faults),
        "centrifugo kills": faults.count("centrifugo"),
        "requests cut by a kill": stack.balancer.cut - requests_before[2],
        "retries": retries,
        "proxied requests": requests,
        "requests sent again with a key seen before": requests - keys,
    }
    return verdict(stack.db, user, outcomes), counts


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sdk-dir", type=Path, required=True, help="the sample's built SDKs (dist/sdk)")
    parser.add_argument("--calls", type=int, default=300, help="creates per SDK")
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds over which each SDK's creates start")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--languages", default="python,typescript,go")
    parser.add_argument(
        "--strip-keys", action="store_true", help="remove the keys on the way to the service: the proof must fail"
    )
    args = parser.parse_args()
    wheel, = args.sdk_dir.glob("*.whl")
    sys.path.insert(0, str(wheel))
    import sample_service_sdk as sdk

    async def python(stack: Stack, user: str, titles: list[str], seconds: float) -> tuple[list[Outcome], int]:
        return await python_creates(stack, user, titles, seconds, sdk)

    with tempfile.TemporaryDirectory() as tmp, proof_stack(Path(tmp), strip_keys=args.strip_keys) as stack:
        drivers: dict[str, CreateAll] = {"python": python}
        languages = args.languages.split(",")
        if "typescript" in languages:
            tarball, = args.sdk_dir.glob("*.tgz")
            drivers["typescript"] = driver_creates(typescript_driver(tarball, Path(tmp)))
        if "go" in languages:
            module, = (p for p in args.sdk_dir.iterdir() if (p / "go.mod").is_file())
            drivers["go"] = driver_creates(go_driver(module, Path(tmp)))
        report = {}
        for number, language in enumerate(languages):
            result, counts = run_proof(
                stack, language, drivers[language], args.calls, args.seconds, args.seed + number, (1.0, 3.0)
            )
            report[language] = {**result.__dict__, **counts, "holds": result.holds}
            print(json.dumps({language: report[language]}, indent=2), flush=True)
        sys.exit(0 if all(r["holds"] for r in report.values()) else 1)


if __name__ == "__main__":
    main()
