"""Python: the generated SDK's call against centrifuge-python's raw ``rpc()``, same payload, same server.

    python e2e_python.py WS_URL TOKEN METHOD CALLS   (the SDK package importable)

Two connections, calls one at a time, blocks of the two kinds alternating; prints the
latencies (ms) of each kind as JSON.
"""

import asyncio
import json
import sys
import time

import centrifuge
from bench_service_sdk import APIClient, CentrifugoRPCClient, ListParams, TaskStatsParams

URL, TOKEN, METHOD, CALLS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PAYLOADS = {"tasks.get_stats": {"user_id": "u-1", "include_completed": True}, "tasks.list": {"user_id": "u-1", "limit": 20}}
BLOCK = 100
WARMUP = 200


async def main() -> None:
    data = PAYLOADS[METHOD]
    raw = centrifuge.Client(URL, token=TOKEN, proxy=None)
    await raw.connect()
    await raw.ready(timeout=5)
    async with CentrifugoRPCClient(URL, token=TOKEN) as rpc:
        api = APIClient(rpc)
        if METHOD == "tasks.get_stats":
            params = TaskStatsParams(**data)
            sdk_call = lambda: api.tasks_get_stats(params)  # noqa: E731
        else:
            params = ListParams(**data)
            sdk_call = lambda: api.tasks_list(params)  # noqa: E731

        async def raw_call():
            return (await raw.rpc(METHOD, data)).data

        assert (await sdk_call()).model_dump(mode="json") == await raw_call()  # the same answer both ways
        out = {"sdk": [], "raw": []}
        for kind, call in (("sdk", sdk_call), ("raw", raw_call)):
            for _ in range(WARMUP):
                await call()
        for block in range(CALLS // BLOCK):
            order = (("sdk", sdk_call), ("raw", raw_call)) if block % 2 == 0 else (("raw", raw_call), ("sdk", sdk_call))
            for kind, call in order:
                for _ in range(BLOCK):
                    start = time.perf_counter()
                    await call()
                    out[kind].append((time.perf_counter() - start) * 1000)
    await raw.disconnect()
    print(json.dumps(out))


asyncio.run(main())
