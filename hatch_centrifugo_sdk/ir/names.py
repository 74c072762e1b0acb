"""The language-neutral naming rules: word splitting and the cases every SDK starts from.

Each target's own rules (reserved words, initialisms) build on these in ``build/targets/<language>/names.py``.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[A-Z]")


def words(text: str) -> list[str]:
    """``"tasks.get_stats"`` → tasks, get, stats; ``"getHTTPResponse"`` → get, HTTP, Response."""
    return [w for chunk in re.split(r"[^0-9A-Za-z]+", text) for w in _WORD.findall(chunk)]


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def type_name(text: str) -> str:
    """The neutral type name all SDKs start from: PascalCase, never starting with a digit."""
    name = "".join(cap(w) for w in words(text)) or "Model"
    return name if not name[0].isdigit() else f"T{name}"


def snake(text: str) -> str:
    return "_".join(w.lower() for w in words(text))


def camel(text: str) -> str:
    parts = words(text)
    if not parts:
        return ""
    return parts[0].lower() + "".join(w.lower().capitalize() for w in parts[1:])
