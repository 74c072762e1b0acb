"""A call's own timeout under faults, from each SDK: the driver programs and the fault scenarios
shared by tests/e2e/test_call_deadline_e2e.py and bench/timeout_bench.py.

Each SDK runs a driver (``proof_drivers/deadline.*``) that stays connected and, on command, makes
one ``tasks.get_stats`` call with a given timeout and the default retries, and reports its outcome
and how long it took. Around each call a scenario puts the stack in a fault and repairs it after.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from stack import Stack, http_ok  # noqa: E402

from .reliability_proof import DRIVERS, go_driver, typescript_driver  # noqa: E402

# Centrifugo SIGKILLed before the call and down throughout it.
CENTRIFUGO_DOWN = "centrifugo down"
# Centrifugo SIGSTOPped: the connection stays open, nothing answers.
CENTRIFUGO_FROZEN = "centrifugo frozen"
# The service SIGSTOPped: Centrifugo's proxy request gets no answer.
SERVICE_FROZEN = "service frozen"
# Centrifugo SIGKILLed before the call and started again half the call's timeout into it.
CENTRIFUGO_BACK = "centrifugo back at T/2"
SCENARIOS = (CENTRIFUGO_DOWN, CENTRIFUGO_FROZEN, SERVICE_FROZEN, CENTRIFUGO_BACK)

# After a kill, time for the client to see its connection closed before the call starts.
NOTICE_CLOSE = 0.3
REPLY_WAIT = 60.0  # the longest a driver may take to answer one command


@dataclass(frozen=True)
class Outcome:
    ok: bool
    elapsed: float  # seconds, measured by the driver around the call
    code: int | None = None
    error: str | None = None  # the SDK's error class (Python), ErrorCode name (TypeScript), Go type
    temporary: bool | None = None
    may_have_run: bool | None = None
    message: str | None = None


class Driver:
    """One SDK's driver process, connected to the stack as ``user``; ``client_timeout`` (seconds)
    replaces the SDK's client-wide default timeout."""

    def __init__(
        self, argv: Sequence[str], stack: Stack, user: str, env: Mapping[str, str] | None = None,
        client_timeout: float | None = None,
    ) -> None:
        self.process = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})},
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._send({"url": stack.ws_url, "token": stack.token(user), "client_timeout": client_timeout})

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _send(self, value: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(value) + "\n")
        self.process.stdin.flush()

    def _answer(self) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=REPLY_WAIT)
        except queue.Empty:
            raise RuntimeError(f"the driver did not answer within {REPLY_WAIT:g} s") from None
        if not line:
            self.process.wait(timeout=10)
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"the driver exited with {self.process.returncode}:\n{stderr[-3000:]}")
        return json.loads(line)  # type: ignore[no-any-return]

    def call(self, timeout: float) -> Outcome:
        self._send({"do": "call", "timeout": timeout})
        return Outcome(**self._answer())

    def ready(self) -> None:
        """Returns once a call succeeds again (the client reconnected after a fault)."""
        self._send({"do": "ready"})
        answer = self._answer()
        if not answer["ok"]:
            raise RuntimeError(f"the client did not recover from the fault: {answer}")

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def driver_command(language: str, sdk: Path, workdir: Path) -> tuple[list[str], dict[str, str]]:
    """The deadline driver of ``language`` against its packaged ``sdk``: argv and extra environment."""
    if language == "python":
        # The wheel is pure Python: importable from the archive itself.
        return [sys.executable, str(DRIVERS / "deadline.py")], {"PYTHONPATH": str(sdk)}
    if language == "typescript":
        return typescript_driver(sdk, workdir, "deadline.mjs"), {}
    if language == "go":
        return go_driver(sdk, workdir, "deadline.go"), {}
    raise ValueError(f"no deadline driver for {language!r}")


def missing_tools(language: str) -> str | None:
    """Why ``language``'s driver cannot be built here, or None."""
    needs = {"typescript": ("node", "npm"), "go": ("go",)}.get(language, ())
    missing = [tool for tool in needs if shutil.which(tool) is None]
    return f"needs {' and '.join(missing)}" if missing else None


def _restart_centrifugo(stack: Stack) -> None:
    stack.centrifugo.start(lambda: http_ok(f"http://127.0.0.1:{stack.centrifugo_port}/health"))


def _kill(stack: Stack) -> None:
    process = stack.centrifugo.process
    assert process is not None
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(NOTICE_CLOSE)


def _wait_stopped(pid: int) -> None:
    """Returns once every thread of ``pid`` is stopped (a signal is delivered asynchronously)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        states = [(task / "stat").read_text().rsplit(")", 1)[1].split()[0] for task in Path(f"/proc/{pid}/task").iterdir()]
        if all(state in "tT" for state in states):
            return
        time.sleep(0.005)
    raise RuntimeError(f"process {pid} did not stop within 5 s of SIGSTOP")


def measure(stack: Stack, driver: Driver, scenario: str, timeout: float) -> Outcome:
    """One call with ``timeout`` (seconds) under ``scenario``; the stack and the driver's connection
    are repaired before it returns."""
    frozen = {CENTRIFUGO_FROZEN: stack.centrifugo.process, SERVICE_FROZEN: stack.service.process}.get(scenario)
    restarter: threading.Thread | None = None
    if scenario in (CENTRIFUGO_DOWN, CENTRIFUGO_BACK):
        _kill(stack)
    elif frozen is not None:
        frozen.send_signal(signal.SIGSTOP)
        _wait_stopped(frozen.pid)
    else:
        raise ValueError(f"unknown scenario {scenario!r}")
    try:
        if scenario == CENTRIFUGO_BACK:
            restarter = threading.Timer(timeout / 2, _restart_centrifugo, args=(stack,))
            restarter.start()
        outcome = driver.call(timeout)
    finally:
        if restarter is not None:
            restarter.join()
        elif frozen is not None:
            frozen.send_signal(signal.SIGCONT)
        else:
            _restart_centrifugo(stack)
    driver.ready()
    return outcome
