"""The TypeScript SDK: an npm tarball (ESM and type declarations) over the `centrifuge` package."""

from __future__ import annotations

from pathlib import Path

from ....ir import Api
from ...render import SdkInfo
from ...target import Files, Target
from ...versions import to_semver
from . import names
from .options import TypeScriptOptions, parse_options


def _render(api: Api, sdk: SdkInfo[TypeScriptOptions]) -> dict[str, str]:
    from .render import render  # Jinja2: only when a build runs

    return render(api, sdk)


def _package(files: Files, out: Path) -> Path:
    from .package import pack_tarball

    return pack_tarball(files, out)


def _verify(artifact: Path, sdk: SdkInfo[TypeScriptOptions]) -> None:
    from .verify import verify

    verify(artifact, sdk)


TARGET = Target[TypeScriptOptions](
    name="typescript",
    default_enabled=True,
    parse_options=parse_options,
    sdk_version=to_semver,
    type_name=names.ts_type,
    method_name=names.ts_method,
    reserved=names.TS_RESERVED,
    render=_render,
    package=_package,
    verify=_verify,
    checks="npm install, tsc --strict, node",
    published_name=lambda options: options.package,
)
