"""Reading level of curated text: US school grade by the Flesch–Kincaid formula (textstat).

Curated summaries and feature descriptions aim at grade 8 or below; a test guards the shipped
content and the admin shows the grade beside the text while staff edit it.
"""

from __future__ import annotations

import re

import textstat

from .description_sources import without_marks

GRADE_LIMIT = 8.0

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_#>`]+")
# A list item is read as a sentence of its own, whether or not it ends with a full stop.
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+(.*?)[;,]?[ \t]*$", re.MULTILINE)


def _item_as_sentence(match: re.Match) -> str:
    item = match[1]
    return item if item.endswith((".", "!", "?", ":")) else f"{item}."


def plain_text(markdown: str) -> str:
    """Markdown without its markup, so emphasis marks, link targets and source marks
    ("[^orphanet-poems]") are not read as words."""
    text = _LIST_ITEM.sub(_item_as_sentence, without_marks(markdown))
    return _MARKUP.sub("", _LINK.sub(r"\1", text)).strip()


def reading_grade(text: str) -> float | None:
    """The Flesch–Kincaid grade of a text, to one decimal; None for empty text."""
    words = plain_text(text)
    if not words:
        return None
    return round(textstat.flesch_kincaid_grade(words), 1)


def paragraphs(markdown: str) -> list[str]:
    """A Markdown text's paragraphs; a list belongs to the paragraph that introduces it."""
    blocks: list[str] = []
    for block in filter(None, (b.strip() for b in (markdown or "").split("\n\n"))):
        if blocks and _LIST_ITEM.match(block):
            blocks[-1] += "\n\n" + block
        else:
            blocks.append(block)
    return blocks


def hardest_paragraph_description(markdown: str) -> str:
    """The grade of a long text's hardest paragraph, and where it starts: one easy paragraph
    must not hide a hard one."""
    graded = [(reading_grade(p), p) for p in paragraphs(markdown)]
    if not graded:
        return "No text yet."
    grade, paragraph = max(graded, key=lambda item: item[0])
    opening = " ".join(plain_text(paragraph).split()[:6])
    return f"Hardest paragraph (“{opening}…”): {grade_description(paragraph)}"


def grade_description(text: str) -> str:
    grade = reading_grade(text)
    if grade is None:
        return "No text yet."
    verdict = "fine" if grade <= GRADE_LIMIT else "too hard: use shorter sentences and words"
    return f"US grade {grade:g} ({verdict}; aim for {GRADE_LIMIT:g} or below)"
