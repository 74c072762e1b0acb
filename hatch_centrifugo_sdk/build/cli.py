"""``python -m hatch_centrifugo_sdk COMMAND``: the build's checks and renderers, and a local stack.

check              import the handler modules and run the handler checklist: errors exit 1, warnings exit 0.
generate           write each SDK's source tree to DIR/<language>/ (no packaging), for local iteration.
centrifugo-config  write the Centrifugo v6 config that proxies RPC calls to your service.
dev                run Centrifugo and your ASGI app together on loopback, with tokens, until Ctrl-C.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any, Sequence

from ..runtime.errors import UserError
from .config import PLUGIN_NAME, Config, ConfigError, parse_config
from . import targets

# Marks a folder `generate` wrote, so it may replace it; any other folder is left alone.
GENERATED_MARKER = ".centrifugo-sdk-generated"


class CliError(UserError):
    """A problem with the project or the arguments, reported as one line."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .pipeline import is_user_error

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
    from .pipeline import Project, load_api
    from .lint import lint, summarise
    from ..runtime.registry import default_registry

    root = args.project.resolve()
    metadata, config = read_project(root)
    # The API does not depend on the version, so a dynamic version source is not consulted.
    api = load_api(Project(root, metadata.name, ""), config)
    handlers = [h for h in default_registry]
    warnings = lint(handlers, config.modules, config.silence_warnings, typescript="typescript" in config.languages)
    for line in summarise(warnings, config.table):
        print(f"warning: {line}")
    where = [f"the apps of {config.django_settings}"] if config.django_settings else []
    print(
        f"{len(api.methods)} handlers in {', '.join(where + list(config.modules))}: no errors, "
        f"{len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
    )
    return 0


def generate(args: argparse.Namespace) -> int:
    from .pipeline import Project, load_api, render, sdk_infos

    root = args.project.resolve()
    metadata, config = read_project(root, languages=args.lang)
    project = Project(root, metadata.name, _version(metadata))
    api = load_api(project, config)
    infos = sdk_infos(project, config, api.hash)
    # Everything is rendered before anything is written: a failure leaves --out as it was.
    trees = {language: render(api, targets.target(language), sdk) for language, sdk in infos.items()}
    out = args.out.resolve()
    for language, files in trees.items():
        dest = out / language
        _replace_tree(dest, files)
        sdk = infos[language]
        print(f"{language}: {targets.target(language).published_name(sdk.options)} {sdk.version}, {len(files)} files in {dest}")
    return 0


