"""The conformance service as an ASGI app (``uvicorn tests.conformance.service:app``)."""

from __future__ import annotations

from hatch_centrifugo_sdk.asgi import RpcProxyApp
from tests.conformance.models import registry

app = RpcProxyApp.from_env(registry)
