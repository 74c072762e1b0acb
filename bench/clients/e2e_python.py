"""Python: the generated SDK's call against centrifuge-python's raw ``rpc()``, same server.

    python e2e_python.py WS_URL TOKEN METHOD CALLS   (the SDK package importable)

Three kinds of call, one at a time, in blocks whose order rotates: ``sdk`` (retries on, a
fresh idempotency key per call), ``raw`` (the same wire form: the params with a fresh key as
their first member) and ``raw_bare`` (the params alone). Prints the latencies (ms) of each
kind as JSON.
"""

import asyncio
import json
import sys
import time
import uuid

import centrifuge
from bench_service_sdk import APIClient, CentrifugoRPCClient, ListParams, TaskStatsParams

URL, TOKEN, METHOD, CALLS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PAYLOADS = {"tasks.get_stats": {"user_id": "u-1", "include_completed": True}, "tasks.list": {"user_id": "u-1", "limit": 20}}
KEY = "$idempotency_key"
BLOCK = 100
WARMUP = 200


async def main() -> None:
    data = PAYLOADS[METHOD]
    raw = centrifuge.Client(URL, token=TOKEN, proxy=None)
    await raw.connect()
    await raw.ready(timeout=5)
    async with CentrifugoRPCClient(URL, token=TOKEN, retries=2) as rpc:  # the default, said out loud
        api = APIClient(rpc)
        if METHOD == "tasks.get_stats":
            params = TaskStatsParams(**data)
            sdk_call = lambda: api.tasks_get_stats(params)  # noqa: E731
        else:
            params = ListParams(**data)
            sdk_call = lambda: api.tasks_list(params)  # noqa: E731

        async def raw_call():
            return (await raw.rpc(METHOD, {KEY: uuid.uuid4().hex, **data})).data

        async def raw_bare_call():
            return (await raw.rpc(METHOD, data)).data

        kinds = {"sdk": sdk_call, "raw": raw_call, "raw_bare": raw_bare_call}
        answer = (await sdk_call()).model_dump(mode="json")
        assert answer == await raw_call() == await raw_bare_call()  # the same answer each way
        out = {kind: [] for kind in kinds}
        for call in kinds.values():
            for _ in range(WARMUP):
                await call()
        names = list(kinds)
        for block in range(CALLS // BLOCK):
            shift = block % len(names)
            for kind in names[shift:] + names[:shift]:
                call = kinds[kind]
                for _ in range(BLOCK):
                    start = time.perf_counter()
                    await call()
                    out[kind].append((time.perf_counter() - start) * 1000)
    await raw.disconnect()
    print(json.dumps(out))


asyncio.run(main())
