"""A rendered Python SDK project → its wheel, built in-process by hatchling."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Mapping

from hatchling.builders.wheel import WheelBuilder


def build_wheel(files: Mapping[str, str], out_dir: Path) -> Path:
    """Write ``files`` (relative posix path → text) to a fresh folder, build the wheel, move it
    into ``out_dir`` and return its path.

    Timestamps come from SOURCE_DATE_EPOCH (hatchling's reproducible default otherwise), so
    the same files give the same bytes. The build runs in its own temp folder with
    ``clean=False``: the wheel builder's clean would delete every other wheel in its folder.
    """
    with tempfile.TemporaryDirectory(prefix="python-sdk-") as tmp:
        root = Path(tmp) / "project"
        write_tree(files, root)
        built = Path(tmp) / "dist"
        builder = WheelBuilder(str(root))
        (wheel,) = builder.build(
            directory=str(built), versions=["standard"], clean=False, hooks_only=False, clean_hooks_after=False
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / Path(wheel).name
        shutil.move(wheel, target)
    return target


def write_tree(files: Mapping[str, str], root: Path) -> None:
    """Write each file as UTF-8 with ``\\n`` line ends; refuse paths that leave ``root``."""
    for relative, text in sorted(files.items()):
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            raise ValueError(f"refusing to write {relative!r} outside the project folder")
        path = root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
