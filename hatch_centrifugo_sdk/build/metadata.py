"""What registries show about each SDK: licence, description, links, authors, keywords.

Taken from the service's static ``[project]`` table (and its licence file) and overridden per
SDK by the hook's ``python``/``typescript``/``go`` tables, so an SDK published to PyPI, npm or a
Go repository says whose it is and under which licence, as the service's own wheel does.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Keys of [project.urls] that name the source repository, and the home page, in preference order.
_REPOSITORY_KEYS = ("repository", "source", "source code", "code")
_HOMEPAGE_KEYS = ("homepage", "home", "documentation", "docs")
_LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt", "COPYING")
# Added to every SDK's keywords: how people search registries for such a client.
SDK_KEYWORDS = ("centrifugo", "rpc", "sdk")


@dataclass(frozen=True)
class SdkMetadata:
    description: str | None = None  # the service's, or this SDK's override
    description_overridden: bool = False
    license: str | None = None  # an SPDX expression, e.g. "MIT"
    license_text: str | None = None  # shipped as LICENSE in every SDK
    authors: tuple[tuple[str, str], ...] = ()  # (name, email); either may be ""
    keywords: tuple[str, ...] = ()
    homepage: str | None = None
    repository: str | None = None

    def describe(self, client: str) -> str:
        """The SDK's one-line description: ``client`` (what the SDK is) and what the service does."""
        if self.description_overridden and self.description:
            return self.description
        return f"{client}: {self.description}" if self.description else client


@dataclass(frozen=True)
class MetadataOverrides:
    """Per-SDK replacements from the hook's language tables; None keeps the service's value."""

    description: str | None = None
    license: str | None = None
    keywords: tuple[str, ...] | None = None
    homepage: str | None = None
    repository: str | None = None


def project_metadata(root: Path) -> SdkMetadata:
    """The static metadata of ``root/pyproject.toml`` (nothing for fields it leaves dynamic)."""
    try:
        project: dict[str, Any] = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return SdkMetadata()
    license_value = project.get("license")
    expression = license_value if isinstance(license_value, str) else None
    urls = {str(k).lower(): str(v) for k, v in (project.get("urls") or {}).items()}
    authors = tuple(
        (str(a.get("name", "")), str(a.get("email", ""))) for a in project.get("authors") or [] if isinstance(a, dict)
    )
    return SdkMetadata(
        description=project.get("description") or None,
        license=expression,
        license_text=_license_text(root, project),
        authors=authors,
        keywords=tuple(str(k) for k in project.get("keywords") or []),
        homepage=next((urls[k] for k in _HOMEPAGE_KEYS if k in urls), None),
        repository=next((urls[k] for k in _REPOSITORY_KEYS if k in urls), None),
    )


def for_sdk(service: SdkMetadata, overrides: MetadataOverrides | None) -> SdkMetadata:
    """The service's metadata with one SDK's overrides applied and the SDK keywords added."""
    o = overrides or MetadataOverrides()
    keywords = o.keywords if o.keywords is not None else service.keywords
    return replace(
        service,
        description=o.description or service.description,
        description_overridden=o.description is not None,
        license=o.license or service.license,
        keywords=tuple(dict.fromkeys([*keywords, *SDK_KEYWORDS])),
        homepage=o.homepage or service.homepage,
        repository=o.repository or service.repository,
    )


def _license_text(root: Path, project: dict[str, Any]) -> str | None:
    """The licence file's text: PEP 639 ``license-files``, ``license = {file = ...}``, or LICENSE."""
    names: list[str] = []
    license_value = project.get("license")
    if isinstance(license_value, dict) and isinstance(license_value.get("file"), str):
        names.append(license_value["file"])
    names += [n for n in project.get("license-files") or [] if isinstance(n, str) and not any(c in n for c in "*?[")]
    names += list(_LICENSE_FILES)
    for name in names:
        path = root / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    if isinstance(license_value, dict) and isinstance(license_value.get("text"), str):
        return str(license_value["text"])
    return None
