"""Which published conditions' sources mention the ticked features, and how each one explains itself.

Plain functions that views (and the API) call and tests hit directly. A mention of a more specific
feature counts for every more general one (through FeatureClosure); a feature documented absent
never counts. Results are ordered as ordering.py defines (features mentioned, then how often
recorded, then name): that order is not a likelihood.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from . import index
from .models import Condition, Mention, frequency_band
from .ordering import Order, band_rank, result_key
from .ranking import DIMENSIONS, NO_FILTERS, Filters, Ranking
from .summaries import (
    Citation,
    ConditionSummary,
    FeatureSummary,
    MentionSummary,
    number_citations,
)

# Mentions kept per ticked feature: the one with the highest frequency recorded (the one the
# order counts) and the next (the API lists both); the condition's page lists the rest. A results
# page card shows the first only: a phone must carry the page.
SHOWN_PER_FEATURE = 2
EVERY = 2**31  # as `per_feature`: every covering mention (downloads list them all)


@dataclass
class FeatureHit:
    """How one result mentions one ticked feature."""

    ticked: FeatureSummary
    # shown: the highest frequency recorded first (the one the order counts), then the ticked
    # feature's own mention, then more specific ones by name
    mentions: list[MentionSummary]
    total: int = 0  # mentions covering the feature in all, shown or not
    exact: MentionSummary | None = field(init=False)
    via: list[MentionSummary] = field(init=False)

    def __post_init__(self):
        exact = [m for m in self.mentions if m.feature.pk == self.ticked.pk]
        self.exact = exact[0] if exact else None
        self.via = [m for m in self.mentions if m is not self.exact]

    @property
    def highest(self) -> MentionSummary:
        """The mention with the highest frequency recorded: what the grid and the order show."""
        return self.mentions[0]

    @property
    def not_shown(self) -> int:
        return self.total - len(self.mentions)

    @property
    def via_total(self) -> int:
        """More specific mentions in all, shown or not."""
        return self.total - (self.exact is not None)


@dataclass
class ConditionResult:
    condition: ConditionSummary
    hits: list[FeatureHit]  # in the order the features were ticked
    absent: list[MentionSummary] = field(default_factory=list)  # documented absent, each once
    ticked: Sequence[FeatureSummary] = ()
    absent_for: dict[int, MentionSummary] = field(default_factory=dict)  # ticked id -> mention
    sources: list[Citation] = field(default_factory=list)  # cited by the mentions shown
    one_source: bool = False  # every mention shown cites the one source: no numbers needed

    def __post_init__(self):
        self._number_sources()

    def _number_sources(self) -> None:
        shown = [hit.highest for hit in self.hits] + self.absent
        self.sources, self.one_source = number_citations(shown)

    @property
    def matched_count(self) -> int:
        return len(self.hits)

    @property
    def missing(self) -> list[FeatureSummary]:
        hit_ids = {hit.ticked.pk for hit in self.hits}
        return [f for f in self.ticked if f.pk not in hit_ids and f.pk not in self.absent_for]

    @cached_property
    def _hits_by_feature(self) -> dict[int, FeatureHit]:
        return {hit.ticked.pk: hit for hit in self.hits}

    def cells(self) -> list[tuple[FeatureSummary, FeatureHit | None, MentionSummary | None]]:
        """One grid cell per ticked feature: the hit, or the absent-mention, or neither."""
        hits = self._hits_by_feature
        return [(f, hits.get(f.pk), self.absent_for.get(f.pk)) for f in self.ticked]


@dataclass(frozen=True)
class ResolvedFeatures:
    features: list[FeatureSummary]
    unknown: list[str]


def resolve_features(values: Iterable[str]) -> ResolvedFeatures:
    """Turn URL values (slugs or HPO ids, alt ids and obsolete ids too) into tickable features.

    Keeps the order given, drops repeats, and names what could not be found. A slug is matched as
    written, an HPO id in any case; the index holds both, so this needs no query.
    """
    match_index = index.current_index()
    features: list[FeatureSummary] = []
    unknown: list[str] = []
    for value in (v.strip() for v in values if v and v.strip()):
        pk = match_index.ids.resolve(value)
        if pk is None:
            if value not in unknown:
                unknown.append(value)
        elif (feature := match_index.features[pk]) not in features:
            features.append(feature)
    return ResolvedFeatures(features, unknown)


def _mentions_below(feature_ids: Sequence[int]):
    """Mentions whose feature is one of `feature_ids` or more specific, on published content."""
    return Mention.objects.filter(
        feature__ancestor_links__ancestor_id__in=feature_ids,
        feature__is_published=True,
        condition__status=Condition.Status.PUBLISHED,
    )


def rank_conditions(
    feature_ids: Sequence[int], order: str = Order.FREQUENCY
) -> list[tuple[int, int]]:
    """(condition id, number of ticked features mentioned) in result order (ordering.py).

    The database's answer, ordered by ordering.result_key one condition at a time: the reference
    the in-process index (`ranked`) is tested against. Filters are the index's alone.
    """
    if not feature_ids:
        return []
    rows = (
        _mentions_below(feature_ids)
        .filter(is_absent=False)
        .values_list(
            "condition_id",
            "condition__name",
            "feature__ancestor_links__ancestor_id",
            "frequency_kind",
            "frequency_category",
            "numerator",
            "denominator",
            "percent",
        )
        .order_by()
        .distinct()
    )
    names: dict[int, str] = {}
    best: dict[tuple[int, int], int] = {}  # (condition, ticked feature) -> highest band rank
    for condition_id, name, ticked, *frequency in rows:
        names[condition_id] = name
        rank = band_rank(frequency_band(False, *frequency))
        best[condition_id, ticked] = max(rank, best.get((condition_id, ticked), rank))
    ranks: dict[int, list[int]] = {condition_id: [] for condition_id in names}
    for (condition_id, _), rank in best.items():
        ranks[condition_id].append(rank)
    keyed = sorted((result_key(order, ranks[c], names[c], c), c, len(ranks[c])) for c in names)
    return [(condition_id, matched) for _, condition_id, matched in keyed]


def explain(
    condition_ids: Sequence[int],
    features: Sequence[FeatureSummary],
    per_feature: int = SHOWN_PER_FEATURE,
) -> list[ConditionResult]:
    """Explanations for the given conditions (one page), in the order of `condition_ids`.

    `per_feature` mentions are kept per (condition, ticked feature); a download asks for EVERY.

    The index picks the mentions that explain each result (a broad ticked feature can be covered
    by dozens of a condition's mentions; SHOWN_PER_FEATURE of them are shown) and holds what the
    page shows of them, so explaining a page needs no database round trip.
    """
    if not condition_ids or not features:
        return []
    match_index = index.current_index()
    evidence = match_index.evidence(condition_ids, [f.pk for f in features], per_feature)
    mentions = match_index.mention_summaries(evidence.rows)
    results = []
    for condition_id in condition_ids:
        condition = match_index.conditions.get(condition_id)
        if condition is None:
            continue  # not published
        hits = [
            FeatureHit(feature, [mentions[row] for row in shown], evidence.totals[key])
            for feature in features
            if (shown := evidence.shown.get(key := (condition_id, feature.pk)))
        ]
        absent_for = {
            feature.pk: mentions[row]
            for feature in features
            if (row := evidence.absent.get((condition_id, feature.pk))) is not None
        }
        unique_absent = list({m.pk: m for m in absent_for.values()}.values())
        results.append(ConditionResult(condition, hits, unique_absent, features, absent_for))
    return results


def ranked(
    features: Sequence[FeatureSummary], order: str = Order.FREQUENCY, filters: Filters = NO_FILTERS
) -> Ranking:
    """The ranking the site shows, from the in-process index (same order as rank_conditions),
    with the filters applied and what each filter option would give (`Ranking.facets`)."""
    return index.rank([f.pk for f in features], order, filters)


def parse_order(value: str) -> str:
    """An `order` URL value: anything unknown is the default order."""
    return value if value in Order.values else Order.FREQUENCY


def parse_filters(get: Callable[[str], list[str]]) -> Filters:
    """Filters from URL values (`get(name)` lists a parameter's values, as QueryDict.getlist):
    `reviewed=1`, and `source`, `onset`, `inheritance`, each repeatable. Unknown values are
    ignored rather than refused: a stale shared link still shows results."""

    def chosen(name: str) -> frozenset[str]:
        return frozenset(v for v in get(name) if v in DIMENSIONS[name])

    return Filters(
        reviewed="1" in get("reviewed"),
        source=chosen("source"),
        onset=chosen("onset"),
        inheritance=chosen("inheritance"),
    )


__all__ = [
    "ConditionResult",
    "Filters",
    "Order",
    "parse_filters",
    "parse_order",
    "ranked",
    "FeatureHit",
    "ResolvedFeatures",
    "explain",
    "rank_conditions",
    "resolve_features",
]
