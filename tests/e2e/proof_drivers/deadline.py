"""Times calls of the Python SDK whose per-call timeout is given (the deadline tests and benchmark).

Reads JSON lines on stdin: {"url", "token", "client_timeout"} first (the client-wide timeout in
seconds, the SDK's default when null), then commands, each answered by one line:
{"do": "ready"} (a call that may wait up to 30 s: the client is connected again) and
{"do": "call", "timeout": seconds} (tasks.get_stats with that timeout and the default retries:
its outcome and the seconds it took). The sample SDK must be importable.
"""

import asyncio
import json
import sys
import time

import sample_service_sdk as sdk


def answer(value: object) -> None:
    print(json.dumps(value), flush=True)


async def main() -> None:
    given = json.loads(await asyncio.to_thread(sys.stdin.readline))
    client_timeout = {} if given["client_timeout"] is None else {"timeout": given["client_timeout"]}
    async with sdk.CentrifugoRPCClient(given["url"], given["token"], **client_timeout) as rpc:
        api = sdk.APIClient(rpc)
        params = sdk.TaskStatsParams(user_id="deadline")
        while line := await asyncio.to_thread(sys.stdin.readline):
            command = json.loads(line)
            timeout = 30.0 if command["do"] == "ready" else float(command["timeout"])
            started = time.monotonic()
            try:
                await api.tasks_get_stats(params, timeout=timeout)
                outcome: dict[str, object] = {"ok": True}
            except sdk.RpcError as exc:
                outcome = {
                    "ok": False, "code": exc.code, "error": type(exc).__name__, "temporary": exc.temporary,
                    "may_have_run": exc.may_have_run, "message": str(exc),
                }
            answer({**outcome, "elapsed": time.monotonic() - started})


asyncio.run(main())
