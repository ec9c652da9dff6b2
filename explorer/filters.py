"""What the explore page shows beside its results: the filters with what each option would give,
and per ticked feature how many conditions mention it, with a broader feature to swap in."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

from conditions import index
from conditions.models import Condition
from conditions.ranking import DIMENSIONS, Facets, Filters
from conditions.summaries import FeatureSummary

SOURCE_LABELS = {
    "orpha": "Orphanet",
    "omim": "OMIM",
    "decipher": "DECIPHER",
    "curated": "Written by our editors",
}
DIMENSION_LABELS = {
    "source": ("Source of the condition's data", SOURCE_LABELS),
    "onset": ("Age at onset", dict(Condition.Onset.choices)),
    "inheritance": ("Inheritance", dict(Condition.Inheritance.choices)),
}
# Offer a broader feature when its sources mention it this many times more often.
BROADER_FACTOR = 2


class FilterOption(NamedTuple):
    code: str
    label: str
    count: int
    checked: bool


class FilterGroup(NamedTuple):
    name: str  # the URL parameter
    legend: str
    options: list[FilterOption]
    left_out: int  # conditions left out because they have nothing recorded for this filter


def filter_groups(facets: Facets | None, filters: Filters) -> list[FilterGroup]:
    """The filters the results can use: a dimension no result has data for is left out, unless
    it is set (so it can be unset)."""
    if facets is None:
        return []
    groups = []
    for dimension, (legend, labels) in DIMENSION_LABELS.items():
        chosen = getattr(filters, dimension)
        counts = facets.options[dimension]
        if not chosen and not any(counts.values()):
            continue
        options = [  # an option that would leave nothing is not offered, unless it is on
            FilterOption(code, str(labels[code]), counts[code], code in chosen)
            for code in DIMENSIONS[dimension]
            if counts[code] or code in chosen
        ]
        groups.append(FilterGroup(dimension, legend, options, facets.unrecorded.get(dimension, 0)))
    return groups


class TickedCount(NamedTuple):
    feature: FeatureSummary
    count: int  # conditions whose sources mention it (true path)
    broader: FeatureSummary | None
    broader_count: int
    swap_query: str  # the query with the broader feature in its place


def ticked_counts(
    features: list[FeatureSummary], query: list[tuple[str, str]]
) -> list[TickedCount]:
    """Per ticked feature: how many conditions mention it, and its most-mentioned parent when
    that parent is mentioned by at least BROADER_FACTOR times as many (a narrow term silently
    leaves out conditions whose sources use the broader one)."""
    match_index = index.current_index()
    ticked = {f.slug for f in features}
    rows = []
    for feature in features:
        count = match_index.count(feature.pk)
        parents = [
            match_index.features[p]
            for p in match_index.parents.get(feature.pk, [])
            if p in match_index.tickable_ids and match_index.features[p].slug not in ticked
        ]
        best = max(parents, key=lambda p: (match_index.count(p.pk), p.name), default=None)
        broader_count = match_index.count(best.pk) if best else 0
        if best is None or broader_count < max(BROADER_FACTOR * count, 1):
            rows.append(TickedCount(feature, count, None, 0, ""))
            continue
        swapped = [
            ("feature", best.slug) if (key, value) == ("feature", feature.slug) else (key, value)
            for key, value in query
        ]
        rows.append(TickedCount(feature, count, best, broader_count, urlencode(swapped)))
    return rows
