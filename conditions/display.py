"""What a results page shows of the match index's features, conditions and mentions.

The strings behind `summaries`' read-only views, for the current content, so a page of results
is assembled without the database. Held compactly (compact.py): workers map them from the
snapshot file rather than each keeping its own dicts of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .compact import Records, Summaries
from .evidence import MentionTable
from .summaries import ConditionSummary, FeatureSummary, MentionSummary, SourceSummary

Frequency = tuple[str, str, str]  # kind, label, band
Annotation = tuple[str, str]  # HPO evidence code, references


@dataclass(frozen=True)
class DisplayTables:
    features: Summaries[FeatureSummary]  # published ones
    conditions: Summaries[ConditionSummary]  # published ones, in human name order
    frequencies: tuple[Frequency, ...]  # distinct ones, as MentionTable.frequency_of numbers them
    annotations: Records[Annotation]  # distinct ones, as MentionTable.annotation_of does
    sources: Mapping[int, tuple[SourceSummary, ...]]  # mention id -> curated sources cited

    @classmethod
    def of(
        cls,
        features: Sequence[FeatureSummary],
        conditions: Sequence[ConditionSummary],
        frequencies: Sequence[Frequency],
        annotations: Sequence[Annotation],
        sources: Mapping[int, tuple[SourceSummary, ...]],  # a few hundred: kept as they are
    ) -> DisplayTables:
        return cls(
            features=Summaries.of(features, FeatureSummary),
            conditions=Summaries.of(conditions, ConditionSummary),
            frequencies=tuple(frequencies),
            annotations=Records.of(annotations, 2),
            sources=sources,
        )

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
        features: dict[int, FeatureSummary] = {}  # each decoded once (compact.Summaries)
        return {
            row: MentionSummary(
                pk,
                features.get(feature) or features.setdefault(feature, self.features[feature]),
                absent,
                self.frequencies[frequency],
                self.annotations[annotation],
                self.sources.get(pk, ()),
            )
            for row, pk, feature, absent, frequency, annotation in columns
        }
