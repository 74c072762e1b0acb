"""Exactly-once creates while service instances and Centrifugo are killed (the small version of
tests/e2e/reliability_proof.py): two instances behind a balancer, a shared Redis store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from .reliability_proof import Outcome, Stack, proof_stack, python_creates, run_proof


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with proof_stack(tmp_path_factory.mktemp("proof")) as stack:
        yield stack


@pytest.fixture(scope="module")
def sdk(sample_sdks: dict[str, Path]) -> Any:
    sys.path.insert(0, str(sample_sdks["python"]))
    import sample_service_sdk

    return sample_service_sdk


def test_python_creates_are_stored_exactly_once_under_faults(stack: Stack, sdk: Any) -> None:
    async def creates(stack: Stack, user: str, titles: list[str], seconds: float) -> list[Outcome]:
        return await python_creates(stack, user, titles, seconds, sdk)

    result, counts = run_proof(stack, "python", creates, calls=200, seconds=15, seed=7, every=(0.8, 2.0))
    print(result, counts)
    assert counts["service kills"] + counts["centrifugo kills"] >= 2, counts
    assert result.succeeded > 0 and result.holds, (result, counts)
