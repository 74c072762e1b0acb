"""Import the service's handler modules, as the service itself would at start-up."""

from __future__ import annotations

import importlib
import re
import sys
import traceback
from pathlib import Path
from typing import Any, Sequence

from . import targets
from .django_build import unconfigured_fix
from .places import is_within, quoted_line
from ..runtime.registry import Handler, HandlerDefinitionError, HandlerDefinitionErrors, Registry, default_registry
from .time_limit import TimeLimitExceeded, time_limit



def import_handlers(
    modules: Sequence[str], root: Path, registry: Registry = default_registry, *,
    timeout: float = 120.0, timeout_key: str = "import-timeout",
) -> list[Handler]:
    """Import ``modules`` with ``root`` and ``root/src`` importable; return the registered handlers.

    Each import may take ``timeout`` seconds: a module that loops or waits at import would
    otherwise hang the build without a word.

    Under ``python -m build`` the wheel is built from an unpacked sdist in a temp folder
    whose root is not on ``sys.path``; adding it here makes every front end behave alike.
    """
    for path in (root, root / "src"):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    importlib.invalidate_caches()
    with registry.collecting() as broken:  # every broken handler is reported, not only the first
        _import_modules(modules, root, timeout, timeout_key)
    if broken:
        raise broken[0] if len(broken) == 1 else HandlerDefinitionErrors(broken)
    handlers = list(registry)
    check_method_names(handlers)
    check_channel_names(registry.channels(), handlers)
    return handlers


def _import_modules(modules: Sequence[str], root: Path, timeout: float, timeout_key: str) -> None:
    for name in modules:
        try:
            with time_limit(timeout):
                importlib.import_module(name)
        except HandlerDefinitionError:
            raise
        except TimeLimitExceeded as exc:
            raise HandlerDefinitionError(
                _where(exc, root, name),
                f"importing handler module {name!r}",
                f"it did not finish within {timeout:g} s (stopped at this line)",
                "make the import return: start loops, servers and connections when the service starts, not at "
                f"import; or raise {timeout_key} (now {timeout:g})",
            ) from None
        except SystemExit as exc:  # would end the build as if it had succeeded, with no wheel
            raise HandlerDefinitionError(
                _where(exc, root, name),
                f"importing handler module {name!r}",
                f"it raised SystemExit({exc.code!r}) (sys.exit() or exit() at import)",
                "do not exit at import: put start-up code under 'if __name__ == \"__main__\":'",
            ) from None
        except ModuleNotFoundError as exc:
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                raise HandlerDefinitionError(
                    _config_location(root, name),
                    f"handler module {name!r}",
                    f"it cannot be found (looked in {root} and {root / 'src'})",
                    "check the module name in the hook's modules list, and that the module is inside "
                    "the project (and in the sdist)",
                ) from None
            raise _import_failure(name, exc, root) from None
        except Exception as exc:
            raise _import_failure(name, exc, root) from None


def check_method_names(handlers: Sequence[Handler]) -> None:
    """Refuse two methods that one SDK would give the same name (``a.b_c`` and ``a_b.c``).

    Every target's rule is applied, enabled or not, so enabling a language later never breaks
    a working API.
    """
    for target in targets.TARGETS:
        language = target.name
        seen: dict[str, Handler] = {}
        for handler in handlers:
            ident = target.method_name(handler.method)
            first = seen.setdefault(ident, handler)
            if first is not handler:
                raise HandlerDefinitionError(
                    handler.location,
                    f"handler {handler.func.__qualname__!r} ({handler.method!r})",
                    f"the {language} SDK would name it {ident!r}, like {first.method!r} "
                    f"({first.func.__qualname__!r} at {first.location})",
                    "rename one of the two methods so they differ in more than punctuation",
                )


def check_channel_names(channels: Sequence[Any], handlers: Sequence[Handler]) -> None:
    """Refuse a channel that one SDK would name like a method or another channel."""
    for target in targets.TARGETS:
        language, rule = target.name, target.method_name
        seen: dict[str, str] = {rule(h.method): f"method {h.method!r} ({h.func.__qualname__!r} at {h.location})"
                                for h in handlers}
        for channel in channels:
            ident = rule(channel.name)
            first = seen.setdefault(ident, f"channel {channel.pattern!r} at {channel.location}")
            if not first.startswith(f"channel {channel.pattern!r} at {channel.location}"):
                raise HandlerDefinitionError(
                    channel.location,
                    f"channel {channel.pattern!r}",
                    f"the {language} SDK would name it {ident!r}, like {first}",
                    "give the channel another namespace (the part before ':') that differs in more than punctuation",
                )


def _import_failure(name: str, exc: BaseException, root: Path) -> HandlerDefinitionError:
    subject = f"importing handler module {name!r}"
    if isinstance(exc, SyntaxError):  # the failing file never ran, so it is not in the traceback
        where = f"{exc.filename}:{exc.lineno}" if exc.filename else _config_location(root, name)
        rule = f"{type(exc).__name__}: {exc.msg}"
        return HandlerDefinitionError(where, subject, rule, "correct the syntax")
    where = _where(exc, root, name)
    rule = _describe(exc)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        fix = (
            f"add the package providing {top!r} to [project] dependencies (the build imports the "
            "handlers in its own environment), or correct the import"
        )
    else:
        fix = unconfigured_fix(exc, root) or "make the module importable: the build imports it as the service does at start-up"
    return HandlerDefinitionError(where, subject, rule, fix)


def _where(exc: BaseException, root: Path, name: str) -> str:
    """The deepest frame inside the project: where the user's code failed."""
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if is_within(f.filename, root)] or frames
    return f"{inside[-1].filename}:{inside[-1].lineno}" if inside else _config_location(root, name)


# An import error's text can quote settings (a database URL, a token): credentials are
# masked and the text is cut, keeping the exception's type and place intact.
_DETAIL_LIMIT = 200
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s@]+@")
_SECRET_VALUE = re.compile(
    r"((?:password|passwd|pwd|secret|token|api[_-]?key|credentials?)['\"]?\s*[=:]\s*)('[^']*'|\"[^\"]*\"|[^\s,;)}\]]+)",
    re.IGNORECASE,
)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = _SECRET_VALUE.sub(r"\1***", _URL_CREDENTIALS.sub("***@", text))
    if len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _config_location(root: Path, module: str) -> str:
    """``pyproject.toml:line`` where ``module`` is listed, or the file alone."""
    pyproject = root / "pyproject.toml"
    return quoted_line(pyproject, module) or str(pyproject)
