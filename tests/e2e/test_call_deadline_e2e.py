"""A call's own timeout bounds the whole call, retries and reconnect waits included, in every SDK:
Centrifugo down, Centrifugo frozen, the service frozen, and Centrifugo back halfway through the
call (a stack of its own: these tests kill Centrifugo). The bounds asserted are functional (a
1 s call ends before 2 s; the bug this guards against took 5 s); how close to the timeout each
SDK ends is measured by bench/timeout_bench.py."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from stack import Stack

from .conftest import run_sample
from .deadlines import (
    CENTRIFUGO_BACK, CENTRIFUGO_DOWN, CENTRIFUGO_FROZEN, SERVICE_FROZEN, Driver, driver_command, measure,
    missing_tools,
)

TIMEOUT = 1.0
# Centrifugo comes back at half this one: long enough for it to start on a loaded machine.
BACK_TIMEOUT = 4.0
# A call's timeout six times the client-wide one of its client.
LONG_TIMEOUT = 3.0
# Timers may fire up to a clock tick early (asyncio runs callbacks within its clock resolution).
TICK = 0.01
# How each SDK names the timeout error (code 1): Python's class, TypeScript's ErrorCode, Go's type.
TIMEOUT_ERROR = {"python": "RpcTimeoutError", "typescript": "TIMEOUT", "go": "*servicesdk.RPCError"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with run_sample(tmp_path_factory.mktemp("deadline-stack")) as stack:
        yield stack


@pytest.fixture(scope="module", params=["python", "typescript", "go"])
def command(
    request: pytest.FixtureRequest, sample_sdks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[str], dict[str, str]]:
    """An SDK's deadline driver, built once: language, argv, environment."""
    language: str = request.param
    missing = missing_tools(language)
    if missing:
        pytest.skip(missing)
    argv, env = driver_command(language, sample_sdks[language], tmp_path_factory.mktemp(f"deadline-{language}"))
    return language, argv, env


@pytest.fixture(scope="module")
def driver(stack: Stack, command: tuple[str, list[str], dict[str, str]]) -> Iterator[tuple[str, Driver]]:
    language, argv, env = command
    with Driver(argv, stack, f"deadline-{language}", env) as driver:
        driver.ready()
        yield language, driver


def test_a_call_fails_at_its_timeout_while_centrifugo_is_down(stack: Stack, driver: tuple[str, Driver]) -> None:
    language, sdk = driver
    outcome = measure(stack, sdk, CENTRIFUGO_DOWN, TIMEOUT)
    assert (outcome.ok, outcome.code, outcome.error) == (False, 1, TIMEOUT_ERROR[language]), outcome
    # Never connected during the call: nothing was sent, so it cannot have run.
    assert outcome.may_have_run is False and "may have run" not in str(outcome.message), outcome
    assert TIMEOUT - TICK <= outcome.elapsed < 2 * TIMEOUT, outcome


@pytest.mark.parametrize("scenario", [CENTRIFUGO_FROZEN, SERVICE_FROZEN])
def test_a_call_without_a_reply_fails_at_its_timeout_and_may_have_run(
    stack: Stack, driver: tuple[str, Driver], scenario: str
) -> None:
    language, sdk = driver
    outcome = measure(stack, sdk, scenario, TIMEOUT)
    assert (outcome.ok, outcome.code, outcome.error) == (False, 1, TIMEOUT_ERROR[language]), outcome
    assert outcome.may_have_run is True and "may have run" in str(outcome.message), outcome
    assert TIMEOUT - TICK <= outcome.elapsed < 2 * TIMEOUT, outcome


def test_a_call_succeeds_when_centrifugo_comes_back_within_its_timeout(
    stack: Stack, driver: tuple[str, Driver]
) -> None:
    _, sdk = driver
    outcome = measure(stack, sdk, CENTRIFUGO_BACK, BACK_TIMEOUT)
    assert outcome.ok, outcome
    assert outcome.elapsed >= BACK_TIMEOUT / 2, outcome  # it did wait for Centrifugo


def test_a_client_timeout_shorter_than_the_calls_does_not_end_it_early(
    stack: Stack, command: tuple[str, list[str], dict[str, str]]
) -> None:
    # Each wait on the client library's own timeout (0.5 s) ends without a reply; the call goes on
    # until its own timeout, not until the retries run out.
    language, argv, env = command
    with Driver(argv, stack, f"deadline-short-{language}", env, client_timeout=0.5) as sdk:
        sdk.ready()
        outcome = measure(stack, sdk, CENTRIFUGO_FROZEN, LONG_TIMEOUT)
    assert (outcome.ok, outcome.code, outcome.error) == (False, 1, TIMEOUT_ERROR[language]), outcome
    assert outcome.may_have_run is True, outcome
    assert LONG_TIMEOUT - TICK <= outcome.elapsed < 2 * LONG_TIMEOUT, outcome
