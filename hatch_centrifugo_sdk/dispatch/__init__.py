"""Public import path of the dispatcher; the code is in :mod:`hatch_centrifugo_sdk.runtime.dispatch`."""

from ..runtime.dispatch import API_VERSION_METHOD, PROXY_SECRET_HEADER, ApiVersionParams, ApiVersionResult, Dispatcher, Reply

__all__ = ["API_VERSION_METHOD", "PROXY_SECRET_HEADER", "ApiVersionParams", "ApiVersionResult", "Dispatcher", "Reply"]
