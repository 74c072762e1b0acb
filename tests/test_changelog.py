"""The generated changelog: sections from a real API diff, merged into an existing file."""

# No `from __future__ import annotations`: the handlers below annotate with local classes.
from typing import Optional

import pytest
from pydantic import BaseModel

from hatch_centrifugo_sdk import Registry
from hatch_centrifugo_sdk.build.changelog import changelog_section, update_changelog
from hatch_centrifugo_sdk.build.compat import Change, diff_apis
from hatch_centrifugo_sdk.ir import Api
from hatch_centrifugo_sdk.ir.parser import parse_api


def notes_api(version: int) -> Api:
    """Two versions of a small notes service."""
    registry = Registry()

    if version == 1:

        class Note(BaseModel):
            id: int
            text: str
            pinned: bool

        class FindNotes(BaseModel):
            query: str
            limit: int = 10

    else:

        class Note(BaseModel):  # type: ignore[no-redef]
            id: int
            text: str
            color: Optional[str] = None

        class FindNotes(BaseModel):  # type: ignore[no-redef]
            query: str
            limit: int = 25
            tag: Optional[str] = None

    class NoteList(BaseModel):
        notes: list[Note]

    @registry.rpc("notes.find")
    async def find(conn: object, params: FindNotes) -> NoteList:
        raise NotImplementedError

    if version == 2:

        @registry.rpc("notes.count")
        async def count(conn: object, params: FindNotes) -> NoteList:
            raise NotImplementedError

    return parse_api(registry)


@pytest.fixture(scope="module")
def changes() -> list[Change]:
    return diff_apis(notes_api(1), notes_api(2))


SECTION_1_1 = """\
## 1.1.0

API changes since 1.0.0.

### Breaking

- model Note.field pinned: removed; old clients expect it

### Added

- method notes.count: added
- model FindNotes.field tag: added as optional
- model Note.field color: added

### Changed

- model FindNotes.field limit: default `10` is now `25`
"""


def test_section_from_a_diff(changes: list[Change]) -> None:
    assert changelog_section(changes, "1.1.0", "1.0.0") == SECTION_1_1
    assert changelog_section(list(reversed(changes)), "1.1.0", "1.0.0") == SECTION_1_1


def test_section_without_changes_or_history() -> None:
    assert changelog_section([], "1.0.1", "1.0.0") == "## 1.0.1\n\nNo API changes since 1.0.0.\n"
    assert changelog_section([], "1.0.0", None) == "## 1.0.0\n\nFirst release.\n"
    assert changelog_section([], "1.0.0", None, date="2024-05-01") == "## 1.0.0 - 2024-05-01\n\nFirst release.\n"


def test_new_file_gets_a_title() -> None:
    assert update_changelog("", SECTION_1_1) == "# Changelog\n\n" + SECTION_1_1


def test_new_section_goes_on_top_below_the_preamble() -> None:
    existing = "# Changelog\n\nAll API changes of the SDK.\n\n\n## 1.0.0\n\nFirst release.\n"
    assert update_changelog(existing, SECTION_1_1) == (
        "# Changelog\n\nAll API changes of the SDK.\n\n" + SECTION_1_1 + "\n## 1.0.0\n\nFirst release.\n"
    )


def test_same_version_is_replaced_in_place_and_idempotent() -> None:
    older = "## 1.0.0\n\nFirst release.\n"
    stale = "## 1.1.0\n\nAPI changes since 1.0.0.\n\n### Added\n\n- method notes.count: added\n"
    newer = "## 1.2.0\n\nNo API changes since 1.1.0.\n"
    existing = f"# Changelog\n\n{newer}\n{stale}\n{older}"
    once = update_changelog(existing, SECTION_1_1)
    assert once == f"# Changelog\n\n{newer}\n{SECTION_1_1}\n{older}"
    assert update_changelog(once, SECTION_1_1) == once


def test_last_section_is_replaced_to_the_end() -> None:
    existing = "# Changelog\n\n## [1.1.0] - 2024-01-02\n\nHand-written notes.\n"
    assert update_changelog(existing, SECTION_1_1) == "# Changelog\n\n" + SECTION_1_1


def test_headings_inside_code_blocks_are_not_sections() -> None:
    existing = "# Changelog\n\n```markdown\n## 1.1.0\n```\n\n## 1.0.0\n\nFirst release.\n"
    assert update_changelog(existing, SECTION_1_1) == (
        "# Changelog\n\n```markdown\n## 1.1.0\n```\n\n" + SECTION_1_1 + "\n## 1.0.0\n\nFirst release.\n"
    )


def test_a_section_must_start_with_its_version_heading() -> None:
    with pytest.raises(ValueError, match="starts with '## <version>'"):
        update_changelog("", "### Added\n")
