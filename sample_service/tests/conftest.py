"""Makes the service importable without installing it, and gives each test its own database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from sample_service import storage  # noqa: E402  (needs SRC on sys.path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[storage.Database]:
    with storage.using_database(tmp_path / "sample.sqlite3") as database:
        yield database
