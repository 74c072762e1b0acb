"""The build's Django mode (``django-settings``): ``django.setup()`` before the handlers are imported.

The guide registers handlers by importing them in ``AppConfig.ready()``, and handler modules
import models, which needs a loaded app registry. ``django.setup()`` gives both and opens no
database connection (connections are made on first query); while it and the imports run,
connecting is refused, so a build never needs a database nor writes to a SQLite file.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator

from ..runtime.registry import HandlerDefinitionError
from .places import is_within, quoted_line

KEY = "django-settings"
_UNCONFIGURED = ("settings are not configured", "Apps aren't loaded yet")
_NOT_INSTALLED = re.compile(
    r"Model class (?P<model>[\w.]+) doesn't declare an explicit app_label and isn't in an application in INSTALLED_APPS"
)


class DatabaseUsedDuringBuild(Exception):
    """Code run by django.setup() or a handler import tried to connect to a database."""


@contextmanager
def django_project(settings_module: str | None, root: Path) -> Iterator[None]:
    """Inside: Django set up with ``settings_module`` (nothing happens when it is None)."""
    if settings_module is None:
        yield
        return
    for path in (root, root / "src"):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    importlib.invalidate_caches()
    try:
        import django  # type: ignore[import-untyped]
        from django.db.backends.base.base import BaseDatabaseWrapper  # type: ignore[import-untyped]
    except ImportError:
        raise HandlerDefinitionError(
            _pyproject_line(root, settings_module), f"{KEY} {settings_module!r}",
            "Django is not installed in the build environment",
            "add django to [project] dependencies (the build sets the project up in its own environment)",
        ) from None
    settings_file = _import_settings(settings_module, root)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    connect = BaseDatabaseWrapper.connect

    def refuse(wrapper: Any) -> None:
        raise DatabaseUsedDuringBuild(
            f"the build refused to connect to database {wrapper.alias!r}: run queries in handlers, "
            "not at import or in AppConfig.ready()"
        )

    BaseDatabaseWrapper.connect = refuse
    try:
        _setup(django, settings_module, settings_file, root)
        yield
    finally:
        BaseDatabaseWrapper.connect = connect


def unconfigured_fix(exc: BaseException, root: Path) -> str | None:
    """The fix for a handler import that needed Django set up, or None for any other failure."""
    if type(exc).__module__ != "django.core.exceptions" or not any(s in str(exc) for s in _UNCONFIGURED):
        return None
    return (
        f'set {KEY} = "{_guess_settings(root)}" in the hook\'s table: the build then runs django.setup() '
        "before importing, and every AppConfig.ready() registers its handlers as in the service"
    )


def _import_settings(settings_module: str, root: Path) -> Path | None:
    try:
        module = importlib.import_module(settings_module)
    except ModuleNotFoundError as exc:
        if exc.name and (settings_module == exc.name or settings_module.startswith(exc.name + ".")):
            raise HandlerDefinitionError(
                _pyproject_line(root, settings_module), f"{KEY} {settings_module!r}",
                f"the settings module cannot be found (looked in {root} and {root / 'src'})",
                f"set {KEY} to the module manage.py names in DJANGO_SETTINGS_MODULE (here: {_guess_settings(root)!r})",
            ) from None
        raise _failure(f"importing {KEY} module {settings_module!r}", exc, root, _SETTINGS_FIX) from None
    except Exception as exc:
        raise _failure(f"importing {KEY} module {settings_module!r}", exc, root, _SETTINGS_FIX) from None
    return Path(module.__file__) if module.__file__ else None


_SETTINGS_FIX = (
    "make the settings module importable in the build environment (read secrets and hosts with defaults, "
    "e.g. os.environ.get): the build imports it to run django.setup()"
)


def _setup(django: Any, settings_module: str, settings_file: Path | None, root: Path) -> None:
    from django.apps import apps  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if apps.ready:  # set up earlier in this process (a second build of the same project)
        if settings.SETTINGS_MODULE != settings_module:
            raise HandlerDefinitionError(
                _pyproject_line(root, settings_module), f"{KEY} {settings_module!r}",
                f"Django is already set up in this process with {settings.SETTINGS_MODULE!r}",
                "build each Django project in its own process",
            )
        return
    try:
        django.setup()
    except Exception as exc:
        raise _setup_failure(exc, settings_module, settings_file, root) from None


def _setup_failure(exc: Exception, settings_module: str, settings_file: Path | None, root: Path) -> HandlerDefinitionError:
    settings_name = settings_file.name if settings_file else settings_module
    missing = _NOT_INSTALLED.search(str(exc))
    if missing:
        model = missing["model"]
        app = model.rsplit(".", 2)[0] if ".models." in model else model.rsplit(".", 1)[0]
        return HandlerDefinitionError(
            _location(exc, root, skip_module=model.rsplit(".", 1)[0]), f"model {model}",
            f"it is imported while its app {app!r} is not in INSTALLED_APPS",
            f"add {app!r} to INSTALLED_APPS in {settings_file or settings_module}",
        )
    phase, app_config, entry = _populate_phase(exc.__traceback__)
    rule = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, DatabaseUsedDuringBuild):
        rule = str(exc)
    if phase == "create":
        where = quoted_line(settings_file, repr(entry)[1:-1]) if settings_file and isinstance(entry, str) else None
        return HandlerDefinitionError(
            where or _location(exc, root), f"INSTALLED_APPS entry {entry!r} in {settings_name}", rule,
            "correct the entry, or make the app importable from the project root",
        )
    if phase == "ready" and app_config is not None:
        return HandlerDefinitionError(
            _location(exc, root), f"AppConfig.ready() of app {app_config.label!r} ({type(app_config).__qualname__})",
            rule,
            "make ready() succeed without a database, network or the service's environment: the build runs "
            "django.setup() to collect the handlers ready() registers",
        )
    return HandlerDefinitionError(
        _location(exc, root), f"django.setup() with {settings_module!r}", rule,
        "make the project start with these settings in the build environment",
    )


def _populate_phase(tb: TracebackType | None) -> tuple[str, Any, Any]:
    """Which step of the app registry's populate() failed: 'create', 'models' or 'ready', with its locals."""
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "populate" and frame.f_code.co_filename.endswith(
            os.path.join("django", "apps", "registry.py")
        ):
            nxt = tb.tb_next
            step = nxt.tb_frame.f_code.co_name if nxt is not None else ""
            phase = {"create": "create", "import_models": "models", "ready": "ready"}.get(step, "")
            return phase, frame.f_locals.get("app_config"), frame.f_locals.get("entry")
        tb = tb.tb_next
    return "", None, None


