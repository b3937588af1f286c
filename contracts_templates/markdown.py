"""Keeping provider- and consumer-supplied text inert inside a Markdown contract.

Every `{{ ... }}` in a contract template passes through `escape_markdown` (it is the environment's
`finalize`), so a dataset title can neither open a heading, a list, a table cell, a link or a code
span, nor carry raw HTML, nor reorder the text around it with bidirectional controls. Markdown written by
this package itself (the policy clauses) is wrapped in `MarkdownSafe` after its own parts were escaped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Backslash-escapable ASCII punctuation (CommonMark 2.4) that can start inline structure anywhere:
# emphasis, code spans, links and images, raw HTML and entities, GFM tables and strikethrough, headings.
_INLINE_SPECIALS = frozenset("\\`*_[]<>&|~#")
# What opens a block when it starts a line (besides `#`, `>`, `*`, `_`, escaped everywhere above): a
# list item marker followed by a space, or a line of only `-` or `=` (a thematic break or setext heading).
_LIST_MARKER = re.compile(r"(?:[-+]|(?P<digits>\d{1,9})[.)])(?= |$)")
_BREAK_OR_UNDERLINE = re.compile(r"[-=](?: *[-=])*$")
# Bidirectional embeddings, overrides, isolates and marks: they can make a contract display text in an
# order different from the order that was signed.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
_SPACES = re.compile(" {2,}")


class MarkdownSafe(str):
    """Text that may be placed in a contract as it is: escaped user text, or Markdown built from it."""

    __slots__ = ()


def escape_markdown(value: Any) -> MarkdownSafe:
    """`value` as one line of literal text in Markdown: structure characters escaped, controls removed."""
    if isinstance(value, MarkdownSafe):
        return value
    text = str(value).translate(_BIDI_CONTROLS)
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text)
    text = _SPACES.sub(
        " ", text
    ).strip()  # also Unicode spaces, which would stop `**` from opening or closing
    escaped = "".join("\\" + char if char in _INLINE_SPECIALS else char for char in text)
    marker = _LIST_MARKER.match(escaped)
    if marker or _BREAK_OR_UNDERLINE.match(escaped):
        cut = len(marker["digits"]) if marker and marker["digits"] else 0
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return MarkdownSafe(escaped)


def finalize(value: Any) -> str:
    """What a template prints for `{{ value }}`: this package's Markdown as it is, anything else escaped."""
    if value is None:
        raise ValueError("a contract template printed None; guard optional terms with {% if %}")
    if isinstance(value, bool):
        raise ValueError("a contract template printed a boolean; say in words what it means")
    return escape_markdown(value)


def normalise_document(text: str) -> str:
    """The canonical form of a rendered contract: LF newlines, no trailing spaces, single blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"
