"""The Python SDK: a wheel over centrifuge-python, with Pydantic models."""

from __future__ import annotations

from pathlib import Path

from ....ir import Api
from ...render import SdkInfo
from ...target import Files, Target
from . import names
from .options import PythonOptions, parse_options


# Rendering and packaging import Jinja2 and hatchling's builder: only when a build runs.
def _render(api: Api, sdk: SdkInfo[PythonOptions]) -> dict[str, str]:
    from .render import render

    return render(api, sdk)


def _package(files: Files, out: Path) -> Path:
    from .package import build_wheel

    return build_wheel(files, out)


def _verify(artifact: Path, sdk: SdkInfo[PythonOptions]) -> None:
    from .verify import verify

    verify(artifact, sdk)


TARGET = Target[PythonOptions](
    name="python",
    default_enabled=True,
    parse_options=parse_options,
    sdk_version=lambda pep440: pep440,
    type_name=names.python_type,
    method_name=names.python_method,
    reserved=names.PYTHON_RESERVED | names.PYTHON_SDK_NAMES,
    render=_render,
    package=_package,
    verify=_verify,
    checks="byte-compiling every module",
    published_name=lambda options: options.package,
)
