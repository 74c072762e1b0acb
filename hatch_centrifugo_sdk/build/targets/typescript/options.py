"""The TypeScript SDK's table: ``[<hook table>.typescript]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...metadata import MetadataOverrides
from ...options import OptionsContext, Reader, metadata_overrides

_NPM_NAME = re.compile(r"^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$")


@dataclass(frozen=True)
class TypeScriptOptions:
    package: str  # the npm package name, scoped or not
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


def parse_options(sub: Reader, context: OptionsContext) -> TypeScriptOptions:
    return TypeScriptOptions(
        package=sub.text(
            "package", default=f"{context.project_name}-sdk".lower(), pattern=_NPM_NAME,
            what="an npm package name such as '@scope/name'",
        ),
        version=sub.text("version"),
        metadata=metadata_overrides(sub),
    )
