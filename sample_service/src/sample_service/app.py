"""The service's ASGI app: the endpoint Centrifugo's RPC proxy posts to, and a health check.

Run it with ``uvicorn sample_service.app:app``. The endpoints read their settings from the
environment: ``CENTRIFUGO_PROXY_SECRET`` (the secret Centrifugo sends in its proxy
headers) or, for local experiments only, ``CENTRIFUGO_PROXY_INSECURE=1``. Handlers publish
their events through Centrifugo's server API: ``CENTRIFUGO_API_URL`` and ``CENTRIFUGO_API_KEY``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.channels import SubscribeProxyApp
from sample_service.handlers import tasks, todos  # noqa: F401  (importing registers the handlers)

RPC_PATH = "/centrifugo/rpc"
SUBSCRIBE_PATH = "/centrifugo/subscribe"  # who may subscribe to the declared channels


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


# A Route, not a Mount: a Mount answers its bare path ("/centrifugo/rpc", the proxy
# endpoint Centrifugo is configured with) with a redirect to "/centrifugo/rpc/".
app = Starlette(
    routes=[
        Route("/health", health, methods=["GET"]),
        Route(RPC_PATH, RpcProxyApp.from_env(), methods=["POST"]),
        Route(SUBSCRIBE_PATH, SubscribeProxyApp.from_env(), methods=["POST"]),
    ]
)
