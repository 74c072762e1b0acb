"""Python: a channel's publications through the generated SDK's typed subscription against
centrifuge-python's raw subscription on the same channel.

    python channels_python.py WS_URL TOKEN USER API_URL API_KEY COUNT   (the sample SDK importable)

Blocks of the two kinds alternate; in a block only that kind is subscribed. Each publication goes
through Centrifugo's server API with its wall-clock send time (ns) inside the event; the latency is
receive time minus that. Prints the latencies (ms) of each kind as JSON.
"""

import asyncio
import http.client
import json
import sys
import time
from urllib.parse import urlsplit

import centrifuge
from sample_service_sdk import APIClient, CentrifugoRPCClient

URL, TOKEN, USER, API_URL, API_KEY, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
CHANNEL = f"todos.events:{USER}"
BLOCK = 100
WARMUP = 100


class Publisher:
    """One keep-alive HTTP connection to the server API, used from a worker thread."""

    def __init__(self) -> None:
        api = urlsplit(API_URL)
        self.path = api.path + "/publish"
        self.http = http.client.HTTPConnection(api.hostname, api.port, timeout=5)
        self.headers = {"X-API-Key": API_KEY, "Content-Type": "application/json"}

    def publish(self) -> int:
        stamp = time.time_ns()
        todo = {"id": 1, "title": str(stamp), "completed": False, "created_at": "2025-01-01T00:00:00Z"}
        self.http.request("POST", self.path, json.dumps({"channel": CHANNEL, "data": {"type": "created", "todo": todo}}), self.headers)
        answer = json.loads(self.http.getresponse().read())
        if "error" in answer:
            raise RuntimeError(answer)
        return stamp


async def main() -> None:
    loop = asyncio.get_running_loop()
    arrived: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    publisher = Publisher()

    class RawHandler(centrifuge.SubscriptionEventHandler):
        async def on_publication(self, ctx: centrifuge.PublicationContext) -> None:
            arrived.put_nowait((time.time_ns(), int(ctx.pub.data["todo"]["title"])))

    def typed_handler(event) -> None:
        arrived.put_nowait((time.time_ns(), int(event.todo.title)))

    raw_client = centrifuge.Client(URL, token=TOKEN, proxy=None)
    await raw_client.connect()
    await raw_client.ready(timeout=5)
    raw = raw_client.new_subscription(CHANNEL, events=RawHandler())
    async with CentrifugoRPCClient(URL, token=TOKEN) as rpc:
        typed = APIClient(rpc).todos_events(user_id=USER, on_event=typed_handler)
        kinds = {"sdk": typed, "raw": raw}

        async def run(kind: str, count: int, out: list[float]) -> None:
            await kinds[kind].subscribe()
            if kind == "raw":
                await raw.ready(timeout=5)
            for _ in range(count):
                stamp = await loop.run_in_executor(None, publisher.publish)
                while True:  # recovered publications of the other kind's blocks arrive too: skip them
                    try:
                        received, got = await asyncio.wait_for(arrived.get(), 10)
                    except TimeoutError:
                        raise RuntimeError(f"{kind}: no delivery in 10 s") from None
                    if got == stamp:
                        out.append((received - stamp) / 1e6)
                        break
            await kinds[kind].unsubscribe()

        out: dict[str, list[float]] = {"sdk": [], "raw": []}
        for kind in kinds:
            await run(kind, WARMUP, [])
        for block in range(COUNT // BLOCK):
            for kind in (("sdk", "raw") if block % 2 == 0 else ("raw", "sdk")):
                await run(kind, BLOCK, out[kind])
    await raw_client.disconnect()
    print(json.dumps(out))


asyncio.run(main())
