"""Service text (descriptions, error meanings) made safe for the places the renderers write it:
Markdown table cells, one-line comments and comment blocks.

The languages' rules differ where the output differs (how a line break or a control character
is shown); those differences are parameters here, named by what they do, not copies.
"""

from __future__ import annotations

import unicodedata
from typing import Callable


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace, line breaks included, as one space; no blank ends."""
    return " ".join(text.split())


def show_controls(text: str) -> str:
    """Characters that are not printable written as Python escapes (``\\x00``, ``\\u2028``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def clean_lines(text: str) -> list[str]:
    """Text → stripped lines without control characters, single blank lines, no blank ends.

    Tabs become spaces (4 columns), the BOM and control characters are dropped (Go source
    allows no NUL, BOM or other control character; gofmt trims line ends).
    """
    lines: list[str] = []
    for raw in text.splitlines():
        line = "".join(
            ch for ch in raw.expandtabs(4) if ch != "\ufeff" and unicodedata.category(ch) not in ("Cc", "Cs")
        ).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def joined_lines(text: str) -> str:
    """The :func:`clean_lines` of ``text`` joined by spaces: spaces inside a line are kept."""
    return " ".join(line for line in clean_lines(text) if line)


def html_breaks(text: str) -> str:
    """Line breaks as ``<br>``, tabs as spaces, other characters that are not printable escaped."""
    return show_controls(text.replace("\r\n", "\n").replace("\n", "<br>").replace("\t", " "))


def markdown_cell(text: str, *, flatten: Callable[[str], str], escape_backslashes: bool = False) -> str:
    """Text that stays inside one cell of a Markdown table: made one line by ``flatten``
    (:func:`collapse_whitespace`, :func:`joined_lines` or :func:`html_breaks`), then ``|`` escaped.

    ``escape_backslashes``: a ``\\`` shows as itself rather than escaping what follows it
    (done before ``flatten``, whose own escapes must stay escapes; the ``|`` escapes come
    after it, as they would move the tab stops :func:`joined_lines` expands to).
    """
    if escape_backslashes:
        text = text.replace("\\", "\\\\")
    return flatten(text).replace("|", "\\|")


def comment_block(lines: list[str], marker: str) -> tuple[str, ...]:
    """Each line behind ``marker`` and a space; a blank line is the marker alone (no trailing space)."""
    return tuple(f"{marker} {line}" if line else marker for line in lines)


def block_comment_lines(text: str, close: str, escaped_close: str) -> list[str]:
    """The lines of ``text`` for the inside of a block comment: blank ends and line ends
    trimmed, and the comment's ``close`` (``*/``) written as ``escaped_close`` wherever it occurs."""
    return [line.rstrip().replace(close, escaped_close) for line in text.strip().splitlines()]
