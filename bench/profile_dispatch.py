"""Where the dispatcher's time goes: one request in-process, no server, against the hand-written path.

    python bench/profile_dispatch.py [--calls 20000] [--method tasks.get_stats]

Prints µs per request for ``Dispatcher.dispatch``, for the hand-written endpoint's work
(JSON parse, params validation, handler, dump) and for the dispatcher with the two changes
proposed in bench/RESULTS.md applied in this process only (a cached sorted registry, and
``asyncio.timeout`` instead of a task per call), then cProfile's top functions of dispatch.
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
from runtime_bench import proxy_body  # noqa: E402

from hatch_centrifugo_sdk import dispatch as dispatch_module  # noqa: E402
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER, Dispatcher  # noqa: E402
from hatch_centrifugo_sdk.registry import Registry  # noqa: E402


async def proposed_run_with_timeout(call, timeout):  # type: ignore[no-untyped-def]
    """The proposed dispatch._run_with_timeout (Python 3.11+): no extra task per call.

    ``expired()`` tells the deadline apart from a TimeoutError raised by the handler itself.
    """
    try:
        async with asyncio.timeout(timeout) as deadline:
            return await call
    except TimeoutError:
        if deadline.expired():
            raise dispatch_module._Timeout from None
        raise


class CachedRegistry(Registry):
    """The proposed Registry: the sorted handlers computed once per change, not per request."""

    def __init__(self) -> None:
        super().__init__()
        self._sorted: tuple | None = None  # type: ignore[type-arg]

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self._sorted is None:
            self._sorted = tuple(sorted(self._handlers.values(), key=lambda h: h.method))
        return iter(self._sorted)

    def add(self, handler):  # type: ignore[no-untyped-def]
        self._sorted = None
        super().add(handler)


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


async def main(calls: int, method: str) -> None:
    dispatcher = bench_apps.dispatcher_app.dispatcher
    headers = {PROXY_SECRET_HEADER.lower(): os.environ["CENTRIFUGO_PROXY_SECRET"]}
    body = proxy_body(method)

    async def dispatch(b: bytes) -> bytes:
        return (await dispatcher.dispatch(b, headers)).body

    cached = CachedRegistry()
    for handler in dispatcher.registry:
        cached.add(handler)
    proposed_dispatcher = Dispatcher(cached, proxy_secret=os.environ["CENTRIFUGO_PROXY_SECRET"])
    original_run = dispatch_module._run_with_timeout

    async def proposed(b: bytes) -> bytes:
        dispatch_module._run_with_timeout = proposed_run_with_timeout
        try:
            return (await proposed_dispatcher.dispatch(b, headers)).body
        finally:
            dispatch_module._run_with_timeout = original_run

    assert await dispatch(body) == await handwritten(body) == await proposed(body)
    rounds: dict[str, list[float]] = {"dispatcher": [], "hand-written": [], "dispatcher, proposed changes": []}
    for _ in range(5):
        rounds["dispatcher"].append(await timed(dispatch, body, calls // 5))
        rounds["hand-written"].append(await timed(handwritten, body, calls // 5))
        if sys.version_info >= (3, 11):
            rounds["dispatcher, proposed changes"].append(await timed(proposed, body, calls // 5))
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
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.method))
