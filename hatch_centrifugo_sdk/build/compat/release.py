"""``release_check``: does the version number tell the truth about the API changes?

Versions are PEP 440; only the release numbers count (pre, dev and post suffixes do
not bump anything). A breaking change needs a major bump, or a minor bump while the
major is 0 (SemVer practice for 0.x); an additive change needs at least a minor bump.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from packaging.version import InvalidVersion, Version

from ..versions import VersionError
from .rules import KINDS, Change, sort_key

Level = Literal["ok", "warning", "error"]
Bump = Literal["backwards", "none", "patch", "minor", "major"]
_BUMPS: tuple[Bump, ...] = ("backwards", "none", "patch", "minor", "major")
_HEADINGS = {"breaking": "breaking", "additive": "additive", "none": "other"}


@dataclass(frozen=True)
class Verdict:
    level: Level
    problems: tuple[str, ...]  # one line each, prefixed "error: " or "warning: "
    report: str  # the problems, then every change with its path and rule
    changes: tuple[Change, ...]

    @property
    def failed(self) -> bool:
        return self.level == "error"


def release_check(
    changes: Iterable[Change], old_version: str, new_version: str, *, on_breaking: Level = "error"
) -> Verdict:
    """Judge the step ``old_version`` → ``new_version`` given the API ``changes`` between them.

    ``on_breaking="warning"`` reports an unannounced breaking change without failing.
    """
    changes = tuple(sorted(changes, key=sort_key))
    old, new = parse_version(old_version), parse_version(new_version)
    bump = version_bump(old, new)
    problems: list[tuple[Level, str]] = []
    if bump == "backwards":
        problems.append(("error", f"{new} is older than the previous release {old}"))
    else:
        breaking = sum(c.kind == "breaking" for c in changes)
        additive = sum(c.kind == "additive" for c in changes)
        major_needed: Bump = "major" if old.major > 0 else "minor"
        if breaking and _BUMPS.index(bump) < _BUMPS.index(major_needed):
            problems.append((
                on_breaking,
                f"{_count(breaking, 'breaking change')} since {old} {_verb(breaking, 'need')} a {major_needed} release "
                f"({_next(old, major_needed)} or later), but {new} is {_a(bump)} release",
            ))
        elif additive and _BUMPS.index(bump) < _BUMPS.index("minor"):
            problems.append((
                "warning",
                f"{_count(additive, 'additive change')} since {old} {_verb(additive, 'call')} for a minor release "
                f"({_next(old, 'minor')} or later), but {new} is {_a(bump)} release",
            ))
    severities = {severity for severity, _ in problems}
    level: Level = "error" if "error" in severities else "warning" if severities else "ok"
    lines = tuple(f"{severity}: {text}" for severity, text in problems)
    return Verdict(level, lines, _report(changes, old, new, bump, lines), changes)


def version_bump(old: Version, new: Version) -> Bump:
    a, b = _release(old), _release(new)
    if b < a:
        return "backwards"
    if b == a:
        return "none"
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def parse_version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise VersionError(f"{text!r} is not a PEP 440 version") from None


def _release(v: Version) -> tuple[int, int, int]:
    major, minor, micro = (list(v.release) + [0, 0])[:3]
    return major, minor, micro


def _next(v: Version, bump: Bump) -> str:
    major, minor, _ = _release(v)
    return f"{major + 1}.0.0" if bump == "major" else f"{major}.{minor + 1}.0"


def _a(bump: Bump) -> str:
    return {"none": "not a new", "patch": "a patch", "minor": "a minor", "major": "a major"}[bump]


def _verb(n: int, verb: str) -> str:
    return f"{verb}s" if n == 1 else verb


def _count(n: int, noun: str) -> str:
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _report(changes: tuple[Change, ...], old: Version, new: Version, bump: Bump, problems: tuple[str, ...]) -> str:
    if not changes:
        head = f"SDK API unchanged since {old} (building {new})"
    else:
        counts = ", ".join(
            f"{sum(c.kind == kind for c in changes)} {_HEADINGS[kind]}"
            for kind in KINDS
            if any(c.kind == kind for c in changes)
        )
        what = "" if bump == "backwards" else f", {_a(bump)} release"
        head = f"SDK API changes since {old} (building {new}{what}): {counts}"
    lines = [head, *problems]
    for kind in KINDS:
        group = [c for c in changes if c.kind == kind]
        if group:
            lines.append(f"{_HEADINGS[kind]}:")
            lines.extend(f"  - {c.line} [{c.rule}]" for c in group)
    return "\n".join(lines) + "\n"
