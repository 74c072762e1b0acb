"""Exactly-once creates while service instances and Centrifugo are killed (the small version of
tests/e2e/reliability_proof.py), from each SDK: two instances behind a balancer, a shared Redis store."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from .reliability_proof import (
    CreateAll, Outcome, Stack, driver_creates, go_driver, proof_stack, python_creates, run_proof, typescript_driver,
)

CALLS, SECONDS, EVERY = 120, 10.0, (0.5, 1.5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with proof_stack(tmp_path_factory.mktemp("proof")) as stack:
        yield stack


@pytest.fixture(scope="module")
def sdk(sample_sdks: dict[str, Path]) -> Any:
    sys.path.insert(0, str(sample_sdks["python"]))
    import sample_service_sdk

    return sample_service_sdk


def prove(stack: Stack, language: str, creates: CreateAll, seed: int) -> None:
    result, counts = run_proof(stack, language, creates, calls=CALLS, seconds=SECONDS, seed=seed, every=EVERY)
    print(language, result, counts)
    assert counts["service kills"] + counts["centrifugo kills"] >= 2, counts
    assert result.succeeded > 0 and result.holds, (result, counts)


def test_python_creates_are_stored_exactly_once_under_faults(stack: Stack, sdk: Any) -> None:
    async def creates(stack: Stack, user: str, titles: list[str], seconds: float) -> tuple[list[Outcome], int]:
        return await python_creates(stack, user, titles, seconds, sdk)

    prove(stack, "python", creates, seed=7)


@pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")), reason="needs node and npm")
def test_typescript_creates_are_stored_exactly_once_under_faults(
    stack: Stack, sample_sdks: dict[str, Path], tmp_path: Path
) -> None:
    prove(stack, "typescript", driver_creates(typescript_driver(sample_sdks["typescript"], tmp_path)), seed=8)


def test_go_creates_are_stored_exactly_once_under_faults(
    stack: Stack, sample_sdks: dict[str, Path], tmp_path: Path
) -> None:
    assert shutil.which("go"), "the Go toolchain (go on PATH) is needed to test the Go SDK"
    prove(stack, "go", driver_creates(go_driver(sample_sdks["go"], tmp_path)), seed=9)
