"""A small HTTP/1.1 load generator for loopback benchmarks, bounded in count and time.

Keep-alive connections each send one request at a time (as Centrifugo's proxy does) and
time every response. Raw asyncio streams keep the driver's own cost low next to the server.

    python bench/load.py PORT PATH BODY_FILE HEADER=VALUE... [--connections 16] [--requests 20000] [--seconds 20]
                         [--fresh-keys]

``--fresh-keys``: the body carries an idempotency key (``"$idempotency_key":"..."``), which each
request replaces with a key of the same length never sent before, as SDK calls do: a
deduplicating endpoint then stores every outcome and never answers from its store.

Prints one JSON object: requests, errors, seconds, throughput, p50/p99 latency (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile  # noqa: E402

HOST = "127.0.0.1"


KEY_MEMBER = b'"$idempotency_key":"'


class Requests:
    """The bytes of each request: the same each time, or with a fresh key in its key's place."""

    def __init__(self, request: bytes, fresh_keys: bool) -> None:
        self.request = request
        self.key_at = -1
        if fresh_keys:
            at = request.find(KEY_MEMBER)
            if at < 0:
                raise SystemExit("--fresh-keys: the body has no \"$idempotency_key\" member")
            self.key_at = at + len(KEY_MEMBER)
            self.key_width = request.index(b'"', self.key_at) - self.key_at
            if self.key_width < 16:
                raise SystemExit("--fresh-keys: the body's key must be 16 characters or more")
            self.run = secrets.token_hex(4).encode()  # keys of this run differ from every earlier run's
            self.count = 0

    def next(self, connection: int) -> bytes:
        if self.key_at < 0:
            return self.request
        self.count += 1
        key = self.run + b"%02d" % connection + b"%0*d" % (self.key_width - 10, self.count)
        return self.request[: self.key_at] + key + self.request[self.key_at + self.key_width :]


async def connection(
    port: int, requests: Requests, number: int, shared: dict[str, object], latencies: list[float], deadline: float
) -> int:
    reader, writer = await asyncio.open_connection(HOST, port)
    errors = 0
    try:
        while shared["left"] > 0 and time.perf_counter() < deadline:  # type: ignore[operator]
            shared["left"] -= 1  # type: ignore[operator]
            request = requests.next(number)
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 200") or not body.startswith(b'{"result"'):
                errors += 1
    finally:
        writer.close()
    return errors


async def run(
    port: int, path: str, body: bytes, headers: dict[str, str], connections: int, requests: int, seconds: float,
    fresh_keys: bool = False,
) -> dict[str, float]:
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}:{port}", "Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = Requests(("\r\n".join(lines) + "\r\n\r\n").encode() + body, fresh_keys)
    latencies: list[float] = []
    shared: dict[str, object] = {"left": requests}
    start = time.perf_counter()
    deadline = start + seconds
    errors = await asyncio.gather(*(connection(port, request, n, shared, latencies, deadline) for n in range(connections)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": elapsed,
        "throughput": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("path")
    parser.add_argument("body_file")
    parser.add_argument("headers", nargs="*", help="NAME=VALUE")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=1000, help="requests sent first and not counted")
    parser.add_argument("--fresh-keys", action="store_true", help="a new idempotency key in each request")
    args = parser.parse_args()
    body = Path(args.body_file).read_bytes()
    headers = dict(h.split("=", 1) for h in args.headers)
    if args.warmup:
        asyncio.run(run(args.port, args.path, body, headers, args.connections, args.warmup, args.seconds, args.fresh_keys))
    result = asyncio.run(
        run(args.port, args.path, body, headers, args.connections, args.requests, args.seconds, args.fresh_keys)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
