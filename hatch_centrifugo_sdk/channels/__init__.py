"""Public import path of typed channels; the code is in :mod:`hatch_centrifugo_sdk.runtime`."""

from ..runtime.channels import Channel, History, channel
from ..runtime.publish import Publication, PublishError, Publisher, configure_publisher, publication
from ..runtime.subscribe import SubscribeProxy, SubscribeProxyApp

__all__ = [
    "Channel",
    "History",
    "Publication",
    "PublishError",
    "Publisher",
    "SubscribeProxy",
    "SubscribeProxyApp",
    "channel",
    "configure_publisher",
    "publication",
]
