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


def plain_text(markdown: str) -> str:
    """Markdown without its markup, so emphasis marks, link targets and source marks
    ("[^orphanet-poems]") are not read as words."""
    return _MARKUP.sub("", _LINK.sub(r"\1", without_marks(markdown))).strip()


def reading_grade(text: str) -> float | None:
    """The Flesch–Kincaid grade of a text, to one decimal; None for empty text."""
    words = plain_text(text)
    if not words:
        return None
    return round(textstat.flesch_kincaid_grade(words), 1)


def grade_description(text: str) -> str:
    grade = reading_grade(text)
    if grade is None:
        return "No text yet."
    verdict = "fine" if grade <= GRADE_LIMIT else "too hard: use shorter sentences and words"
    return f"US grade {grade:g} ({verdict}; aim for {GRADE_LIMIT:g} or below)"
