"""What every renderer shares: ``render(api, sdk) -> {relative path: text}`` (one per target).

Renderers are pure: same input, same files, byte for byte. Templates under
``targets/<language>/templates/`` hold the layout; the renderer module maps IR types to the
language's types and computes every value the templates show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

import jinja2

from ..runtime.errors import UserError
from ..runtime.limits import DEFAULT_MAX_PARAMS_BYTES
from .metadata import SdkMetadata

O = TypeVar("O")


class TargetError(UserError):
    """A type or name of the API that one target language cannot express.

    Renderers raise it naming the model (and field); the pipeline puts the ``file:line`` of
    the Python class in front, which only the parsed handlers know.
    """

    def __init__(self, message: str, model: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.model, self.field = model, field

    def at(self, model: str, field: str | None = None) -> TargetError:
        """The same error, naming ``model`` and ``field`` unless it names them already."""
        if self.model is None:
            self.model, self.field = model, field
        return self


@dataclass(frozen=True)
class SdkInfo(Generic[O]):
    """What one SDK is called and versioned as; ``options`` are its target's (names, overrides)."""

    service_name: str  # the service's distribution name, e.g. "sample-service"
    service_version: str  # the service's PEP 440 version
    api_hash: str  # Api.hash, embedded in every SDK
    version: str  # this SDK's version: PEP 440 for Python, SemVer for npm and Go
    options: O  # the target's options, e.g. targets/python/options.py's PythonOptions
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
