"""Staff-written "get help now" advice for features that can signal an emergency.

Shown first on a feature's page and above the results whenever such a feature is ticked. The
advice of every feature is held per content version, so the explore page spends no query on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .content_version import PerVersion
from .models import Feature


class UrgentAdvice(NamedTuple):
    feature_name: str
    advice: str
    source_title: str
    source_url: str


def _build(version: str) -> dict[int, UrgentAdvice]:
    rows = (
        Feature.objects.published()
        .exclude(urgent_advice="")
        .values_list(
            "pk",
            "plain_name",
            "name",
            "urgent_advice",
            "urgent_advice_source__title",
            "urgent_advice_source__url",
        )
    )
    return {
        pk: UrgentAdvice(plain or name, advice, title, url)
        for pk, plain, name, advice, title, url in rows
    }


_advice = PerVersion(_build)


def urgent_advice_for(feature_ids: Iterable[int]) -> list[UrgentAdvice]:
    """The advice for these features, in the order given, skipping features without any."""
    advice = _advice.get()
    return [advice[pk] for pk in feature_ids if pk in advice]
