"""The lock file: the API of the last release and the version it shipped as.

``sdk-api.lock.json`` sits next to ``pyproject.toml`` and is committed::

    {"api": {<api.json>}, "api_hash": "<sha256>", "version": "1.2.0"}

How it stays current without a release step of its own: every build compares its API
with the lock (:func:`check_lock`), and a build of a final release (no dev, pre or
local segment) that passes the check records its own version and API in the lock.
The release commit that bumps the version is built before it is committed, so it
carries the new lock; builds of dev and pre-release versions only compare, so the lock
keeps pointing at the last final release while the next one is being developed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from ...runtime.errors import UserError
from ...ir.model import Api, ApiJsonError, api_from_json
from .diff import diff_apis
from .release import Level, Verdict, parse_version, release_check
from .rules import Change

LOCK_FILE = "sdk-api.lock.json"


class LockError(UserError, ValueError):
    """The lock file exists but cannot be used; the message names the file."""


def lock_data(version: str, api: Api) -> dict[str, Any]:
    return {"api": api.to_json(), "api_hash": api.hash, "version": version}


def lock_text(version: str, api: Api) -> str:
    """The file's content: sorted keys, two-space indent, a final newline (diff-friendly)."""
    return json.dumps(lock_data(version, api), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_lock(path: str | Path) -> tuple[str, Api] | None:
    """``(version, api)`` recorded in the lock file, or None if there is none yet."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LockError(f"{path}: cannot read it: {exc}") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not _is_version(version):
        raise LockError(f"{path}: 'version' must be a PEP 440 version string, got {version!r}")
    try:
        return version, api_from_json(data.get("api"))
    except ApiJsonError as exc:
        raise LockError(f"{path}: 'api': {exc}") from None


def is_final_release(version: str) -> bool:
    v = parse_version(version)
    return not v.is_prerelease and v.local is None


@dataclass(frozen=True)
class LockCheck:
    changes: tuple[Change, ...]
    verdict: Verdict | None  # None when there is no previous release to compare with
    record: bool  # the lock should now hold lock_text(version, api)


def check_lock(
    lock: tuple[str, Api] | None, version: str, api: Api, *, on_breaking: Level = "error"
) -> LockCheck:
    """Compare ``api`` (being built as ``version``) with the lock's, and say whether to record it."""
    final = is_final_release(version)
    if lock is None:
        return LockCheck((), None, final)
    locked_version, locked_api = lock
    changes = tuple(diff_apis(locked_api, api))
    verdict = release_check(changes, locked_version, version, on_breaking=on_breaking)
    return LockCheck(changes, verdict, final and not verdict.failed)


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True
