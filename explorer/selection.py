"""The question a query string asks (`feature=` slugs or HPO ids, with the order and filters), as
every output reads it: the results page, the API, the CSV download and the phenopacket export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from conditions.matching import parse_filters, parse_order, resolve_features
from conditions.ordering import Order
from conditions.ranking import DIMENSIONS, NO_FILTERS, Filters
from conditions.summaries import FeatureSummary

MAX_VALUE_LENGTH = 200


def clean(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; other control characters are never meaningful.
    return "".join(ch for ch in value if ch >= " " or ch in "\t")[:MAX_VALUE_LENGTH].strip()


def settings_params(order: str, filters: Filters) -> list[tuple[str, str]]:
    """The order and filters as URL parameters, in a fixed order (one cache entry per query)."""
    params = [("order", order)] if order else []
    if filters.reviewed:
        params.append(("reviewed", "1"))
    for dimension, options in DIMENSIONS.items():
        chosen = getattr(filters, dimension)
        params.extend((dimension, code) for code in options if code in chosen)
    return params


@dataclass(frozen=True)
class Selection:
    features: list[FeatureSummary]
    unknown: list[str]
    error: str = ""  # set when the query asks for more than the explorer compares
    order: str = Order.FREQUENCY
    filters: Filters = field(default=NO_FILTERS)

    def params(self) -> list[tuple[str, str]]:
        """The same question as URL parameters, for links to its other forms."""
        return [("feature", f.slug) for f in self.features] + settings_params(
            self.order, self.filters
        )


def too_many_message(count: int) -> str:
    return (
        f"You ticked {count} features. The explorer compares at most "
        f"{settings.EXPLORER_MAX_FEATURES} at a time: untick some and try again."
    )


def select(get: Callable[[str], list[str]]) -> Selection:
    """The question from URL values; `get(name)` lists a parameter's values (QueryDict.getlist)."""

    def values(name: str) -> list[str]:
        return [clean(v) for v in get(name)]

    features = values("feature")
    if len(features) > settings.EXPLORER_MAX_FEATURES:
        return Selection([], [], too_many_message(len(features)))
    resolved = resolve_features(features)
    order = parse_order((values("order") or [""])[0])
    return Selection(resolved.features, resolved.unknown, "", order, parse_filters(values))
