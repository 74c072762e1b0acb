"""Release safety: compare two API models, classify each change, check the version bump.

- :func:`diff_apis` lists the changes, each classified by the rule table in :mod:`.rules`;
- :func:`release_check` judges a version step against them;
- :mod:`.lock` keeps the last release's API in a committed lock file.
"""

from .diff import describe, diff_apis
from .lock import LOCK_FILE, LockCheck, LockError, check_lock, is_final_release, lock_data, lock_text, read_lock
from .release import Verdict, release_check, version_bump
from .rules import KINDS, RULES, Change

__all__ = [
    "KINDS",
    "LOCK_FILE",
    "RULES",
    "Change",
    "LockCheck",
    "LockError",
    "Verdict",
    "check_lock",
    "describe",
    "diff_apis",
    "is_final_release",
    "lock_data",
    "lock_text",
    "read_lock",
    "release_check",
    "version_bump",
]
