"""Public import path of the Django views; the code is in :mod:`hatch_centrifugo_sdk.runtime.django`."""

from ..runtime.django import dispatcher_from_settings, rpc_proxy_view, subscribe_proxy_view

__all__ = ["dispatcher_from_settings", "rpc_proxy_view", "subscribe_proxy_view"]
