"""The SDK output folder: which folders the hook may replace, and replacing one safely.

The hook replaces its output folder wholesale on every build, so it must never be pointed at
anything a user keeps: it replaces only a folder it made (one holding its manifest) or an
empty or missing one, and never the build's own output folder or a folder above the project.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..runtime.errors import UserError

MANIFEST = "sdk-manifest.json"
_FIX = 'set output to a folder of its own, such as "sdk" (the default, inside the build\'s output folder)'


class OutputError(UserError, ValueError):
    """The output folder cannot or must not be written; the message is one line naming it and the fix."""


def resolve_output(output: str, build_dir: Path) -> Path:
    """``output`` with ``~`` expanded, relative to ``build_dir``, symlinks and ``..`` resolved."""
    return (build_dir / os.path.expanduser(output)).resolve()


def check_output(out_dir: Path, *, output: str, key: str, build_dir: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would delete anything but the hook's own SDKs."""
    build_dir, root = build_dir.resolve(), root.resolve()
    shown = f"{key}: {output!r} ({out_dir})" if str(out_dir) != output else f"{key}: {output!r}"
    if out_dir == build_dir:
        raise OutputError(
            f"{shown} is the build's output folder; the hook replaces its output folder on every build, which "
            f"would delete the service's wheel and sdist and put the SDKs where publishing uploads them; fix: {_FIX}"
        )
    for what, inside in (("the project", root), ("the build's output folder", build_dir)):
        if out_dir == inside or out_dir in inside.parents:
            raise OutputError(
                f"{shown} contains {what} ({inside}); the hook replaces its output folder on every build, "
                f"which would delete it; fix: {_FIX}"
            )
    if out_dir.is_mount():
        raise OutputError(
            f"{shown} is a mount point; the hook replaces its output folder by renaming a new one into its "
            "place, which a mount point refuses; fix: set output to a folder inside it, e.g. "
            f"{(Path(output) / 'sdk').as_posix()!r}"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{shown} is a file, not a folder; fix: {_FIX}")
    if not is_replaceable(out_dir):
        raise OutputError(
            f"{shown} is a folder the hook did not make (it holds no {MANIFEST}) and is not empty; the hook "
            "replaces its output folder on every build and never deletes what it did not write; fix: set output "
            "to a new or empty folder, or empty that folder yourself"
        )


def is_replaceable(out_dir: Path) -> bool:
    """Missing, empty, or made by the hook (it holds a manifest the hook wrote)."""
    if not out_dir.is_dir():
        return not out_dir.exists()
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return not any(out_dir.iterdir())
    return isinstance(manifest, dict) and "api_hash" in manifest and isinstance(manifest.get("artifacts"), list)


def _siblings(out_dir: Path, kind: str) -> list[Path]:
    """The hook's temporary folders next to ``out_dir``: ``.<name>-new-*`` (builds) or ``-old-*`` (swaps)."""
    try:
        return sorted(out_dir.parent.glob(f".{out_dir.name}-{kind}-*"))
    except OSError:
        return []


def recover(out_dir: Path) -> None:
    """Finish what a killed build left: restore an output caught between the two renames of the
    fallback swap, then remove every temporary folder of earlier builds."""
    if not out_dir.exists():
        for old in reversed(_siblings(out_dir, "old")):
            previous = old / "previous"
            if (previous / MANIFEST).is_file():
                os.replace(previous, out_dir)
                break
    remove_stale(out_dir)


def remove_stale(out_dir: Path) -> None:
    for folder in _siblings(out_dir, "new") + _siblings(out_dir, "old"):
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A sibling folder that replaces ``out_dir`` only if the body succeeds.

    Made with ``mkdir`` (not ``mkdtemp``, whose 0700 ignores the umask), so the output's
    mode is that of every other build output.
    """
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        new = _make_dir(out_dir, "new")
    except OSError as exc:
        raise unwritable(out_dir.parent, exc) from None
    try:
        yield new
        if not is_replaceable(out_dir):  # something else appeared there meanwhile
            raise OutputError(f"{out_dir}: a folder the hook did not make appeared there during the build; fix: remove it")
        try:
            _swap(new, out_dir)
        except OSError as exc:
            raise unwritable(out_dir, exc) from None
    finally:
        if new.exists():
            shutil.rmtree(new, ignore_errors=True)


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir`` so that a kill at any instant leaves one complete output.

    A missing or empty ``out_dir`` is replaced by one rename. A full one is exchanged with
    ``new`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``), after which ``new`` holds the
    old output, deleted afterwards (a kill leaves it for the next build to delete). Where that
    call is missing, two renames move the old output aside, then ``new`` in; a kill between
    them is undone by :func:`recover` at the start of the next build.
    """
    try:
        os.replace(new, out_dir)  # atomic when out_dir is missing or an empty folder
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(new, out_dir):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = _make_dir(out_dir, "old")
    os.replace(out_dir, old / "previous")
    os.replace(new, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing happened)."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # kernel or file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _make_dir(out_dir: Path, kind: str) -> Path:
    while True:
        path = out_dir.parent / f".{out_dir.name}-{kind}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def unwritable(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"{folder}: cannot write the SDKs there ({exc.strerror or exc}); fix: make the folder writable, "
        "or set output to a writable folder"
    )
