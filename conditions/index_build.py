"""Build the match index (match_index.py) from the database: the only part that queries."""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np

from .display import Annotation, DisplayTables, Frequency
from .evidence import MentionTable
from .feature_ids import FeatureIds
from .match_index import MatchIndex
from .models import (
    Condition,
    CrossReference,
    Feature,
    FeatureAlias,
    FeatureClosure,
    Mention,
    frequency_band,
    frequency_label,
)
from .ordering import band_rank, name_key
from .ranking import ConditionFacts, ConditionTraits, Postings, Ranker
from .summaries import ConditionSummary, FeatureSummary, cited_sources

MENTION_COLUMNS = (
    "pk",
    "feature_id",
    "condition_id",
    "is_absent",
    "frequency_kind",
    "frequency_category",
    "numerator",
    "denominator",
    "percent",
    "evidence",
    "references",
)


def build_match_index(version: str) -> MatchIndex:
    conditions, facts = _conditions_in_name_order()
    condition_ids = np.fromiter(conditions, dtype=np.int64, count=len(conditions))
    position_of = np.full(int(condition_ids.max(initial=0)) + 1, -1, dtype=np.int64)
    position_of[condition_ids] = np.arange(len(condition_ids))
    features, features_by_name = _published_features()
    ids = FeatureIds.of(_tickable(), _parents(features.keys()))

    rows, frequencies, annotations = _mention_rows()
    in_range = rows[:, 2] < len(position_of)
    rows = rows[in_range][position_of[rows[in_range, 2]] >= 0]  # on published conditions
    closure = np.array(
        FeatureClosure.objects.values_list("descendant_id", "ancestor_id").order_by(),
        dtype=np.int64,
    ).reshape(-1, 2)
    band_ranks = np.array([band_rank(band) for *_, band in frequencies], dtype=np.int8)
    mentions = MentionTable.build(
        rows, position_of, len(condition_ids), closure, features_by_name, band_ranks
    )
    present = rows[rows[:, 3] == 0]
    postings = Postings.build(
        features=present[:, 1],
        positions=position_of[present[:, 2]],
        ranks=band_ranks[present[:, 4]] if len(band_ranks) else band_ranks,
        closure=closure,
        condition_count=len(condition_ids),
    )
    display = DisplayTables.of(
        features=list(features.values()),
        conditions=list(conditions.values()),
        frequencies=frequencies,
        annotations=annotations,
        sources=cited_sources(),
    )
    ranker = Ranker(condition_ids, postings, ConditionTraits.build(facts))
    return MatchIndex(version, ranker, mentions, display, ids)


def _conditions_in_name_order() -> tuple[dict[int, ConditionSummary], list[ConditionFacts]]:
    """Published conditions in human name order (ordering.name_key), and what the filters read
    of each."""
    xrefs: dict[int, list[tuple[str, str]]] = {}
    for condition_id, scheme, code in CrossReference.objects.order_by("scheme", "code").values_list(
        "condition_id", "scheme", "code"
    ):
        xrefs.setdefault(condition_id, []).append((scheme, code))
    rows = Condition.objects.published().values_list(
        "pk", "name", "slug", "summary", "last_reviewed", "origin", "onset", "inheritance"
    )
    rows = sorted(rows, key=lambda row: name_key(row[1], row[0]))
    names = Counter(name for _, name, *_ in rows)
    conditions, facts = {}, []
    for pk, name, slug, summary, reviewed, origin, onset, inheritance in rows:
        codes = [(scheme, code) for scheme, code in xrefs.get(pk, []) if scheme != "ICD10"]
        # Two conditions of one name (an Orphanet and a DECIPHER entry) are told apart by code.
        label = ""
        if names[name] > 1:
            label = ", ".join(f"{scheme}:{code}" for scheme, code in codes) or "curated"
        conditions[pk] = ConditionSummary(pk, name, slug, summary, label)
        sources = [scheme.lower() for scheme, _ in codes]
        if origin == "curated":
            sources.append("curated")
        facts.append(
            ConditionFacts(
                reviewed is not None,
                tuple(sources),
                tuple(onset.split()),
                tuple(inheritance.split()),
            )
        )
    return conditions, facts


def _published_features() -> tuple[dict[int, FeatureSummary], np.ndarray]:
    """Published features by id, and every feature id in name order."""
    features = {}
    in_name_order = []
    columns = ("pk", "name", "plain_name", "slug", "hpo_id", "is_published")
    for pk, name, plain_name, slug, hpo_id, published in Feature.objects.order_by(
        "name", "pk"
    ).values_list(*columns):
        in_name_order.append(pk)
        if published:
            features[pk] = FeatureSummary(pk, name, plain_name, slug, hpo_id or "")
    return features, np.array(in_name_order, dtype=np.int64)


def _tickable() -> dict[str, int]:
    """What a URL may name: slug or HPO id (or an alt or obsolete id, upper case) -> feature id."""
    tickable: dict[str, int] = {}
    for pk, slug, hpo_id in (
        Feature.objects.tickable().order_by("name", "pk").values_list("pk", "slug", "hpo_id")
    ):
        tickable[slug] = pk
        if hpo_id:
            tickable[hpo_id.upper()] = pk
    for alias, pk in (
        FeatureAlias.objects.filter(feature__in=Feature.objects.tickable())
        .order_by("hpo_id", "kind", "feature__name")
        .values_list("hpo_id", "feature_id")
    ):
        tickable.setdefault(alias.upper(), pk)
    return tickable


def _parents(published) -> dict[int, tuple[int, ...]]:
    """Published feature -> its published parents."""
    published = set(published)
    parents: dict[int, list[int]] = {}
    for child, parent in Feature.parents.through.objects.values_list(
        "from_feature_id", "to_feature_id"
    ).order_by():
        if child in published and parent in published:
            parents.setdefault(child, []).append(parent)
    return {child: tuple(of) for child, of in parents.items()}


def _mention_rows() -> tuple[np.ndarray, list[Frequency], list[Annotation]]:
    """Every mention of a published feature as numbers: (pk, feature, condition, absent,
    frequency, annotation), the last two pointing into the distinct frequencies (kind, label,
    band) and HPO annotations (evidence, references) returned beside them."""
    frequencies: dict[tuple, int] = {}
    annotations: dict[tuple[str, str], int] = {("", ""): 0}
    numbers = array("q")  # machine integers: a list of 1.6 million ints would weigh 60 MB
    rows = (
        Mention.objects.filter(feature__is_published=True).order_by().values_list(*MENTION_COLUMNS)
    )
    # Streamed: a quarter of a million rows held at once would set every worker's memory high.
    for pk, feature, condition, absent, *frequency, evidence, references in rows.iterator(
        chunk_size=5000
    ):
        key = (absent, *frequency)
        frequency_id = frequencies.get(key)
        if frequency_id is None:
            frequency_id = frequencies[key] = len(frequencies)
        annotation_id = annotations.setdefault((evidence, references), len(annotations))
        numbers.extend((pk, feature, condition, absent, frequency_id, annotation_id))
    return (
        np.frombuffer(numbers, dtype=np.int64).reshape(-1, 6).copy(),
        [
            (kind, frequency_label(kind, *rest), frequency_band(absent, kind, *rest))
            for absent, kind, *rest in frequencies
        ],
        list(annotations),
    )
