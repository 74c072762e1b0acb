"""The naming rules every SDK shares: word splitting and cases (ir/names.py), enum members,
numbering repeats. Each language's own rules and reserved words live in
``targets/<language>/names.py``; renderers never invent names, they ask there, so a collision
is found once, before anything is written.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..ir.names import cap, camel, snake, type_name, words

__all__ = ["avoid", "cap", "camel", "enum_member", "snake", "type_name", "unique", "words"]


def avoid(name: str, reserved: frozenset[str], suffix: str) -> str:
    return f"{name}{suffix}" if name in reserved else name


def enum_member(value: str | int) -> str:
    """``"in-progress"`` → ``IN_PROGRESS``; ``2`` → ``VALUE_2``; neutral, uppercased."""
    text = snake(str(value)).upper()
    if not text or text[0].isdigit():
        text = f"VALUE_{text}" if text else "EMPTY"
    return text


def unique(names: Iterable[str], suffix: Callable[[str, int], str] = lambda n, i: f"{n}{i}") -> list[str]:
    """Make a list of derived names unique by numbering repeats, in order (stable)."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, i = name, 2
        while candidate in seen:
            candidate, i = suffix(name, i), i + 1
        seen.add(candidate)
        out.append(candidate)
    return out

