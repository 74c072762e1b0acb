"""Which 408s and 500s each SDK retries: only when the handler did not start, or when the service
deduplicates the call's key (tests/fixtures/retry_service.py, through a real Centrifugo)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from stack import Stack, run_stack

from .reliability_proof import go_driver, typescript_driver

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
Calls = Callable[[Stack, list[dict[str, Any]]], tuple[list[dict[str, Any]], int]]


def _stack(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Iterator[Stack]:
    with run_stack(
        "retry_service:create_app", app_dir=FIXTURES, factory=True, workdir=tmp_path_factory.mktemp(f"retry-{mode}"),
        env={"RETRY_SERVICE_MODE": mode},
    ) as stack:
        yield stack


@pytest.fixture(scope="module")
def dedup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from _stack(tmp_path_factory, "dedup")


@pytest.fixture(scope="module")
def nodedup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from _stack(tmp_path_factory, "nodedup")


@pytest.fixture(scope="module")
def python_calls(sample_sdks: dict[str, Path]) -> Calls:
    sys.path.insert(0, str(sample_sdks["python"]))
    import sample_service_sdk as sdk

    def calls(stack: Stack, given: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        retries = 0

        def count(*_: object) -> None:
            nonlocal retries
            retries += 1

        async def run() -> list[dict[str, Any]]:
            results = []
            async with sdk.CentrifugoRPCClient(stack.ws_url, stack.token("retry-user"), on_retry=count) as rpc:
                for call in given:
                    try:
                        results.append({"data": await rpc.call(call["method"], call["params"], retries=call["retries"])})
                    except sdk.RpcError as exc:
                        results.append({"error": {
                            "code": exc.code, "message": exc.message, "temporary": exc.temporary,
                            "may_have_run": exc.may_have_run,
                        }})
            return results

        return asyncio.run(run()), retries

    return calls


def _driver(command: list[str]) -> Calls:
    def calls(stack: Stack, given: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        payload = {"url": stack.ws_url, "token": stack.token("retry-user"), "calls": given}
        done = subprocess.run(command, input=json.dumps(payload), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout.strip().splitlines()[-1])
        return report["results"], int(report["retries"])

    return calls


@pytest.fixture(scope="module")
def typescript_calls(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Calls:
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("needs node and npm")
    return _driver(typescript_driver(sample_sdks["typescript"], tmp_path_factory.mktemp("ts"), "calls.mjs"))


@pytest.fixture(scope="module")
def go_calls(sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Calls:
    assert shutil.which("go"), "the Go toolchain (go on PATH) is needed to test the Go SDK"
    return _driver(go_driver(sample_sdks["go"], tmp_path_factory.mktemp("go"), "calls.go"))


@pytest.fixture(params=["python", "typescript", "go"])
def calls(request: pytest.FixtureRequest) -> Calls:
    return request.getfixturevalue(f"{request.param}_calls")  # type: ignore[no-any-return]


def _name() -> str:
    return uuid.uuid4().hex[:12]


def test_a_500_after_the_handler_started_is_retried_only_when_the_key_is_deduplicated(
    calls: Calls, dedup: Stack, nodedup: Stack
) -> None:
    kept, dropped = _name(), _name()
    [failed, runs], retries = calls(dedup, [
        {"method": "runs.fail", "params": {"name": kept}, "retries": 2},
        {"method": "runs.get", "params": {"name": kept}, "retries": 0},
    ])
    assert failed["error"] == {"code": 500, "message": "internal error; it may have run", "temporary": True, "may_have_run": True}
    assert (runs["data"], retries) == ({"runs": 3}, 2)  # retried: the service deduplicates the key

    [failed, runs], retries = calls(nodedup, [
        {"method": "runs.fail", "params": {"name": dropped}, "retries": 2},
        {"method": "runs.get", "params": {"name": dropped}, "retries": 0},
    ])
    assert failed["error"] == {"code": 500, "message": "internal error; it may have run", "temporary": True, "may_have_run": True}
    assert (runs["data"], retries) == ({"runs": 1}, 0)  # not retried: it would run the handler again


def test_a_500_before_the_handler_started_is_retried(calls: Calls, dedup: Stack) -> None:
    name = _name()
    [added, runs], retries = calls(dedup, [
        {"method": "runs.add", "params": {"name": name}, "retries": 2},  # the store is unreachable at first
        {"method": "runs.get", "params": {"name": name}, "retries": 0},
    ])
    assert (added, runs["data"], retries) == ({"data": {"runs": 1}}, {"runs": 1}, 1)


def test_a_500_that_did_not_start_the_handler_does_not_say_it_may_have_run(calls: Calls, dedup: Stack) -> None:
    [added], retries = calls(dedup, [{"method": "runs.add", "params": {"name": _name()}, "retries": 0}])
    assert added["error"] == {"code": 500, "message": "internal error", "temporary": True, "may_have_run": False}


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from _stack(tmp_path_factory, "old")


def test_an_older_service_that_refuses_the_key_gets_the_call_without_it_from_then_on(calls: Calls, old: Stack) -> None:
    name = _name()
    results, retries = calls(old, [
        {"method": "runs.add", "params": {"name": name}, "retries": 0},  # refused with its key: sent again without
        {"method": "runs.add", "params": {"name": name}, "retries": 0},  # sent without the key at once
        {"method": "runs.get", "params": {"name": name}, "retries": 0},
        {"method": "runs.get", "params": {"name": f"keyed {name}"}, "retries": 0},  # the first add's, the first get's
    ])
    assert [r.get("data") for r in results] == [{"runs": 1}, {"runs": 2}, {"runs": 2}, {"runs": 2}], results
    assert retries == 0


def test_a_500_of_an_older_service_is_not_retried(calls: Calls, old: Stack) -> None:
    name = _name()
    [failed, runs], retries = calls(old, [
        {"method": "runs.fail", "params": {"name": name}, "retries": 2},
        {"method": "runs.get", "params": {"name": name}, "retries": 0},
    ])
    assert failed["error"] == {"code": 500, "message": "internal error; it may have run", "temporary": True, "may_have_run": True}
    assert (runs["data"], retries) == ({"runs": 1}, 0)
