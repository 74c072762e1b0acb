"""The Go SDK's table: ``[<hook table>.go]``."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ...metadata import MetadataOverrides
from ...options import OptionsContext, Reader, metadata_overrides
from ...versions import go_major_suffix

_GO_MODULE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9._~-]+)+$")
_GO_PACKAGE = re.compile(r"^[a-z][a-z0-9]*$")


@dataclass(frozen=True)
class GoOptions:
    module: str  # the module path; for one SDK version, with its /vN suffix (see for_version)
    package: str  # the Go package name
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


def parse_options(sub: Reader, context: OptionsContext) -> GoOptions:
    module = sub.text(
        "module",
        required=context.enabled,
        pattern=_GO_MODULE,
        what="a Go module path such as 'github.com/acme/tasks-sdk' (or leave \"go\" out of languages)",
    )
    return GoOptions(
        module=module or "",
        package=sub.text("package", default=_package_name(module or ""), pattern=_GO_PACKAGE, what="a lower-case Go package name"),
        version=sub.text("version"),
        metadata=metadata_overrides(sub),
    )


def for_version(options: GoOptions, version: str) -> GoOptions:
    """Go's rule: a module at major version N >= 2 has the path suffix ``/vN``."""
    return dataclasses.replace(options, module=go_major_suffix(options.module, version))


def _package_name(module: str) -> str:
    """The module path's last element (before any /vN), reduced to a Go package name."""
    parts = [p for p in module.split("/") if p]
    if len(parts) > 1 and re.fullmatch(r"v[0-9]+", parts[-1]):
        parts.pop()
    name = re.sub(r"[^a-z0-9]", "", parts[-1].lower()) if parts else ""
    if not name:
        return "sdk"
    return f"sdk{name}" if name[0].isdigit() else name
