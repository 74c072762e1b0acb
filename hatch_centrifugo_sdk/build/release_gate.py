"""The release gate of a build: compare with the last release, judge the version, write the changelog.

The committed lock file (``sdk-api.lock.json``) holds the last final release's API. A
build of a breaking change without a major bump fails here (or warns, when configured),
before anything is written. A final release that passes records its API in the lock and
its section in the SDK changelog, both next to ``pyproject.toml``; the same changelog
ships inside every SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..runtime.errors import UserError
from .changelog import TITLE, changelog_section, update_changelog
from .compat import check_lock, lock_text, read_lock
from .config import Config
from ..ir import Api


class ReleaseCheckError(UserError):
    """The API changed in a way the version does not admit; the message is the full report."""


@dataclass(frozen=True)
class ReleaseNotes:
    changelog: str  # the whole SDK changelog, this release's section included
    record: bool  # a final release that passed: write the lock and the changelog
    lock_path: Path | None
    lock_text: str
    changelog_path: Path | None


def check_release(root: Path, config: Config, version: str, api: Api, warn: Callable[[str], None]) -> ReleaseNotes:
    lock_path = root / config.lock if config.lock else None
    changelog_path = root / config.changelog if config.changelog else None
    lock = read_lock(lock_path) if lock_path else None
    check = check_lock(lock, version, api, on_breaking=config.on_breaking)
    if check.verdict is not None:
        if check.verdict.failed:
            raise ReleaseCheckError(check.verdict.report)
        for problem in check.verdict.problems:
            warn(problem)
    existing = changelog_path.read_text(encoding="utf-8") if changelog_path and changelog_path.is_file() else ""
    if lock is not None and lock[0] == version and not check.changes and f"\n## {version}" in f"\n{existing}":
        changelog = existing  # a rebuild of the recorded release: its section stands
    else:
        section = changelog_section(check.changes, version, lock[0] if lock else None)
        changelog = update_changelog(existing or f"{TITLE}\n", section)
    # The lock's text is only needed when this build records the release.
    return ReleaseNotes(changelog, check.record, lock_path, lock_text(version, api) if check.record else "", changelog_path)


def record_release(notes: ReleaseNotes) -> list[Path]:
    """Write the lock and the changelog of a final release; returns what changed on disk."""
    if not notes.record:
        return []
    written = []
    for path, text in ((notes.lock_path, notes.lock_text), (notes.changelog_path, notes.changelog)):
        if path is None:
            continue
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
