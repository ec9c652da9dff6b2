"""Sources cited inside a condition's description.

Staff cite a source right after the statement it supports, by the source's slug:
"It is often found by chance[^van-de-donk-2014-mgus]." The page shows the number that source
has in the page's one numbered source list (the list the features cite), adding it there if no
feature cites it, so every statement on the page points at the same numbers.
"""

from __future__ import annotations

import re

# One or more marks in a row: "[^a][^b]" cites two sources for one statement.
MARKS = re.compile(r"(?:\[\^[a-z0-9][a-z0-9_-]*\])+")
MARK = re.compile(r"\[\^([a-z0-9][a-z0-9_-]*)\]")


def cited_slugs(text: str) -> list[str]:
    """The slugs a text cites, each once, in the order it first cites them."""
    return list(dict.fromkeys(MARK.findall(text or "")))


def without_marks(text: str) -> str:
    """The text as read aloud: source marks are not words."""
    return MARKS.sub("", text or "")
