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
from functools import cached_property

from django.db.models import Count

from . import index
from .index import Ranking
from .models import Condition, Feature, FeatureAlias, FeatureClosure, Mention

# A results page shows, per ticked feature, the exact mention and the first more specific one;
# the condition's page lists the rest.
SHOWN_PER_FEATURE = 2


@dataclass
class FeatureHit:
    """How one result mentions one ticked feature."""

    ticked: Feature
    mentions: list[Mention]  # shown: the exact feature first, then more specific ones by name
    total: int = 0  # mentions covering the feature in all, shown or not

    @cached_property
    def exact(self) -> Mention | None:
        return next((m for m in self.mentions if m.feature_id == self.ticked.pk), None)

    @cached_property
    def via(self) -> list[Mention]:
        return [m for m in self.mentions if m.feature_id != self.ticked.pk]

    @property
    def not_shown(self) -> int:
        return self.total - len(self.mentions)

    @property
    def via_total(self) -> int:
        """More specific mentions in all, shown or not."""
        return self.total - (self.exact is not None)


@dataclass
class ConditionResult:
    condition: Condition
    hits: list[FeatureHit]  # in the order the features were ticked
    absent: list[Mention] = field(default_factory=list)  # documented absent, each once
    ticked: Sequence[Feature] = ()
    absent_for: dict[int, Mention] = field(default_factory=dict)  # ticked id -> absent mention

    @property
    def matched_count(self) -> int:
        return len(self.hits)

    @property
    def missing(self) -> list[Feature]:
        hit_ids = {hit.ticked.pk for hit in self.hits}
        return [f for f in self.ticked if f.pk not in hit_ids and f.pk not in self.absent_for]

    def hit_for(self, feature: Feature) -> FeatureHit | None:
        return self._hits_by_feature.get(feature.pk)

    @cached_property
    def _hits_by_feature(self) -> dict[int, FeatureHit]:
        return {hit.ticked.pk: hit for hit in self.hits}

    def cells(self) -> list[tuple[Feature, FeatureHit | None, Mention | None]]:
        """One grid cell per ticked feature: the hit, or the absent-mention, or neither."""
        hits = self._hits_by_feature
        return [(f, hits.get(f.pk), self.absent_for.get(f.pk)) for f in self.ticked]


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


# Below this many features under the ticked ones, start from them; above, from the page's conditions.
NARROW_DESCENDANTS = 2000


def _covering_mentions(condition_ids: Sequence[int], ticked_ids: list[int]) -> list[tuple]:
    """(mention pk, condition id, ticked id, feature id, is_absent) for every mention of the given
    conditions whose feature is a ticked one or below it.

    Both directions use an index; which is cheaper depends on how broad the ticked features are.
    """
    below = FeatureClosure.objects.filter(ancestor_id__in=ticked_ids)
    if below.count() <= NARROW_DESCENDANTS:
        return list(
            Mention.objects.filter(
                condition_id__in=condition_ids, feature__ancestor_links__ancestor_id__in=ticked_ids
            )
            .values_list(
                "pk",
                "condition_id",
                "feature__ancestor_links__ancestor_id",
                "feature_id",
                "is_absent",
            )
            .order_by()
        )
    page = list(
        Mention.objects.filter(condition_id__in=condition_ids)
        .values_list("pk", "condition_id", "feature_id", "is_absent")
        .order_by()
    )
    covers: dict[int, list[int]] = defaultdict(list)  # feature id -> ticked ids it falls under
    for descendant, ancestor in FeatureClosure.objects.filter(
        descendant_id__in={row[2] for row in page}, ancestor_id__in=ticked_ids
    ).values_list("descendant_id", "ancestor_id"):
        covers[descendant].append(ancestor)
    return [
        (pk, condition_id, ticked_id, feature_id, is_absent)
        for pk, condition_id, feature_id, is_absent in page
        for ticked_id in covers.get(feature_id, ())
    ]


# Columns a results page never shows: skipping them keeps loading a page of mentions cheap.
UNSHOWN_FEATURE_FIELDS = [
    "feature__definition",
    "feature__description",
    "feature__search_text",
    "feature__illustration",
    "feature__illustration_alt",
    "feature__illustration_credit",
]


def explain(condition_ids: Sequence[int], features: Sequence[Feature]) -> list[ConditionResult]:
    """Explanations for the given conditions (one page), in the order of `condition_ids`.

    A broad ticked feature can be covered by dozens of a condition's mentions; only the ones shown
    (SHOWN_PER_FEATURE) are loaded in full, with their sources.
    """
    if not condition_ids or not features:
        return []
    by_id = {f.pk: f for f in features}
    positive: dict[tuple[int, int], list[tuple[bool, str, int]]] = defaultdict(list)
    absent: dict[int, dict[int, int]] = defaultdict(dict)  # condition -> ticked id -> mention pk
    rows = _covering_mentions(condition_ids, list(by_id))
    names = dict(
        Feature.objects.filter(pk__in={row[3] for row in rows}, is_published=True).values_list(
            "pk", "name"
        )
    )
    for pk, condition_id, ticked_id, feature_id, is_absent in rows:
        if feature_id not in names:
            continue  # an unpublished feature explains nothing
        if is_absent:
            absent[condition_id].setdefault(ticked_id, pk)
        else:
            positive[condition_id, ticked_id].append(
                (feature_id != ticked_id, names[feature_id], pk)
            )
    shown: dict[tuple[int, int], list[int]] = {}
    totals: dict[tuple[int, int], int] = {}
    for key, candidates in positive.items():
        candidates.sort()
        shown[key] = [pk for _, _, pk in candidates[:SHOWN_PER_FEATURE]]
        totals[key] = len(candidates)
    wanted = {pk for pks in shown.values() for pk in pks}
    wanted.update(pk for per_ticked in absent.values() for pk in per_ticked.values())
    mentions = (
        Mention.objects.filter(pk__in=wanted)
        .select_related("feature")
        .defer(*UNSHOWN_FEATURE_FIELDS)
        .prefetch_related("sources")
        .in_bulk()
    )
    conditions = Condition.objects.only("name", "slug", "summary", "status").in_bulk(condition_ids)
    results = []
    for condition_id in condition_ids:
        hits = [
            FeatureHit(feature, [mentions[pk] for pk in shown[key]], totals[key])
            for feature in features
            if (key := (condition_id, feature.pk)) in shown
        ]
        # Absent is worth saying only where no other mention covers the feature.
        absent_for = {
            ticked_id: mentions[pk]
            for ticked_id, pk in absent[condition_id].items()
            if (condition_id, ticked_id) not in shown
        }
        unique_absent = list({m.pk: m for m in absent_for.values()}.values())
        results.append(
            ConditionResult(conditions[condition_id], hits, unique_absent, features, absent_for)
        )
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
