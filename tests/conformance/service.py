"""The conformance service as an ASGI app (``uvicorn tests.conformance.service:app``)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from hatch_centrifugo_sdk.asgi import RpcProxyApp
from hatch_centrifugo_sdk.channels import SubscribeProxyApp
from tests.conformance.models import registry

app = Starlette(routes=[
    Route("/centrifugo/rpc", RpcProxyApp.from_env(registry), methods=["POST"]),
    Route("/centrifugo/subscribe", SubscribeProxyApp.from_env(registry), methods=["POST"]),
])
