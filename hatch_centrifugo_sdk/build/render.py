"""One renderer per language: ``render(api, sdk) -> {relative path: text}``.

Renderers are pure: same input, same files, byte for byte. Templates under
``targets/<language>/templates/`` hold the layout; the renderer module maps IR types to the
language's types and computes every value the templates show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from ..runtime.limits import DEFAULT_MAX_PARAMS_BYTES
from .metadata import SdkMetadata

LANGUAGES = ("python", "typescript", "go")


@dataclass(frozen=True)
class SdkInfo:
    """What one SDK is called and versioned as."""

    service_name: str  # the service's distribution name, e.g. "sample-service"
    service_version: str  # the service's PEP 440 version
    api_hash: str  # Api.hash, embedded in every SDK
    version: str  # this SDK's version: PEP 440 for Python, SemVer for npm and Go
    package_name: str  # Python distribution name / npm package name / Go module path
    import_name: str  # Python import package / npm name again / Go package name
    changelog: str | None = None  # CHANGELOG.md shipped inside the SDK, when the build has one
    max_params_bytes: int = DEFAULT_MAX_PARAMS_BYTES  # larger params are refused by the SDK (413)
    metadata: SdkMetadata = SdkMetadata()  # licence, description, links: what registries show


def templates_dir(language: str) -> Path:
    return Path(__file__).resolve().parent / "targets" / language / "templates"


@lru_cache(maxsize=None)
def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir(language))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    return env


def render_template(language: str, name: str, **context: object) -> str:
    return environment(language).get_template(name).render(**context)
