"""Which published conditions' sources mention the ticked features, and how each one explains itself.

Plain functions that views call and tests hit directly. A mention of a more specific feature counts
for every more general one (through FeatureClosure); a feature documented absent never counts.
Results are ordered by how many ticked features a condition mentions, then by name: that order is
not a likelihood.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Count

from . import index
from .index import Ranking
from .models import (
    Condition,
    Feature,
    FeatureAlias,
    Mention,
    frequency_band,
    frequency_label,
    slug_url,
)

# A results page shows, per ticked feature, the exact mention and the first more specific one;
# the condition's page lists the rest.
SHOWN_PER_FEATURE = 2


class FeatureSummary(NamedTuple):
    """What a results page shows of a feature that explains a hit."""

    pk: int
    name: str
    plain_name: str
    slug: str

    def get_absolute_url(self) -> str:
        return slug_url("explorer:feature", self.slug)


class SourceSummary(NamedTuple):
    title: str
    url: str
    publisher: str


class Citation(NamedTuple):
    """One entry of a result's numbered source list: a curated source, or the references of an
    HPO annotation (with its evidence code)."""

    number: int
    source: SourceSummary | None
    evidence: str = ""
    references: str = ""


class ConditionSummary(NamedTuple):
    pk: int
    name: str
    slug: str
    summary: str

    def get_absolute_url(self) -> str:
        return slug_url("explorer:condition", self.slug)


class MentionSummary:
    """What a results page shows of a mention: loaded as plain rows, since a broad query's page
    explains itself with up to a thousand of them and model instances would cost more than the
    rest of the page. Same frequency wording as `Mention`."""

    __slots__ = (
        "pk",
        "feature",
        "feature_id",
        "is_absent",
        "frequency_kind",
        "frequency_label",
        "frequency_band",
        "references",
        "evidence",
        "sources",
        "citations",
        "html",
    )

    def __init__(self, row: tuple, sources: tuple[SourceSummary, ...]):
        (pk, feature_id, name, plain_name, slug, is_absent, kind, category, n, m, percent) = row[
            :11
        ]
        self.pk = pk
        self.feature_id = feature_id
        self.feature = FeatureSummary(feature_id, name, plain_name, slug)
        self.is_absent = is_absent
        self.frequency_kind = kind
        self.frequency_label = frequency_label(kind, category, n, m, percent)
        self.frequency_band = frequency_band(is_absent, kind, category, n, m, percent)
        self.references, self.evidence = row[11:13]
        self.sources = sources
        self.citations: list[int] = []  # numbers in its result's source list
        self.html: dict[str, str] = {}  # fragments the templates render once per request

    def cited_sources(self) -> tuple[SourceSummary, ...]:
        return self.sources

    def __repr__(self) -> str:
        return f"<MentionSummary {self.pk}: {self.feature.name}>"


@dataclass
class FeatureHit:
    """How one result mentions one ticked feature."""

    ticked: Feature
    mentions: list[MentionSummary]  # shown: the exact feature first, then more specific by name
    total: int = 0  # mentions covering the feature in all, shown or not

    @cached_property
    def exact(self) -> MentionSummary | None:
        return next((m for m in self.mentions if m.feature_id == self.ticked.pk), None)

    @cached_property
    def via(self) -> list[MentionSummary]:
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
    condition: ConditionSummary
    hits: list[FeatureHit]  # in the order the features were ticked
    absent: list[MentionSummary] = field(default_factory=list)  # documented absent, each once
    ticked: Sequence[Feature] = ()
    absent_for: dict[int, MentionSummary] = field(default_factory=dict)  # ticked id -> mention
    sources: list[Citation] = field(default_factory=list)  # cited by the mentions shown
    one_source: bool = False  # every mention shown cites the one source: no numbers needed

    def __post_init__(self):
        self._number_sources()

    def _number_sources(self) -> None:
        """Number the sources in the order the result cites them, each once, so a statement
        points at its sources without repeating them under every feature."""
        numbers: dict[tuple, int] = {}

        def number(key: tuple, **citation) -> int:
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                self.sources.append(Citation(numbers[key], **citation))
            return numbers[key]

        shown = [m for hit in self.hits for m in hit.mentions] + self.absent
        for mention in shown:
            mention.citations = [
                number(("source", source.url, source.title), source=source)
                for source in mention.sources
            ]
            if mention.references:
                key = ("hpo", mention.evidence, mention.references)
                mention.citations.append(
                    number(
                        key,
                        source=None,
                        evidence=mention.evidence,
                        references=mention.references,
                    )
                )
        self.one_source = len(self.sources) == 1 and all(m.citations for m in shown)

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

    def cells(self) -> list[tuple[Feature, FeatureHit | None, MentionSummary | None]]:
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


MENTION_COLUMNS = (
    "pk",
    "feature_id",
    "feature__name",
    "feature__plain_name",
    "feature__slug",
    "is_absent",
    "frequency_kind",
    "frequency_category",
    "numerator",
    "denominator",
    "percent",
    "references",
    "evidence",
)


def _in_batches(ids: Collection[int]) -> Iterator[list[int]]:
    """SQLite limits the parameters of one statement; batching keeps any page within it."""
    size = connection.features.max_query_params or len(ids) or 1
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def mention_summaries(mention_ids: Collection[int]) -> dict[int, MentionSummary]:
    """The mentions a page shows, with their features and sources: one row per mention and
    source (a mention without curated sources comes once, with none)."""
    rows: dict[int, tuple] = {}
    cited: dict[int, list[SourceSummary]] = defaultdict(list)
    for batch in _in_batches(mention_ids):
        for row in (
            Mention.objects.filter(pk__in=batch, feature__is_published=True)
            .order_by("pk", "sources__title")
            .values_list(*MENTION_COLUMNS, "sources__title", "sources__url", "sources__publisher")
        ):
            rows.setdefault(row[0], row)
            if row[-3] is not None:
                cited[row[0]].append(SourceSummary(*row[-3:]))
    return {pk: MentionSummary(row, tuple(cited.get(pk, ()))) for pk, row in rows.items()}


def explain(condition_ids: Sequence[int], features: Sequence[Feature]) -> list[ConditionResult]:
    """Explanations for the given conditions (one page), in the order of `condition_ids`.

    The index picks the mentions that explain each result; a broad ticked feature can be covered by
    dozens of a condition's mentions, so only the ones shown (SHOWN_PER_FEATURE) are loaded.
    """
    if not condition_ids or not features:
        return []
    evidence = index.current_index().evidence(
        condition_ids, [f.pk for f in features], SHOWN_PER_FEATURE
    )
    mentions = mention_summaries(evidence.mention_ids)
    conditions = {
        row[0]: ConditionSummary(*row)
        for row in Condition.objects.filter(pk__in=condition_ids)
        .order_by()
        .values_list("pk", "name", "slug", "summary")
    }
    results = []
    for condition_id in condition_ids:
        if condition_id not in conditions:
            continue  # deleted since the ranking was made
        hits = []
        for feature in features:
            key = (condition_id, feature.pk)
            shown = [mentions[pk] for pk in evidence.shown.get(key, ()) if pk in mentions]
            if shown:
                hits.append(FeatureHit(feature, shown, evidence.totals[key]))
        absent_for = {
            feature.pk: mentions[pk]
            for feature in features
            if (pk := evidence.absent.get((condition_id, feature.pk))) in mentions
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
    "Citation",
    "ConditionResult",
    "MentionSummary",
    "mention_summaries",
    "ranked",
    "FeatureHit",
    "ResolvedFeatures",
    "explain",
    "rank_conditions",
    "resolve_features",
]
