"""Which published conditions' sources mention the ticked features, and how each one explains itself.

Plain functions that views call and tests hit directly. A mention of a more specific feature counts
for every more general one (through FeatureClosure); a feature documented absent never counts.
Results are ordered by how many ticked features a condition mentions, then by name: that order is
not a likelihood.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F

from . import index
from .index import Ranking
from .models import Condition, Feature, FeatureAlias, Mention


@dataclass
class FeatureHit:
    """How one result mentions one ticked feature."""

    ticked: Feature
    mentions: list[Mention]  # the exact feature first, then more specific ones

    @property
    def exact(self) -> Mention | None:
        return next((m for m in self.mentions if m.feature_id == self.ticked.pk), None)

    @property
    def via(self) -> list[Mention]:
        return [m for m in self.mentions if m.feature_id != self.ticked.pk]


@dataclass
class ConditionResult:
    condition: Condition
    hits: list[FeatureHit]  # in the order the features were ticked
    absent: list[Mention] = field(default_factory=list)
    ticked: Sequence[Feature] = ()

    @property
    def matched_count(self) -> int:
        return len(self.hits)

    @property
    def missing(self) -> list[Feature]:
        hit_ids = {hit.ticked.pk for hit in self.hits}
        absent_ids = {m.ticked_id for m in self.absent}
        return [f for f in self.ticked if f.pk not in hit_ids and f.pk not in absent_ids]

    def hit_for(self, feature: Feature) -> FeatureHit | None:
        return next((hit for hit in self.hits if hit.ticked.pk == feature.pk), None)

    def cells(self) -> list[tuple[Feature, FeatureHit | None, Mention | None]]:
        """One grid cell per ticked feature: the hit, or the absent-mention, or neither."""
        absent = {m.ticked_id: m for m in self.absent}
        return [(f, self.hit_for(f), absent.get(f.pk)) for f in self.ticked]


@dataclass(frozen=True)
class ResolvedFeatures:
    features: list[Feature]
    unknown: list[str]


def resolve_features(values: Iterable[str]) -> ResolvedFeatures:
    """Turn URL values (slugs or HPO ids, alt ids and obsolete ids too) into tickable features.

    Keeps the order given, drops repeats, and names what could not be found.
    """
    cleaned = [v.strip() for v in values if v and v.strip()]
    hpo_like = [v.upper() for v in cleaned if v.upper().startswith("HP:")]
    tickable = Feature.objects.tickable()
    by_slug = {f.slug: f for f in tickable.filter(slug__in=cleaned)}
    by_hpo = {f.hpo_id: f for f in tickable.filter(hpo_id__in=hpo_like)} if hpo_like else {}
    if hpo_like and len(by_hpo) < len(set(hpo_like)):
        aliases = FeatureAlias.objects.filter(
            hpo_id__in=set(hpo_like) - by_hpo.keys(), feature__in=tickable
        ).select_related("feature")
        for alias in aliases.order_by("hpo_id", "kind", "feature__name"):
            by_hpo.setdefault(alias.hpo_id, alias.feature)
    features: list[Feature] = []
    unknown: list[str] = []
    for value in cleaned:
        feature = by_slug.get(value) or by_hpo.get(value.upper())
        if feature is None:
            if value not in unknown:
                unknown.append(value)
        elif feature not in features:
            features.append(feature)
    return ResolvedFeatures(features, unknown)


def _mentions_below(feature_ids: Sequence[int]):
    """Mentions whose feature is one of `feature_ids` or more specific, on published content."""
    return Mention.objects.filter(
        feature__ancestor_links__ancestor_id__in=feature_ids,
        feature__is_published=True,
        condition__status=Condition.Status.PUBLISHED,
    )


def rank_conditions(feature_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(condition id, number of ticked features mentioned), most first, then by condition name.

    The database's answer: the reference the in-process index (`ranked`) is tested against.
    """
    if not feature_ids:
        return []
    rows = (
        _mentions_below(feature_ids)
        .filter(is_absent=False)
        .values("condition_id", "condition__name")
        .annotate(matched=Count("feature__ancestor_links__ancestor_id", distinct=True))
        .order_by("-matched", "condition__name", "condition_id")
        .values_list("condition_id", "matched")
    )
    return list(rows)


def explain(condition_ids: Sequence[int], features: Sequence[Feature]) -> list[ConditionResult]:
    """Full explanations for the given conditions (one page), in the order of `condition_ids`."""
    if not condition_ids or not features:
        return []
    by_id = {f.pk: f for f in features}
    mentions = (
        _mentions_below(list(by_id))
        .filter(condition_id__in=condition_ids)
        .annotate(ticked_id=F("feature__ancestor_links__ancestor_id"))
        .select_related("feature")
        .prefetch_related("sources")
        .order_by("feature__name")
    )
    positive: dict[int, dict[int, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    absent: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.is_absent:
            absent[mention.condition_id].append(mention)
        else:
            positive[mention.condition_id][mention.ticked_id].append(mention)
    conditions = Condition.objects.in_bulk(condition_ids)
    results = []
    for condition_id in condition_ids:
        per_feature = positive[condition_id]
        hits = []
        for feature in features:
            found = per_feature.get(feature.pk)
            if found:
                found.sort(key=lambda m: (m.feature_id != feature.pk, m.feature.name))
                hits.append(FeatureHit(feature, found))
        hit_ids = {hit.ticked.pk for hit in hits}
        # Absent is worth saying only where no other mention covers the feature.
        absent_here = [m for m in absent[condition_id] if m.ticked_id not in hit_ids]
        results.append(ConditionResult(conditions[condition_id], hits, absent_here, features))
    return results


def ranked(features: Sequence[Feature]) -> Ranking:
    """The ranking the site shows, from the in-process index (same answer as rank_conditions)."""
    return index.rank([f.pk for f in features])


__all__ = [
    "ConditionResult",
    "ranked",
    "FeatureHit",
    "ResolvedFeatures",
    "explain",
    "rank_conditions",
    "resolve_features",
]
