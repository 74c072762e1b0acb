"""The Hatch build hook: thin glue between hatchling and :mod:`hatch_centrifugo_sdk.build`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from .config import PLUGIN_NAME, Config, ConfigError, parse_config


class CentrifugoSdkBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = PLUGIN_NAME

    def dependencies(self) -> list[str]:
        # The handler modules are imported at build time, so the isolated build
        # environment needs whatever the service imports (pydantic, ...).
        if self.target_name != "wheel":
            return []
        return list(self.metadata.core.dependencies)

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # SDKs are made once per build, with the wheel (the sdist carries the sources).
        if self.target_name != "wheel":
            return
        config = self._config()
        if version == "editable" and not config.editable:
            self.app.display_debug(f"{PLUGIN_NAME}: editable build, SDKs not generated (set editable = true to change)")
            return
        editable = version == "editable"
        if not editable and os.environ.get("PIP_BUILD_TRACKER") and not os.path.isabs(os.path.expanduser(config.output)):
            # `pip install .` / `pip wheel .` build into a temp folder pip deletes: SDKs
            # written there would be lost, so none are made (an absolute `output` still works).
            self.app.display_info(
                f"{PLUGIN_NAME}: built by pip, SDKs not generated (use hatch build or python -m build, "
                "or set an absolute output folder)"
            )
            return
        out_dir = self._safe_output_dir(config, editable=editable)
        from .pipeline import Project, generate, is_user_error  # heavy: renderers, jinja2, pydantic schema
        from .lint import lint, summarise
        from ..runtime.registry import default_registry

        project = Project(Path(self.root), self.metadata.name, self.metadata.version)
        self.app.display_info(f"{PLUGIN_NAME}: generating {', '.join(config.languages)} SDKs of {project.name} {project.version}")
        try:
            artifacts = generate(
                project,
                config,
                out_dir,
                log=lambda m: self.app.display_debug(f"{PLUGIN_NAME}: {m}"),
                warn=lambda m: self.app.display_warning(f"{PLUGIN_NAME}: {m}"),
                info=lambda m: self.app.display_info(f"{PLUGIN_NAME}: {m}"),
            )
        except Exception as exc:
            if is_user_error(exc) and not self.app.verbosity > 0:
                lines = [self._users_paths(f"{PLUGIN_NAME}: {e}") for e in getattr(exc, "errors", [exc])]
                self.app.abort("\n".join(lines))
            raise
        found = lint(default_registry, config.modules, config.silence_warnings, typescript="typescript" in config.languages)
        for line in summarise(found, config.table):
            self.app.display_warning(f"{PLUGIN_NAME}: {line}")
        for a in artifacts:
            self.app.display_success(f"{PLUGIN_NAME}: {out_dir / a.path}")

    def _users_paths(self, message: str) -> str:
        """Paths in the unpacked sdist that `python -m build` builds the wheel from, mapped back
        to the user's checkout: the output folder it was given is, by default, that checkout's dist/."""
        root = Path(self.root).resolve()
        if not (root / "PKG-INFO").is_file() or not self.directory:
            return message
        checkout = Path(self.directory).resolve().parent
        try:
            same = (checkout / "pyproject.toml").read_bytes() == (root / "pyproject.toml").read_bytes()
        except OSError:
            return message
        if checkout == root or not same:
            return message
        return message.replace(f"{root}{os.sep}", f"{checkout}{os.sep}")

    def clean(self, versions: list[str]) -> None:
        if self.target_name != "wheel":
            return
        import shutil

        from .output import remove_stale

        out_dir = self._safe_output_dir(self._config())
        remove_stale(out_dir)
        if out_dir.is_dir() and (out_dir / "sdk-manifest.json").is_file():
            shutil.rmtree(out_dir)

    def _config(self) -> Config:
        try:
            return parse_config(self.config, project_name=self.metadata.name, prefix=self._table_key())
        except ConfigError as exc:
            self.app.abort(f"{PLUGIN_NAME}: {exc}")
            raise  # abort exits; this keeps type checkers honest

    def _table_key(self) -> str:
        target_hooks = self.build_config.target_config.get("hooks", {})
        if PLUGIN_NAME in target_hooks:
            return f"tool.hatch.build.targets.{self.target_name}.hooks.{PLUGIN_NAME}"
        return f"tool.hatch.build.hooks.{PLUGIN_NAME}"

    def _safe_output_dir(self, config: Config, *, editable: bool = False) -> Path:
        """The output folder, refused (before any work) unless replacing it deletes nothing of the user's."""
        from .output import OutputError, check_output, resolve_output

        # Relative to the build's output folder (dist/ by default), never dist/ itself:
        # `hatch publish` uploads every top-level wheel there. Editable wheels are built in
        # a folder the installer deletes (pip, hatch environments): their SDKs go to dist/.
        base = Path(self.directory) if self.directory and not editable else Path(self.root) / "dist"
        out_dir = resolve_output(config.output, base)
        try:
            check_output(out_dir, output=config.output, key=f"{self._table_key()}.output", build_dir=base, root=Path(self.root))
        except OutputError as exc:
            self.app.abort(f"{PLUGIN_NAME}: {exc}")
            raise  # abort exits; this keeps type checkers honest
        return out_dir
