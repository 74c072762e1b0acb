"""Where in the user's files a problem is: the file:line that error messages lead with."""

from __future__ import annotations

from pathlib import Path


def quoted_line(path: Path, text: str) -> str | None:
    """``path:line`` of the first line holding ``text`` in quotes (a TOML value), or None."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if f'"{text}"' in line or f"'{text}'" in line:
            return f"{path}:{number}"
    return None


def is_within(filename: str, root: Path) -> bool:
    """Whether ``filename`` is inside ``root`` (the project: the frames worth pointing at)."""
    try:
        Path(filename).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
