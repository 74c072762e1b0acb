"""The README's reference tables say what the code does."""

from __future__ import annotations

from pathlib import Path

from hatch_centrifugo_sdk.build.targets.python import names as py_names
from hatch_centrifugo_sdk.build.targets.go import names as go_names
from hatch_centrifugo_sdk.runtime.errors import ERROR_CODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def error_table() -> str:
    rows = [
        "| code | Python exception | TypeScript `ErrorCode.` | Go constant | temporary | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for e in ERROR_CODES:
        rows.append(
            f"| {e.code} | `{py_names.python_error_class(e.name)}` | `{e.name}` | `{go_names.go_error_const(e.name)}` "
            f"| {'yes' if e.temporary else 'no'} | {e.meaning} |"
        )
    return "\n".join(rows)


def test_error_table_matches_the_error_codes() -> None:
    assert error_table() in README


if __name__ == "__main__":
    print(error_table())
