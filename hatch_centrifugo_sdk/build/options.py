"""Reading one TOML table into typed values, every problem recorded with its full key.

The hook's own table (config.py) and each target's sub-table (targets/<language>/options.py)
are read with it, so all their problems are reported at once, in one style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .metadata import MetadataOverrides

URL = re.compile(r"^https?://\S+$")
MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")  # a dotted Python module name


@dataclass(frozen=True)
class OptionsContext:
    """What a target's options parser may know besides its own table."""

    project_name: str  # the service's distribution name: the default SDK names derive from it
    enabled: bool  # the target is in `languages`: a key it needs is only required then


class Reader:
    """Reads typed keys from one table, recording problems with full TOML keys."""

    def __init__(self, raw: Any, prefix: str, problems: list[str]) -> None:
        self.prefix = prefix
        self.problems = problems
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            problems.append(f"{prefix}: expected a table, got {type(raw).__name__}")
            raw = {}
        self.raw = raw
        self.seen: set[str] = set()

    def _get(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.raw:
            if required:
                self.problems.append(f"{self.prefix}.{key}: required key is missing")
            return None
        return self.raw[key]

    def text(self, key: str, *, default: Any = None, required: bool = False, pattern: re.Pattern[str] | None = None, what: str = "") -> Any:
        value = self._get(key, False)
        if value is None:
            if required:
                self.problems.append(f"{self.prefix}.{key}: required key is missing; set it to {what}")
            return default
        if not isinstance(value, str) or not value:
            self.problems.append(f"{self.prefix}.{key}: expected a non-empty string, got {value!r}")
            return default
        if pattern is not None and not pattern.match(value):
            self.problems.append(f"{self.prefix}.{key}: {value!r} is not {what}")
            return default
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.append(f"{self.prefix}.{key}: expected true or false, got {value!r}")
            return default
        return value

    def positive_int(self, key: str, *, default: int) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problems.append(f"{self.prefix}.{key}: expected a positive whole number of bytes, got {value!r}")
            return default
        return value

    def seconds(self, key: str, *, default: float) -> float:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
            self.problems.append(f"{self.prefix}.{key}: expected a number of seconds greater than 0, got {value!r}")
            return default
        return float(value)

    def path_or_false(self, key: str, *, default: str) -> str | None:
        value = self._get(key, False)
        if value is None or value is True:
            return default
        if value is False:
            return None
        if not isinstance(value, str) or not value:
            self.problems.append(f"{self.prefix}.{key}: expected a relative file path or false, got {value!r}")
            return default
        return value

    def verify_mode(self, key: str) -> bool | str:
        value = self._get(key, False)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if value == "strict":
            return "strict"
        self.problems.append(f'{self.prefix}.{key}: expected true, false or "strict", got {value!r}')
        return False

    def list_of_str(
        self,
        key: str,
        *,
        default: list[str] | None = None,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
        choices: tuple[str, ...] | None = None,
    ) -> list[str] | None:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, list):
            self.problems.append(f"{self.prefix}.{key}: expected a list of strings, got {value!r}")
            return default
        good = []
        for i, item in enumerate(value):
            where = f"{self.prefix}.{key}[{i}]"
            if not isinstance(item, str):
                self.problems.append(f"{where}: expected a string, got {item!r}")
            elif choices is not None and item not in choices:
                self.problems.append(f"{where}: {item!r} is not one of {', '.join(map(repr, choices))}")
            elif pattern is not None and not pattern.match(item):
                self.problems.append(f"{where}: {item!r} is not {what}")
            else:
                good.append(item)
        return good

    def table(self, key: str) -> Reader:
        self.seen.add(key)
        return Reader(self.raw.get(key), f"{self.prefix}.{key}", self.problems)

    def done(self, extra_allowed: frozenset[str] = frozenset()) -> None:
        for key in sorted(set(self.raw) - self.seen - extra_allowed):
            self.problems.append(f"{self.prefix}.{key}: unknown key")


def metadata_overrides(sub: Reader) -> MetadataOverrides:
    """One SDK's replacements for the service's [project] metadata (every target's table has them)."""
    keywords = sub.list_of_str("keywords")
    return MetadataOverrides(
        description=sub.text("description"),
        license=sub.text("license"),
        keywords=tuple(keywords) if keywords is not None else None,
        homepage=sub.text("homepage", pattern=URL, what="an http(s) URL"),
        repository=sub.text("repository", pattern=URL, what="an http(s) URL"),
    )
