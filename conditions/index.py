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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import content_version
from .models import (
    Condition,
    Feature,
    FeatureAlias,
    FeatureClosure,
    Mention,
    frequency_band,
    frequency_label,
)
from .summaries import ConditionSummary, FeatureSummary, MentionSummary, SourceSummary


@dataclass(frozen=True)
class Ranking:
    """Conditions in result order, with how many ticked features each mentions."""

    condition_ids: np.ndarray  # int64
    matched: np.ndarray  # int32, same length

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


@dataclass
class Evidence:
    """Which mentions (rows of the index's MentionTable) explain a page of results, by
    (condition id, ticked feature id).

    `shown` lists the first mentions covering the pair (the ticked feature's own mention first,
    then more specific ones by feature name); `totals` counts all that cover it. `absent` names one
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


def _curated_sources() -> dict[int, tuple[SourceSummary, ...]]:
    """The sources staff cite, by mention id (HPO mentions carry references instead)."""
    cited: dict[int, list[SourceSummary]] = {}
    for mention_id, *source in Mention.sources.through.objects.order_by(
        "mention_id", "source__title"
    ).values_list("mention_id", "source__title", "source__url", "source__publisher"):
        cited.setdefault(mention_id, []).append(SourceSummary(*source))
    return {pk: tuple(sources) for pk, sources in cited.items()}


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
    ):
        self.version = version
        self.condition_ids = condition_ids  # position -> condition id, in name order
        self._keys = keys  # sorted feature ids that have at least one condition
        self._offsets = offsets  # positions[offsets[i]:offsets[i+1]] belong to keys[i]
        self._positions = positions
        self._position_of = position_of  # condition id -> position, or -1 if not published
        self.mentions = mentions
        self.features = features  # published ones
        self.conditions = conditions  # published ones
        self.tickable = tickable  # what a URL may name: slugs, HPO ids, alt and obsolete ids

    @classmethod
    def build(cls, version: str) -> MatchIndex:
        conditions = {
            row[0]: ConditionSummary(*row)
            for row in Condition.objects.published()
            .order_by("name", "pk")
            .values_list("pk", "name", "slug", "summary")
        }
        condition_ids = np.fromiter(conditions, dtype=np.int64, count=len(conditions))
        position_of = np.full(int(condition_ids.max(initial=0)) + 1, -1, dtype=np.int64)
        position_of[condition_ids] = np.arange(len(condition_ids))
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
            sources=_curated_sources(),
        )

        # Each mention counts for every ancestor of its feature: expand through the closure table.
        present = rows[:, 3] == 0
        mention_features, mention_positions = rows[present, 1], mention_positions[present]
        closure = closure[np.argsort(closure[:, 0], kind="stable")]
        starts = np.searchsorted(closure[:, 0], mention_features, side="left")
        ends = np.searchsorted(closure[:, 0], mention_features, side="right")
        lengths = ends - starts
        repeat_positions = np.repeat(mention_positions, lengths)
        ancestors = closure[_runs(starts, lengths), 1]

        width = np.int64(len(condition_ids) + 1)
        combined = np.unique(ancestors * width + repeat_positions)  # sorted, duplicates gone
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
        )

    def positions_for(self, feature_id: int) -> np.ndarray:
        i = int(np.searchsorted(self._keys, feature_id))
        if i == len(self._keys) or self._keys[i] != feature_id:
            return self._positions[:0]
        return self._positions[self._offsets[i] : self._offsets[i + 1]]

    def rank(self, feature_ids: Sequence[int]) -> Ranking:
        rows = [self.positions_for(f) for f in dict.fromkeys(feature_ids)]
        rows = [r for r in rows if len(r)]
        if not rows:
            return EMPTY
        if len(rows) == 1:  # already in name order, each mentioning the one feature
            return Ranking(self.condition_ids[rows[0]], np.ones(len(rows[0]), dtype=np.int32))
        counts = np.bincount(np.concatenate(rows), minlength=len(self.condition_ids))
        hit = np.flatnonzero(counts)  # ascending position = name order
        order = np.argsort(-counts[hit], kind="stable")  # most features first, names kept in order
        ordered = hit[order]
        return Ranking(self.condition_ids[ordered], counts[ordered].astype(np.int32))

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
        arrays = (self.condition_ids, self._keys, self._offsets, self._positions)
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
            key = (features[hit] != ticked) * span + name_rank[hit]
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


def rank(feature_ids: Sequence[int]) -> Ranking:
    if not feature_ids:
        return EMPTY
    return current_index().rank(feature_ids)
