"""An in-process index for ranking conditions by the ticked features they mention.

For every feature it holds the sorted positions of the published conditions whose sources mention
that feature or anything more specific (the true path rule), documented-absent mentions excluded.
Positions follow condition name order, so ranking k features is one bincount and a stable sort,
with no database round trip. The index is rebuilt whenever the content version changes, so
admin edits and imports show at once; each process keeps its own copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import content_version
from .models import Condition, FeatureClosure, Mention


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


class MatchIndex:
    def __init__(
        self,
        version: str,
        condition_ids: np.ndarray,
        keys: np.ndarray,
        offsets: np.ndarray,
        positions: np.ndarray,
    ):
        self.version = version
        self.condition_ids = condition_ids  # position -> condition id, in name order
        self._keys = keys  # sorted feature ids that have at least one condition
        self._offsets = offsets  # positions[offsets[i]:offsets[i+1]] belong to keys[i]
        self._positions = positions

    @classmethod
    def build(cls, version: str) -> MatchIndex:
        condition_ids = np.fromiter(
            Condition.objects.published().order_by("name", "pk").values_list("pk", flat=True),
            dtype=np.int64,
        )
        position_of = np.full(int(condition_ids.max(initial=0)) + 1, -1, dtype=np.int64)
        position_of[condition_ids] = np.arange(len(condition_ids))

        pairs = np.array(
            Mention.objects.filter(is_absent=False, feature__is_published=True)
            .values_list("feature_id", "condition_id")
            .order_by(),
            dtype=np.int64,
        ).reshape(-1, 2)
        mention_features = pairs[:, 0]
        condition_ids_of_mentions = pairs[:, 1]
        in_range = condition_ids_of_mentions < len(position_of)
        mention_positions = np.full(len(pairs), -1, dtype=np.int64)
        mention_positions[in_range] = position_of[condition_ids_of_mentions[in_range]]
        keep = mention_positions >= 0  # published conditions only
        mention_features, mention_positions = mention_features[keep], mention_positions[keep]

        # Each mention counts for every ancestor of its feature: expand through the closure table.
        closure = np.array(
            FeatureClosure.objects.values_list("descendant_id", "ancestor_id").order_by(),
            dtype=np.int64,
        ).reshape(-1, 2)
        closure = closure[np.argsort(closure[:, 0], kind="stable")]
        starts = np.searchsorted(closure[:, 0], mention_features, side="left")
        ends = np.searchsorted(closure[:, 0], mention_features, side="right")
        lengths = ends - starts
        repeat_positions = np.repeat(mention_positions, lengths)
        # Indices into the closure for each (mention, ancestor) pair, without a Python loop.
        run_starts = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        closure_rows = run_starts + np.arange(int(lengths.sum()))
        ancestors = closure[closure_rows, 1]

        width = np.int64(len(condition_ids) + 1)
        combined = np.unique(ancestors * width + repeat_positions)  # sorted, duplicates gone
        feature_of = combined // width
        positions = (combined % width).astype(np.int32)
        keys, first = np.unique(feature_of, return_index=True)
        offsets = np.append(first, len(positions)).astype(np.int64)
        return cls(version, condition_ids, keys, offsets, positions)

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

    @property
    def nbytes(self) -> int:
        return sum(
            a.nbytes for a in (self.condition_ids, self._keys, self._offsets, self._positions)
        )


_current = content_version.PerVersion(MatchIndex.build)


def current_index() -> MatchIndex:
    """The index for the current content, rebuilt (once per process) after any change."""
    return _current.get()


def rank(feature_ids: Sequence[int]) -> Ranking:
    if not feature_ids:
        return EMPTY
    return current_index().rank(feature_ids)
