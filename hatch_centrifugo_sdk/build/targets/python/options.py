"""The Python SDK's table: ``[<hook table>.python]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...metadata import MetadataOverrides
from ...naming import snake
from ...options import MODULE, OptionsContext, Reader, metadata_overrides

_DIST_NAME = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")


@dataclass(frozen=True)
class PythonOptions:
    package: str  # the distribution name (pip install NAME)
    import_name: str  # the import package
    version: str | None = None
    metadata: MetadataOverrides = MetadataOverrides()  # description, licence, links for registries


def parse_options(sub: Reader, context: OptionsContext) -> PythonOptions:
    package = sub.text("package", default=f"{context.project_name}-sdk", pattern=_DIST_NAME, what="a distribution name")
    return PythonOptions(
        package=package,
        import_name=sub.text("import-name", default=snake(package), pattern=MODULE, what="a Python import name"),
        version=sub.text("version"),
        metadata=metadata_overrides(sub),
    )
