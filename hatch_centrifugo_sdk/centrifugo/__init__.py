"""Public import path of the Centrifugo helpers; the code is in :mod:`hatch_centrifugo_sdk.runtime.centrifugo`."""

from ..runtime.centrifugo import centrifugo_config, make_token

__all__ = ["centrifugo_config", "make_token"]
