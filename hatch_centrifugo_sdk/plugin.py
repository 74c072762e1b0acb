"""Hatch's entry point: registers the build hook."""

from hatchling.plugin import hookimpl

from .build.hook import CentrifugoSdkBuildHook


@hookimpl
def hatch_register_build_hook() -> type[CentrifugoSdkBuildHook]:
    return CentrifugoSdkBuildHook
