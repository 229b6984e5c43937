"""Escaping text for Markdown: the report's ``md`` filter, and every Markdown table the
package writes (the report, whom to learn from)."""

from __future__ import annotations

import re

__all__ = ["md", "md_cell"]

# HTML's special characters, and those that start emphasis, code, links, tables or
# strike-through anywhere in a line of Markdown.
_MARKDOWN_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;"} | {c: "\\" + c for c in "\\`*_[]|~"})
# Text that would start a heading, list, quote or numbered list at the start of a line.
_MARKDOWN_LINE_START = re.compile(r"^(\d*)([#+.)-])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_UNTIDY_SPACE = re.compile(r"\s\s|[^\S ]")


def md(value: object) -> str:
    """Escape text for Markdown: HTML special characters and Markdown punctuation.

    Only what can change the meaning is escaped, so the Markdown stays readable as text.

    >>> md("<b>5*3</b> [link](x)")
    '&lt;b&gt;5\\\\*3&lt;/b&gt; \\\\[link\\\\](x)'
    """
    # "&" alone is text; only where it would start an entity ("&lt;") does it change meaning.
    text = _ENTITY.sub("&amp;", str(value)).translate(_MARKDOWN_ESCAPES)
    if _UNTIDY_SPACE.search(text):
        # A table cell or a paragraph must stay on one line.
        text = " ".join(text.split())
    text = text.strip()
    if text and (text[0].isdigit() or text[0] in "#+.)-"):
        text = _MARKDOWN_LINE_START.sub(r"\1\\\2", text)
    return text


def md_cell(value: object) -> str:
    """Escape text for a Markdown table cell (``md`` plus an empty-cell guard)."""
    text = md(value)
    return text if text else " "
