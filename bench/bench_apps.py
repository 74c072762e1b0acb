"""Two ASGI apps serving bench_service's handlers on Centrifugo's RPC proxy protocol.

- ``dispatcher_app``: the product's ``RpcProxyApp``;
- ``handwritten_app``: the least a hand-written endpoint does for the same job: check the
  secret, parse the JSON, validate the params with Pydantic, call the handler, dump the result.

Both read the proxy secret from ``CENTRIFUGO_PROXY_SECRET``.
"""

from __future__ import annotations

import hmac
import json
import os
from typing import Any

from pydantic import BaseModel, ValidationError

from bench_service import ListParams, TaskStatsParams, list_of, stats_of
from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.dispatch import PROXY_SECRET_HEADER

dispatcher_app = RpcProxyApp.from_env()

_ROUTES: dict[str, tuple[type[BaseModel], Any]] = {
    "tasks.get_stats": (TaskStatsParams, stats_of),
    "tasks.list": (ListParams, list_of),
}
_SECRET = os.environ.get("CENTRIFUGO_PROXY_SECRET", "").encode()
_SECRET_HEADER = PROXY_SECRET_HEADER.lower().encode()


async def handwritten_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    given = dict(scope["headers"]).get(_SECRET_HEADER, b"")
    if not hmac.compare_digest(given, _SECRET):
        await _send(send, 403, b'{"detail":"forbidden"}')
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    request = json.loads(body)
    params_model, handler = _ROUTES[request["method"]]
    try:
        params = params_model.model_validate(request.get("data", {}))
    except ValidationError as exc:
        error = {"error": {"code": 422, "message": str(exc), "temporary": False}}
        await _send(send, 200, json.dumps(error).encode())
        return
    result = await handler(params)
    await _send(send, 200, b'{"result":{"data":' + result.model_dump_json().encode() + b"}}")


async def _send(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
