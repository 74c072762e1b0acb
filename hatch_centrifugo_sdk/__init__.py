"""Typed client SDKs for Centrifugo RPC handlers, built by a Hatch build hook."""

from .connection import Connection
from .registry import Handler, HandlerDefinitionError, Registry, default_registry, websocket_rpc

__all__ = [
    "Connection",
    "Handler",
    "HandlerDefinitionError",
    "Registry",
    "default_registry",
    "websocket_rpc",
]
