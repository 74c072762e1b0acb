"""The Django example's own test suite (pytest-django, a real test database), run as its developers
run it: `pytest` in the project folder. Its two integration tests need a Centrifugo in front of the
project; tests/e2e/test_django_example_e2e.py runs them for real."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from builds import REPO


def test_the_example_suite_passes() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CENTRIFUGO_URL")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=REPO / "django_example", env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert re.match(r"^25 passed, 2 skipped in ", summary), summary
    assert done.stdout.count("set CENTRIFUGO_URL to a Centrifugo proxying to this project") == 2
