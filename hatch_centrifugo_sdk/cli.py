"""``python -m hatch_centrifugo_sdk check|generate``: the build's checks and renderers, without a build.

check     import the handler modules and run the guide's checklist: errors exit 1, warnings exit 0.
generate  write each SDK's source tree to DIR/<language>/ (no packaging), for local iteration.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
from pathlib import Path
from typing import Any, Sequence

from .config import PLUGIN_NAME, Config, ConfigError, parse_config
from .render import LANGUAGES

# Marks a folder `generate` wrote, so it may replace it; any other folder is left alone.
GENERATED_MARKER = ".centrifugo-sdk-generated"


class CliError(Exception):
    """A problem with the project or the arguments, reported as one line."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .build import is_user_error

    try:
        return int(args.run(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        for error in getattr(exc, "errors", [exc]):  # HandlerDefinitionErrors: one line each
            print(f"error: {error}", file=sys.stderr)
    return 1


def check(args: argparse.Namespace) -> int:
    from .build import Project, load_api
    from .lint import lint
    from .registry import default_registry

    root = args.project.resolve()
    metadata, config = read_project(root)
    # The API does not depend on the version, so a dynamic version source is not consulted.
    api = load_api(Project(root, metadata.name, ""), config)
    handlers = [h for h in default_registry]
    warnings = lint(handlers, config.modules)
    for warning in warnings:
        print(f"warning: {warning}")
    print(
        f"{len(api.methods)} handlers in {', '.join(config.modules)}: no errors, "
        f"{len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
    )
    return 0


def generate(args: argparse.Namespace) -> int:
    from .build import Project, load_api, sdk_infos

    root = args.project.resolve()
    metadata, config = read_project(root, languages=args.lang)
    project = Project(root, metadata.name, _version(metadata))
    api = load_api(project, config)
    infos = sdk_infos(project, config, api.hash)
    # Everything is rendered before anything is written: a failure leaves --out as it was.
    trees = {
        language: importlib.import_module(f"{__package__}.render.{language}").render(api, sdk)
        for language, sdk in infos.items()
    }
    out = args.out.resolve()
    for language, files in trees.items():
        dest = out / language
        _replace_tree(dest, files)
        print(f"{language}: {infos[language].package_name} {infos[language].version}, {len(files)} files in {dest}")
    return 0


def read_project(root: Path, languages: Sequence[str] | None = None) -> tuple[Any, Config]:
    """The project's hatchling metadata and the hook's config (``languages`` overrides the table's)."""
    from hatchling.metadata.core import ProjectMetadata
    from hatchling.plugin.manager import PluginManager

    if not (root / "pyproject.toml").is_file():
        raise CliError(f"{root / 'pyproject.toml'} not found; pass the project folder with --project")
    metadata = ProjectMetadata(str(root), PluginManager())
    try:
        name = metadata.name
    except Exception as exc:  # hatchling's ValueError for a missing or invalid [project] name
        raise CliError(f"{root / 'pyproject.toml'}: {exc}") from None
    wheel_hooks = _table(metadata.config, "tool", "hatch", "build", "targets", "wheel", "hooks")
    if PLUGIN_NAME in wheel_hooks:  # a target's table replaces the global one, as in hatchling
        prefix, raw = f"tool.hatch.build.targets.wheel.hooks.{PLUGIN_NAME}", wheel_hooks[PLUGIN_NAME]
    else:
        prefix = f"tool.hatch.build.hooks.{PLUGIN_NAME}"
        raw = _table(metadata.config, "tool", "hatch", "build", "hooks").get(PLUGIN_NAME)
        if raw is None:
            raise CliError(f"{root / 'pyproject.toml'} has no [{prefix}] table")
    if languages:
        raw = {**raw, "languages": list(languages)}
    try:
        return metadata, parse_config(raw, project_name=name, prefix=prefix)
    except ConfigError as exc:
        raise CliError(f"{root / 'pyproject.toml'}: {exc}") from None


def _version(metadata: Any) -> str:
    """``[project] version``, or what the dynamic version source (``[tool.hatch.version]``) says."""
    try:
        return str(metadata.version)
    except Exception as exc:
        raise CliError(f"cannot read the project's version: {exc}") from None


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data if isinstance(data, dict) else {}


def _replace_tree(dest: Path, files: dict[str, str]) -> None:
    if dest.exists():
        if not (dest / GENERATED_MARKER).is_file() and any(dest.iterdir()):
            raise CliError(f"{dest} exists and was not written by generate; remove it or choose another --out")
        shutil.rmtree(dest)
    for relative, text in sorted(files.items()):
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (dest / GENERATED_MARKER).write_text("written by python -m hatch_centrifugo_sdk generate; replaced on each run\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hatch_centrifugo_sdk",
        description="Check a service's RPC handlers, or write its SDK sources, without a build.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument(
        "--project", type=Path, default=Path("."), metavar="DIR", help="the service's folder (default: .)"
    )

    check_cmd = commands.add_parser(
        "check", parents=[project], help="check the handlers against the guide's checklist (exit 1 on errors)"
    )
    check_cmd.set_defaults(run=check)

    generate_cmd = commands.add_parser(
        "generate", parents=[project],
        help="write the SDK sources to DIR/<language>/ (replacing what generate wrote there), without packaging",
    )
    generate_cmd.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    generate_cmd.add_argument(
        "--lang", action="append", choices=LANGUAGES, metavar="LANG",
        help=f"one of {', '.join(LANGUAGES)}; repeat for several (default: the configured languages)",
    )
    generate_cmd.set_defaults(run=generate)
    return parser
