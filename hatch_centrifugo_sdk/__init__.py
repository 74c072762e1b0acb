"""Typed client SDKs for Centrifugo RPC handlers, built by a Hatch build hook."""

from .runtime.connection import Connection
from .runtime.errors import ERROR_CODES, RpcError, UserError
from .runtime.registry import Handler, HandlerDefinitionError, Registry, default_registry, websocket_rpc

__all__ = [
    "ERROR_CODES",
    "RpcError",
    "UserError",
    "Connection",
    "Handler",
    "HandlerDefinitionError",
    "Registry",
    "default_registry",
    "websocket_rpc",
]
