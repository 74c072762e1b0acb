"""Where the dispatcher's time goes: one request in-process, no server, against the hand-written path.

    python bench/profile_dispatch.py [--calls 20000] [--method tasks.get_stats] [--keyed]

Prints µs per request for ``Dispatcher.dispatch``, for the hand-written endpoint's work
(JSON parse, params validation, handler, dump) and for the dispatcher with its previous
deadline (an ``asyncio.timeout`` per call instead of the shared watcher, in this process
only), then cProfile's top functions of dispatch. The benchmark's handlers finish without
suspending, which needs no deadline: for them the last two lines measure the same path.
``--keyed`` adds "dispatcher, idempotency key": every request with a fresh key (deduplication on:
the key is taken out of the params, the handler runs and its outcome is stored).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CENTRIFUGO_PROXY_SECRET", "bench-secret")

import bench_apps  # noqa: E402
from common import machine_lines, median  # noqa: E402
from runtime_bench import keyed_body, proxy_body  # noqa: E402

from hatch_centrifugo_sdk.runtime import dispatch as dispatch_module  # noqa: E402
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER  # noqa: E402


async def timeout_per_call(call, timeout):  # type: ignore[no-untyped-def]
    """The dispatcher's previous deadline: an ``asyncio.timeout`` (one timer) per call."""
    try:
        async with asyncio.timeout(timeout) as deadline:
            return await call
    except TimeoutError:
        if deadline.expired():
            raise dispatch_module._Timeout from None
        raise


async def handwritten(body: bytes) -> bytes:
    """The hand-written app's work for one request, minus the ASGI send/receive."""
    request = json.loads(body)
    params_model, handler = bench_apps._ROUTES[request["method"]]
    params = params_model.model_validate(request.get("data", {}))
    result = await handler(params)
    return b'{"result":{"data":' + result.model_dump_json().encode() + b"}}"


async def timed(call, body: bytes, calls: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(calls):
        await call(body)
    return (time.perf_counter() - start) / calls * 1e6


def keyed_bodies(method: str, count: int) -> list[bytes]:
    """``count`` requests as the SDKs send them, each with a key of its own."""
    template = keyed_body(method)
    placeholder = b"0" * 32  # keyed_body's key
    return [template.replace(placeholder, b"%032d" % number) for number in range(count)]


async def main(calls: int, method: str, keyed: bool) -> None:
    dispatcher = bench_apps.dispatcher_app.dispatcher
    headers = {PROXY_SECRET_HEADER.lower(): os.environ["CENTRIFUGO_PROXY_SECRET"]}
    body = proxy_body(method)

    async def dispatch(b: bytes) -> bytes:
        return (await dispatcher.dispatch(b, headers)).body

    original_run = dispatch_module._run_with_timeout

    async def with_timeout_per_call(b: bytes) -> bytes:
        dispatch_module._run_with_timeout = timeout_per_call
        try:
            return (await dispatcher.dispatch(b, headers)).body
        finally:
            dispatch_module._run_with_timeout = original_run

    assert await dispatch(body) == await handwritten(body) == await with_timeout_per_call(body)
    rounds: dict[str, list[float]] = {"dispatcher": [], "hand-written": [], "dispatcher, asyncio.timeout per call": []}
    fresh = iter(keyed_bodies(method, calls + 1) if keyed else ())

    async def dispatch_keyed(b: bytes) -> bytes:
        return (await dispatcher.dispatch(next(fresh), headers)).body

    if keyed:
        assert await dispatch_keyed(body) == await dispatch(body)
        rounds["dispatcher, idempotency key"] = []
    for _ in range(5):
        rounds["dispatcher"].append(await timed(dispatch, body, calls // 5))
        if keyed:
            rounds["dispatcher, idempotency key"].append(await timed(dispatch_keyed, body, calls // 5))
        rounds["hand-written"].append(await timed(handwritten, body, calls // 5))
        if sys.version_info >= (3, 11):
            rounds["dispatcher, asyncio.timeout per call"].append(await timed(with_timeout_per_call, body, calls // 5))
    print(f"Machine:\n{machine_lines()}\n\n{method}, in-process, µs per request (median of 5 alternating runs):")
    for name, values in rounds.items():
        if values:
            print(f"  {name}: {median(values):.1f}")
    profile = cProfile.Profile()
    profile.enable()
    await timed(dispatch, body, calls // 5)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(18)
    print(text.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--method", default="tasks.get_stats")
    parser.add_argument("--keyed", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.method, args.keyed))
