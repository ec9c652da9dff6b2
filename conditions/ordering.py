"""How results are ordered: the one definition, used by the index, the SQL reference and the page.

Default order: how many ticked features a condition's sources mention (most first); then how often
its sources record them: for each ticked feature the highest frequency recorded among the mentions
that match it counts, and conditions with more features recorded as always come first, then more
as very frequent, frequent, occasional and very rare ("not recorded" last); then by name, the way
people read names. `order=name` skips the frequencies. None of this is a likelihood: it says how
often sources record features among people who have each condition.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import models

from .models import CATEGORY_LABELS


class Order(models.TextChoices):
    FREQUENCY = "", "Features mentioned, then how often recorded"
    NAME = "name", "Features mentioned, then name"


# Frequency bands from most to least often recorded; a band's rank is its weight in the order.
# Counts and percentages fall into the same bands (models.frequency_band).
BANDS_MOST_FIRST = ("obligate", "very_frequent", "frequent", "occasional", "very_rare")
NOT_RECORDED_RANK = 0
BAND_RANK = {band: len(BANDS_MOST_FIRST) - i for i, band in enumerate(BANDS_MOST_FIRST)}


def band_rank(band: str) -> int:
    """5 for obligate down to 1 for very rare; 0 for not recorded (absent never counts)."""
    return BAND_RANK.get(band, NOT_RECORDED_RANK)


def band_words() -> list[str]:
    """The bands as the page states the rule, most first: "always (100%)", …"""
    return [str(CATEGORY_LABELS[band]).lower() for band in BANDS_MOST_FIRST]


_DIGITS = re.compile(r"(\d+)")


def human_key(name: str) -> tuple:
    """Sort key for names as people read them: case and accents ignored, numbers as numbers
    ("2q" before "11q", "AL amyloidosis" between "Adiposis" and "Alport")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    parts = _DIGITS.split(text)  # text, digits, text, …: each place always holds the same type
    return tuple(int(part) if i % 2 else part.strip() for i, part in enumerate(parts))


def name_key(name: str, pk: int) -> tuple:
    """The whole name order: human, then as written, then by id, so ties break the same way."""
    return (human_key(name), name, pk)


def result_key(order: str, best_ranks: Iterable[int], name: str, pk: int) -> tuple:
    """The sort key of one result: `best_ranks` holds, per ticked feature its sources mention,
    the band_rank of the highest frequency recorded for it. The reference definition: the index
    computes the same order with arrays."""
    ranks = list(best_ranks)
    key: tuple = (-len(ranks),)
    if order != Order.NAME:
        key += tuple(-ranks.count(rank) for rank in sorted(BAND_RANK.values(), reverse=True))
    return (*key, *name_key(name, pk))


def describe(order: str) -> str:
    """The rule in one plain sentence, for the page above the results (`details` says it in full)."""
    if order == Order.NAME:
        return (
            "by how many of your features its sources mention, then by name: not how likely "
            "any condition is."
        )
    return (
        "by how many of your features its sources mention, then how often they record them "
        "among people who have it, then by name: not how likely any condition is."
    )


def details() -> str:
    """The frequency step exactly, for those who ask."""
    bands = ", ".join(word.split(" (")[0] for word in band_words())
    return (
        "For each of your features, the highest frequency its sources record counts (a mention "
        "of a more specific feature counts for it). Conditions with more features recorded as "
        f"always come first, then more as very frequent, and so on ({bands}); "
        "\u201cnot recorded\u201d comes last."
    )
