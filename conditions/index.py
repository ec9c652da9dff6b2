"""An in-process index for ranking conditions by the ticked features they mention, and for
finding the mentions that explain each result.

For every feature it holds the sorted positions of the published conditions whose sources mention
that feature or anything more specific (the true path rule), documented-absent mentions excluded.
Positions follow condition name order, so ranking k features is one bincount and a stable sort,
with no database round trip. It also holds each condition's mentions, the is_a closure and what a
results page shows of features, conditions and mentions (summaries.py), so a page of results is
explained without the database either. The index is rebuilt whenever the content version changes,
once for every process and server (`content_version.PerVersion`, `snapshots`: stored in the
database, memory-mapped from a file per server), while the previous one keeps serving.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import content_version
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
from .ordering import BAND_RANK, NOT_RECORDED_RANK, Order, band_rank, name_key
from .summaries import ConditionSummary, FeatureSummary, MentionSummary, cited_sources


@dataclass(frozen=True)
class Ranking:
    """Conditions in result order, with how many ticked features each mentions."""

    condition_ids: np.ndarray  # int64
    matched: np.ndarray  # int32, same length
    facets: Facets | None = None  # what each filter option would give, and what filters left out

    def __len__(self) -> int:
        return len(self.condition_ids)

    def __getitem__(self, window):
        if isinstance(window, slice):
            return list(
                zip(self.condition_ids[window].tolist(), self.matched[window].tolist(), strict=True)
            )
        return (int(self.condition_ids[window]), int(self.matched[window]))

    def count(self) -> int:  # Paginator asks for count() before len()
        return len(self)

    def complete_count(self, feature_count: int) -> int:
        return int(np.count_nonzero(self.matched == feature_count))


EMPTY = Ranking(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32))

# Filter dimensions: each condition's options as bits (see `ConditionTraits`).
SOURCE_OPTIONS = ("orpha", "omim", "decipher", "curated")
ONSET_OPTIONS = tuple(Condition.Onset.values)
INHERITANCE_OPTIONS = tuple(Condition.Inheritance.values)
DIMENSIONS = {"source": SOURCE_OPTIONS, "onset": ONSET_OPTIONS, "inheritance": INHERITANCE_OPTIONS}


@dataclass(frozen=True)
class Filters:
    """Which conditions a visitor keeps: reviewed by editors, from these sources, with this onset
    or inheritance recorded (options of one dimension combine with "or", dimensions with "and")."""

    reviewed: bool = False
    source: frozenset[str] = frozenset()
    onset: frozenset[str] = frozenset()
    inheritance: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.reviewed or any(getattr(self, d) for d in DIMENSIONS)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Facets:
    """For the results of the ticked features: how many each filter option would give (the other
    filters applied), and how many a filter left out because the condition has nothing recorded."""

    options: dict[str, dict[str, int]]  # dimension -> option -> results
    reviewed: int  # results if only reviewed conditions were kept
    unrecorded: dict[str, int]  # dimension set -> conditions left out with nothing recorded
    unfiltered: int  # results without any filter


class ConditionTraits:
    """Per condition position: reviewed or not, and its sources, onsets and inheritance as bits."""

    def __init__(self, count: int):
        self.reviewed = np.zeros(count, dtype=bool)
        self.bits = {d: np.zeros(count, dtype=np.int16) for d in DIMENSIONS}

    def set(self, position: int, dimension: str, codes: Sequence[str]) -> None:
        options = DIMENSIONS[dimension]
        for code in codes:
            if code in options:
                self.bits[dimension][position] |= 1 << options.index(code)

    def mask(self, filters: Filters, positions: np.ndarray, skip: str = "") -> np.ndarray:
        """Which of `positions` the filters keep (leaving dimension `skip` out)."""
        keep = np.ones(len(positions), dtype=bool)
        if filters.reviewed and skip != "reviewed":
            keep &= self.reviewed[positions]
        for dimension, options in DIMENSIONS.items():
            chosen = getattr(filters, dimension)
            if chosen and dimension != skip:
                wanted = sum(1 << options.index(code) for code in chosen if code in options)
                keep &= (self.bits[dimension][positions] & wanted) != 0
        return keep

    def facets(self, filters: Filters, hits: np.ndarray) -> Facets:
        options, unrecorded = {}, {}
        for dimension, codes in DIMENSIONS.items():
            pool = self.bits[dimension][hits[self.mask(filters, hits, skip=dimension)]]
            options[dimension] = {
                code: int(np.count_nonzero(pool & (1 << i))) for i, code in enumerate(codes)
            }
            if getattr(filters, dimension):
                unrecorded[dimension] = int(np.count_nonzero(pool == 0))
        reviewed_pool = hits[self.mask(filters, hits, skip="reviewed")]
        return Facets(
            options,
            int(np.count_nonzero(self.reviewed[reviewed_pool])),
            unrecorded,
            len(hits),
        )


@dataclass
class Evidence:
    """Which mentions (rows of the index's MentionTable) explain a page of results, by
    (condition id, ticked feature id).

    `shown` lists the first mentions covering the pair (the highest frequency recorded first, as
    the order counts it; among equals the ticked feature's own mention, then by feature name); `totals` counts all that cover it. `absent` names one
    documented-absent mention at or below the ticked feature, for pairs nothing else covers.
    """

    shown: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    totals: dict[tuple[int, int], int] = field(default_factory=dict)
    absent: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def rows(self) -> set[int]:
        wanted = {row for rows in self.shown.values() for row in rows}
        wanted.update(self.absent.values())
        return wanted


def _runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + lengths[i] - 1 for every i, concatenated, no loop."""
    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in a sorted array."""
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


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


def _conditions_in_name_order() -> tuple[dict[int, ConditionSummary], list[tuple]]:
    """Published conditions in human name order (ordering.name_key), and each one's filter
    data: (reviewed, sources, onsets, inheritance)."""
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
    conditions, traits = {}, []
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
        traits.append((reviewed is not None, sources, onset.split(), inheritance.split()))
    return conditions, traits


def _mention_rows() -> tuple[np.ndarray, list[tuple[str, str, str]], list[tuple[str, str]]]:
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


class MatchIndex:
    def __init__(
        self,
        version: str,
        condition_ids: np.ndarray,
        keys: np.ndarray,
        offsets: np.ndarray,
        positions: np.ndarray,
        position_of: np.ndarray,
        mentions: MentionTable,
        features: dict[int, FeatureSummary],
        conditions: dict[int, ConditionSummary],
        tickable: dict[str, int],
        *,
        best: np.ndarray,
        traits: ConditionTraits,
        parents: dict[int, list[int]],
    ):
        self.version = version
        self._best = best  # beside positions: the band rank of the highest frequency recorded
        self.traits = traits
        self.parents = parents
        self.condition_ids = condition_ids  # position -> condition id, in name order
        self._keys = keys  # sorted feature ids that have at least one condition
        self._offsets = offsets  # positions[offsets[i]:offsets[i+1]] belong to keys[i]
        self._positions = positions
        self._position_of = position_of  # condition id -> position, or -1 if not published
        self.mentions = mentions
        self.features = features  # published ones
        self.conditions = conditions  # published ones
        self.tickable = tickable  # what a URL may name: slugs, HPO ids, alt and obsolete ids
        self.tickable_ids = frozenset(tickable.values())

    @classmethod
    def build(cls, version: str) -> MatchIndex:
        conditions, condition_traits = _conditions_in_name_order()
        condition_ids = np.fromiter(conditions, dtype=np.int64, count=len(conditions))
        position_of = np.full(int(condition_ids.max(initial=0)) + 1, -1, dtype=np.int64)
        position_of[condition_ids] = np.arange(len(condition_ids))
        traits = ConditionTraits(len(condition_ids))
        for position, (reviewed, sources, onsets, inheritance) in enumerate(condition_traits):
            traits.reviewed[position] = reviewed
            traits.set(position, "source", sources)
            traits.set(position, "onset", onsets)
            traits.set(position, "inheritance", inheritance)
        features = {}
        in_name_order = []
        tickable: dict[str, int] = {}  # slug or HPO id (or an alt or obsolete id) -> feature id
        columns = ("pk", "name", "plain_name", "slug", "hpo_id", "is_published", "is_phenotype")
        for pk, name, plain_name, slug, hpo_id, published, phenotype in Feature.objects.order_by(
            "name", "pk"
        ).values_list(*columns):
            in_name_order.append(pk)
            if published:
                features[pk] = FeatureSummary(pk, name, plain_name, slug, hpo_id or "")
                if phenotype:
                    tickable[slug] = pk
                    if hpo_id:
                        tickable[hpo_id.upper()] = pk
        parents: dict[int, list[int]] = {}  # published feature -> its published parents
        for child, parent in Feature.parents.through.objects.values_list(
            "from_feature_id", "to_feature_id"
        ).order_by():
            if child in features and parent in features:
                parents.setdefault(child, []).append(parent)
        for alias, pk in (
            FeatureAlias.objects.filter(feature__in=Feature.objects.tickable())
            .order_by("hpo_id", "kind", "feature__name")
            .values_list("hpo_id", "feature_id")
        ):
            tickable.setdefault(alias.upper(), pk)

        rows, frequencies, annotations = _mention_rows()
        in_range = rows[:, 2] < len(position_of)
        mention_positions = np.full(len(rows), -1, dtype=np.int64)
        mention_positions[in_range] = position_of[rows[in_range, 2]]
        on_published = mention_positions >= 0
        rows, mention_positions = rows[on_published], mention_positions[on_published]
        closure = np.array(
            FeatureClosure.objects.values_list("descendant_id", "ancestor_id").order_by(),
            dtype=np.int64,
        ).reshape(-1, 2)
        mentions = MentionTable.build(
            rows,
            mention_positions,
            len(condition_ids),
            closure,
            np.array(in_name_order, dtype=np.int64),
            frequencies=frequencies,
            annotations=annotations,
            sources=cited_sources(),
        )

        # Each mention counts for every ancestor of its feature: expand through the closure table.
        present = rows[:, 3] == 0
        mention_features, mention_positions = rows[present, 1], mention_positions[present]
        band_ranks = np.array([band_rank(band) for *_, band in frequencies], dtype=np.int8)
        mention_ranks = band_ranks[rows[present, 4]] if len(band_ranks) else band_ranks
        closure = closure[np.argsort(closure[:, 0], kind="stable")]
        starts = np.searchsorted(closure[:, 0], mention_features, side="left")
        ends = np.searchsorted(closure[:, 0], mention_features, side="right")
        lengths = ends - starts
        repeat_positions = np.repeat(mention_positions, lengths)
        repeat_ranks = np.repeat(mention_ranks, lengths)
        ancestors = closure[_runs(starts, lengths), 1]

        # One entry per (feature, condition), keeping the highest frequency recorded below it.
        width = np.int64(len(condition_ids) + 1)
        pairs = ancestors * width + repeat_positions
        order = np.lexsort((-repeat_ranks, pairs))  # by pair, the highest rank first
        pairs, repeat_ranks = pairs[order], repeat_ranks[order]
        firsts = _group_starts(pairs) if len(pairs) else np.empty(0, dtype=np.int64)
        combined, best = pairs[firsts], repeat_ranks[firsts]
        feature_of = combined // width
        positions = (combined % width).astype(np.int32)
        keys, first = np.unique(feature_of, return_index=True)
        offsets = np.append(first, len(positions)).astype(np.int64)
        return cls(
            version,
            condition_ids,
            keys,
            offsets,
            positions,
            position_of,
            mentions,
            features,
            conditions,
            tickable,
            best=best,
            traits=traits,
            parents=parents,
        )

    def _span(self, feature_id: int) -> slice:
        i = int(np.searchsorted(self._keys, feature_id))
        if i == len(self._keys) or self._keys[i] != feature_id:
            return slice(0, 0)
        return slice(self._offsets[i], self._offsets[i + 1])

    def positions_for(self, feature_id: int) -> np.ndarray:
        return self._positions[self._span(feature_id)]

    def count(self, feature_id: int) -> int:
        """How many published conditions' sources mention the feature or a more specific one."""
        span = self._span(feature_id)
        return span.stop - span.start

    def rank(
        self,
        feature_ids: Sequence[int],
        order: str = Order.FREQUENCY,
        filters: Filters = NO_FILTERS,
    ) -> Ranking:
        """Conditions mentioning any of the features, in ordering.result_key's order, as
        arrays: each (feature, condition) entry weighs the number of features, then its band
        in a digit of base k + 1, so no sum of lower bands can reach a higher one."""
        spans = [self._span(f) for f in dict.fromkeys(feature_ids)]
        spans = [s for s in spans if s.stop > s.start]
        if not spans:
            return EMPTY
        positions = np.concatenate([self._positions[s] for s in spans])
        counts = np.bincount(positions, minlength=len(self.condition_ids))
        hit = np.flatnonzero(counts)  # ascending position = name order
        facets = self.traits.facets(filters, hit)
        if filters:
            hit = hit[self.traits.mask(filters, hit)]
        if order == Order.NAME:
            keys = counts
        else:
            base = len(spans) + 1
            weights = base ** np.arange(len(BAND_RANK) + 1, dtype=np.float64)  # exact below 2**53
            weights[NOT_RECORDED_RANK] = 0
            best = np.concatenate([self._best[s] for s in spans])
            keys = np.bincount(positions, weights=weights[best], minlength=len(self.condition_ids))
            keys += counts * base ** (len(BAND_RANK) + 1)
        ordered = hit[np.argsort(-keys[hit], kind="stable")]  # names stay in order within a key
        return Ranking(self.condition_ids[ordered], counts[ordered].astype(np.int32), facets)

    def evidence(
        self, condition_ids: Sequence[int], ticked_ids: Sequence[int], per_feature: int
    ) -> Evidence:
        """The mentions that explain `condition_ids` (a page) for the ticked features."""
        evidence = Evidence()
        if not len(condition_ids) or not len(ticked_ids):
            return evidence
        ids = np.asarray(condition_ids, dtype=np.int64)
        ids = ids[ids < len(self._position_of)]
        positions = self._position_of[ids]
        ids, positions = ids[positions >= 0], positions[positions >= 0]
        self.mentions.explain(
            ids, positions, list(dict.fromkeys(ticked_ids)), per_feature, evidence
        )
        return evidence

    def mention_summaries(self, rows: set[int]) -> dict[int, MentionSummary]:
        """What the page shows of the given mentions (rows of the MentionTable), by row."""
        table = self.mentions
        at = np.fromiter(rows, dtype=np.int64, count=len(rows))
        columns = zip(
            at.tolist(),
            table.mention_ids[at].tolist(),
            table.features[at].tolist(),
            table.absent[at].tolist(),
            table.frequency_of[at].tolist(),
            table.annotation_of[at].tolist(),
            strict=True,
        )
        return {
            row: MentionSummary(
                pk,
                self.features[feature],
                absent,
                table.frequencies[frequency],
                table.annotations[annotation],
                table.sources.get(pk, ()),
            )
            for row, pk, feature, absent, frequency, annotation in columns
        }

    @property
    def nbytes(self) -> int:
        arrays = (self.condition_ids, self._keys, self._offsets, self._positions, self._best)
        return sum(a.nbytes for a in arrays) + self.mentions.nbytes


class MentionTable:
    """Every mention of a published feature on a published condition, grouped by condition, with
    what a page shows of it, the is_a closure by ancestor and each feature's place in name order."""

    def __init__(self, **columns):
        self.offsets = columns["offsets"]  # position -> its mentions' range below
        self.mention_ids = columns["mention_ids"]
        self.features = columns["features"]
        self.absent = columns["absent"]
        self.frequency_of = columns["frequency_of"]  # -> frequencies: (kind, label, band)
        self.frequencies = columns["frequencies"]
        self.annotation_of = columns["annotation_of"]  # -> annotations: (evidence, references)
        self.annotations = columns["annotations"]
        self.sources = columns["sources"]  # mention id -> curated sources
        self.below_keys = columns["below_keys"]  # sorted ancestor ids
        self.below_offsets = columns["below_offsets"]
        self.below = columns["below"]  # descendants (the feature itself included) per ancestor
        self.name_rank = columns["name_rank"]  # feature id -> place in name order
        # frequency -> ordering.band_rank of its band
        self.band_ranks = np.array([band_rank(band) for *_, band in self.frequencies] or [0])

    @classmethod
    def build(
        cls,
        rows: np.ndarray,
        positions: np.ndarray,
        condition_count: int,
        closure: np.ndarray,
        features_by_name: np.ndarray,
        **tables,
    ) -> MentionTable:
        order = np.argsort(positions, kind="stable")
        counts = np.bincount(positions, minlength=condition_count)
        by_ancestor = closure[np.lexsort((closure[:, 0], closure[:, 1]))]
        below_keys, first = np.unique(by_ancestor[:, 1], return_index=True)
        name_rank = np.zeros(int(features_by_name.max(initial=0)) + 1, dtype=np.int32)
        name_rank[features_by_name] = np.arange(len(features_by_name), dtype=np.int32)
        return cls(
            offsets=np.r_[0, np.cumsum(counts)].astype(np.int64),
            mention_ids=rows[order, 0],
            features=rows[order, 1].astype(np.int32),
            absent=rows[order, 3].astype(bool),
            frequency_of=rows[order, 4].astype(np.int32),
            annotation_of=rows[order, 5].astype(np.int32),
            below_keys=below_keys,
            below_offsets=np.append(first, len(by_ancestor)).astype(np.int64),
            below=by_ancestor[:, 0].astype(np.int32),
            name_rank=name_rank,
            **tables,
        )

    def descendants(self, feature_id: int) -> np.ndarray:
        i = int(np.searchsorted(self.below_keys, feature_id))
        if i == len(self.below_keys) or self.below_keys[i] != feature_id:
            return self.below[:0]
        return self.below[self.below_offsets[i] : self.below_offsets[i + 1]]

    def explain(
        self,
        condition_ids: np.ndarray,
        positions: np.ndarray,
        ticked_ids: list[int],
        per_feature: int,
        evidence: Evidence,
    ) -> None:
        starts = self.offsets[positions]
        lengths = self.offsets[positions + 1] - starts
        rows = _runs(starts, lengths)
        if not len(rows):
            return
        owner = np.repeat(condition_ids, lengths)  # condition id of each row
        features = self.features[rows]
        absent = self.absent[rows]
        name_rank = self.name_rank[features].astype(np.int64)
        ranks = self.band_ranks[self.frequency_of[rows]].astype(np.int64)
        # Sort key within a condition: the ticked feature's own mention, then by feature name.
        span = np.int64(len(self.name_rank) + 1)
        covered_by = np.zeros(len(self.name_rank), dtype=bool)
        for ticked in ticked_ids:
            below = self.descendants(ticked)
            below = below[below < len(covered_by)]
            if not len(below):
                continue
            covered_by[below] = True
            hit = np.flatnonzero(covered_by[features])
            covered_by[below] = False
            if not len(hit):
                continue
            key = (
                (len(BAND_RANK) - ranks[hit]) * 2 * span  # the highest frequency recorded first
                + (features[hit] != ticked) * span  # then the ticked feature's own mention
                + name_rank[hit]
            )
            hit = hit[np.lexsort((key, owner[hit]))]  # by condition, then by the key
            for rows_of, target in ((hit[~absent[hit]], "shown"), (hit[absent[hit]], "absent")):
                if not len(rows_of):
                    continue
                owners = owner[rows_of]
                firsts = _group_starts(owners)
                ends = np.append(firsts[1:], len(rows_of))
                ordered_rows = rows[rows_of].tolist()
                for condition_id, first, end in zip(
                    owners[firsts].tolist(), firsts.tolist(), ends.tolist(), strict=True
                ):
                    if target == "shown":
                        shown = ordered_rows[first : min(end, first + per_feature)]
                        evidence.shown[condition_id, ticked] = shown
                        evidence.totals[condition_id, ticked] = end - first
                    else:
                        evidence.absent[condition_id, ticked] = ordered_rows[first]
        for key in evidence.shown.keys() & evidence.absent.keys():
            del evidence.absent[key]  # absence is worth saying only where nothing else covers

    @property
    def nbytes(self) -> int:
        """The arrays' size (the tables of distinct strings come on top)."""
        return sum(a.nbytes for a in vars(self).values() if isinstance(a, np.ndarray))


def _return_freed_memory() -> None:
    """glibc keeps the heap pages a build has freed (its temporaries are ten times the index);
    hand them back to the system, or every worker would stay at its peak. A no-op elsewhere."""
    gc.collect()  # query machinery leaves reference cycles holding the rows
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _build(version: str) -> MatchIndex:
    built = MatchIndex.build(version)
    _return_freed_memory()
    return built


_current = content_version.PerVersion(_build, shared="match")


def current_index() -> MatchIndex:
    """The index for the current content, rebuilt (once per process) after any change."""
    return _current.get()


def rank(
    feature_ids: Sequence[int], order: str = Order.FREQUENCY, filters: Filters = NO_FILTERS
) -> Ranking:
    if not feature_ids:
        return EMPTY
    return current_index().rank(feature_ids, order, filters)
