"""The ticked features of a query string (`feature=` slugs or HPO ids), as every output reads them:
the results page, the API, the CSV download and the phenopacket export."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from conditions.matching import resolve_features
from conditions.summaries import FeatureSummary

MAX_VALUE_LENGTH = 200


def clean(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; other control characters are never meaningful.
    return "".join(ch for ch in value if ch >= " " or ch in "\t")[:MAX_VALUE_LENGTH].strip()


@dataclass(frozen=True)
class Selection:
    features: list[FeatureSummary]
    unknown: list[str]
    error: str = ""  # set when the query asks for more than the explorer compares


def too_many_message(count: int) -> str:
    return (
        f"You ticked {count} features. The explorer compares at most "
        f"{settings.EXPLORER_MAX_FEATURES} at a time: untick some and try again."
    )


def select(values: list[str]) -> Selection:
    values = [clean(v) for v in values]
    if len(values) > settings.EXPLORER_MAX_FEATURES:
        return Selection([], [], too_many_message(len(values)))
    resolved = resolve_features(values)
    return Selection(resolved.features, resolved.unknown)
