"""What a results page shows of the match index's features, conditions and mentions.

The strings behind `summaries`' read-only views, for the current content, so a page of results
is assembled without the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .evidence import MentionTable
from .summaries import ConditionSummary, FeatureSummary, MentionSummary, SourceSummary

Frequency = tuple[str, str, str]  # kind, label, band
Annotation = tuple[str, str]  # HPO evidence code, references


@dataclass(frozen=True)
class DisplayTables:
    features: Mapping[int, FeatureSummary]  # published ones
    conditions: Mapping[int, ConditionSummary]  # published ones, in human name order
    frequencies: tuple[Frequency, ...]  # distinct ones, as MentionTable.frequency_of numbers them
    annotations: tuple[Annotation, ...]  # distinct ones, as MentionTable.annotation_of does
    sources: Mapping[int, tuple[SourceSummary, ...]]  # mention id -> curated sources cited

    def mention_summaries(
        self, table: MentionTable, rows: Iterable[int]
    ) -> dict[int, MentionSummary]:
        """What the page shows of the given mentions (rows of the MentionTable), by row."""
        rows = list(rows)
        at = np.asarray(rows, dtype=np.int64)
        columns = zip(
            rows,
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
                self.frequencies[frequency],
                self.annotations[annotation],
                self.sources.get(pk, ()),
            )
            for row, pk, feature, absent, frequency, annotation in columns
        }
