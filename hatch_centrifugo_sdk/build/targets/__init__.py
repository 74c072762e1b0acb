"""The SDK languages: one folder each, and one entry each in :data:`TARGETS`.

Everything per language (config tables, name collision checks, rendering, packaging,
verification) iterates this list, in this order; a new language is a new folder
(``__init__.py`` with its :class:`~..target.Target`, options.py, names.py, render.py,
package.py, verify.py, templates/) and one entry here.
"""

from __future__ import annotations

from ..target import AnyTarget
from . import go, python, typescript

TARGETS: tuple[AnyTarget, ...] = (python.TARGET, typescript.TARGET, go.TARGET)


def names() -> tuple[str, ...]:
    return tuple(t.name for t in TARGETS)


def default_languages() -> tuple[str, ...]:
    """What is built when `languages` is not set: never grows when a language is added."""
    return tuple(t.name for t in TARGETS if t.default_enabled)


def target(name: str) -> AnyTarget:
    for t in TARGETS:
        if t.name == name:
            return t
    raise KeyError(f"no SDK target {name!r}; the targets are {', '.join(names())}")