def write_centrifugo_config(args: argparse.Namespace) -> int:
    import json
    import os
    import secrets

    from ..runtime.centrifugo import centrifugo_config

    generated = []

    def secret(given: str | None, variable: str) -> str:
        value = given or os.environ.get(variable)
        if not value:
            value = secrets.token_hex(24)
            generated.append((variable, value))
        return value

    config = centrifugo_config(
        port=args.port,
        address=args.address,
        proxy_endpoint=args.proxy_endpoint,
        proxy_secret=secret(args.proxy_secret, "CENTRIFUGO_PROXY_SECRET"),
        token_secret=secret(args.token_secret, "CENTRIFUGO_TOKEN_SECRET"),
        api_key=secret(args.api_key, "CENTRIFUGO_API_KEY"),
        proxy_timeout=args.proxy_timeout,
        allowed_origins=args.allowed_origin or (),
        max_params_bytes=_max_params_bytes(args),
        namespaces=args.namespace or (),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    print(f"wrote {args.out}: RPC proxy to {args.proxy_endpoint}, listening on {args.address or '*'}:{args.port}")
    for variable, value in generated:  # the service needs the proxy secret; token issuers the token secret
        print(f"generated {variable}={value}")
    return 0


def dev(args: argparse.Namespace) -> int:
    from . import devserver

    try:
        devserver.run(
            args.app,
            centrifugo=devserver.find_centrifugo(args.centrifugo),
            workdir=args.workdir.resolve(),
            port=args.port,
            app_port=args.app_port,
            rpc_path=args.rpc_path,
            app_dir=args.app_dir,
            allowed_origins=args.allowed_origin or (),
            max_params_bytes=_max_params_bytes(args),
            namespaces=args.namespace or (),
            users=args.user or ("alice", "bob"),
            channels=_project_channels(args),
            subscribe_path=args.subscribe_path,
        )
    except devserver.DevServerError as exc:
        raise CliError(str(exc)) from None
    return 0


def _project_channels(args: argparse.Namespace) -> tuple[Any, ...]:
    """The channels the project's handler modules declare (none without a project): Centrifugo needs their namespaces."""
    from .pipeline import Project, load_api

    if not (args.project / "pyproject.toml").is_file():
        return ()
    root = args.project.resolve()
    metadata, config = read_project(root)
    return load_api(Project(root, metadata.name, metadata.version), config).channels


def _max_params_bytes(args: argparse.Namespace) -> int:
    """--max-params-bytes, else the project's max-params-bytes (the SDKs' limit), else the default."""
    from ..runtime.limits import DEFAULT_MAX_PARAMS_BYTES

    if args.max_params_bytes is not None:
        return int(args.max_params_bytes)
    if (args.project / "pyproject.toml").is_file():
        try:
            return read_project(args.project.resolve())[1].max_params_bytes
        except CliError:
            pass
    return DEFAULT_MAX_PARAMS_BYTES


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
        if not dest.is_dir() or (not (dest / GENERATED_MARKER).is_file() and any(dest.iterdir())):
            raise CliError(f"{dest} exists and was not written by generate; remove it or choose another --out")
    try:
        if dest.exists():
            shutil.rmtree(dest)
        for relative, text in sorted(files.items()):
            path = dest / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        (dest / GENERATED_MARKER).write_text("written by python -m hatch_centrifugo_sdk generate; replaced on each run\n")
    except OSError as exc:
        raise CliError(f"{dest}: cannot write there ({exc.strerror or exc}); make it writable or choose another --out") from None


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
        "--lang", action="append", choices=targets.names(), metavar="LANG",
        help=f"one of {', '.join(targets.names())}; repeat for several (default: the configured languages)",
    )
    generate_cmd.set_defaults(run=generate)

    centrifugo = argparse.ArgumentParser(add_help=False)
    centrifugo.add_argument("--port", type=int, default=8000, help="Centrifugo's port (default: 8000)")
    centrifugo.add_argument(
        "--allowed-origin", action="append", metavar="ORIGIN",
        help="a web page origin whose browsers may connect, e.g. http://localhost:5173; repeat for several",
    )
    centrifugo.add_argument(
        "--max-params-bytes", type=int, metavar="N",
        help="the SDKs' max-params-bytes (default: the project's setting, else 1 MiB)",
    )
    centrifugo.add_argument(
        "--namespace", action="append", metavar="NAME", help="a channel namespace to declare; repeat for several"
    )

    config_cmd = commands.add_parser(
        "centrifugo-config", parents=[project, centrifugo],
        help="write the Centrifugo v6 config that proxies RPC calls to your service",
    )
    config_cmd.add_argument("--proxy-endpoint", required=True, metavar="URL",
                            help="your service's RPC endpoint, e.g. http://service:9000/centrifugo/rpc")
    config_cmd.add_argument("--proxy-secret", metavar="SECRET",
                            help="shared with the service (default: $CENTRIFUGO_PROXY_SECRET, else generated)")
    config_cmd.add_argument("--token-secret", metavar="SECRET",
                            help="HMAC key of connection tokens (default: $CENTRIFUGO_TOKEN_SECRET, else generated)")
    config_cmd.add_argument("--api-key", metavar="KEY", help="server API key (default: $CENTRIFUGO_API_KEY, else generated)")
    config_cmd.add_argument("--address", default="127.0.0.1",
                            help='interface to listen on (default: 127.0.0.1; "" for every interface, in a container)')
    config_cmd.add_argument("--proxy-timeout", default="5s", help="above your handlers' timeouts (default: 5s)")
    config_cmd.add_argument("--out", type=Path, default=Path("centrifugo.json"), metavar="FILE",
                            help="where to write (default: centrifugo.json)")
    config_cmd.set_defaults(run=write_centrifugo_config)

    dev_cmd = commands.add_parser(
        "dev", parents=[project, centrifugo],
        help="run Centrifugo and your ASGI app (uvicorn) on loopback with fresh secrets and tokens, until Ctrl-C",
    )
    dev_cmd.add_argument("app", metavar="MODULE:APP", help="your ASGI app, as uvicorn takes it, e.g. my_service.app:app")
    dev_cmd.add_argument("--app-port", type=int, default=9000, help="the service's port (default: 9000)")
    dev_cmd.add_argument("--app-dir", type=Path, metavar="DIR", help="folder to import the app from (e.g. src)")
    dev_cmd.add_argument("--rpc-path", default="/centrifugo/rpc", help="the endpoint's path (default: /centrifugo/rpc)")
    dev_cmd.add_argument("--subscribe-path", default="/centrifugo/subscribe",
                         help="the subscribe proxy's path, for the project's channels (default: /centrifugo/subscribe)")
    dev_cmd.add_argument("--centrifugo", metavar="PATH", help="the Centrifugo v6 binary (default: $CENTRIFUGO_BIN or PATH)")
    dev_cmd.add_argument("--user", action="append", metavar="ID", help="print a token for this user (default: alice, bob)")
    dev_cmd.add_argument("--workdir", type=Path, default=Path(".centrifugo-dev"), metavar="DIR",
                         help="config, logs and tokens.json (default: .centrifugo-dev)")
    dev_cmd.set_defaults(run=dev)
    return parser
