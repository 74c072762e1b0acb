"""Typed client SDKs for Centrifugo RPC handlers, built by a Hatch build hook."""

from .connection import Connection
from .errors import ERROR_CODES, RpcError
from .registry import Handler, HandlerDefinitionError, Registry, default_registry, websocket_rpc

__all__ = [
    "ERROR_CODES",
    "RpcError",
    "Connection",
    "Handler",
    "HandlerDefinitionError",
    "Registry",
    "default_registry",
    "websocket_rpc",
]
