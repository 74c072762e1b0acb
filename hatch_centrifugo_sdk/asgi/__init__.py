"""Public import path of the ASGI endpoint; the code is in :mod:`hatch_centrifugo_sdk.runtime.asgi`."""

from ..runtime.asgi import RpcProxyApp

__all__ = ["RpcProxyApp"]