def _failure(subject: str, exc: BaseException, root: Path, fix: str) -> HandlerDefinitionError:
    if isinstance(exc, SyntaxError):
        return HandlerDefinitionError(f"{exc.filename}:{exc.lineno}", subject, f"SyntaxError: {exc.msg}", "correct the syntax")
    return HandlerDefinitionError(_location(exc, root), subject, f"{type(exc).__name__}: {exc}", fix)


def _location(exc: BaseException, root: Path, skip_module: str = "") -> str:
    """file:line of the deepest frame inside the project (outside ``skip_module``'s file, when given)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if is_within(f.filename, root)]
    skip_file = sys.modules[skip_module].__file__ if skip_module in sys.modules else None
    if skip_file is None and skip_module:
        skip_file = str(root / (skip_module.replace(".", os.sep) + ".py"))
    preferred = [f for f in inside if skip_file is None or Path(f.filename) != Path(skip_file)]
    chosen = preferred or inside or frames
    return f"{chosen[-1].filename}:{chosen[-1].lineno}" if chosen else str(root / "pyproject.toml")


def _pyproject_line(root: Path, value: str) -> str:
    pyproject = root / "pyproject.toml"
    return quoted_line(pyproject, value) or f"{pyproject} ({KEY})"


def _guess_settings(root: Path) -> str:
    """The settings module manage.py names, else the first <package>/settings.py, else a placeholder."""
    manage = root / "manage.py"
    if manage.is_file():
        found = re.search(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]", manage.read_text(encoding="utf-8"))
        if found:
            return found[1]
    for base in (root, root / "src"):
        for candidate in sorted(base.glob("*/settings.py")):
            return f"{candidate.parent.name}.settings"
    return "mysite.settings"
