"""What a URL may name as a ticked feature, and each published feature's published parents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .compact import IdLists, IdSet, StringKeys


@dataclass(frozen=True)
class FeatureIds:
    tickable: StringKeys  # slug, HPO id, alt or obsolete id (upper case) -> feature id
    tickable_ids: IdSet
    parents: IdLists  # published feature -> its published parents

    @classmethod
    def of(cls, tickable: Mapping[str, int], parents: Mapping[int, Sequence[int]]) -> FeatureIds:
        return cls(StringKeys.of(tickable), IdSet.of(tickable.values()), IdLists.of(parents))

    def resolve(self, value: str) -> int | None:
        """The tickable feature a URL value names: a slug as written, an HPO id in any case."""
        pk = self.tickable.get(value)
        if pk is None and value[:3].upper() == "HP:":
            pk = self.tickable.get(value.upper())
        return pk
