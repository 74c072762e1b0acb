"""Idempotency keys, retries and the call deadline of the Python SDK, against a stack of its own
(these tests kill Centrifugo)."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from stack import Stack, http_ok

from .conftest import run_sample


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, sample_channels: tuple[Any, ...]) -> Iterator[Stack]:
    # tasks.create publishes on tasks.feed
    with run_sample(tmp_path_factory.mktemp("reliability-stack"), sample_channels) as stack:
        yield stack


@pytest.fixture(scope="module")
def sdk(sample_sdks: dict[str, Path]) -> Any:
    # The wheel is pure Python: importable from the archive itself.
    sys.path.insert(0, str(sample_sdks["python"]))
    import sample_service_sdk

    return sample_service_sdk


async def test_a_call_repeated_with_its_key_is_stored_once(stack: Stack, sdk: Any) -> None:
    async with sdk.CentrifugoRPCClient(stack.ws_url, stack.token("rel-1")) as rpc:
        api = sdk.APIClient(rpc)
        params = sdk.CreateTaskParams(user_id="rel-1", title="once")
        first = await api.tasks_create(params, idempotency_key="create-once")
        again = await api.tasks_create(params, idempotency_key="create-once")
        other = await api.tasks_create(params)
        listed = await api.tasks_list(sdk.ListParams(user_id="rel-1"))
    assert again.id == first.id != other.id
    assert sorted(t.id for t in listed.tasks) == sorted([first.id, other.id])


def _restart_later(stack: Stack, delay: float) -> threading.Thread:
    process = stack.centrifugo

    def restart() -> None:
        threading.Event().wait(delay)
        process.start(lambda: http_ok(f"http://127.0.0.1:{stack.centrifugo_port}/health"))

    thread = threading.Thread(target=restart)
    thread.start()
    return thread


async def test_the_calls_timeout_holds_while_centrifugo_is_down(stack: Stack, sdk: Any) -> None:
    # The client-wide timeout (0.5 s) is far shorter than the call's (60 s): the call must wait
    # for Centrifugo to come back, not give up when the client's own reconnect wait ends.
    async with sdk.CentrifugoRPCClient(stack.ws_url, stack.token("rel-2"), timeout=0.5) as rpc:
        api = sdk.APIClient(rpc)
        assert stack.centrifugo.process is not None
        stack.centrifugo.process.send_signal(signal.SIGKILL)
        stack.centrifugo.process.wait()
        restarter = _restart_later(stack, 1.5)
        try:
            stats = await api.tasks_get_stats(sdk.TaskStatsParams(user_id="rel-2"), timeout=60)
        finally:
            await asyncio.to_thread(restarter.join)
    assert stats.total == 0


async def test_a_call_with_no_reply_says_it_may_have_run(stack: Stack, sdk: Any) -> None:
    async with sdk.CentrifugoRPCClient(stack.ws_url, stack.token("rel-3")) as rpc:
        api = sdk.APIClient(rpc)
        stack.centrifugo.process.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
        try:
            with pytest.raises(sdk.RpcError) as raised:
                await api.tasks_get_stats(sdk.TaskStatsParams(user_id="rel-3"), timeout=0.5, retries=1)
        finally:
            stack.centrifugo.process.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
    assert raised.value.code == 1 and raised.value.may_have_run and "may have run" in str(raised.value)


@pytest.fixture(scope="module")
def unpublishable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The sample behind a Centrifugo that knows none of its channels: every create is stored,
    then its event cannot be published and the handler fails with 500."""
    with run_sample(tmp_path_factory.mktemp("unpublishable-stack")) as stack:
        yield stack


async def test_a_handler_that_failed_after_its_effect_says_it_may_have_run(unpublishable: Stack, sdk: Any) -> None:
    async with sdk.CentrifugoRPCClient(unpublishable.ws_url, unpublishable.token("rel-3"), retries=1) as rpc:
        api = sdk.APIClient(rpc)
        with pytest.raises(sdk.RpcError) as raised:
            await api.todos_create(sdk.CreateTodoParams(title="stored, not announced"))
        listed = await api.todos_list(sdk.ListTodosParams())
    assert raised.value.code == 500
    assert [t.title for t in listed.todos] == ["stored, not announced"]  # stored once, retry included
    assert raised.value.may_have_run and raised.value.message.endswith("; it may have run")
