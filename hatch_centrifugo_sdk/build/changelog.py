"""The SDK changelog: one Markdown section per release, generated from the API diff.

A section lists the changes since the previous release under "Breaking", "Added" and
"Changed" (see :mod:`.compat.rules` for what falls where); the same changes in, the
same bytes out, and no date unless one is given.
"""

from __future__ import annotations

import re
from typing import Iterable

from .compat.rules import Change, sort_key

TITLE = "# Changelog"
_SECTIONS = (("breaking", "Breaking"), ("additive", "Added"), ("none", "Changed"))
_HEADING = re.compile(r"^## +\[?([^\]\s]+)\]?")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def changelog_section(
    changes: Iterable[Change], version: str, previous_version: str | None, *, date: str | None = None
) -> str:
    changes = sorted(changes, key=sort_key)
    lines = [f"## {version}" + (f" - {date}" if date else ""), ""]
    if previous_version is None:
        lines.append("First release.")
    elif not changes:
        lines.append(f"No API changes since {previous_version}.")
    else:
        lines.append(f"API changes since {previous_version}.")
    for kind, title in _SECTIONS:
        group = [c for c in changes if c.kind == kind]
        if group:
            lines += ["", f"### {title}", ""]
            lines += [f"- {c.line}" for c in group]
    return "\n".join(lines) + "\n"


def update_changelog(existing: str, section: str) -> str:
    """``existing`` with ``section`` in place of the same version's, or on top of the others."""
    new = section.strip("\n").split("\n")
    version = _version_of(new[0])
    if version is None:
        raise ValueError(f"a changelog section starts with '## <version>', not {new[0]!r}")
    lines = existing.strip("\n").split("\n") if existing.strip() else [TITLE]
    headings = _headings(lines)
    same = [i for i in headings if _version_of(lines[i]) == version]
    if same:
        start = same[0]
        end = next((i for i in headings if i > start), len(lines))
        out = lines[:start] + new + ([""] + lines[end:] if end < len(lines) else [])
    else:
        first = headings[0] if headings else len(lines)
        before = lines[:first]
        while before and not before[-1].strip():
            before.pop()
        out = before + [""] + new + ([""] + lines[first:] if first < len(lines) else [])
    return "\n".join(out).rstrip("\n") + "\n"


def _version_of(line: str) -> str | None:
    match = _HEADING.match(line)
    return match.group(1) if match else None


def _headings(lines: list[str]) -> list[int]:
    """Indexes of the level-2 headings, skipping fenced code blocks."""
    found, fenced = [], False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _version_of(line) is not None:
            found.append(i)
    return found
