"""Which mentions explain a page of results: numpy arrays only, no database.

Every mention of a published feature on a published condition, grouped by condition position,
with the is_a closure by ancestor, so the mentions covering each (condition, ticked feature) are
found and put in the order the page shows them without a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .array_runs import group_starts, runs
from .ordering import BAND_RANK


@dataclass(frozen=True)
class Evidence:
    """Which mentions (rows of a MentionTable) explain a page of results, by
    (condition id, ticked feature id).

    `shown` lists the first mentions covering the pair (the highest frequency recorded first, as
    the order counts it; among equals the ticked feature's own mention, then by feature name);
    `totals` counts all that cover it. `absent` names one documented-absent mention at or below
    the ticked feature, for pairs nothing else covers.
    """

    shown: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    totals: dict[tuple[int, int], int] = field(default_factory=dict)
    absent: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def rows(self) -> set[int]:
        wanted = {row for rows in self.shown.values() for row in rows}
        wanted.update(self.absent.values())
        return wanted


@dataclass(frozen=True)
class MentionTable:
    """Mentions grouped by condition position (rows), the closure by ancestor, and each feature's
    place in name order."""

    position_of: np.ndarray  # int64: condition id -> position, or -1 if not published
    offsets: np.ndarray  # int64: position -> its rows, offsets[p]:offsets[p + 1]
    mention_ids: np.ndarray  # int64, per row
    features: np.ndarray  # int32, per row
    absent: np.ndarray  # bool, per row: documented absent
    frequency_of: np.ndarray  # int32, per row: -> the index's distinct frequencies
    annotation_of: np.ndarray  # int32, per row: -> the index's distinct HPO annotations
    band_ranks: np.ndarray  # int8: frequency -> ordering.band_rank of its band
    below_keys: np.ndarray  # int64: sorted ancestor ids
    below_offsets: np.ndarray  # int64
    below: np.ndarray  # int32: descendants (the feature itself included) per ancestor
    name_rank: np.ndarray  # int32: feature id -> place in name order

    @classmethod
    def build(
        cls,
        rows: np.ndarray,
        position_of: np.ndarray,
        condition_count: int,
        closure: np.ndarray,
        features_by_name: np.ndarray,
        band_ranks: np.ndarray,
    ) -> MentionTable:
        """`rows`: (mention id, feature, condition id, absent, frequency, annotation) of mentions
        on published conditions; `closure`: (descendant, ancestor) rows."""
        positions = position_of[rows[:, 2]]
        order = np.argsort(positions, kind="stable")
        counts = np.bincount(positions, minlength=condition_count)
        by_ancestor = closure[np.lexsort((closure[:, 0], closure[:, 1]))]
        below_keys, first = np.unique(by_ancestor[:, 1], return_index=True)
        name_rank = np.zeros(int(features_by_name.max(initial=0)) + 1, dtype=np.int32)
        name_rank[features_by_name] = np.arange(len(features_by_name), dtype=np.int32)
        return cls(
            position_of=position_of,
            offsets=np.r_[0, np.cumsum(counts)].astype(np.int64),
            mention_ids=rows[order, 0].astype(np.int64),
            features=rows[order, 1].astype(np.int32),
            absent=rows[order, 3].astype(bool),
            frequency_of=rows[order, 4].astype(np.int32),
            annotation_of=rows[order, 5].astype(np.int32),
            band_ranks=np.asarray(band_ranks, dtype=np.int8),
            below_keys=below_keys.astype(np.int64),
            below_offsets=np.append(first, len(by_ancestor)).astype(np.int64),
            below=by_ancestor[:, 0].astype(np.int32),
            name_rank=name_rank,
        )

    def descendants(self, feature_id: int) -> np.ndarray:
        i = int(np.searchsorted(self.below_keys, feature_id))
        if i == len(self.below_keys) or self.below_keys[i] != feature_id:
            return self.below[:0]
        return self.below[self.below_offsets[i] : self.below_offsets[i + 1]]

    def explain(
        self, condition_ids: Sequence[int], ticked_ids: Sequence[int], per_feature: int
    ) -> Evidence:
        """The mentions that explain `condition_ids` (a page) for the ticked features, keeping
        `per_feature` per (condition, ticked feature). Unpublished conditions have none."""
        evidence = Evidence()
        if not len(condition_ids) or not len(ticked_ids):
            return evidence
        ids = np.asarray(condition_ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self.position_of))]
        positions = self.position_of[ids]
        ids, positions = ids[positions >= 0], positions[positions >= 0]
        starts = self.offsets[positions]
        lengths = self.offsets[positions + 1] - starts
        rows = runs(starts, lengths)
        if not len(rows):
            return evidence
        owner = np.repeat(ids, lengths)  # condition id of each row
        features = self.features[rows]
        absent = self.absent[rows]
        name_rank = self.name_rank[features].astype(np.int64)
        ranks = self.band_ranks[self.frequency_of[rows]].astype(np.int64)
        # Sort key within a condition: the ticked feature's own mention, then by feature name.
        span = np.int64(len(self.name_rank) + 1)
        covered_by = np.zeros(len(self.name_rank), dtype=bool)
        for ticked in dict.fromkeys(ticked_ids):
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
                firsts = group_starts(owners)
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
        return evidence

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in vars(self).values() if isinstance(a, np.ndarray))
