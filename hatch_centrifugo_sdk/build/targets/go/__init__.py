"""The Go SDK: a module folder over centrifuge-go."""

from __future__ import annotations

from pathlib import Path

from ....ir import Api
from ...render import SdkInfo
from ...target import Files, Target
from ...versions import to_semver
from . import names
from .options import GoOptions, for_version, parse_options


def _render(api: Api, sdk: SdkInfo[GoOptions]) -> dict[str, str]:
    from .render import render  # Jinja2: only when a build runs

    return render(api, sdk)


def _package(files: Files, out: Path) -> Path:
    from .package import write_module

    return write_module(files, out)


def _verify(artifact: Path, sdk: SdkInfo[GoOptions]) -> None:
    from .verify import verify

    verify(artifact, sdk)


def _artifact_dir(sdk: SdkInfo[GoOptions], out: Path) -> Path:
    """A folder of its own per version: Go modules are consumed as folders, not archives."""
    return out / f"go-{sdk.options.package}-v{sdk.version}"


TARGET = Target[GoOptions](
    name="go",
    default_enabled=True,
    parse_options=parse_options,
    sdk_version=to_semver,
    type_name=names.go_type,
    method_name=names.go_method,
    reserved=names.GO_RESERVED,
    render=_render,
    package=_package,
    verify=_verify,
    checks="gofmt -l, go vet, go build",
    published_name=lambda options: options.module,
    artifact_dir=_artifact_dir,
    for_version=for_version,
)
