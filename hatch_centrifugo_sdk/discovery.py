"""Import the service's handler modules, as the service itself would at start-up."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import Sequence

from .registry import Handler, HandlerDefinitionError, Registry, default_registry


def import_handlers(modules: Sequence[str], root: Path, registry: Registry = default_registry) -> list[Handler]:
    """Import ``modules`` with ``root`` and ``root/src`` importable; return the registered handlers.

    Under ``python -m build`` the wheel is built from an unpacked sdist in a temp folder
    whose root is not on ``sys.path``; adding it here makes every front end behave alike.
    """
    for path in (root, root / "src"):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    importlib.invalidate_caches()
    for index, name in enumerate(modules):
        try:
            importlib.import_module(name)
        except HandlerDefinitionError:
            raise
        except ModuleNotFoundError as exc:
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                raise HandlerDefinitionError(
                    f"modules[{index}]",
                    f"handler module {name!r}",
                    f"it cannot be found (looked in {root} and {root / 'src'})",
                    "check the module name, and that it is inside the project (and in the sdist)",
                ) from None
            raise _import_failure(name, index, exc, root) from None
        except Exception as exc:
            raise _import_failure(name, index, exc, root) from None
    return list(registry)


def _import_failure(name: str, index: int, exc: BaseException, root: Path) -> HandlerDefinitionError:
    frames = traceback.extract_tb(exc.__traceback__)
    # The deepest frame inside the project is where the user's code failed.
    inside = [f for f in frames if _is_within(f.filename, root)] or frames
    where = f"{inside[-1].filename}:{inside[-1].lineno}" if inside else f"modules[{index}]"
    fix = "fix the error, or add the missing package to [project] dependencies so the build environment has it"
    return HandlerDefinitionError(where, f"importing handler module {name!r}", f"{type(exc).__name__}: {exc}", fix)


def _is_within(filename: str, root: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
