"""A renderer that misses a kind of type, or a scalar kind, fails ``mypy --strict``: the dispatch
over ``TypeRef`` ends in ``assert_never`` and a scalar table is a ``ScalarTable``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hatch_centrifugo_sdk.ir.kinds import SCALAR_KINDS, ScalarTable

REPO = Path(__file__).resolve().parent.parent

HEAD = """\
from hatch_centrifugo_sdk.ir.kinds import ScalarTable, assert_never
from hatch_centrifugo_sdk.ir.model import Array, Literal, Map, Nullable, Ref, Scalar, Tuple, TypeRef, Union

"""

DISPATCH = """\
def type_expr(t: TypeRef) -> str:
    if isinstance(t, Scalar):
        return t.kind
    if isinstance(t, Ref):
        return t.name
    if isinstance(t, Array):
        return type_expr(t.item) + "[]"
    if isinstance(t, Map):
        return "map"
    if isinstance(t, Literal):
        return "literal"
    if isinstance(t, Union):
        return "union"
    if isinstance(t, Nullable):
        return type_expr(t.inner) + "?"
    if isinstance(t, Tuple):
        return "tuple"
    assert_never(t)
"""

MATCH = """\
def type_expr(t: TypeRef) -> str:
    match t:
        case Scalar() | Ref() | Array() | Map() | Literal() | Union() | Nullable():
            return "known"
        case _:
            assert_never(t)
"""

TABLE = "SCALARS: ScalarTable[str] = {%s}\n" % ", ".join(f'"{k}": "{k}"' for k in SCALAR_KINDS)


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tiny_renderer.py").write_text(HEAD + source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"),
         "tiny_renderer.py"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(REPO)},
    )


def test_a_complete_renderer_type_checks(tmp_path: Path) -> None:
    done = _mypy(tmp_path, DISPATCH + TABLE)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (DISPATCH.replace('    if isinstance(t, Tuple):\n        return "tuple"\n', ""),
         r'Argument 1 to "assert_never" has incompatible type "(hatch_centrifugo_sdk\.ir\.model\.)?Tuple"'),
        (MATCH, r'Argument 1 to "assert_never" has incompatible type "(hatch_centrifugo_sdk\.ir\.model\.)?Tuple"'),
        (TABLE.replace(', "bytes": "bytes"', ""), r'Missing key "bytes" for TypedDict "ScalarTable'),
    ],
    ids=["isinstance-chain-missing-tuple", "match-missing-tuple", "scalar-table-missing-bytes"],
)
def test_a_missing_kind_fails_type_checking(tmp_path: Path, source: str, error: str) -> None:
    done = _mypy(tmp_path, source)
    assert done.returncode == 1 and re.search(error, done.stdout), done.stdout + done.stderr


def test_the_scalar_table_has_a_key_for_each_scalar_kind() -> None:
    assert tuple(ScalarTable.__annotations__) == SCALAR_KINDS
