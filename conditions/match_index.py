"""The match index of one content version: its four parts, each with one job.

- `ranker` (ranking.py): which published conditions mention the ticked features, in order;
- `mentions` (evidence.py): which mentions explain a page of results;
- `display` (display.py): what the page shows of features, conditions and mentions;
- `ids` (feature_ids.py): what a URL may name, and each feature's parents.

Built from the database by index_build.py; the current one comes from index.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .display import DisplayTables
from .evidence import Evidence, MentionTable
from .feature_ids import FeatureIds
from .ordering import Order
from .ranking import NO_FILTERS, Filters, Ranker, Ranking
from .summaries import ConditionSummary, FeatureSummary, MentionSummary


@dataclass(frozen=True)
class MatchIndex:
    version: str
    ranker: Ranker
    mentions: MentionTable
    display: DisplayTables
    ids: FeatureIds

    @property
    def condition_ids(self) -> np.ndarray:
        """Published condition ids in human name order."""
        return self.ranker.condition_ids

    @property
    def features(self) -> Mapping[int, FeatureSummary]:
        return self.display.features

    @property
    def conditions(self) -> Mapping[int, ConditionSummary]:
        return self.display.conditions

    @property
    def tickable(self) -> Mapping[str, int]:
        return self.ids.tickable

    @property
    def tickable_ids(self) -> frozenset[int]:
        return self.ids.tickable_ids

    @property
    def parents(self) -> Mapping[int, tuple[int, ...]]:
        return self.ids.parents

    def count(self, feature_id: int) -> int:
        """How many published conditions' sources mention the feature or a more specific one."""
        return self.ranker.count(feature_id)

    def rank(
        self,
        feature_ids: Sequence[int],
        order: str = Order.FREQUENCY,
        filters: Filters = NO_FILTERS,
    ) -> Ranking:
        return self.ranker.rank(feature_ids, order, filters)

    def evidence(
        self, condition_ids: Sequence[int], ticked_ids: Sequence[int], per_feature: int
    ) -> Evidence:
        return self.mentions.explain(condition_ids, ticked_ids, per_feature)

    def mention_summaries(self, rows: Iterable[int]) -> dict[int, MentionSummary]:
        return self.display.mention_summaries(self.mentions, rows)

    @property
    def nbytes(self) -> int:
        """The arrays' size (the display tables and ids come on top)."""
        return self.ranker.nbytes + self.mentions.nbytes
