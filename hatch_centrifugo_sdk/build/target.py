"""What one SDK language is to the build: a :class:`Target`, one per ``targets/<language>/``.

Everything the build does per language (reading its options table, refusing names it cannot
tell apart, rendering, packaging, verifying, placing the artifact) asks the target, and the
list of targets is ``targets.TARGETS``: adding a language adds a folder and one entry there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generic, Mapping, Protocol, TypeVar

from ..ir import Api
from .metadata import MetadataOverrides
from .options import OptionsContext, Reader
from .render import SdkInfo


class TargetOptions(Protocol):
    """What every target's options have (its own keys come on top)."""

    @property
    def version(self) -> str | None: ...  # the SDK's version override

    @property
    def metadata(self) -> MetadataOverrides: ...  # description, licence, links for registries


O = TypeVar("O", bound=TargetOptions)
Files = Mapping[str, str]  # relative POSIX path → text


@dataclass(frozen=True)
class Target(Generic[O]):
    name: str  # the entry of `languages`, the options sub-table's key, the manifest's `language`
    # Built when `languages` is not set. Only the languages of 1.0 are: a project that never
    # listed its languages must not start building (and publishing) a language added later.
    default_enabled: bool
    parse_options: Callable[[Reader, OptionsContext], O]  # reads [<hook table>.<name>]
    sdk_version: Callable[[str], str]  # the service's PEP 440 version → this SDK's version
    type_name: Callable[[str], str]  # an API model's or enum's name in this SDK
    method_name: Callable[[str], str]  # a method's wire name → its name on the SDK's client
    reserved: frozenset[str]  # keywords, builtins and the SDK's own declared names
    render: Callable[[Api, SdkInfo[O]], dict[str, str]]  # pure: same input, same files
    package: Callable[[Files, Path], Path]  # files → the artifact written into a folder; its path
    verify: Callable[[Path, SdkInfo[O]], None]  # the artifact checked with the language's toolchain
    checks: str  # what verify runs, as the build announces it
    published_name: Callable[[O], str]  # what the registry (or `go get`) knows the SDK as
    # Where under the output folder the packager writes (the Go module is a folder of its own).
    artifact_dir: Callable[[SdkInfo[O], Path], Path] = lambda sdk, out: out
    # The options as one version of the SDK sees them (Go's module path takes a /vN suffix).
    for_version: Callable[[O, str], O] = lambda options, version: options


AnyTarget = Target[Any]
